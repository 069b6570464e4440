"""Student roster import from Excel/CSV: read → check every row → preview → atomic write → credentials.

`roster_parse` reads an uploaded file (xlsx or csv, through django-import-export's format classes) and checks
every row against the database and the importer's scope without writing anything. `roster_import` checks
the same rows again against the database as it is at confirm time, and writes all of them or none.
Duplicates (same 学号 in the same school, in the database or earlier in the file) are skipped and shown as
such; any other row error blocks the whole import."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field

import tablib
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.formats import base_formats

from .models import STAGE_GRADES, Gender, Grade, Membership, Organization, OrgKind, Role, SchoolStage, User
from .selectors import Scope, scope_for

# --- columns ------------------------------------------------------------------------------------------

COL_NAME = "姓名"
COL_STUDENT_NO = "学号"
COL_STUDENT_NO_ALT = "学籍号"
COL_SCHOOL = "学校"
COL_GRADE = "年级"
COL_CLASS = "班级"
COL_GENDER = "性别"
COL_PHONE = "手机号"
TEMPLATE_HEADERS = [COL_NAME, COL_STUDENT_NO, COL_SCHOOL, COL_GRADE, COL_CLASS, COL_GENDER, COL_PHONE]
HEADER_ALIASES = {
    "学号/学籍号": COL_STUDENT_NO,
    "学籍号/学号": COL_STUDENT_NO,
    "学生姓名": COL_NAME,
    "学校名称": COL_SCHOOL,
    "班级名称": COL_CLASS,
    "手机": COL_PHONE,
    "联系电话": COL_PHONE,
    "电话": COL_PHONE,
}
SCHOOL_KINDS = (OrgKind.SCHOOL, OrgKind.STATION)
SUPPORTED_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
MAX_ROWS = getattr(settings, "ROSTER_MAX_ROWS", 3000)
MAX_COLUMNS = 50  # a roster has 7; reading 16,384-column rows of a hostile sheet would only burn memory
PREVIEW_TTL = 30 * 60
CREDENTIALS_TTL = 15 * 60
# No 0/O, 1/l/I: the passwords are read off paper by children.
READABLE_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 8
# Initial passwords are random, single-use (must be changed at first login) and Django re-hashes them at
# full strength on the first successful login, so they are hashed with fewer PBKDF2 rounds: a roster of
# 1,000 students then takes seconds, not minutes.
INITIAL_PASSWORD_ITERATIONS = 20_000
STUDENT_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SCIENTIFIC_RE = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
FORMULA_PREFIXES = ("=", "+", "-", "@")


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong type, broken, empty, missing columns, too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RosterBlocked(Exception):
    """The rows have errors (possibly new ones found at confirm time); nothing was written."""

    def __init__(self, preview: RosterPreview):
        super().__init__(_("名单中有错误，未导入任何学生。"))
        self.preview = preview


class RosterExpired(Exception):
    """The preview token is unknown, expired or belongs to another user."""


# --- rows ---------------------------------------------------------------------------------------------


class RowStatus:
    NEW = "new"
    DUPLICATE = "duplicate"
    ERROR = "error"


STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("将新建"),
    RowStatus.DUPLICATE: gettext_lazy("重复，跳过"),
    RowStatus.ERROR: gettext_lazy("错误"),
}


@dataclass
class RosterRow:
    line: int  # the row number the user sees in Excel (header is row 1 unless a title row precedes it)
    name: str = ""
    student_no: str = ""
    school_name: str = ""
    grade_raw: str = ""
    class_raw: str = ""
    gender_raw: str = ""
    phone: str = ""
    student_no_lossy: bool = False
    # filled by the check
    status: str = RowStatus.NEW
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    note: str = ""
    school_id: int | None = None
    school_label: str = ""
    class_id: int | None = None
    class_name: str = ""
    grade: int | None = None
    gender: str = ""

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))
        self.status = RowStatus.ERROR

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def creates_class(self) -> bool:
        return self.status == RowStatus.NEW and self.class_id is None

    def raw(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "line",
                "name",
                "student_no",
                "school_name",
                "grade_raw",
                "class_raw",
                "gender_raw",
                "phone",
                "student_no_lossy",
            )
        }


@dataclass
class RosterPreview:
    rows: list[RosterRow]
    school_id: int | None = None
    token: str = ""

    @property
    def new_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status == RowStatus.NEW]

    @property
    def duplicate_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status == RowStatus.DUPLICATE]

    @property
    def error_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status == RowStatus.ERROR]

    @property
    def new_class_names(self) -> list[str]:
        names = {f"{r.school_label} {r.class_name}" for r in self.rows if r.creates_class}
        return sorted(names)

    @property
    def can_import(self) -> bool:
        return not self.error_rows and bool(self.new_rows)


@dataclass
class Credential:
    real_name: str
    student_no: str
    school: str
    class_name: str
    username: str
    password: str


@dataclass
class RosterResult:
    created: list[Credential]
    skipped: list[RosterRow]
    classes_created: int
    token: str = ""


# --- reading the file ---------------------------------------------------------------------------------


class RosterXLSX(base_formats.XLSX):
    """The first sheet as plain rows, formulas kept as their text (so they can be refused instead of
    being silently read as an empty cached value)."""

    def create_dataset(self, in_stream):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(list(row))
                if len(rows) > MAX_ROWS + 20:
                    break
        finally:
            book.close()
        width = max((len(r) for r in rows), default=0)
        dataset = tablib.Dataset()
        for row in rows:
            dataset.append(row + [None] * (width - len(row)))
        return dataset


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise RosterFileError(_("文件内容不是文本格式的 CSV，请另存为“CSV（逗号分隔）”或 xlsx 后再上传。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(_("无法识别 CSV 文件的编码，请使用 UTF-8 或 GBK 编码保存。"))


class _LossyNumber(str):
    """Text of a numeric cell too long for Excel's 15 significant digits: its last digits are already gone."""


INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None) | {0xA0: " ", 0x3000: " "}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and float(value).is_integer():
        # Excel stores 20230101 as a float
        text = str(int(value))
        return _LossyNumber(text) if abs(value) >= 1e15 else text
    return unicodedata.normalize("NFC", str(value)).translate(INVISIBLE).strip()


def _canonical_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace(" ", "").strip("*＊")
    text = re.sub(r"[(（](必填|选填|可选)[)）]$", "", text)
    return HEADER_ALIASES.get(text, text)


def _read_table(data: bytes, filename: str) -> list[list[str]]:
    ext = ""
    if "." in filename:
        ext = "." + filename.rsplit(".", 1)[-1].lower()
    kind = SUPPORTED_EXTENSIONS.get(ext)
    if kind is None:
        if ext == ".xls":
            raise RosterFileError(_("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
        raise RosterFileError(_("不支持的文件类型，请上传 .xlsx 或 .csv 文件。"))
    if not data.strip():
        raise RosterFileError(_("文件是空的，请填写学生名单后再上传。"))
    try:
        if kind == "xlsx":
            if not zipfile.is_zipfile(io.BytesIO(data)):
                raise RosterFileError(
                    _("文件不是有效的 xlsx 文件（可能已损坏或只是改了扩展名），请在 Excel 中重新保存。")
                )
            dataset = RosterXLSX().create_dataset(data)
        else:
            dataset = base_formats.CSV().create_dataset(_decode_csv(data), headers=False)
    except RosterFileError:
        raise
    except tablib.InvalidDimensions as exc:
        raise RosterFileError(_("CSV 文件中某些行的列数多于表头，请检查是否有多余的逗号。")) from exc
    except Exception as exc:  # openpyxl/zip/csv raise many kinds of errors for a damaged file
        raise RosterFileError(_("文件已损坏或格式不正确，无法读取，请在 Excel 中重新保存后上传。")) from exc
    return [[_cell_text(v) for v in row] for row in dataset]


def _find_header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """Index of the header row (a title row above it is allowed) and column → position."""
    for index, row in enumerate(table[:5]):
        headers = [_canonical_header(c) for c in row]
        if COL_NAME in headers:
            positions: dict[str, int] = {}
            for pos, name in enumerate(headers):
                if name and name not in positions:
                    positions[name] = pos
            return index, positions
    raise RosterFileError(_("缺少必填列：{columns}。请使用页面提供的模板，表头须在第一行。").format(columns="姓名"))


def _table_rows(table: list[list[str]], *, school_from_form: bool) -> list[RosterRow]:
    if not any(any(c for c in row) for row in table):
        raise RosterFileError(_("文件是空的，请填写学生名单后再上传。"))
    header_index, positions = _find_header(table)
    missing = []
    for column in (COL_NAME, COL_STUDENT_NO, COL_SCHOOL, COL_GRADE, COL_CLASS):
        if column == COL_STUDENT_NO:
            if COL_STUDENT_NO not in positions and COL_STUDENT_NO_ALT not in positions:
                missing.append(f"{COL_STUDENT_NO}（或{COL_STUDENT_NO_ALT}）")
        elif column not in positions and not (column == COL_SCHOOL and school_from_form):
            missing.append(column)
    if missing:
        raise RosterFileError(_("缺少必填列：{columns}。请使用页面提供的模板。").format(columns="、".join(missing)))

    def cell(row: list[str], column: str) -> str:
        pos = positions.get(column)
        return row[pos] if pos is not None and pos < len(row) else ""

    rows = []
    for offset, values in enumerate(table[header_index + 1 :], start=header_index + 2):
        if not any(values):
            continue
        student_no = cell(values, COL_STUDENT_NO) or cell(values, COL_STUDENT_NO_ALT)
        rows.append(
            RosterRow(
                line=offset,
                name=cell(values, COL_NAME),
                student_no=str(student_no),
                student_no_lossy=isinstance(student_no, _LossyNumber),
                school_name=cell(values, COL_SCHOOL),
                grade_raw=cell(values, COL_GRADE),
                class_raw=cell(values, COL_CLASS),
                gender_raw=cell(values, COL_GENDER),
                phone=cell(values, COL_PHONE),
            )
        )
    if not rows:
        raise RosterFileError(_("文件中只有表头，没有学生数据。"))
    if len(rows) > MAX_ROWS:
        raise RosterFileError(
            _("一次最多导入 {max} 名学生，本文件有 {count} 行，请拆分后分批导入。").format(
                max=MAX_ROWS, count=len(rows)
            )
        )
    return rows


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
        self._existing_nos: dict[int, set[str]] = {}
        self._planned_classes: dict[tuple[int, str], int] = {}  # classes this file will create → grade

    def classes_of(self, school: Organization) -> list[Organization]:
        if school.pk not in self._classes:
            self._classes[school.pk] = list(Organization.objects.filter(parent=school, kind=OrgKind.CLASS))
        return self._classes[school.pk]

    def existing_student_nos(self, school: Organization) -> set[str]:
        if school.pk not in self._existing_nos:
            self._existing_nos[school.pk] = {
                no.lower()
                for no in User.objects.filter(
                    memberships__role=Role.STUDENT, memberships__org__path__startswith=school.path
                )
                .exclude(student_no="")
                .values_list("student_no", flat=True)
            }
        return self._existing_nos[school.pk]

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

    def check(self, row: RosterRow, seen: dict[tuple[int, str], int]) -> None:
        row.status, row.errors, row.note = RowStatus.NEW, [], ""
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
        if row.phone and not PHONE_RE.match(row.phone):
            row.error(COL_PHONE, _("手机号格式不正确。"))

        school = self.resolve_school(row)
        if school is None:
            return
        row.school_id, row.school_label = school.pk, school.name
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
        else:
            seen[key] = row.line


def _check_rows(*, scope: Scope, rows: list[RosterRow], school: Organization | None) -> RosterPreview:
    checker = _Checker(scope, school)
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        checker.check(row, seen)
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


# --- preview storage between upload and confirm ----------------------------------------------------------


def _preview_key(token: str) -> str:
    return f"roster:preview:{token}"


def _credentials_key(token: str) -> str:
    return f"roster:credentials:{token}"


def roster_preview_store(*, user: User, preview: RosterPreview) -> str:
    """Keep the parsed rows server-side under a random token bound to `user`; returns the token."""
    token = secrets.token_urlsafe(24)
    cache.set(
        _preview_key(token),
        {"user_id": user.pk, "school_id": preview.school_id, "rows": [r.raw() for r in preview.rows]},
        PREVIEW_TTL,
    )
    preview.token = token
    return token


def roster_preview_load(*, user: User, token: str) -> RosterPreview:
    """The stored rows checked again against the database as it is now. Raises RosterExpired."""
    stored = cache.get(_preview_key(token))
    if not stored or stored.get("user_id") != user.pk:
        raise RosterExpired
    school = None
    if stored["school_id"]:
        school = Organization.objects.filter(pk=stored["school_id"]).first()
        if school is None:
            raise RosterExpired
    scope = scope_for(user)
    try:
        _check_school_choice(scope, school)
    except RosterFileError as exc:
        raise RosterExpired from exc
    rows = [RosterRow(**raw) for raw in stored["rows"]]
    preview = _check_rows(scope=scope, rows=rows, school=school)
    preview.token = token
    return preview


def roster_preview_discard(*, token: str) -> None:
    cache.delete(_preview_key(token))


# --- writing ------------------------------------------------------------------------------------------


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    while True:
        password = "".join(secrets.choice(READABLE_CHARS) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


class _InitialPasswordHasher(PBKDF2PasswordHasher):
    iterations = INITIAL_PASSWORD_ITERATIONS


def _initial_hasher():
    default = get_hasher("default")
    if default.algorithm == PBKDF2PasswordHasher.algorithm:
        return _InitialPasswordHasher()
    return default


def _username_base(school: Organization, student_no: str) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", school.code or "") or f"s{school.pk}"
    return f"{prefix}_{student_no}".lower()[:140]


def _unique_usernames(bases: list[str]) -> list[str]:
    taken = set(User.objects.filter(username__in=bases).values_list("username", flat=True))
    for base in list(taken):  # rare: an old account without a student membership holds the name
        taken.update(User.objects.filter(username__startswith=f"{base}-").values_list("username", flat=True))
    result = []
    for base in bases:
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        result.append(name)
    return result


def roster_import(*, user: User, token: str) -> RosterResult:
    """Create every new student of the stored preview in one transaction, or none.

    The rows are checked again first (the database may have changed since the preview); any error raises
    RosterBlocked with the fresh preview and nothing is written. Duplicates are skipped. The created
    usernames and initial passwords are kept for the importing user only, for CREDENTIALS_TTL seconds."""
    preview = roster_preview_load(user=user, token=token)
    if preview.error_rows:
        raise RosterBlocked(preview)
    new_rows = preview.new_rows
    if not new_rows:
        raise RosterBlocked(preview)

    hasher = _initial_hasher()
    passwords = [generate_password() for _ in new_rows]
    # hashing is the slow part; do it before the write transaction so the lock is held briefly
    hashes = [make_password(p, hasher=hasher) for p in passwords]

    schools = {s.pk: s for s in Organization.objects.filter(pk__in={r.school_id for r in new_rows})}
    try:
        with transaction.atomic():
            classes: dict[tuple[int, str], Organization] = {}
            classes_created = 0
            for row in new_rows:
                key = (row.school_id, row.class_name)
                if row.class_id is not None or key in classes:
                    continue
                classes[key] = Organization.objects.create(
                    name=row.class_name, kind=OrgKind.CLASS, parent=schools[row.school_id], grade=row.grade
                )
                classes_created += 1
            usernames = _unique_usernames([_username_base(schools[r.school_id], r.student_no) for r in new_rows])
            users = User.objects.bulk_create(
                [
                    User(
                        username=username,
                        real_name=row.name,
                        student_no=row.student_no,
                        gender=row.gender,
                        phone=row.phone,
                        password=password_hash,
                        must_change_password=True,
                    )
                    for row, username, password_hash in zip(new_rows, usernames, hashes)
                ],
                batch_size=500,
            )
            if any(u.pk is None for u in users):  # backends that cannot return ids from a bulk insert
                by_name = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
                for u in users:
                    u.pk = by_name[u.username]
            Membership.objects.bulk_create(
                [
                    Membership(
                        user_id=u.pk,
                        role=Role.STUDENT,
                        org_id=row.class_id or classes[(row.school_id, row.class_name)].pk,
                    )
                    for u, row in zip(users, new_rows)
                ],
                batch_size=500,
            )
    except IntegrityError as exc:
        # a concurrent import created the same class or username between check and write
        preview = roster_preview_load(user=user, token=token)
        for row in preview.new_rows:
            row.error(COL_STUDENT_NO, _("导入时数据已被他人修改，请重新上传文件。"))
        raise RosterBlocked(preview) from exc

    credentials = [
        Credential(
            real_name=row.name,
            student_no=row.student_no,
            school=row.school_label,
            class_name=row.class_name,
            username=username,
            password=password,
        )
        for row, username, password in zip(new_rows, usernames, passwords)
    ]
    roster_preview_discard(token=token)
    cache.set(
        _credentials_key(token),
        {
            "user_id": user.pk,
            "credentials": [asdict(c) for c in credentials],
            "skipped": len(preview.duplicate_rows),
            "classes_created": classes_created,
        },
        CREDENTIALS_TTL,
    )
    return RosterResult(
        created=credentials, skipped=preview.duplicate_rows, classes_created=classes_created, token=token
    )


# --- spreadsheets out ---------------------------------------------------------------------------------


def _xlsx(dataset: tablib.Dataset) -> bytes:
    # the format escapes leading "=" (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), so a name can never run
    return base_formats.XLSX().export_data(dataset)


def roster_result_load(*, user: User, token: str) -> dict:
    """The stored outcome of an import (credentials, counts), for the importing user only. Raises RosterExpired."""
    stored = cache.get(_credentials_key(token))
    if not stored or stored.get("user_id") != user.pk:
        raise RosterExpired
    return stored


def roster_credentials_xlsx(*, user: User, token: str) -> bytes:
    """The created usernames with their initial passwords, for the importing user only. Raises RosterExpired."""
    stored = roster_result_load(user=user, token=token)
    dataset = tablib.Dataset(headers=["姓名", "学号", "学校", "班级", "用户名", "初始密码"], title="账号")
    for c in stored["credentials"]:
        dataset.append([c["real_name"], c["student_no"], c["school"], c["class_name"], c["username"], c["password"]])
    return _xlsx(dataset)


def roster_template_xlsx() -> bytes:
    dataset = tablib.Dataset(headers=TEMPLATE_HEADERS, title="学生名单")
    dataset.append(["张小明", "320601201501010011", "如东县实验小学", "五年级", "1班", "男", "13800000000"])
    return _xlsx(dataset)


# --- import-export resource (admin export, and the column names of the import) --------------------------


class RosterResource(resources.ModelResource):
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
