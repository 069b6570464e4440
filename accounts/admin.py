"""Admin for people and the organisation tree, scoped like every other page.

Superusers (and holders of the site-admin role) see everything. An organiser who is staff sees only the
rows under the node(s) they administer and cannot save or delete anything outside that subtree; an object
outside it answers 404 rather than the admin's "does not exist" redirect."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields as ie_fields
from import_export import resources, widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats

from core.spreadsheet import SafeCellsResourceMixin, unescape_cell

from .duties import account_manageable
from .models import (
    ApiToken,
    EnrolmentSnapshot,
    Grade,
    InitialPassword,
    Membership,
    Organization,
    OrgKind,
    Role,
    SchoolStage,
    User,
)
from .permissions import request_scope
from .roster import RosterResource, parse_grade
from .selectors import Scope

PERMISSIONS_SECTION = _("权限")


def _paths_q(field: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class ScopedAdminMixin:
    """Role-based access for organisers (no Django model permissions needed) plus subtree filtering.
    Subclasses say how a row maps to the tree in `scope_q` and `obj_in_scope`."""

    def is_global(self, request) -> bool:
        return request.user.is_superuser or request_scope(request).is_admin

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


# --- organisations ------------------------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("name", "kind", "parent", "stage", "grade", "code")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.path.startswith(self.instance.path or "\0"):
            raise ValidationError(_("不能把组织移到它自己或它的下级组织之下。"))
        return parent


class SpreadsheetTextWidget(widgets.CharWidget):
    """Text as our exports wrote it: the apostrophe `safe_cell` put before formula-like text is removed
    again, so export → edit → import keeps names exactly."""

    def clean(self, value, row=None, **kwargs):
        return unescape_cell(super().clean(value, row, **kwargs))


class ChoiceLabelWidget(widgets.Widget):
    """Reads a choice by its stored value or its Chinese label ("school" or "学校"); writes the label."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.labels = {str(value): str(label) for value, label in choices}
        self.values = {str(label): value for value, label in choices} | {str(v): v for v, _label in choices}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        if text not in self.values:
            raise ValueError(_("无法识别“{value}”。").format(value=text))
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(str(value), "") if value not in (None, "") else ""


class GradeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        grade = parse_grade(text)
        if grade is None:
            raise ValueError(_("无法识别年级“{value}”。").format(value=text))
        return grade

    def render(self, value, obj=None, **kwargs):
        return Grade(value).label if value else ""


class ParentWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (Organization.DoesNotExist, TypeError, ValueError) as exc:
            raise ValueError(_("上级 ID“{value}”不存在。").format(value=value)) from exc


class OrganizationResource(SafeCellsResourceMixin, resources.ModelResource):
    """The tree in bulk (schools, classes…). Rows are checked against the importer's scope before saving:
    an organiser can only add or change nodes below the node they administer."""

    id = ie_fields.Field(attribute="id", column_name="ID", widget=widgets.IntegerWidget())
    name = ie_fields.Field(attribute="name", column_name="名称", widget=SpreadsheetTextWidget(allow_blank=True))
    kind = ie_fields.Field(attribute="kind", column_name="类型", widget=ChoiceLabelWidget(OrgKind.choices))
    parent = ie_fields.Field(attribute="parent", column_name="上级ID", widget=ParentWidget(Organization))
    parent_name = ie_fields.Field(column_name="上级名称", readonly=True, dehydrate_method="dehydrate_parent_name")
    stage = ie_fields.Field(attribute="stage", column_name="学段", widget=ChoiceLabelWidget(SchoolStage.choices))
    grade = ie_fields.Field(attribute="grade", column_name="年级", widget=GradeWidget())
    code = ie_fields.Field(attribute="code", column_name="代码", widget=SpreadsheetTextWidget(allow_blank=True))

    class Meta:
        model = Organization
        fields = ("id", "name", "kind", "parent", "parent_name", "stage", "grade", "code")
        export_order = fields
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, scope: Scope | None = None, **kwargs):
        super().__init__()
        self.scope = scope

    def dehydrate_parent_name(self, org):
        return org.parent.name if org.parent_id else ""

    def before_save_instance(self, instance, row, **kwargs):
        errors = {}
        stored = Organization.objects.filter(pk=instance.pk).first() if instance.pk else None
        if instance.pk and stored is None:
            errors["id"] = _("ID 不存在；新建组织时请把 ID 留空。")
        if stored is not None and instance.parent_id and instance.parent.path.startswith(stored.path):
            errors["parent"] = _("不能把组织移到它自己或它的下级组织之下。")
        scope = self.scope
        if scope is None:
            raise ValidationError(_("无法确定导入者的权限。"))
        if not scope.is_admin:
            if stored is not None and not any(
                stored.path.startswith(p) and stored.path != p for p in scope.managed_paths
            ):
                errors["id"] = _("该组织不在您的管理范围内，或不能修改。")
            if instance.parent_id is None or not scope.manages(instance.parent):
                errors["parent"] = _("上级组织不在您的管理范围内。")
        if errors:
            raise ValidationError(errors)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, ImportExportMixin, admin.ModelAdmin):
    form = OrganizationForm
    resource_classes = [OrganizationResource]
    formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ("tree_name", "kind", "stage", "grade", "code", "parent")
    list_filter = ("kind", "stage", "grade")
    search_fields = ("name", "code")
    ordering = ("path",)
    list_select_related = ("parent",)
    list_per_page = 200

    @admin.display(description=_("名称"), ordering="path")
    def tree_name(self, obj):
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, obj.name)

    def scope_q(self, request):
        return _paths_q("path", self.managed_paths(request))

    def obj_in_scope(self, request, obj):
        return request_scope(request).manages(obj)

    def obj_editable(self, request, obj):
        # an organiser edits what lies below their node, not the node itself (no renaming or moving 如东县)
        return any(obj.path.startswith(p) and obj.path != p for p in self.managed_paths(request))

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"scope": request_scope(request)}

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not self.is_global(request):
            kwargs["queryset"] = Organization.objects.filter(self.scope_q(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self.is_global(request):
            # a new or moved node must hang under something this organiser manages
            self.deny_unless(obj.parent_id is not None and request_scope(request).manages(obj.parent))
            if change:
                self.deny_unless(self.obj_editable(request, Organization.objects.get(pk=obj.pk)))
        super().save_model(request, obj, form, change)


# --- users --------------------------------------------------------------------------------------------


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
        if request.user.is_superuser or scope.is_admin:
            return qs
        # a teacher who also works in another district: show only the memberships in this organiser's subtree
        return qs.filter(_paths_q("org__path", scope.managed_paths))

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
        return _paths_q("memberships__org__path", self.managed_paths(request))

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
        return _paths_q("org__path", self.managed_paths(request))

    def obj_in_scope(self, request, obj):
        return obj.org_id is not None and request_scope(request).manages(obj.org)

    def obj_editable(self, request, obj):
        # an organiser may not edit the membership that gives them (or a peer at their node) their own scope
        paths = self.managed_paths(request)
        return obj.org_id is not None and any(obj.org.path.startswith(p) and obj.org.path != p for p in paths)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self.is_global(request):
            if db_field.name == "org":
                kwargs["queryset"] = Organization.objects.filter(_paths_q("path", self.managed_paths(request)))
            elif db_field.name == "user":
                kwargs["queryset"] = User.objects.filter(
                    _paths_q("memberships__org__path", self.managed_paths(request))
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


# --- API tokens ---------------------------------------------------------------------------------------


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
        return _paths_q("user__memberships__org__path", self.managed_paths(request))

    def obj_in_scope(self, request, obj):
        paths = tuple(self.managed_paths(request))
        return obj.user.memberships.filter(_paths_q("org__path", list(paths))).exists()

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
        return _paths_q("user__memberships__org__path", self.managed_paths(request))

    def obj_in_scope(self, request, obj):
        return obj.user.memberships.filter(_paths_q("org__path", list(self.managed_paths(request)))).exists()


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
