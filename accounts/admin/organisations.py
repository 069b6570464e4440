"""The organisation tree in the admin, with its spreadsheet import/export (formula-safe)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields as ie_fields
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from core.spreadsheet import SafeCellsResourceMixin, unescape_cell

from ..models import (
    Grade,
    Organization,
    OrgKind,
    SchoolStage,
)
from ..permissions import request_scope
from ..roster import parse_grade
from ..selectors import Scope, under_paths_q
from .scoping import ScopedAdminMixin


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
        return under_paths_q(self.managed_paths(request))

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
