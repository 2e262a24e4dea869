"""Cases: the list, the case page, create and edit, workflow steps, events, measures, deadlines met."""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import cells, scoping
from ..deadlines import case_deadlines
from ..exceptions import StaleVersion, TransitionError
from ..exports import Column
from ..filtersets import CaseFilterSet
from ..forms import (
    CaseForm,
    EventForm,
    MeasureForm,
    TransitionForm,
)
from ..history import history_of
from ..models import (
    CaseEvent,
    DisposalCase,
    EvidenceDocument,
    Membership,
    RevitalisationMeasure,
    Status,
    TransitionKind,
)
from ..models.evidence import evidence_chain_warnings
from ..templatetags.parkland import person
from ..templatetags.tables import choice_label
from .common import (
    ScopedListView,
    case_or_404,
    field_label,
    invalid,
    is_whole_number,
    next_step_checklist,
    posted_data,
    refuse_if_closed,
    require_role,
    require_role_somewhere,
)

Role = Membership.Role


CATEGORY_LABEL = choice_label(DisposalCase._meta.get_field("category").choices)
STATUS_LABEL = choice_label(DisposalCase._meta.get_field("status").choices)
METHOD_LABEL = choice_label(DisposalCase._meta.get_field("disposal_method").choices)

CASE_COLUMNS = [
    Column(
        "number",
        field_label(DisposalCase, "number"),
        lambda c: c.number,
        "number",
        cell=cells.own_link,
        css="text-nowrap",
    ),
    Column("park", _("park"), lambda c: c.parcel.park.code, "parcel__park__code"),
    Column(
        "parcel",
        _("parcel number"),
        lambda c: c.parcel.code,
        "parcel__code",
        cell=cells.case_parcel,
        css="text-nowrap",
    ),
    Column("location", _("location"), lambda c: c.parcel.location, "parcel__location", in_table=False),
    Column(
        "enterprise",
        _("land user"),
        lambda c: c.parcel.enterprise.name if c.parcel.enterprise else "",
        "parcel__enterprise__name",
        cell=cells.case_enterprise,
        css="text-truncate cell-name",
    ),
    Column(
        "category",
        field_label(DisposalCase, "category"),
        lambda c: CATEGORY_LABEL(c.category),
        "category",
        css="text-nowrap",
    ),
    Column(
        "status",
        field_label(DisposalCase, "status"),
        lambda c: STATUS_LABEL(c.status),
        "status",
        cell=cells.status_badge,
    ),
    Column(
        "case_area_m2",
        field_label(DisposalCase, "case_area_m2"),
        lambda c: c.case_area_m2,
        "case_area_m2",
        format="area",
    ),
    Column("case_area_mu", _("area under disposal (mu)"), lambda c: c.case_area_mu, in_table=False),
    Column(
        "opened_on",
        field_label(DisposalCase, "opened_on"),
        lambda c: c.opened_on,
        "opened_on",
        in_table=False,
    ),
    Column(
        "identified_on",
        field_label(DisposalCase, "identified_on"),
        lambda c: c.identified_on,
        "identified_on",
        css="text-nowrap",
    ),
    Column(
        "disposal_method",
        field_label(DisposalCase, "disposal_method"),
        lambda c: METHOD_LABEL(c.disposal_method),
        "disposal_method",
    ),
    Column(
        "disposed_on",
        field_label(DisposalCase, "disposed_on"),
        lambda c: c.disposed_on,
        "disposed_on",
        css="text-nowrap",
    ),
    Column(
        "disposed_area_m2",
        field_label(DisposalCase, "disposed_area_m2"),
        lambda c: c.disposed_area_m2,
        "disposed_area_m2",
        cell=cells.area_or_dash,
        align="num",
    ),
    Column(
        "officer",
        field_label(DisposalCase, "officer"),
        lambda c: person(c.officer) if c.officer else "",
        "officer__username",
        css="text-nowrap",
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
    kept_totals = True

    def base_queryset(self):
        return scoping.cases_for(self.request.user).select_related(
            "parcel__park", "parcel__enterprise", "officer"
        )


# Cases ----------------------------------------------------------------------------------------


def case_detail(request, number: str):
    return _case_page(request, case_or_404(request, number))


def _case_page(request, case, *, posted_form: TransitionForm | None = None, status: int = 200):
    """The case page; `posted_form` is a refused step, shown again with what was typed and why."""
    user = request.user
    role = scoping.role_in(user, case.parcel.park)
    rank = Membership.rank_of(role)
    options = case.step_options(user) if rank >= Membership.rank_of(Role.OFFICER) else []
    next_step = case.next_forward_step()
    checklist = next_step_checklist(case)
    checklist_missing = sum(1 for _r, met in checklist if not met)
    events = list(
        case.events.select_related("actor", "evidence", "measure")
        .prefetch_related(Prefetch("photos", queryset=EvidenceDocument.objects.order_by("pk")))
        .order_by("-occurred_on", "-created_at", "-pk")
    )
    documents = list(
        case.documents.select_related("uploaded_by", "superseded_by", "withdrawn_by").order_by(
            "doc_type", "-uploaded_at"
        )
    )
    steps, blocked_steps = [], []
    for option in options:
        t = option.transition
        if posted_form is not None and posted_form.transition == t:
            # The refused step stays a form, with what was typed and the reasons it was refused.
            steps.append({"transition": t, "form": posted_form, "option": option})
        elif option.allowed:
            form = _transition_form(case, t, offer_override=option.override)
            steps.append({"transition": t, "form": form, "option": option})
        else:
            blocked_steps.append({"transition": t, "form": None, "option": option})
    context = {
        "case": case,
        "can_edit": rank >= Membership.rank_of(Role.OFFICER),
        # A closed case is read-only until a park administrator reopens it.
        "may_change": case.is_open and rank >= Membership.rank_of(Role.OFFICER),
        "transitions": steps,
        "blocked_steps": blocked_steps,
        "next_step": next_step,
        "next_step_label": Status(next_step.target).label if next_step else "",
        "checklist": checklist,
        "checklist_missing": checklist_missing,
        "events": events,
        "overrides": [e for e in events if e.override_reason],
        "deadlines": case_deadlines(case, events, today=timezone.localdate()),
        "due_soon_days": settings.PARKLAND_DUE_SOON_DAYS,
        "documents": documents,
        "warnings": evidence_chain_warnings(case, documents),
        "measures": case.measures.select_related("partner").order_by("-started_on", "-pk"),
        "history": history_of(case),
        "flags": case.flags(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _transition_form(case, transition, data=None, *, offer_override: bool) -> TransitionForm:
    return TransitionForm(
        data,
        targets=[(transition.target, Status(transition.target).label)],
        transition=transition,
        case=case,
        offer_override=offer_override,
    )


def case_create(request):
    require_role_somewhere(request.user, Role.OFFICER)
    initial = {"opened_on": timezone.localdate(), "officer": request.user.pk}
    if parcel_id := request.GET.get("parcel", ""):
        parcel = (
            scoping.parcels_for(request.user, role=Role.OFFICER).filter(pk=parcel_id).first()
            if is_whole_number(parcel_id)
            else None
        )
        if parcel:
            initial.update(parcel=parcel.pk, case_area_m2=parcel.area_m2)
    form = CaseForm(posted_data(request), initial=initial, user=request.user)
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
        return invalid(request, "cases/case_form.html", context)
    return render(request, "cases/case_form.html", context)


def case_edit(request, number: str):
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    form = CaseForm(posted_data(request), instance=case, user=request.user)
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
                edited.save_versioned(by=request.user, expected_version=expected)
            except StaleVersion as error:
                form.add_error(None, str(error))
                return invalid(request, "cases/case_form.html", context, status=409)
            except IntegrityError:
                form.add_error("parcel", _("This parcel already has an open case."))
            else:
                messages.success(request, _("Case %(number)s saved.") % {"number": case.number})
                return redirect(case.get_absolute_url())
        return invalid(request, "cases/case_form.html", context)
    return render(request, "cases/case_form.html", context)


@require_POST
def case_transition(request, number: str):
    """One step of the workflow; a refused step shows the case page again with what was typed."""
    case = case_or_404(request, number)
    user = request.user
    require_role(user, case.parcel.park, Role.OFFICER)
    with transaction.atomic():
        case = DisposalCase.objects.select_for_update().select_related("parcel__park").get(pk=case.pk)
        requested = request.POST.get("to", "")
        transition = next((t for t in case.transitions_for(user) if t.target == requested), None)
        if transition is None:
            label = Status(requested).label if requested in Status.values else requested
            messages.error(
                request,
                _("Case %(number)s cannot move to “%(target)s” now, or not by you.")
                % {"number": case.number, "target": label},
            )
            return redirect(case.get_absolute_url())
        form = _transition_form(case, transition, request.POST, offer_override=True)
        if form.is_valid():
            try:
                case.transition_to(
                    transition.target,
                    by=user,
                    reason=form.cleaned_data.get("reason", ""),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    **form.step_figures(),
                )
            except TransitionError as error:
                for message in error.messages:
                    form.add_error(None, message)
    if not form.is_valid() or form.non_field_errors():
        # The override box stays for a supervisor whose step was refused for missing evidence.
        is_supervisor = scoping.has_role(user, case.parcel.park, Role.SUPERVISOR)
        if not (is_supervisor and transition.kind == TransitionKind.FORWARD):
            form.fields.pop("override_reason", None)
        messages.error(
            request,
            _("Case %(number)s did not move to “%(target)s”: see the step below.")
            % {"number": case.number, "target": Status(transition.target).label},
        )
        return _case_page(request, case, posted_form=form, status=422)
    messages.success(
        request,
        _("Case %(number)s moved to “%(status)s”.")
        % {"number": case.number, "status": case.get_status_display()},
    )
    return redirect(case.get_absolute_url())


def _case_child_form(request, number: str, *, form_class, template: str, title, success):
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    form = form_class(posted_data(request), case=case)
    context = {"form": form, "case": case, "title": title, "cancel_url": case.get_absolute_url()}
    if request.method == "POST":
        if form.is_valid():
            obj = form.save(commit=False)
            if isinstance(obj, RevitalisationMeasure):
                # Its creation goes onto the case's timeline with it.
                obj.record(by=request.user)
                messages.success(request, success)
                return redirect(case.get_absolute_url())
            if isinstance(obj, CaseEvent):
                obj.actor = request.user
            obj._history_user = request.user
            obj.save()
            messages.success(request, success)
            return redirect(case.get_absolute_url())
        return invalid(request, template, context)
    return render(request, template, context)


def event_create(request, number: str):
    return _case_child_form(
        request,
        number,
        form_class=EventForm,
        template="cases/simple_form.html",
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
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    event = get_object_or_404(case.events.filter(due_on__isnull=False, due_met_on__isnull=True), pk=pk)
    event.mark_deadline_met(request.user, timezone.localdate())
    messages.success(request, _("Deadline marked as met: %(title)s.") % {"title": event.display_title})
    return redirect(case.get_absolute_url())
