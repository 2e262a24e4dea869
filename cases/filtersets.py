"""The list filters of the staff UI; every filter lives in the URL, so a link reproduces the view."""

import re
from datetime import date
from functools import reduce
from operator import or_

import django_filters as filters
from django import forms
from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import scoping
from .markup import escaped
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    DisposalCase,
    DisposalMethod,
    Enterprise,
    LandParcel,
    LeadStatus,
    Litigation,
    Membership,
    Partner,
    ProblemFlag,
    ProjectLead,
    RevitalisationMeasure,
    Status,
)
from .models.measures import PartnerKind
from .models.rate import register_q
from .reporting import MAX_YEAR, MIN_YEAR, default_as_of
from .templatetags.parkland import person


def _date_range(field_name: str, label) -> filters.DateFromToRangeFilter:
    return filters.DateFromToRangeFilter(
        field_name=field_name,
        label=label,
        widget=filters.widgets.DateRangeWidget(attrs={"type": "date", "class": "form-control"}),
    )


ANY_YES_NO = [("", _("any")), ("true", _("yes")), ("false", _("no"))]
# The most choices a filter's list offers (`ScopedFilterSet.list_at_most`).
MAX_LISTED_CHOICES = 200


def _search_box(placeholder) -> filters.CharFilter:
    """The `q` box: the words looked for in the filter set's `search_fields`."""
    return filters.CharFilter(
        method="search", label=_("search"), widget=forms.TextInput(attrs={"placeholder": placeholder})
    )


def _yes_no(**kwargs) -> filters.BooleanFilter:
    """A yes/no filter whose unset state reads "any", not "unknown"."""
    return filters.BooleanFilter(widget=forms.Select(choices=ANY_YES_NO), **kwargs)


def _attributes(attrs: dict) -> str:
    """Django's widgets/attrs.html in Python: ` name="value"`, ` name` when True, nothing when False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class InlineSelect(forms.Select):
    """Django's select with the markup of its templates, written here: a filter form has a dozen
    selects and a hundred options, and a template per option made it most of a list page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected or any(isinstance(label, list | tuple) for _v, label in self.choices):
            return self.render_groups(name, value, attrs)
        # A flat list of choices: its options straight from them, the first chosen one selected.
        chosen, selected_one = self.format_value(value), False
        html = [format_html('<select name="{}"', name), _attributes(self.build_attrs(self.attrs, attrs)), ">"]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not selected_one and option_value in chosen
            selected_one = selected_one or selected
            html += ['\n  <option value="', escaped(option_value), '" selected>' if selected else '">']
            html += [escaped(label), "</option>\n"]
        html.append("\n</select>")
        return mark_safe("".join(html))  # every part escaped above

    def render_groups(self, name, value, attrs=None):
        """The options of a select with groups, or of several choices, from Django's context."""
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"', widget["name"]), _attributes(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html += ['\n  <option value="', conditional_escape(str(option["value"])), '"']
                html += [
                    _attributes(option["attrs"]),
                    ">",
                    conditional_escape(option["label"]),
                    "</option>\n",
                ]
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # every part escaped above


class InlineInput:
    """Django's input.html, written here (see InlineSelect), for an input widget class."""

    def render(self, name, value, attrs=None, renderer=None):
        return self.render_context(self.get_context(name, value, attrs)["widget"])

    @staticmethod
    def render_context(widget: dict):
        """An input from its template context."""
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            mark_safe(_attributes(widget["attrs"])),
        )


class InlineTextInput(InlineInput, forms.TextInput):
    pass


class InlineNumberInput(InlineInput, forms.NumberInput):
    pass


class InlineHiddenInput(InlineInput, forms.HiddenInput):
    pass


class InlineDateInput(InlineInput, forms.DateInput):
    pass


class InlineDateRange(filters.widgets.DateRangeWidget):
    """django-filter's multiwidget.html for a date range: its two inputs with a dash between, as
    its template writes them (each input's template ends in a line break)."""

    def render(self, name, value, attrs=None, renderer=None):
        widgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        return mark_safe("\n\n-".join(InlineInput.render_context(widget) for widget in widgets))


# The plain widgets a filter form draws, each with its inline twin (same markup, no template).
INLINE_WIDGETS = {
    forms.Select: InlineSelect,
    forms.TextInput: InlineTextInput,
    forms.DateInput: InlineDateInput,
    forms.NumberInput: InlineNumberInput,
    forms.HiddenInput: InlineHiddenInput,
    filters.widgets.DateRangeWidget: InlineDateRange,
}


# Each filter set's form class (ScopedFilterSet.get_form_class).
_FORM_CLASSES: dict[type, type] = {}


class ScopedFilterSet(filters.FilterSet):
    """Choices in the filter form limited to the parks of the user who looks.

    `primary` filters are always shown; the others fold under "more filters" until one is used.
    """

    primary: tuple[str, ...] = ("q", "park")
    # The fields the `q` box looks in, any of them containing the words.
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if type(widget) in INLINE_WIDGETS:
                # The same widget, drawn without templates; its choices and attributes stay.
                widget.__class__ = INLINE_WIDGETS[type(widget)]
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.MultiWidget):
                widget.attrs.setdefault("class", "form-control form-control-sm")
        # The user's parks, read once: the park filter lists them, the list shows its park column
        # when there are several.
        self.parks = list(scoping.park_roles(user))
        if "park" in self.form.fields:
            field = self.form.fields["park"]
            field.queryset = scoping.parks_for(user)
            field.widget.choices = [("", field.empty_label)] + [
                (park.pk, field.label_from_instance(park)) for park in self.parks
            ]

    def get_form_class(self):
        """The filter form's class, made once: django-filter makes it anew for each request, every
        filter's field built again, although the fields are the same for everyone until a request's
        form (a copy of them) is given its user's choices, as below."""
        found = _FORM_CLASSES.get(type(self))
        if found is None:
            found = _FORM_CLASSES[type(self)] = super().get_form_class()
        return found

    def choose_from(self, name: str, rows) -> None:
        """A short list's choices read once in a plain query: a model choice field iterates its
        queryset through a server-side cursor on PostgreSQL, three round trips for a few rows."""
        field = self.form.fields[name]
        field.queryset = rows
        field.widget.choices = [("", field.empty_label)] + [
            (row.pk, field.label_from_instance(row)) for row in rows
        ]

    def list_at_most(self, name: str, limit: int = MAX_LISTED_CHOICES) -> None:
        """Offer at most `limit` choices of a long list, the chosen one first, in one query.

        A city's 15,000 land users would make every page of the list megabytes long; past the limit
        only the chosen one is listed, and the search box finds the others by name.
        """
        field = self.form.fields[name]
        rows = field.queryset
        chosen = str((self.data or {}).get(name, ""))
        if re.fullmatch(r"[0-9]{1,18}", chosen):
            rows = rows.annotate(_chosen=Case(When(pk=int(chosen), then=1), default=0)).order_by(
                "-_chosen", *rows.query.order_by or rows.model._meta.ordering, "pk"
            )
        shown = list(rows[: limit + 1])
        if len(shown) > limit:
            shown = [row for row in shown[:1] if str(row.pk) == chosen]
        # The widget's list only: the field still accepts any row of its queryset.
        field.widget.choices = [("", field.empty_label)] + [
            (row.pk, field.label_from_instance(row)) for row in shown
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        )

    def primary_fields(self):
        return [self.form[name] for name in self.form.fields if name in self.primary]

    def secondary_fields(self):
        return [self.form[name] for name in self.form.fields if name not in self.primary]

    def secondary_in_use(self) -> bool:
        data = self.data or {}
        return any(
            data.get(key)
            for name in self.form.fields
            if name not in self.primary
            for key in (name, f"{name}_after", f"{name}_before")
        )


class CaseFilterSet(ScopedFilterSet):
    search_fields = ("number", "parcel__code", "parcel__enterprise__name", "parcel__location")
    primary = ("q", "park", "status", "state", "category", "officer")
    q = _search_box(_("number, parcel, enterprise or location"))
    park = filters.ModelChoiceFilter(field_name="parcel__park", label=_("park"), queryset=None)
    parcel = filters.ModelChoiceFilter(label=_("parcel"), queryset=None, widget=forms.HiddenInput)
    status = filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    state = filters.ChoiceFilter(
        method="filter_state",
        label=_("open or closed"),
        choices=[("open", _("open")), ("closed", _("closed"))],
    )
    category = filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    disposal_method = filters.ChoiceFilter(
        method="filter_method",
        choices=[("none", _("not yet decided")), *DisposalMethod.choices],
        label=_("disposal method"),
    )
    officer = filters.ModelChoiceFilter(label=_("case officer"), queryset=None)
    litigation = filters.ChoiceFilter(choices=Litigation.choices, label=_("litigation"))
    low_willingness = _yes_no(label=ProblemFlag.LOW_WILLINGNESS.label)
    evidence_difficulty = _yes_no(label=ProblemFlag.EVIDENCE_DIFFICULTY.label)
    litigation_risk = _yes_no(label=ProblemFlag.LITIGATION_RISK.label)
    funding_gap = _yes_no(label=ProblemFlag.FUNDING_GAP.label)
    opened = _date_range("opened_on", _("opened on"))
    identified = _date_range("identified_on", _("identified on"))
    disposed = _date_range("disposed_on", _("disposed on"))
    register_year = filters.NumberFilter(
        method="filter_register",
        label=_("in the register of year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    as_of = filters.DateFilter(
        method="filter_nothing", label=_("register as of"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = DisposalCase
        fields = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.form.fields["officer"].label_from_instance = person
        self.choose_from("officer", scoping.users_for(user, role=Membership.Role.OFFICER))
        self.form.fields["parcel"].queryset = scoping.parcels_for(user)

    def search(self, queryset, name, value):
        # The same match as icontains over `search_fields`, through the case's search columns.
        return queryset.search(value.strip())

    def filter_method(self, queryset, name, value):
        return queryset.filter(disposal_method="" if value == "none" else value)

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "closed":
            return queryset.filter(status__in=CLOSED_STATUSES)
        return queryset

    def filter_register(self, queryset, name, value):
        """The register (denominator) of the year's disposal rate, as of `as_of` or its default."""
        year = int(value)
        as_of = self.form.cleaned_data.get("as_of")
        if not isinstance(as_of, date) or as_of.year != year:
            as_of = default_as_of(year)
        return queryset.filter(register_q(year=year, as_of=as_of))

    def filter_nothing(self, queryset, name, value):
        # `as_of` only qualifies `register_year`.
        return queryset


class ParcelFilterSet(ScopedFilterSet):
    search_fields = ("code", "cadastral_code", "location", "enterprise__name")
    primary = ("q", "park", "land_use", "enterprise", "has_open_case")
    q = _search_box(_("number, code, location or enterprise"))
    park = filters.ModelChoiceFilter(label=_("park"), queryset=None)
    land_use = filters.ChoiceFilter(choices=LandParcel.LandUse.choices, label=_("land use"))
    supply_method = filters.ChoiceFilter(choices=LandParcel.SupplyMethod.choices, label=_("supply method"))
    enterprise = filters.ModelChoiceFilter(label=_("land user"), queryset=None)
    has_open_case = _yes_no(method="filter_open_case", label=_("has an open case"))

    class Meta:
        model = LandParcel
        fields = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.form.fields["enterprise"].queryset = scoping.enterprises_for(user)
        self.list_at_most("enterprise")

    def filter_open_case(self, queryset, name, value):
        open_cases = Exists(DisposalCase.objects.filter(parcel=OuterRef("pk"), status__in=OPEN_STATUSES))
        return queryset.filter(open_cases if value else ~open_cases)


class EnterpriseFilterSet(ScopedFilterSet):
    search_fields = ("name", "credit_code", "contact_person")
    q = _search_box(_("name, credit code or contact"))
    park = filters.ModelChoiceFilter(label=_("park"), queryset=None)

    class Meta:
        model = Enterprise
        fields = []


class DeadlineFilterSet(ScopedFilterSet):
    """Which open cases' deadlines the deadline list shows: by park and by case officer."""

    primary = ("park", "officer")
    park = filters.ModelChoiceFilter(field_name="parcel__park", label=_("park"), queryset=None)
    officer = filters.ModelChoiceFilter(label=_("case officer"), queryset=None)

    class Meta:
        model = DisposalCase
        fields = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.form.fields["officer"].label_from_instance = person
        self.choose_from("officer", scoping.users_for(user, role=Membership.Role.OFFICER))


class MeasureFilterSet(ScopedFilterSet):
    search_fields = ("case__number", "partner__name", "project_name", "notes")
    primary = ("q", "park", "method", "status", "partner_kind")
    q = _search_box(_("case, partner or project"))
    park = filters.ModelChoiceFilter(field_name="case__parcel__park", label=_("park"), queryset=None)
    method = filters.ChoiceFilter(choices=RevitalisationMeasure.Method.choices, label=_("method"))
    status = filters.ChoiceFilter(choices=RevitalisationMeasure.MeasureStatus.choices, label=_("status"))
    partner_kind = filters.ChoiceFilter(
        field_name="partner__kind", choices=PartnerKind.choices, label=_("partner kind")
    )
    partner = filters.ModelChoiceFilter(label=_("partner"), queryset=None)
    low_willingness = _yes_no(field_name="case__low_willingness", label=ProblemFlag.LOW_WILLINGNESS.label)
    evidence_difficulty = _yes_no(
        field_name="case__evidence_difficulty", label=ProblemFlag.EVIDENCE_DIFFICULTY.label
    )
    litigation_risk = _yes_no(field_name="case__litigation_risk", label=ProblemFlag.LITIGATION_RISK.label)
    funding_gap = _yes_no(field_name="case__funding_gap", label=ProblemFlag.FUNDING_GAP.label)
    agreed = _date_range("agreed_on", _("agreed on"))
    concluded = _date_range("concluded_on", _("concluded on"))

    class Meta:
        model = RevitalisationMeasure
        fields = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.form.fields["partner"].queryset = scoping.partners_for(user)


class PartnerFilterSet(ScopedFilterSet):
    search_fields = ("name", "contact_person")
    primary = ("q", "park", "kind")
    q = _search_box(_("name or contact"))
    park = filters.ModelChoiceFilter(label=_("park"), queryset=None)
    kind = filters.ChoiceFilter(choices=PartnerKind.choices, label=_("kind"))

    class Meta:
        model = Partner
        fields = []


class LeadFilterSet(ScopedFilterSet):
    search_fields = ("name", "investor", "industry")
    primary = ("q", "park", "status", "land_use")
    q = _search_box(_("project, investor or industry"))
    park = filters.ModelChoiceFilter(label=_("park"), queryset=None)
    status = filters.ChoiceFilter(choices=LeadStatus.choices, label=_("status"))
    land_use = filters.ChoiceFilter(choices=LandParcel.LandUse.choices, label=_("land use"))

    class Meta:
        model = ProjectLead
        fields = []
