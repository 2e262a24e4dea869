"""API tokens in the admin: read only (a key is made and revoked on the token page, /tokens/), each
user seeing their own and, as a park administrator, those of their parks' people."""

from django.contrib import admin

from .. import scoping
from ..models import ApiToken
from .base import ReadOnlyAdmin, SeenInTheUsersParks


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin, SeenInTheUsersParks, admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "last_used_ip",
    ]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["key_hash"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return scoping.api_tokens_for(request.user).select_related("user")
