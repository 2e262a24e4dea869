"""The forms of the land: enterprises and parcels."""

from .. import scoping
from ..models import (
    Enterprise,
    LandParcel,
)
from .base import ParkOwnedForm, Role


class EnterpriseForm(ParkOwnedForm):
    class Meta:
        model = Enterprise
        fields = ["park", "name", "credit_code", "contact_person", "contact_phone", "address"]

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()


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
