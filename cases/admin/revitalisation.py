"""The admin of revitalisation: measures, partners and project leads."""

from django.contrib import admin

from ..models import Partner, ProjectLead, RevitalisationMeasure
from .base import ParkListFilter, ScopedAdmin
from .cases import CaseChildAdmin


@admin.register(RevitalisationMeasure)
class RevitalisationMeasureAdmin(CaseChildAdmin):
    park_path = "case__parcel__park"
    list_display = [
        "case",
        "method",
        "partner",
        "amount_wan",
        "status",
        "started_on",
        "concluded_on",
    ]
    list_filter = ["method", "status", "partner__kind", ("case__parcel__park", ParkListFilter)]
    search_fields = ["partner__name", "project_name", "notes", "case__number"]
    autocomplete_fields = ["case"]
    list_select_related = ["case", "partner"]


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "park", "contact_person", "contact_phone"]
    list_filter = ["kind", ("park", ParkListFilter)]
    search_fields = ["name", "contact_person"]
    list_select_related = ["park"]


@admin.register(ProjectLead)
class ProjectLeadAdmin(ScopedAdmin):
    list_display = ["name", "investor", "park", "area_needed_m2", "land_use", "status", "case"]
    list_filter = ["status", "land_use", ("park", ParkListFilter)]
    search_fields = ["name", "investor", "industry"]
    list_select_related = ["park", "case"]
    autocomplete_fields = ["case"]
    readonly_fields = ["measure"]
