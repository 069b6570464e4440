"""The role-based access every admin of accounts shares: organisers see and change only their subtree."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import (
    Role,
)
from ..permissions import request_scope

PERMISSIONS_SECTION = _("权限")


class ScopedAdminMixin:
    """Role-based access for organisers (no Django model permissions needed) plus subtree filtering.
    Subclasses say how a row maps to the tree in `scope_q` and `obj_in_scope`."""

    def is_global(self, request) -> bool:
        return request_scope(request).is_admin  # superusers included

    def is_organiser(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and request_scope(request).has_role(Role.ORGANISER)

    def managed_paths(self, request) -> list[str]:
        return request_scope(request).managed_paths

    def scope_q(self, request) -> Q:
        raise NotImplementedError

    def obj_in_scope(self, request, obj) -> bool:
        raise NotImplementedError

    def obj_editable(self, request, obj) -> bool:
        return self.obj_in_scope(request, obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.is_global(request):
            return qs
        if not self.is_organiser(request):
            return qs.none()
        return qs.filter(self.scope_q(request)).distinct()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # not in the scoped queryset: answer 404 whether it exists elsewhere or not
            raise Http404(_("对象不存在或不在您的管理范围内。"))
        return obj

    def has_module_permission(self, request):
        return self.is_global(request) or self.is_organiser(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if self.is_global(request):
            return True
        if not self.is_organiser(request):
            return False
        return obj is None or self.obj_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        if self.is_global(request):
            return True
        if not self.is_organiser(request):
            return False
        return obj is None or self.obj_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return self.is_global(request) or self.is_organiser(request)

    def deny_unless(self, condition: bool) -> None:
        if not condition:
            raise PermissionDenied

    def delete_queryset(self, request, queryset):
        if not self.is_global(request):
            for obj in queryset:
                self.deny_unless(self.obj_editable(request, obj))
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        if not self.is_global(request):
            self.deny_unless(self.obj_editable(request, obj))
        super().delete_model(request, obj)
