"""Revitalisation: the measures list, the partner registry, and project leads matched to parcels."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import cells, scoping
from ..exports import Column
from ..filtersets import LeadFilterSet, MeasureFilterSet, PartnerFilterSet
from ..forms import LeadForm, MeasureForm, MeasureStepForm, PartnerForm
from ..history import history_of
from ..models import (
    LeadLink,
    Membership,
    ProjectLead,
    RevitalisationMeasure,
)
from ..models.leads import DEFAULT_TOLERANCE_PCT
from .common import (
    ScopedListView,
    case_or_404,
    invalid,
    record_pages,
    refuse_if_closed,
    require_role,
)

Role = Membership.Role
MeasureStatus = RevitalisationMeasure.MeasureStatus

# Measures -------------------------------------------------------------------------------------


MEASURE_COLUMNS = [
    Column(
        "case",
        _("case number"),
        lambda m: m.case.number,
        "case__number",
        cell=cells.measure_case,
        css="text-nowrap",
    ),
    Column("park", _("park"), lambda m: m.case.parcel.park.code, "case__parcel__park__code"),
    Column("method", _("method"), lambda m: m.get_method_display(), "method", cell=cells.measure_method),
    Column(
        "partner",
        _("partner"),
        lambda m: m.partner.name if m.partner else "",
        "partner__name",
        cell=cells.measure_partner,
    ),
    Column(
        "partner_kind", _("partner kind"), lambda m: m.partner.get_kind_display() if m.partner else "", None
    ),
    Column("project_name", _("project name"), lambda m: m.project_name, None, in_table=False),
    Column("amount_wan", _("amount (10k yuan)"), lambda m: m.amount_wan, "amount_wan", format="num"),
    Column("equity_share_pct", _("share acquired (%)"), lambda m: m.equity_share_pct, None, in_table=False),
    Column("term_months", _("term (months)"), lambda m: m.term_months, None, in_table=False),
    Column("status", _("status"), lambda m: m.get_status_display(), "status"),
    Column("started_on", _("started on"), lambda m: m.started_on, "started_on", css="text-nowrap"),
    Column("agreed_on", _("agreed on"), lambda m: m.agreed_on, "agreed_on", css="text-nowrap"),
    Column("concluded_on", _("concluded on"), lambda m: m.concluded_on, "concluded_on", css="text-nowrap"),
]


class MeasureListView(ScopedListView):
    filterset_class = MeasureFilterSet
    template_name = "cases/measure_list.html"
    columns = MEASURE_COLUMNS
    default_sort = "-started_on"
    export_name = "measures"
    export_title = _("revitalisation measures")

    def base_queryset(self):
        return scoping.measures_for(self.request.user).select_related("case__parcel__park", "partner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["money"] = self.object_list.money()
        return context


def _measure_or_404(request, pk: int, *, lock: bool = False):
    measures = scoping.measures_for(request.user)
    if lock:
        # Locked, so that an edit and a step made at once cannot undo one another.
        measures = measures.select_for_update(of=("self",))
    return get_object_or_404(
        measures.select_related(
            "case__parcel__park", "case__parcel__enterprise", "partner", "collateral_parcel"
        ),
        pk=pk,
    )


def measure_detail(request, pk: int):
    """A measure's own page: its typed terms, partner and case, its steps on the timeline, its history."""
    measure = _measure_or_404(request, pk)
    case = measure.case
    officer = scoping.has_role(request.user, case.parcel.park, Role.OFFICER)
    context = {
        "measure": measure,
        "case": case,
        "events": measure.events.select_related("actor").order_by("-occurred_on", "-created_at", "-pk"),
        "path": measure.path(),
        "may_change": officer and case.is_open,
        "history": history_of(measure),
        "lead": ProjectLead.objects.filter(measure=measure).first(),
        # The fields' own names, so the page and the form say the same.
        "labels": {field.name: field.verbose_name for field in RevitalisationMeasure._meta.fields},
    }
    return render(request, "cases/measure_detail.html", context)


def measure_edit(request, pk: int):
    """Change a measure's terms; what changed goes onto the case's timeline. Steps are taken apart."""
    measure = _measure_or_404(request, pk)
    require_role(request.user, measure.case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, measure.case):
        return refused
    title = _("Edit the measure %(measure)s") % {"measure": measure}
    if request.method != "POST":
        form = MeasureForm(instance=measure, case=measure.case)
        return render(request, "cases/measure_form.html", _edit_context(form, measure, title))
    with transaction.atomic():
        measure = _measure_or_404(request, pk, lock=True)
        form = MeasureForm(request.POST, instance=measure, case=measure.case)
        if not form.is_valid():
            return invalid(request, "cases/measure_form.html", _edit_context(form, measure, title))
        event = form.save(commit=False).record(by=request.user)
    if event is None:
        messages.info(request, _("Nothing was changed."))
    else:
        messages.success(request, _("The measure was saved; the change is on the case's timeline."))
    return redirect(measure.get_absolute_url())


def _edit_context(form, measure, title) -> dict:
    return {"form": form, "case": measure.case, "title": title, "cancel_url": measure.get_absolute_url()}


@require_POST
def measure_step(request, number: str, pk: int):
    """Move a measure one step on (or abandon it); the step goes onto the case's timeline."""
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    with transaction.atomic():
        # Locked, so two people recording the same step at once cannot both succeed.
        measure = get_object_or_404(
            case.measures.select_for_update(of=("self",)).select_related("partner", "case__parcel"), pk=pk
        )
        return _record_step(request, case, measure)


def _record_step(request, case, measure):
    # From the measure's own page, back to it; else to the case.
    back = measure.get_absolute_url() if request.POST.get("back") == "measure" else case.get_absolute_url()
    form = MeasureStepForm(request.POST, steps=measure.next_steps())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        measure.advance(
            form.cleaned_data["to"],
            by=request.user,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(measure)s is now “%(status)s”.")
            % {"measure": measure, "status": measure.get_status_display()},
        )
    return redirect(back)


# Partners -------------------------------------------------------------------------------------


PARTNER_COLUMNS = [
    Column("name", _("name"), lambda p: p.name, "name", cell=cells.own_link),
    Column("park", _("park"), lambda p: p.park.code, "park__code"),
    Column("kind", _("kind"), lambda p: p.get_kind_display(), "kind"),
    Column("contact_person", _("contact person"), lambda p: p.contact_person, None),
    Column("contact_phone", _("contact phone"), lambda p: p.contact_phone, None),
    Column(
        "measure_count",
        _("measures"),
        lambda p: p.measure_count,
        "measure_count",
        cell=cells.partner_measures,
        align="num",
    ),
    Column("agreed_wan", _("agreed (10k yuan)"), lambda p: p.agreed_wan, "agreed_wan", format="num"),
    Column(
        "completed_wan", _("completed (10k yuan)"), lambda p: p.completed_wan, "completed_wan", format="num"
    ),
]


class PartnerListView(ScopedListView):
    filterset_class = PartnerFilterSet
    template_name = "cases/partner_list.html"
    columns = PARTNER_COLUMNS
    default_sort = "name"
    export_name = "partners"
    export_title = _("partners")

    def base_queryset(self):
        return scoping.partners_for(self.request.user).select_related("park").with_totals()


def partner_detail(request, pk: int):
    partner = get_object_or_404(
        scoping.partners_for(request.user).select_related("park").with_totals(),
        pk=pk,
    )
    measures = partner.measures.select_related("case__parcel").order_by("-started_on", "-pk")
    return render(
        request,
        "cases/partner_detail.html",
        {
            "partner": partner,
            "measures": measures,
            "by_method": partner.measures.by_method(),
            "can_edit": scoping.has_role(request.user, partner.park, Role.OFFICER),
        },
    )


partner_create, partner_edit = record_pages(
    scoping.partners_for, PartnerForm, list_url="partner-list", new_title=_("New partner")
)


# Project leads --------------------------------------------------------------------------------


LEAD_COLUMNS = [
    Column("name", _("project"), lambda lead: lead.name, "name", cell=cells.own_link),
    Column("investor", _("investor"), lambda lead: lead.investor, "investor"),
    Column("park", _("park"), lambda lead: lead.park.code, "park__code"),
    Column("industry", _("industry"), lambda lead: lead.industry, "industry"),
    Column(
        "area_needed_m2",
        _("land area needed (m²)"),
        lambda lead: lead.area_needed_m2,
        "area_needed_m2",
        format="area",
    ),
    Column("land_use", _("land use"), lambda lead: lead.get_land_use_display(), "land_use"),
    Column(
        "planned_investment_wan",
        _("planned investment (10k yuan)"),
        lambda lead: lead.planned_investment_wan,
        "planned_investment_wan",
        format="num",
    ),
    Column("status", _("status"), lambda lead: lead.get_status_display(), "status"),
    Column(
        "case",
        _("linked case"),
        lambda lead: lead.case.number if lead.case else "",
        "case__number",
        cell=cells.lead_case,
    ),
]


class LeadListView(ScopedListView):
    filterset_class = LeadFilterSet
    template_name = "cases/lead_list.html"
    columns = LEAD_COLUMNS
    default_sort = "status,-created_at"
    export_name = "project-leads"
    export_title = _("project leads")
    area_field = "area_needed_m2"

    def base_queryset(self):
        return scoping.leads_for(self.request.user).select_related("park", "case")


def _tolerance(request) -> Decimal:
    try:
        value = Decimal(request.GET.get("tolerance", DEFAULT_TOLERANCE_PCT))
    except (InvalidOperation, TypeError):
        return Decimal(DEFAULT_TOLERANCE_PCT)
    return min(max(value, Decimal(0)), Decimal(100)) if value.is_finite() else Decimal(DEFAULT_TOLERANCE_PCT)


def lead_detail(request, pk: int):
    lead = get_object_or_404(
        scoping.leads_for(request.user).select_related("park", "case", "measure"),
        pk=pk,
    )
    tolerance = _tolerance(request)
    return render(
        request,
        "cases/lead_detail.html",
        {
            "lead": lead,
            "tolerance": tolerance,
            "matches": lead.matching_cases(scoping.cases_for(request.user), tolerance)[:50],
            "can_edit": scoping.has_role(request.user, lead.park, Role.OFFICER),
            "links": LeadLink.choices,
        },
    )


lead_create, lead_edit = record_pages(
    scoping.leads_for, LeadForm, list_url="lead-list", new_title=_("New project lead")
)


@require_POST
def lead_link(request, pk: int):
    """Link a lead to a case: as a joint development (a new measure) or as a transfer (on the timeline)."""
    lead = get_object_or_404(scoping.leads_for(request.user), pk=pk)
    require_role(request.user, lead.park, Role.OFFICER)
    case = get_object_or_404(
        scoping.cases_for(request.user).select_related("parcel__park"), number=request.POST.get("case", "")
    )
    require_role(request.user, case.parcel.park, Role.OFFICER)
    try:
        lead.link_to(case, request.POST.get("link", ""), by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(lead.get_absolute_url())
    messages.success(
        request, _("%(lead)s linked to case %(number)s.") % {"lead": lead, "number": case.number}
    )
    return redirect(case.get_absolute_url())
