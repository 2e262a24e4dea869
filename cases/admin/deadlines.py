"""The stored deadlines in the admin: read only, since every write computes them again."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..deadlines.stored import LABELS, text_of
from ..models import CaseDeadline
from .base import ParkListFilter, ParkScopedMixin, ReadOnlyAdmin


@admin.register(CaseDeadline)
class CaseDeadlineAdmin(ReadOnlyAdmin, ParkScopedMixin, admin.ModelAdmin):
    list_display = ["case_number", "deadline", "start", "due", "met_on", "window", "why"]
    list_filter = [("park", ParkListFilter)]
    search_fields = ["case_number"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("deadline"), ordering="rule_order")
    def deadline(self, obj: CaseDeadline) -> str:
        return LABELS[obj.rule]

    @admin.display(description=_("cannot be computed because"))
    def why(self, obj: CaseDeadline) -> str:
        return text_of(obj, "reason") or text_of(obj, "closed")
