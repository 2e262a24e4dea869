"""The sign-in records of django-axes in the admin, for superusers only.

Failures, lockouts, sign-ins and sign-outs are an audit trail: superusers read them, and may delete
an attempt record to lift a lockout early; nobody edits or deletes the logs.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext_noop

# django-axes ships no Chinese; these of its texts are translated in Parkland's own catalogue.
AXES_TEXTS = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Logout Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Expires At"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
]


class SuperuserOnly:
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessAttempt)
class SignInAttemptAdmin(SuperuserOnly, AccessAttemptAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting the attempt record lifts the lockout.
        return self.has_module_permission(request)


@admin.register(AccessLog)
class SignInLogAdmin(SuperuserOnly, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class SignInFailureAdmin(SuperuserOnly, AccessFailureLogAdmin):
    pass
