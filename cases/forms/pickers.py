"""Searchable pickers for land users, parcels, partners and officers.

The field keeps its scoped queryset, so a posted choice is checked against everything the user may
choose; the page gets only the current choice when the list is long, and the browser asks
`/pick/<source>/` as the user types (Tom Select, `parkland/pickers.js`). A short list is written
whole, so the plain select still works where scripts do not run.
"""

import copy
import re

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..templatetags.parkland import person

# Up to this many choices the select carries them all; above it, only the current one.
FULL_LIST_MAX = 200


class SearchSelect(forms.Select):
    """A select that searches the server; `park_field` names the form's park select, whose choice
    narrows the search, and `park` a fixed park (a case's partners)."""

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "parkland/pickers.js"]

    def __init__(self, source: str, *, attrs=None, park_field: str = "", park: int | None = None) -> None:
        super().__init__(attrs=attrs)
        self.source, self.park_field, self.park = source, park_field, park

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-picker": reverse("picker", args=[self.source]),
            "data-picker-none": _("Nothing found: type part of the name or the number."),
            "data-picker-placeholder": _("Type to search: part of a name or a number"),
            "data-picker-clear": _("Clear"),
        }
        if self.park_field:
            attrs["data-picker-park-field"] = self.park_field
        if self.park is not None:
            attrs["data-picker-park"] = str(self.park)
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator) or choices.queryset.count() <= FULL_LIST_MAX:
            return super().optgroups(name, value, attrs)
        limited = copy.copy(choices)
        limited.queryset = choices.queryset.filter(
            pk__in=[v for v in value if re.fullmatch(r"[0-9]+", str(v))]
        )
        self.choices = limited
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = choices


def enterprise_label(enterprise) -> str:
    return " · ".join(filter(None, [enterprise.name, enterprise.credit_code, enterprise.park.code]))


def parcel_label(parcel) -> str:
    holder = parcel.enterprise.name if parcel.enterprise else ""
    return " · ".join(filter(None, [parcel.park.code, parcel.code, parcel.location, holder]))


def officer_label(user) -> str:
    name = person(user)
    return name if name == user.get_username() else f"{name} ({user.get_username()})"


def partner_label(partner) -> str:
    return f"{partner.name} · {partner.get_kind_display()}"


# The page's options and the server's answers read alike, so what the user types finds both.
LABELS = {"enterprises": enterprise_label, "parcels": parcel_label, "officers": officer_label}
LABELS["partners"] = partner_label


def use_picker(field: forms.ModelChoiceField, source: str, **options) -> None:
    """Give `field` a searchable picker over `source`, keeping its classes and its choices, its
    options labelled as the picker's answers are."""
    field.label_from_instance = LABELS[source]
    widget = SearchSelect(source, attrs=field.widget.attrs, **options)
    widget.is_required = field.widget.is_required
    widget.choices = field.choices
    field.widget = widget
