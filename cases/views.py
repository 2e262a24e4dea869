"""The staff UI. Every row comes through scoping; every change is checked against the user's role."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from . import reports, scoping
from .exceptions import StaleVersion, TransitionError
from .exports import Column, csv_response, xlsx_response
from .filtersets import CaseFilterSet, EnterpriseFilterSet, ParcelFilterSet
from .forms import (
    CaseForm,
    EnterpriseForm,
    EventForm,
    EvidenceUploadForm,
    MeasureForm,
    ParcelForm,
    TargetForm,
    TransitionForm,
    WithdrawForm,
)
from .history import history_of
from .models import (
    GATED_STATUSES,
    OPEN_STATUSES,
    CaseEvent,
    Category,
    CustodyEvent,
    DisposalCase,
    DisposalTarget,
    EvidenceDocument,
    EvidenceRequirement,
    Membership,
    MonthClose,
    ProblemFlag,
    Status,
    m2_to_mu,
)
from .models.evidence import evidence_chain_warnings, evidence_storage
from .templatetags.parkland import person
from .uploads import read_chunks, stream_zip

Role = Membership.Role
DUE_SOON_DAYS = 14


def require_role(user, park, role: str) -> None:
    """403 unless the user holds `role` in `park` (the row itself was already found through scoping)."""
    if not scoping.has_role(user, park, role):
        raise PermissionDenied


def require_role_somewhere(user, role: str) -> None:
    if not scoping.parks_for(user, role=role).exists():
        raise PermissionDenied


def _invalid(request, template: str, context: dict, status: int = 422):
    return render(request, template, context, status=status)


# Dashboard ------------------------------------------------------------------------------------


def dashboard(request):
    user = request.user
    today = timezone.localdate()
    year = today.year
    cases = scoping.cases_for(user)
    parks = list(scoping.parks_for(user))
    park = parks[0] if len(parks) == 1 else None
    benchmark = DisposalTarget.objects.benchmark_pct(park=park, year=year)
    figures = cases.rate_figures(year=year, as_of=today)

    by_status = {
        row["status"]: row
        for row in cases.open()
        .order_by()
        .values("status")
        .annotate(count=Count("pk"), area=Sum("case_area_m2"))
    }
    status_rows = [
        {
            "status": status,
            "count": by_status.get(status, {}).get("count", 0),
            "area": by_status.get(status, {}).get("area") or 0,
        }
        for status in OPEN_STATUSES
    ]
    flag_totals = cases.open().aggregate(
        **{f"{flag.value}_count": Count("pk", filter=Q(**{flag.value: True})) for flag in ProblemFlag},
        **{f"{flag.value}_area": Sum("case_area_m2", filter=Q(**{flag.value: True})) for flag in ProblemFlag},
    )
    flag_rows = [
        {
            "flag": flag,
            "count": flag_totals[f"{flag.value}_count"],
            "area": flag_totals[f"{flag.value}_area"] or 0,
        }
        for flag in ProblemFlag
    ]
    events = scoping.events_for(user).select_related("case__parcel__park", "case__officer")
    context = {
        "year": year,
        "today": today,
        "park": park,
        "parks": parks,
        "figures": figures,
        "benchmark": benchmark,
        "gap_pp": figures.gap_pp(benchmark),
        "area_to_benchmark": figures.area_to_benchmark_m2(benchmark),
        "status_rows": status_rows,
        "open_total": sum(r["count"] for r in status_rows),
        "flag_rows": flag_rows,
        "my_cases": cases.open()
        .filter(officer=user)
        .select_related("parcel__park", "parcel__enterprise")
        .order_by("target_on", "number")[:10],
        "overdue": events.overdue(today).order_by("due_on")[:20],
        "due_soon": events.due_within(today, DUE_SOON_DAYS).order_by("due_on")[:20],
        "due_soon_days": DUE_SOON_DAYS,
        "overrides": events.exclude(override_reason="")
        .select_related("actor")
        .order_by("-occurred_on", "-pk")[:10],
        "can_edit": scoping.parks_for(user, role=Role.OFFICER).exists(),
    }
    return render(request, "cases/dashboard.html", context)


# Lists ----------------------------------------------------------------------------------------


class ScopedListView(ListView):
    """A filtered, sorted, paginated list of the user's rows that exports exactly what it shows.

    Each list gives `base_queryset()`: its rows, through scoping, with what its columns need joined.
    """

    filterset_class = None
    columns: list[Column] = []
    default_sort = ""
    paginate_by = 25
    export_name = "export"
    export_title = ""
    area_field = None

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), user=self.request.user
        )
        queryset = self.filterset.qs
        sorts = {c.key: c.sort for c in self.columns if c.sort}
        requested = self.request.GET.get("sort", "")
        key = requested.lstrip("-")
        if key in sorts:
            self.sort = requested
            ordering = sorts[key]
            return queryset.order_by(f"-{ordering}" if requested.startswith("-") else ordering, "pk")
        self.sort = ""
        return queryset.order_by(*self.default_sort.split(","), "pk") if self.default_sort else queryset

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        raw = self.request.GET.get("page", "1")
        number = int(raw) if raw.isdigit() and int(raw) > 0 else 1
        if number > paginator.num_pages:
            raise Http404(_g("There is no page %(page)s of this list.") % {"page": number})
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        export = kwargs.get("export")
        if export not in (None, "csv", "xlsx"):
            raise Http404
        if export:
            rows = self.get_queryset()
            if export == "csv":
                return csv_response(self.columns, rows, self.export_name)
            return xlsx_response(self.columns, rows, self.export_name, title=str(self.export_title))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        totals = {"count": Count("pk")}
        if self.area_field:
            totals["area"] = Sum(self.area_field)
        totals = self.object_list.order_by().aggregate(**totals)
        show_park = scoping.parks_for(self.request.user).count() > 1
        context.update(
            filterset=self.filterset,
            columns=[c for c in self.columns if c.in_table and (show_park or c.key != "park")],
            show_park=show_park,
            sort=self.sort,
            filter_query=params.urlencode(),
            total_count=totals["count"],
            total_area=totals.get("area") or 0,
            total_area_mu=m2_to_mu(totals.get("area") or 0),
            can_edit=scoping.parks_for(self.request.user, role=Role.OFFICER).exists(),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in {"page", "sort"}),
        )
        return context


def _label(model, field: str) -> str:
    return model._meta.get_field(field).verbose_name


CASE_COLUMNS = [
    Column("number", _label(DisposalCase, "number"), lambda c: c.number, "number"),
    Column("park", _("park"), lambda c: c.parcel.park.code, "parcel__park__code"),
    Column("parcel", _("parcel number"), lambda c: c.parcel.code, "parcel__code"),
    Column("location", _("location"), lambda c: c.parcel.location, "parcel__location", in_table=False),
    Column(
        "enterprise",
        _("land user"),
        lambda c: c.parcel.enterprise.name if c.parcel.enterprise else "",
        "parcel__enterprise__name",
    ),
    Column("category", _label(DisposalCase, "category"), lambda c: c.get_category_display(), "category"),
    Column("status", _label(DisposalCase, "status"), lambda c: c.get_status_display(), "status"),
    Column("case_area_m2", _label(DisposalCase, "case_area_m2"), lambda c: c.case_area_m2, "case_area_m2"),
    Column("case_area_mu", _("area under disposal (mu)"), lambda c: c.case_area_mu, in_table=False),
    Column(
        "opened_on", _label(DisposalCase, "opened_on"), lambda c: c.opened_on, "opened_on", in_table=False
    ),
    Column(
        "identified_on", _label(DisposalCase, "identified_on"), lambda c: c.identified_on, "identified_on"
    ),
    Column(
        "disposal_method",
        _label(DisposalCase, "disposal_method"),
        lambda c: c.get_disposal_method_display(),
        "disposal_method",
    ),
    Column("disposed_on", _label(DisposalCase, "disposed_on"), lambda c: c.disposed_on, "disposed_on"),
    Column(
        "disposed_area_m2",
        _label(DisposalCase, "disposed_area_m2"),
        lambda c: c.disposed_area_m2,
        "disposed_area_m2",
    ),
    Column(
        "officer",
        _label(DisposalCase, "officer"),
        lambda c: person(c.officer) if c.officer else "",
        "officer__username",
    ),
]


class CaseListView(ScopedListView):
    filterset_class = CaseFilterSet
    template_name = "cases/case_list.html"
    columns = CASE_COLUMNS
    default_sort = "-opened_on,-number"
    export_name = "cases"
    export_title = _("disposal cases")
    area_field = "case_area_m2"

    def base_queryset(self):
        return scoping.cases_for(self.request.user).select_related(
            "parcel__park", "parcel__enterprise", "officer"
        )


PARCEL_COLUMNS = [
    Column("code", _("parcel number"), lambda p: p.code, "code"),
    Column("park", _("park"), lambda p: p.park.code, "park__code"),
    Column("location", _("location"), lambda p: p.location, "location", in_table=False),
    Column("area_m2", _("area (m²)"), lambda p: p.area_m2, "area_m2"),
    Column("area_mu", _("area (mu)"), lambda p: p.area_mu, in_table=False),
    Column("land_use", _("land use"), lambda p: p.get_land_use_display(), "land_use"),
    Column(
        "enterprise", _("land user"), lambda p: p.enterprise.name if p.enterprise else "", "enterprise__name"
    ),
    Column("cadastral_code", _("cadastral parcel code"), lambda p: p.cadastral_code, "cadastral_code"),
    Column("agreed_start_on", _("agreed start date"), lambda p: p.agreed_start_on, "agreed_start_on"),
    Column("actual_start_on", _("actual start date"), lambda p: p.actual_start_on, "actual_start_on"),
    Column("open_cases", _("open cases"), lambda p: p.open_cases, "open_cases"),
]


class ParcelListView(ScopedListView):
    filterset_class = ParcelFilterSet
    template_name = "cases/parcel_list.html"
    columns = PARCEL_COLUMNS
    default_sort = "park__code,code"
    export_name = "parcels"
    export_title = _("land parcels")
    area_field = "area_m2"

    def base_queryset(self):
        return (
            scoping.parcels_for(self.request.user)
            .select_related("park", "enterprise")
            .annotate(open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES)))
        )


ENTERPRISE_COLUMNS = [
    Column("name", _("name"), lambda e: e.name, "name"),
    Column("park", _("park"), lambda e: e.park.code, "park__code"),
    Column("credit_code", _("unified social credit code"), lambda e: e.credit_code, "credit_code"),
    Column("contact_person", _("contact person"), lambda e: e.contact_person, "contact_person"),
    Column("contact_phone", _("contact phone"), lambda e: e.contact_phone, None),
    Column("parcel_count", _("parcels"), lambda e: e.parcel_count, "parcel_count"),
    Column("parcel_area", _("land held (m²)"), lambda e: e.parcel_area, "parcel_area"),
]


class EnterpriseListView(ScopedListView):
    filterset_class = EnterpriseFilterSet
    template_name = "cases/enterprise_list.html"
    columns = ENTERPRISE_COLUMNS
    default_sort = "name"
    export_name = "enterprises"
    export_title = _("enterprises")

    def base_queryset(self):
        return (
            scoping.enterprises_for(self.request.user)
            .select_related("park")
            .annotate(parcel_count=Count("parcels"), parcel_area=Sum("parcels__area_m2"))
        )


# Parcels and enterprises ----------------------------------------------------------------------


def parcel_detail(request, pk: int):
    parcel = get_object_or_404(scoping.parcels_for(request.user).select_related("park", "enterprise"), pk=pk)
    context = {
        "parcel": parcel,
        "cases": parcel.cases.select_related("officer").order_by("-opened_on"),
        "history": history_of(parcel),
        "can_edit": scoping.has_role(request.user, parcel.park, Role.OFFICER),
    }
    return render(request, "cases/parcel_detail.html", context)


def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(scoping.enterprises_for(request.user).select_related("park"), pk=pk)
    context = {
        "enterprise": enterprise,
        "parcels": enterprise.parcels.select_related("park").annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES))
        ),
        "cases": DisposalCase.objects.filter(parcel__enterprise=enterprise)
        .select_related("parcel", "officer")
        .order_by("-opened_on"),
        "history": history_of(enterprise),
        "can_edit": scoping.has_role(request.user, enterprise.park, Role.OFFICER),
    }
    return render(request, "cases/enterprise_detail.html", context)


def _edit_object(request, *, form_class, instance, template: str, title, cancel_url: str):
    """Create or edit a parcel or enterprise; the form limits every choice to the user's parks."""
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
            except IntegrityError:
                form.add_error(
                    None, _("Someone else saved a conflicting record at the same moment; try again.")
                )
            else:
                messages.success(request, _("Saved: %(object)s.") % {"object": saved})
                return redirect(saved.get_absolute_url())
        return _invalid(request, template, {"form": form, "title": title, "cancel_url": cancel_url})
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


def parcel_create(request):
    require_role_somewhere(request.user, Role.OFFICER)
    return _edit_object(
        request,
        form_class=ParcelForm,
        instance=None,
        template="cases/parcel_form.html",
        title=_("New parcel"),
        cancel_url=reverse("parcel-list"),
    )


def parcel_edit(request, pk: int):
    parcel = get_object_or_404(scoping.parcels_for(request.user), pk=pk)
    require_role(request.user, parcel.park, Role.OFFICER)
    return _edit_object(
        request,
        form_class=ParcelForm,
        instance=parcel,
        template="cases/parcel_form.html",
        title=_("Edit parcel %(code)s") % {"code": parcel.code},
        cancel_url=parcel.get_absolute_url(),
    )


def enterprise_create(request):
    require_role_somewhere(request.user, Role.OFFICER)
    return _edit_object(
        request,
        form_class=EnterpriseForm,
        instance=None,
        template="cases/enterprise_form.html",
        title=_("New enterprise"),
        cancel_url=reverse("enterprise-list"),
    )


def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(scoping.enterprises_for(request.user), pk=pk)
    require_role(request.user, enterprise.park, Role.OFFICER)
    return _edit_object(
        request,
        form_class=EnterpriseForm,
        instance=enterprise,
        template="cases/enterprise_form.html",
        title=_("Edit %(name)s") % {"name": enterprise.name},
        cancel_url=enterprise.get_absolute_url(),
    )


# Cases ----------------------------------------------------------------------------------------


def _case_or_404(request, number: str):
    return get_object_or_404(
        scoping.cases_for(request.user).select_related(
            "parcel__park", "parcel__enterprise", "officer", "created_by", "updated_by"
        ),
        number=number,
    )


def case_detail(request, number: str):
    case = _case_or_404(request, number)
    user = request.user
    role = scoping.role_in(user, case.parcel.park)
    rank = Membership.rank_of(role)
    transitions = case.transitions_for(user) if rank >= Membership.rank_of(Role.OFFICER) else []
    next_step = next((t for t in case.transitions_from_here() if t.kind == "forward"), None)
    checklist = _next_step_checklist(case)
    events = list(
        case.events.select_related("actor", "evidence").order_by("-occurred_on", "-created_at", "-pk")
    )
    documents = list(
        case.documents.select_related("uploaded_by", "superseded_by", "withdrawn_by").order_by(
            "doc_type", "-uploaded_at"
        )
    )
    today = timezone.localdate()
    deadlines = [e for e in events if e.due_on and not e.due_met_on]
    for event in deadlines:
        event.days_left = (event.due_on - today).days
        event.days_overdue = -event.days_left
    context = {
        "case": case,
        "role": role,
        "can_edit": rank >= Membership.rank_of(Role.OFFICER),
        "is_supervisor": rank >= Membership.rank_of(Role.SUPERVISOR),
        "transitions": [
            {
                "transition": t,
                "label": Status(t.target).label,
                "form": TransitionForm(targets=[(t.target, t.target)]),
            }
            for t in transitions
        ],
        "next_step": next_step,
        "next_step_label": Status(next_step.target).label if next_step else "",
        "checklist": checklist,
        "checklist_missing": sum(1 for _r, met in checklist if not met),
        "events": events,
        "overrides": [e for e in events if e.override_reason],
        "deadlines": sorted(deadlines, key=lambda e: e.due_on),
        "documents": documents,
        "warnings": evidence_chain_warnings(case, documents),
        "measures": case.measures.order_by("-started_on", "-pk"),
        "history": history_of(case),
        "flags": case.flags(),
    }
    return render(request, "cases/case_detail.html", context)


def case_create(request):
    require_role_somewhere(request.user, Role.OFFICER)
    initial = {"opened_on": timezone.localdate(), "officer": request.user.pk}
    if parcel_id := request.GET.get("parcel", ""):
        parcel = (
            scoping.parcels_for(request.user, role=Role.OFFICER).filter(pk=parcel_id).first()
            if parcel_id.isdigit()
            else None
        )
        if parcel:
            initial.update(parcel=parcel.pk, case_area_m2=parcel.area_m2)
    form = CaseForm(request.POST or None, initial=initial, user=request.user)
    context = {"form": form, "title": _("New case"), "cancel_url": reverse("case-list")}
    if request.method == "POST":
        if form.is_valid():
            case = form.save(commit=False)
            case.created_by = case.updated_by = request.user
            case._history_user = request.user
            try:
                with transaction.atomic():
                    case.save()
            except IntegrityError:
                form.add_error("parcel", _("This parcel already has an open case."))
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
                return redirect(case.get_absolute_url())
        return _invalid(request, "cases/case_form.html", context)
    return render(request, "cases/case_form.html", context)


def case_edit(request, number: str):
    case = _case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    context = {
        "form": form,
        "case": case,
        "title": _("Edit case %(number)s") % {"number": case.number},
        "cancel_url": case.get_absolute_url(),
    }
    if request.method == "POST":
        if form.is_valid():
            edited = form.save(commit=False)
            expected = form.cleaned_data.get("version")
            try:
                edited.save_versioned(
                    by=request.user, expected_version=expected if expected else case.version
                )
            except StaleVersion as error:
                form.add_error(None, str(error))
                return _invalid(request, "cases/case_form.html", context, status=409)
            except IntegrityError:
                form.add_error("parcel", _("This parcel already has an open case."))
            else:
                messages.success(request, _("Case %(number)s saved.") % {"number": case.number})
                return redirect(case.get_absolute_url())
        return _invalid(request, "cases/case_form.html", context)
    return render(request, "cases/case_form.html", context)


@require_POST
def case_transition(request, number: str):
    case = _case_or_404(request, number)
    user = request.user
    require_role(user, case.parcel.park, Role.OFFICER)
    with transaction.atomic():
        case = DisposalCase.objects.select_for_update().select_related("parcel__park").get(pk=case.pk)
        targets = [(t.target, Status(t.target).label) for t in case.transitions_for(user)]
        form = TransitionForm(request.POST, targets=targets)
        if not form.is_valid():
            requested = request.POST.get("to", "")
            label = Status(requested).label if requested in Status.values else requested
            messages.error(
                request,
                _("Case %(number)s cannot move to “%(target)s” now, or not by you.")
                % {"number": case.number, "target": label},
            )
            return redirect(case.get_absolute_url())
        try:
            case.transition_to(
                form.cleaned_data["to"],
                by=user,
                reason=form.cleaned_data["reason"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except TransitionError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(case.get_absolute_url())
    messages.success(
        request,
        _("Case %(number)s moved to “%(status)s”.")
        % {"number": case.number, "status": case.get_status_display()},
    )
    return redirect(case.get_absolute_url())


def _case_child_form(request, number: str, *, form_class, template: str, title, success):
    case = _case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    form = form_class(request.POST or None, case=case)
    context = {"form": form, "case": case, "title": title, "cancel_url": case.get_absolute_url()}
    if request.method == "POST":
        if form.is_valid():
            obj = form.save(commit=False)
            if isinstance(obj, CaseEvent):
                obj.actor = request.user
            obj._history_user = request.user
            obj.save()
            messages.success(request, success)
            return redirect(case.get_absolute_url())
        return _invalid(request, template, context)
    return render(request, template, context)


def event_create(request, number: str):
    return _case_child_form(
        request,
        number,
        form_class=EventForm,
        template="cases/event_form.html",
        title=_("Record an event"),
        success=_("The event was added to the timeline."),
    )


def measure_create(request, number: str):
    return _case_child_form(
        request,
        number,
        form_class=MeasureForm,
        template="cases/measure_form.html",
        title=_("Add a revitalisation measure"),
        success=_("The measure was added."),
    )


@require_POST
def event_deadline_met(request, number: str, pk: int):
    """Mark an event's deadline as met today (the reply came, the fee was paid)."""
    case = _case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    event = get_object_or_404(case.events.filter(due_on__isnull=False, due_met_on__isnull=True), pk=pk)
    event.due_met_on = max(timezone.localdate(), event.occurred_on)
    event._history_user = request.user
    event.save(update_fields=["due_met_on"])
    messages.success(request, _("Deadline marked as met: %(title)s.") % {"title": event.title})
    return redirect(case.get_absolute_url())


# Evidence -------------------------------------------------------------------------------------


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _document_or_404(request, pk: int):
    return get_object_or_404(
        scoping.documents_for(request.user).select_related(
            "case__parcel__park", "uploaded_by", "withdrawn_by", "supersedes", "superseded_by"
        ),
        pk=pk,
    )


def evidence_upload(request, number: str):
    case = _case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    supersedes = None
    if (old := request.GET.get("supersedes", "")).isdigit():
        supersedes = get_object_or_404(case.documents.current(), pk=int(old))
    initial = {"obtained_on": timezone.localdate()}
    if supersedes:
        initial.update(
            doc_type=supersedes.doc_type,
            title=supersedes.title,
            issuing_authority=supersedes.issuing_authority,
            document_date=supersedes.document_date,
        )
    form = EvidenceUploadForm(
        request.POST or None,
        request.FILES or None,
        case=case,
        refused=getattr(request, "refused_uploads", []),
        initial=initial,
    )
    context = {
        "form": form,
        "case": case,
        "supersedes": supersedes,
        "title": _("Upload evidence") if not supersedes else _("Upload a new version"),
        "cancel_url": case.get_absolute_url(),
        "checklist": _next_step_checklist(case),
    }
    if request.method != "POST":
        return render(request, "cases/evidence_form.html", context)
    if form.is_valid() and supersedes is not None and len(form.checked) != 1:
        form.add_error("files", _("A new version is one file."))
    if not form.is_valid():
        return _invalid(request, "cases/evidence_form.html", context)
    metadata = form.metadata()
    try:
        documents = EvidenceDocument.objects.store(
            case=case,
            uploads=form.checked,
            by=request.user,
            ip_address=_client_address(request),
            supersedes=supersedes,
            **metadata,
        )
    except IntegrityError:
        form.add_error(
            None,
            _(
                "The case file changed while you uploaded (the same file or a new version was added); "
                "check it and try again."
            ),
        )
        return _invalid(request, "cases/evidence_form.html", context, status=409)
    messages.success(
        request,
        ngettext(
            "%(count)d document added to the case file.",
            "%(count)d documents added to the case file.",
            len(documents),
        )
        % {"count": len(documents)},
    )
    return redirect(case.get_absolute_url())


def _next_step_checklist(case):
    next_step = next((t for t in case.transitions_from_here() if t.kind == "forward"), None)
    if next_step and next_step.target in GATED_STATUSES:
        return EvidenceRequirement.objects.checklist(case, next_step.target)
    return []


def evidence_detail(request, pk: int):
    document = _document_or_404(request, pk)
    document.record_custody(CustodyEvent.Action.VIEWED, by=request.user, ip_address=_client_address(request))
    versions = _version_chain(document)
    context = {
        "document": document,
        "case": document.case,
        "versions": versions,
        "custody": document.custody.select_related("actor").order_by("-at", "-pk")[:200],
        "can_edit": scoping.has_role(request.user, document.case.parcel.park, Role.OFFICER),
        "withdraw_form": WithdrawForm(),
        "history": history_of(document),
    }
    return render(request, "cases/evidence_detail.html", context)


def _version_chain(document) -> list:
    """Every version of the document, newest first, from the case's documents in one query."""
    siblings = {
        d.pk: d
        for d in document.case.documents.filter(doc_type=document.doc_type).select_related("uploaded_by")
    }
    successor_of = {d.supersedes_id: d for d in siblings.values() if d.supersedes_id}
    newest = document
    while newest.pk in successor_of:
        newest = successor_of[newest.pk]
    chain = [newest]
    while chain[-1].supersedes_id and chain[-1].supersedes_id in siblings:
        chain.append(siblings[chain[-1].supersedes_id])
    return chain


def evidence_download(request, pk: int):
    document = _document_or_404(request, pk)
    try:
        handle = evidence_storage().open(document.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404(
            _g("The file of this document is missing from storage; tell the system administrator.")
        ) from error
    document.record_custody(
        CustodyEvent.Action.DOWNLOADED, by=request.user, ip_address=_client_address(request)
    )
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_withdraw(request, pk: int):
    document = _document_or_404(request, pk)
    require_role(request.user, document.case.parcel.park, Role.OFFICER)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the document."))
        return redirect("evidence-detail", pk=document.pk)
    try:
        document.withdraw(
            by=request.user, reason=form.cleaned_data["reason"], ip_address=_client_address(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Withdrawn: %(title)s. The file stays in the record.") % {"title": document.title}
        )
    return redirect("evidence-detail", pk=document.pk)


CUSTODY_COLUMNS = [
    Column("at", _("at"), lambda e: e.at),
    Column("document", _("evidence document"), lambda e: e.document.title),
    Column("action", _("action"), lambda e: e.get_action_display()),
    Column("actor", _("by"), lambda e: person(e.actor) if e.actor else ""),
    Column("ip_address", _("from address"), lambda e: e.ip_address or ""),
    Column("note", _("note"), lambda e: e.note),
]


def evidence_custody_export(request, pk: int):
    document = _document_or_404(request, pk)
    events = document.custody.select_related("actor", "document").order_by("at", "pk")
    return csv_response(CUSTODY_COLUMNS, events, f"custody-{document.pk}")


def case_evidence_zip(request, number: str):
    """Every current document of the case and an index (CSV and printable HTML), streamed as a zip."""
    case = _case_or_404(request, number)
    documents = list(
        case.documents.current()
        .select_related("uploaded_by")
        .annotate(
            downloads=Count("custody", filter=Q(custody__action=CustodyEvent.Action.DOWNLOADED)),
            custody_events=Count("custody"),
        )
        .order_by("doc_type", "document_date", "pk")
    )
    now = timezone.localtime()
    names = {
        d.pk: f"{index:02d}-{d.get_doc_type_display()}-{d.original_name}"
        for index, d in enumerate(documents, 1)
    }
    CustodyEvent.objects.bulk_create(
        CustodyEvent(
            document=d,
            action=CustodyEvent.Action.EXPORTED,
            actor=request.user,
            ip_address=_client_address(request),
        )
        for d in documents
    )
    columns = [
        Column("file", _("file in this archive"), lambda d: names[d.pk]),
        Column("doc_type", _("document type"), lambda d: d.get_doc_type_display()),
        Column("title", _("title"), lambda d: d.title),
        Column("document_date", _("document date"), lambda d: d.document_date),
        Column("obtained_on", _("date obtained"), lambda d: d.obtained_on),
        Column("issuing_authority", _("issuing authority"), lambda d: d.issuing_authority),
        Column("sha256", _("SHA-256"), lambda d: d.sha256),
        Column("size", _("size (bytes)"), lambda d: d.size),
        Column(
            "uploaded",
            _("uploaded"),
            lambda d: f"{timezone.localtime(d.uploaded_at):%Y-%m-%d %H:%M} {person(d.uploaded_by)}",
        ),
        Column("custody", _("custody events / downloads"), lambda d: f"{d.custody_events} / {d.downloads}"),
    ]
    index_csv = csv_response(columns, documents, "index").content
    index_html = render_to_string(
        "cases/evidence_index.html",
        {
            "case": case,
            "documents": documents,
            "names": names,
            "columns": columns,
            "now": now,
            "user": request.user,
        },
        request=request,
    ).encode("utf-8")

    def file_chunks(document):
        with evidence_storage().open(document.file.name, "rb") as handle:
            yield from read_chunks(handle)

    entries = [
        ("index.csv", now, [index_csv]),
        ("index.html", now, [index_html]),
        *((f"files/{names[d.pk]}", timezone.localtime(d.uploaded_at), file_chunks(d)) for d in documents),
    ]
    response = StreamingHttpResponse(stream_zip(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{case.number}-evidence.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The monthly report ---------------------------------------------------------------------------

REPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", reports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", reports.to_xlsx),
    "json": ("application/json; charset=utf-8", reports.to_json),
}


class BadReportRequest(Exception):
    """A report parameter that cannot be read; the message says which and why."""


def _report_parameters(request) -> dict:
    """year, park, category and as_of from the query string; 404 for a park the user may not see."""
    today = timezone.localdate()
    raw_year = request.GET.get("year", "") or str(today.year)
    if not raw_year.isdigit():
        raise BadReportRequest(_g("The year must be a number such as %(year)s.") % {"year": today.year})
    year = int(raw_year)
    park = None
    if code := request.GET.get("park", ""):
        park = get_object_or_404(scoping.parks_for(request.user), code=code)
    category = request.GET.get("category", "")
    if category and category not in Category.values:
        raise BadReportRequest(_g("Unknown category: %(category)s.") % {"category": category})
    as_of = None
    if raw := request.GET.get("as_of", ""):
        try:
            as_of = date.fromisoformat(raw)
        except ValueError as error:
            raise BadReportRequest(_g("The report date must be a date such as 2022-12-31.")) from error
    return {"year": year, "park": park, "category": category, "as_of": as_of}


def _monthly_report(request):
    parameters = _report_parameters(request)
    try:
        return reports.monthly_report(scoping.cases_for(request.user), **parameters)
    except reports.ReportError as error:
        raise BadReportRequest(str(error)) from error


def report_monthly(request):
    parks = list(scoping.parks_for(request.user))
    context = {"parks": parks, "categories": Category.choices, "params": request.GET}
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        context["error"] = str(error)
        return render(request, "cases/report_monthly.html", context, status=400)
    park = report.park
    park_ids = {p.code: p.pk for p in parks}
    today = timezone.localdate()
    is_supervisor = park is not None and scoping.has_role(request.user, park, Role.SUPERVISOR)
    context.update(
        report=report,
        chart=reports.chart(report),
        restatements=report.restatements(),
        by_category=[(reports.category_label(k), k, v) for k, v in report.by_category.items()],
        by_method=[(reports.method_label(k), k, v) for k, v in report.by_method.items()],
        by_park=[(code, park_ids.get(code, ""), v) for code, v in report.by_park.items()],
        category_label=reports.category_label(report.category) if report.category else "",
        definitions=reports.DEFINITIONS,
        query=request.GET.urlencode(),
        can_close=is_supervisor,
        closable=[
            row.figures.month
            for row in report.months
            if row.figures.month not in report.closes
            and reports.month_end(report.year, row.figures.month) < today
        ]
        if is_supervisor
        else [],
        can_reopen=park is not None and scoping.has_role(request.user, park, Role.PARK_ADMIN),
        can_set_target=park is not None and scoping.has_role(request.user, park, Role.PARK_ADMIN),
        years=list(range(today.year, reports.MIN_YEAR - 1, -1))[:15],
    )
    return render(request, "cases/report_monthly.html", context)


def report_monthly_print(request):
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return render(
        request, "cases/report_print.html", reports.print_context(report, produced_by=person(request.user))
    )


def report_monthly_export(request, fmt: str):
    if fmt not in {*REPORT_FORMATS, "pdf"}:
        raise Http404(_g("There is no %(format)s version of the report.") % {"format": fmt})
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    name = f"disposal-report-{report.park.code if report.park else 'all'}-{report.year}"
    if fmt == "pdf":
        content = reports.to_pdf(
            report, produced_by=person(request.user), base_url=request.build_absolute_uri("/")
        )
        response = HttpResponse(content, content_type="application/pdf")
    else:
        content_type, writer = REPORT_FORMATS[fmt]
        response = HttpResponse(writer(report), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(fmt != "json", f"{name}.{fmt}")
    return response


@require_POST
def report_close_month(request):
    park = get_object_or_404(scoping.parks_for(request.user), code=request.POST.get("park", ""))
    require_role(request.user, park, Role.SUPERVISOR)
    year, month = request.POST.get("year", ""), request.POST.get("month", "")
    back = f"{reverse('report-monthly')}?park={park.code}&year={year}"
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        messages.error(request, _("Choose a month to close."))
        return redirect(back)
    try:
        reports.close_month(park=park, year=int(year), month=int(month), by=request.user)
    except reports.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(year)s-%(month)s closed for %(park)s: its figures are frozen as reported.")
            % {"year": year, "month": month.zfill(2), "park": park.name},
        )
    return redirect(back)


@require_POST
def report_reopen_month(request, pk: int):
    close = get_object_or_404(MonthClose.objects.filter(park__in=scoping.parks_for(request.user)), pk=pk)
    require_role(request.user, close.park, Role.PARK_ADMIN)
    try:
        reports.reopen_month(close, by=request.user, reason=request.POST.get("reason", ""))
    except reports.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(close)s reopened; the closed figures stay on record.") % {"close": close}
        )
    return redirect(f"{reverse('report-monthly')}?park={close.park.code}&year={close.year}")


@require_POST
def report_set_target(request):
    park = get_object_or_404(scoping.parks_for(request.user), code=request.POST.get("park", ""))
    require_role(request.user, park, Role.PARK_ADMIN)
    form = TargetForm(request.POST)
    back = f"{reverse('report-monthly')}?park={park.code}&year={request.POST.get('year', '')}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    target = DisposalTarget.objects.filter(
        park=park, year=form.cleaned_data["year"]
    ).first() or DisposalTarget(park=park, year=form.cleaned_data["year"])
    target.rate_pct = form.cleaned_data["rate_pct"]
    target._history_user = request.user
    target.save()
    messages.success(
        request,
        _("The %(year)s benchmark of %(park)s is now %(rate)s%%.")
        % {"year": target.year, "park": park.name, "rate": target.rate_pct},
    )
    return redirect(back)
