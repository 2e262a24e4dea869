"""The forms of the land: enterprises and parcels."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import scoping
from ..models import (
    Enterprise,
    LandParcel,
)
from ..models.land import folded_name
from .base import ParkOwnedForm, Role
from .pickers import use_picker


class EnterpriseForm(ParkOwnedForm):
    class Meta:
        model = Enterprise
        fields = ["park", "name", "credit_code", "contact_person", "contact_phone", "address"]

    save_anyway = forms.BooleanField(
        label=_("Save anyway: this is a different enterprise"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        # The park's enterprises this one most likely repeats, found when the form is checked.
        self.duplicates: list[Enterprise] = []

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        park, name = cleaned.get("park"), cleaned.get("name", "")
        if park is None or not name:
            return cleaned
        self.duplicates = list(
            Enterprise.objects.likely_duplicates(
                park, name=name, credit_code=cleaned.get("credit_code", ""), exclude_pk=self.instance.pk
            ).order_by("name", "pk")[:5]
        )
        same_name = [e for e in self.duplicates if folded_name(e.name) == folded_name(name)]
        if same_name and not cleaned.get("save_anyway"):
            self.fields["save_anyway"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            self.add_error(
                "name",
                _(
                    "An enterprise named “%(name)s” is already registered in this park (listed above). "
                    "If this is a different enterprise, tick “Save anyway” and save again."
                )
                % {"name": same_name[0].name},
            )
        return cleaned


class ParcelForm(ParkOwnedForm):
    class Meta:
        model = LandParcel
        fields = [
            "park",
            "code",
            "location",
            "area_m2",
            "land_use",
            "cadastral_code",
            "unit_number",
            "enterprise",
            "supply_method",
            "contract_number",
            "contract_signed_on",
            "land_price_wan",
            "agreed_start_on",
            "agreed_completion_on",
            "actual_start_on",
            "required_plot_ratio",
            "actual_plot_ratio",
            "building_area_m2",
            "invested_wan",
            "annual_output_wan",
            "annual_tax_wan",
        ]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["enterprise"].queryset = scoping.enterprises_for(user, role=Role.OFFICER).select_related(
            "park"
        )
        use_picker(self.fields["enterprise"], "enterprises", park_field="park")
