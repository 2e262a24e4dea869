"""The admin of the land: enterprises and parcels."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Enterprise, LandParcel
from .base import ParkListFilter, ScopedAdmin


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ["name", "credit_code", "park", "contact_person", "contact_phone"]
    list_filter = [("park", ParkListFilter)]
    search_fields = ["name", "credit_code", "contact_person"]
    list_select_related = ["park"]


@admin.register(LandParcel)
class LandParcelAdmin(ScopedAdmin):
    list_display = ["code", "park", "location", "area_m2", "area_mu", "land_use", "enterprise"]
    list_filter = [("park", ParkListFilter), "land_use", "supply_method"]
    search_fields = ["code", "cadastral_code", "unit_number", "location", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    list_select_related = ["park", "enterprise"]
    readonly_fields = ["area_mu", "investment_intensity_wan", "output_per_mu_wan", "tax_per_mu_wan"]
    fieldsets = [
        (None, {"fields": ["park", "code", "cadastral_code", "unit_number", "location", "land_use"]}),
        (_("Area"), {"fields": ["area_m2", "area_mu", "boundary"]}),
        (
            _("Land-use right"),
            {
                "fields": [
                    "enterprise",
                    "supply_method",
                    "contract_number",
                    "contract_signed_on",
                    "land_price_wan",
                ]
            },
        ),
        (
            _("Development"),
            {
                "fields": [
                    "agreed_start_on",
                    "agreed_completion_on",
                    "actual_start_on",
                    "required_plot_ratio",
                    "actual_plot_ratio",
                    "building_area_m2",
                ]
            },
        ),
        (
            _("Performance"),
            {
                "fields": [
                    "invested_wan",
                    "investment_intensity_wan",
                    "annual_output_wan",
                    "output_per_mu_wan",
                    "annual_tax_wan",
                    "tax_per_mu_wan",
                ]
            },
        ),
    ]

    @admin.display(description=_("area (mu)"))
    def area_mu(self, obj):
        return obj.area_mu

    @admin.display(description=_("investment intensity (10k yuan/mu)"))
    def investment_intensity_wan(self, obj):
        return obj.investment_intensity_wan

    @admin.display(description=_("output per mu (10k yuan/mu)"))
    def output_per_mu_wan(self, obj):
        return obj.output_per_mu_wan

    @admin.display(description=_("tax per mu (10k yuan/mu)"))
    def tax_per_mu_wan(self, obj):
        return obj.tax_per_mu_wan
