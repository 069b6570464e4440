"""API tokens, initial passwords and enrolment snapshots in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    ApiToken,
    EnrolmentSnapshot,
    InitialPassword,
)
from ..selectors import under_paths_q
from .scoping import ScopedAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: only the SHA-256 of a token is stored, and it is shown shortened."""

    list_display = ("user", "short_hash", "created_at", "expires_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__real_name")
    fields = ("user", "short_hash", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields

    @admin.display(description=_("令牌摘要（SHA-256）"))
    def short_hash(self, obj):
        return f"{obj.key_hash[:12]}…"

    def scope_q(self, request):
        return under_paths_q(self.managed_paths(request), "user__memberships__org")

    def obj_in_scope(self, request, obj):
        paths = tuple(self.managed_paths(request))
        return obj.user.memberships.filter(under_paths_q(list(paths), "org")).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # revoking a token is a site-admin action
        return self.is_global(request)


# --- initial passwords --------------------------------------------------------------------------------


@admin.register(InitialPassword)
class InitialPasswordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only record of who issued which account; the encrypted password itself is never shown here (the
    class page prints it on login slips for those allowed to see it)."""

    list_display = ("user", "issued_by", "issued_at", "in_use")
    list_select_related = ("user", "issued_by")
    search_fields = ("user__username", "user__real_name")
    fields = ("user", "issued_by", "batch", "issued_at")
    readonly_fields = fields

    def scope_q(self, request):
        return under_paths_q(self.managed_paths(request), "user__memberships__org")

    def obj_in_scope(self, request, obj):
        return obj.user.memberships.filter(under_paths_q(list(self.managed_paths(request)), "org")).exists()


@admin.register(EnrolmentSnapshot)
class EnrolmentSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are taken by accounts.enrolment when a contest closes, never edited."""

    list_display = ("content_type", "object_id", "taken_at")
    readonly_fields = ("content_type", "object_id", "counts", "taken_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser
