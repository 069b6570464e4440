"""The django-import-export resource (admin export; the column names of the import)."""

from __future__ import annotations

from import_export import fields, resources

from core.spreadsheet import SafeCellsResourceMixin

from ..models import Membership, Organization, Role, User
from .rows import COL_CLASS, COL_GENDER, COL_GRADE, COL_NAME, COL_PHONE, COL_SCHOOL, COL_STUDENT_NO

# --- import-export resource (admin export, and the column names of the import) --------------------------


class RosterResource(SafeCellsResourceMixin, resources.ModelResource):
    """Students with the roster's Chinese columns. Used by the admin's export (on the admin's scoped
    queryset); imports go through `roster_parse` / `roster_import` so they are checked against scope."""

    real_name = fields.Field(attribute="real_name", column_name=COL_NAME)
    student_no = fields.Field(attribute="student_no", column_name=COL_STUDENT_NO)
    school = fields.Field(column_name=COL_SCHOOL, dehydrate_method="dehydrate_school")
    grade = fields.Field(column_name=COL_GRADE, dehydrate_method="dehydrate_grade")
    klass = fields.Field(column_name=COL_CLASS, dehydrate_method="dehydrate_klass")
    gender = fields.Field(column_name=COL_GENDER, dehydrate_method="dehydrate_gender")
    phone = fields.Field(attribute="phone", column_name=COL_PHONE)
    username = fields.Field(attribute="username", column_name="用户名")

    class Meta:
        model = User
        fields = ("real_name", "student_no", "school", "grade", "klass", "gender", "phone", "username")
        export_order = ("real_name", "student_no", "school", "grade", "klass", "gender", "phone", "username")

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(pk__in=Membership.objects.filter(role=Role.STUDENT).values("user_id"))

    def before_export(self, queryset, **kwargs):
        self._classes: dict[int, Organization] = {}
        memberships = Membership.objects.filter(role=Role.STUDENT).select_related("org", "org__parent")
        if queryset is not None:
            memberships = memberships.filter(user__in=queryset.values("pk"))
        for m in memberships:
            self._classes[m.user_id] = m.org

    def _class_of(self, user: User) -> Organization | None:
        return getattr(self, "_classes", {}).get(user.pk)

    def dehydrate_school(self, user: User) -> str:
        klass = self._class_of(user)
        return klass.parent.name if klass and klass.parent_id else ""

    def dehydrate_grade(self, user: User) -> str:
        klass = self._class_of(user)
        return klass.get_grade_display() if klass and klass.grade else ""

    def dehydrate_klass(self, user: User) -> str:
        klass = self._class_of(user)
        return klass.name if klass else ""

    def dehydrate_gender(self, user: User) -> str:
        return user.get_gender_display() if user.gender else ""
