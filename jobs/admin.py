"""The jobs, scheduled runs and reminders in the admin: read only, for superusers (the operator)."""

from django.contrib import admin

from .models import Job, ReminderLog, ReminderOptOut, ScheduledRun


class ReadOnlyForOperator(admin.ModelAdmin):
    """Rows written by the workers and the schedule: the operator reads them, nobody edits them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyForOperator):
    list_display = [
        "pk",
        "kind",
        "title",
        "state",
        "user",
        "park",
        "done",
        "total",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "kind", "park"]
    search_fields = ["title", "user__username", "error"]
    list_select_related = ["user", "park"]
    date_hierarchy = "created_at"


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyForOperator):
    list_display = ["kind", "period", "started_at", "host"]
    list_filter = ["kind"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyForOperator):
    list_display = ["sent_on", "officer", "kind", "subject", "sent_at"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["subject", "officer__username"]
    list_select_related = ["officer"]


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnlyForOperator):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
