"""Checking rows against the database and the importer's scope; `roster_parse`."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheet import FORMULA_PREFIXES

from ..family import FAMILY_NO_RE, family_key, normalise_family_no
from ..models import STAGE_GRADES, Gender, Grade, Organization, OrgKind, Role, SchoolStage, User
from ..selectors import Scope, scope_for
from ..validators import normalise_phone, phone_is_valid
from .reading import _read_table, _table_rows
from .rows import (
    COL_CLASS,
    COL_FAMILY_NO,
    COL_GENDER,
    COL_GRADE,
    COL_GUARDIAN_PHONE,
    COL_NAME,
    COL_PHONE,
    COL_SCHOOL,
    COL_STUDENT_NO,
    SCIENTIFIC_RE,
    STUDENT_NO_RE,
    RosterFileError,
    RosterPreview,
    RosterRow,
    RowStatus,
)

# --- checking rows ------------------------------------------------------------------------------------

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
GRADE_SHORT = {
    1: "一",
    2: "二",
    3: "三",
    4: "四",
    5: "五",
    6: "六",
    7: "初一",
    8: "初二",
    9: "初三",
    10: "高一",
    11: "高二",
    12: "高三",
}


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in CN_DIGITS:
        return CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in CN_DIGITS:
        return 10 + CN_DIGITS[text[1]]
    return None


def parse_grade(text: str) -> int | None:
    """一年级…六年级, 初一…初三 / 七年级…九年级, 高一…高三 / 十年级…十二年级, 初中一年级, and digits."""
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    s = re.sub(r"^(小学)", "", s)
    offset = 0
    if m := re.fullmatch(r"(初中|初)(.+?)(年级)?", s):
        offset, s = 6, m.group(2)
    elif m := re.fullmatch(r"(高中|高)(.+?)(年级)?", s):
        offset, s = 9, m.group(2)
    else:
        s = s.removesuffix("年级").removesuffix("级")
    if s.endswith(".0"):
        s = s[:-2]
    n = _cn_number(s)
    if n is None:
        return None
    if offset and not 1 <= n <= 3:
        return None
    grade = n + offset
    return grade if 1 <= grade <= 12 else None


def _norm_name(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").lower()


def _class_candidates(class_raw: str, grade: int) -> tuple[list[str], str]:
    """Names an existing class may carry for this cell, and the name to create it under."""
    s = unicodedata.normalize("NFKC", class_raw).replace(" ", "")
    m = re.fullmatch(r"\(?(\d{1,2})\)?班?", s)
    if not m:
        return [class_raw], class_raw
    n = int(m.group(1))
    canonical = f"{GRADE_SHORT[grade]}（{n}）班"
    return [class_raw, canonical, f"{grade}年级{n}班", f"{Grade(grade).label}{n}班", f"{n}班"], canonical


def _text_ok(row: RosterRow, column: str, value: str, *, max_len: int) -> bool:
    if value.startswith(FORMULA_PREFIXES):
        row.error(column, _("单元格以“{char}”开头（可能是公式），请改为纯文本。").format(char=value[0]))
        return False
    if len(value) > max_len:
        row.error(column, _("内容过长（最多 {n} 个字符）。").format(n=max_len))
        return False
    return True


class _Checker:
    """Checks rows against the database and the importer's scope; caches lookups per file."""

    def __init__(self, scope: Scope, school: Organization | None):
        self.scope = scope
        self.forced_school = school
        self.schools = list(scope.importable_schools())
        self.schools_by_name: dict[str, list[Organization]] = {}
        for s in self.schools:
            self.schools_by_name.setdefault(_norm_name(s.name), []).append(s)
        self._classes: dict[int, list[Organization]] = {}
        self._existing_nos: dict[int, dict[str, tuple[int, int]]] = {}
        self._planned_classes: dict[tuple[int, str], int] = {}  # classes this file will create → grade

    def classes_of(self, school: Organization) -> list[Organization]:
        if school.pk not in self._classes:
            self._classes[school.pk] = list(Organization.objects.filter(parent=school, kind=OrgKind.CLASS))
        return self._classes[school.pk]

    def existing_student_nos(self, school: Organization) -> dict[str, tuple[int, int]]:
        """student number (lower case) → (user id, class id) of the school's students."""
        if school.pk not in self._existing_nos:
            self._existing_nos[school.pk] = {
                no.lower(): (user_id, class_id)
                for no, user_id, class_id in User.objects.filter(
                    memberships__role=Role.STUDENT, memberships__org__path__startswith=school.path
                )
                .exclude(student_no="")
                .values_list("student_no", "pk", "memberships__org_id")
            }
        return self._existing_nos[school.pk]

    def may_update_family(self, school: Organization, class_id: int) -> bool:
        klass = next((k for k in self.classes_of(school) if k.pk == class_id), None)
        return self.may_create_class_in(school) or (klass is not None and self.scope.teaches(klass))

    def may_create_class_in(self, school: Organization) -> bool:
        # organisers of the subtree, site admins, and teachers attached to the whole school
        return self.scope.manages(school) or self.scope.teaches(school)

    def resolve_school(self, row: RosterRow) -> Organization | None:
        if self.forced_school is not None:
            if row.school_name and _norm_name(row.school_name) != _norm_name(self.forced_school.name):
                row.error(COL_SCHOOL, _("与页面上选择的学校“{school}”不一致。").format(school=self.forced_school.name))
                return None
            return self.forced_school
        if not row.school_name:
            row.error(COL_SCHOOL, _("不能为空。"))
            return None
        matches = self.schools_by_name.get(_norm_name(row.school_name), [])
        if not matches:
            row.error(COL_SCHOOL, _("找不到该学校，或您无权向该学校导入学生。"))
            return None
        if len(matches) > 1:
            row.error(COL_SCHOOL, _("有多所同名学校，请在页面上先选择学校再上传。"))
            return None
        return matches[0]

    def resolve_class(self, row: RosterRow, school: Organization, grade: int) -> None:
        candidates, create_name = _class_candidates(row.class_raw, grade)
        wanted = [_norm_name(c) for c in candidates]
        classes = self.classes_of(school)
        by_name = {_norm_name(c.name): c for c in classes}
        found = None
        for name in wanted:
            klass = by_name.get(name)
            if klass is not None and klass.grade == grade:
                found = klass
                break
        # a class named in full ("实验班", "五（1）班") that exists with another grade is a contradiction; a bare
        # number ("1班") just means this grade's class 1, created under its full name if missing
        if found is None and create_name == row.class_raw and _norm_name(row.class_raw) in by_name:
            other = by_name[_norm_name(row.class_raw)]
            row.error(
                COL_CLASS,
                _("该校已有名为“{name}”的班级，但年级是{grade}，与本行年级不一致。").format(
                    name=other.name, grade=other.get_grade_display()
                ),
            )
            return
        if found is not None:
            if not (self.may_create_class_in(school) or self.scope.teaches(found)):
                row.error(COL_CLASS, _("您只能向自己任教的班级导入学生。"))
                return
            row.class_id, row.class_name = found.pk, found.name
            return
        if not self.may_create_class_in(school):
            row.error(COL_CLASS, _("找不到该班级；您只能向自己任教的班级导入学生。"))
            return
        if _norm_name(create_name) in by_name:
            row.error(COL_CLASS, _("该校已有同名班级“{name}”，但年级不同。").format(name=create_name))
            return
        planned = self._planned_classes.setdefault((school.pk, _norm_name(create_name)), grade)
        if planned != grade:
            row.error(COL_CLASS, _("文件中新班级“{name}”出现了不同的年级。").format(name=create_name))
            return
        row.class_id, row.class_name = None, create_name

    def check_family(self, row: RosterRow) -> None:
        row.family_key = None
        if (
            row.family_no
            and _text_ok(row, COL_FAMILY_NO, row.family_no, max_len=32)
            and not FAMILY_NO_RE.match(normalise_family_no(row.family_no))
        ):
            row.error(COL_FAMILY_NO, _("只能包含字母、数字、“-”和“_”，最多 32 位；可以留空。"))
        if row.guardian_phone:
            if phone_is_valid(row.guardian_phone):
                row.guardian_phone = normalise_phone(row.guardian_phone)
            else:
                row.error(COL_GUARDIAN_PHONE, _("家长手机应为 11 位数字，以 13–19 开头；可以留空。"))

    def check(self, row: RosterRow, seen: dict[tuple[int, str], int]) -> None:
        row.status, row.errors, row.note = RowStatus.NEW, [], ""
        row.family_update_user_id = None
        if not row.name:
            row.error(COL_NAME, _("不能为空。"))
        else:
            _text_ok(row, COL_NAME, row.name, max_len=50)
        if not row.student_no:
            row.error(COL_STUDENT_NO, _("不能为空。"))
        elif row.student_no_lossy:
            row.error(
                COL_STUDENT_NO,
                _("学号在 Excel 中存成了数字，超过 15 位时末尾几位已经丢失；请把该列设为“文本”格式后重新填写。"),
            )
        elif SCIENTIFIC_RE.match(row.student_no):
            row.error(
                COL_STUDENT_NO,
                _("学号被 Excel 显示成了科学计数法（如 3.2E+17）；请把该列设为“文本”格式后重新填写并保存。"),
            )
        elif not STUDENT_NO_RE.match(row.student_no):
            row.error(COL_STUDENT_NO, _("只能包含字母、数字、“-”和“_”，最多 40 位。"))
        grade = None
        if not row.grade_raw:
            row.error(COL_GRADE, _("不能为空。"))
        else:
            grade = parse_grade(row.grade_raw)
            if grade is None:
                row.error(
                    COL_GRADE,
                    _("无法识别“{value}”，请填写如“五年级”“初一”“高二”或数字 1–12。").format(value=row.grade_raw),
                )
        if not row.class_raw:
            row.error(COL_CLASS, _("不能为空。"))
        else:
            _text_ok(row, COL_CLASS, row.class_raw, max_len=60)
        if row.school_name:
            _text_ok(row, COL_SCHOOL, row.school_name, max_len=100)
        gender = {
            "男": Gender.MALE,
            "女": Gender.FEMALE,
            "男生": Gender.MALE,
            "女生": Gender.FEMALE,
            "m": Gender.MALE,
            "f": Gender.FEMALE,
            "": "",
        }.get(row.gender_raw.lower())
        if gender is None:
            row.error(COL_GENDER, _("只能填写“男”或“女”，也可以留空。"))
        row.gender = gender or ""
        if row.phone:
            if phone_is_valid(row.phone):
                row.phone = normalise_phone(row.phone)
            else:
                row.error(COL_PHONE, _("手机号应为 11 位数字，以 13–19 开头（如 13800000000）。"))
        self.check_family(row)

        school = self.resolve_school(row)
        if school is None:
            return
        row.school_id, row.school_label = school.pk, school.name
        if not any(c in (COL_FAMILY_NO, COL_GUARDIAN_PHONE) for c, _msg in row.errors):
            row.family_key = family_key(guardian_phone=row.guardian_phone, family_no=row.family_no, school_id=school.pk)
        if grade is not None:
            row.grade = grade
            allowed = STAGE_GRADES.get(school.stage) if school.stage else None
            if allowed is not None and grade not in allowed:
                row.error(
                    COL_GRADE,
                    _("{school}是{stage}，没有{grade}。").format(
                        school=school.name, stage=SchoolStage(school.stage).label, grade=Grade(grade).label
                    ),
                )
            elif row.class_raw and not any(c == COL_CLASS for c, _msg in row.errors):
                self.resolve_class(row, school, grade)
        if row.status == RowStatus.ERROR or not row.student_no:
            return
        key = (school.pk, row.student_no.lower())
        if key in seen:
            row.status = RowStatus.DUPLICATE
            row.note = _("与文件第 {line} 行学号相同，已跳过。").format(line=seen[key])
        elif row.student_no.lower() in self.existing_student_nos(school):
            row.status = RowStatus.DUPLICATE
            row.note = _("该校已有此学号的学生，已跳过。")
            user_id, class_id = self.existing_student_nos(school)[row.student_no.lower()]
            if row.family_key and self.may_update_family(school, class_id):
                row.family_update_user_id = user_id
                row.note = _("该校已有此学号的学生，不重复导入；将为其写入家庭编号/家长手机对应的家庭标识。")
        else:
            seen[key] = row.line


def _link_family_numbers(rows: list[RosterRow]) -> None:
    """Rows of one school sharing a 家庭编号 are one family: where some of them also give the 家长手机, the
    others take the phone's key too (so a sibling at another school, known by the phone only, still
    matches). Two different phones under one number are refused: which family is it?"""
    groups: dict[tuple[int, str], list[RosterRow]] = {}
    for row in rows:
        if row.family_key and row.family_no:
            groups.setdefault((row.school_id, normalise_family_no(row.family_no)), []).append(row)
    for group in groups.values():
        phones = {r.guardian_phone for r in group if r.guardian_phone}
        if len(phones) > 1:
            for r in group:
                r.error(COL_GUARDIAN_PHONE, _("同一家庭编号下填写了不同的家长手机，请统一为一个。"))
                r.family_key = None
        elif phones:
            key = family_key(guardian_phone=phones.pop())
            for r in group:
                r.family_key = key


def _check_rows(*, scope: Scope, rows: list[RosterRow], school: Organization | None) -> RosterPreview:
    checker = _Checker(scope, school)
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        checker.check(row, seen)
    _link_family_numbers(rows)
    return RosterPreview(rows=rows, school_id=school.pk if school else None)


def _read_upload(upload) -> bytes:
    size = getattr(upload, "size", None)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise RosterFileError(
            _("文件太大（{size} MB），上限为 {limit} MB。").format(
                size=round(size / 1024 / 1024, 1), limit=round(limit / 1024 / 1024, 1)
            )
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RosterFileError(_("文件太大，上限为 {limit} MB。").format(limit=round(limit / 1024 / 1024, 1)))
    return data


def _check_school_choice(scope: Scope, school: Organization | None) -> None:
    if school is not None and not scope.importable_schools().filter(pk=school.pk).exists():
        raise RosterFileError(_("您无权向该学校导入学生。"))


def roster_parse(*, user: User, upload, school: Organization | None = None) -> RosterPreview:
    """Read an uploaded roster and check every row; writes nothing. `upload` is a Django UploadedFile
    (anything with .name, .read() and .size). Raises RosterFileError for a file that cannot be used at all."""
    scope = scope_for(user)
    _check_school_choice(scope, school)
    data = _read_upload(upload)
    table = _read_table(data, getattr(upload, "name", "") or "")
    rows = _table_rows(table, school_from_form=school is not None)
    return _check_rows(scope=scope, rows=rows, school=school)
