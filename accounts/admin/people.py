"""Users and their memberships in the admin, scoped to the organiser's subtree."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from ..duties import account_manageable
from ..models import (
    Membership,
    Organization,
    Role,
    User,
)
from ..permissions import request_scope
from ..roster import RosterResource
from ..selectors import under_paths_q
from .scoping import PERMISSIONS_SECTION, ScopedAdminMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "org", "can_review_questions")
    readonly_fields = ("role", "org", "can_review_questions")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # the user admin above already decided who may see this person

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("org")
        scope = request_scope(request)
        if scope.is_admin:  # superusers included
            return qs
        # a teacher who also works in another district: show only the memberships in this organiser's subtree
        return qs.filter(under_paths_q(scope.managed_paths, "org"))

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ScopedAdminMixin, ExportMixin, DjangoUserAdmin):
    resource_classes = [RosterResource]
    formats = [base_formats.XLSX, base_formats.CSV]
    # adds a "导入学生名单" button leading to the roster page (preview, row errors, scope, initial passwords)
    import_export_change_list_template = "accounts/roster_admin_change_list.html"
    list_display = ("username", "real_name", "student_no", "roles", "is_active", "must_change_password")
    list_filter = ("memberships__role", "is_active", "must_change_password", "is_staff")
    search_fields = ("username", "real_name", "student_no", "phone")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("个人信息"),
            {"fields": ("real_name", "gender", "student_no", "phone", "email", "must_change_password")},
        ),
        (PERMISSIONS_SECTION, {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "real_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(sorted({str(Role(m.role).label) for m in obj.memberships.all()}))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships")

    def scope_q(self, request):
        return under_paths_q(self.managed_paths(request), "memberships__org")

    def obj_in_scope(self, request, obj):
        paths = self.managed_paths(request)
        return any(m.org_id and m.org.path.startswith(tuple(paths)) for m in obj.memberships.select_related("org"))

    def obj_editable(self, request, obj):
        # only people who belong entirely to this organiser's subtree: a teacher who also works in another
        # district, an organiser of a higher node, or a superuser stays read-only
        if obj.is_superuser or obj.pk == request.user.pk:
            return False
        paths = tuple(self.managed_paths(request))
        memberships = list(obj.memberships.select_related("org"))
        if not (memberships and all(m.org_id and m.org.path.startswith(paths) for m in memberships)):
            return False
        # …and who serve nowhere outside it (a judge on a city panel is the city's to reset)
        return account_manageable(scope=request_scope(request), target=obj)

    def has_add_permission(self, request):
        # organisers create students through the roster import, which places them in a class
        return self.is_global(request)

    def has_change_permission(self, request, obj=None):
        # holders of the site-admin role who are not superusers cannot touch superuser accounts
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # only superusers hand out staff/superuser flags, groups and model permissions
        if obj is None or request.user.is_superuser:
            return fieldsets
        return tuple(
            (name, {**opts, "fields": ("is_active",)}) if name == PERMISSIONS_SECTION else (name, opts)
            for name, opts in fieldsets
        )

    def save_model(self, request, obj, form, change):
        if not self.is_global(request):
            self.deny_unless(change and self.obj_editable(request, User.objects.get(pk=obj.pk)))
        if change and not request.user.is_superuser:
            stored = User.objects.get(pk=obj.pk)
            self.deny_unless((obj.is_superuser, obj.is_staff) == (stored.is_superuser, stored.is_staff))
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        self.deny_unless(self.has_change_permission(request, user))
        return super().user_change_password(request, id, form_url)


# --- memberships --------------------------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "org", "can_review_questions", "created_at")
    list_filter = ("role", "can_review_questions")
    search_fields = ("user__username", "user__real_name", "org__name")
    list_select_related = ("user", "org")
    autocomplete_fields = ("user", "org")

    def scope_q(self, request):
        return under_paths_q(self.managed_paths(request), "org")

    def obj_in_scope(self, request, obj):
        return obj.org_id is not None and request_scope(request).manages(obj.org)

    def obj_editable(self, request, obj):
        # an organiser may not edit the membership that gives them (or a peer at their node) their own scope
        paths = self.managed_paths(request)
        return obj.org_id is not None and any(obj.org.path.startswith(p) and obj.org.path != p for p in paths)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self.is_global(request):
            if db_field.name == "org":
                kwargs["queryset"] = Organization.objects.filter(under_paths_q(self.managed_paths(request)))
            elif db_field.name == "user":
                kwargs["queryset"] = User.objects.filter(
                    under_paths_q(self.managed_paths(request), "memberships__org")
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not self.is_global(request):
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v != Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self.is_global(request):
            self.deny_unless(obj.role != Role.ADMIN and obj.org_id is not None)
            self.deny_unless(self.obj_editable(request, obj))
            if change:
                self.deny_unless(self.obj_editable(request, Membership.objects.select_related("org").get(pk=obj.pk)))
        super().save_model(request, obj, form, change)
