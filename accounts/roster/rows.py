"""Roster columns, limits, errors and the row/preview/result records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import AppError

# --- columns ------------------------------------------------------------------------------------------

COL_NAME = "姓名"
COL_STUDENT_NO = "学号"
COL_STUDENT_NO_ALT = "学籍号"
COL_SCHOOL = "学校"
COL_GRADE = "年级"
COL_CLASS = "班级"
COL_GENDER = "性别"
COL_PHONE = "手机号"
# optional, for one family voting code per family (accounts/family.py): only a keyed hash is stored
COL_FAMILY_NO = "家庭编号"
COL_GUARDIAN_PHONE = "家长手机"
# new columns are appended: files made from an older template keep working
TEMPLATE_HEADERS = [
    COL_NAME,
    COL_STUDENT_NO,
    COL_SCHOOL,
    COL_GRADE,
    COL_CLASS,
    COL_GENDER,
    COL_PHONE,
    COL_FAMILY_NO,
    COL_GUARDIAN_PHONE,
]
HEADER_ALIASES = {
    "学号/学籍号": COL_STUDENT_NO,
    "学籍号/学号": COL_STUDENT_NO,
    "学生姓名": COL_NAME,
    "学校名称": COL_SCHOOL,
    "班级名称": COL_CLASS,
    "手机": COL_PHONE,
    "联系电话": COL_PHONE,
    "电话": COL_PHONE,
    "家长手机号": COL_GUARDIAN_PHONE,
    "家长电话": COL_GUARDIAN_PHONE,
    "监护人手机": COL_GUARDIAN_PHONE,
    "监护人手机号": COL_GUARDIAN_PHONE,
    "家庭号": COL_FAMILY_NO,
}
SUPPORTED_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
MAX_ROWS = getattr(settings, "ROSTER_MAX_ROWS", 3000)
MAX_COLUMNS = 50  # a roster has 7; reading 16,384-column rows of a hostile sheet would only burn memory
PREVIEW_TTL = 30 * 60
CREDENTIALS_TTL = 15 * 60
# Initial passwords are random, single-use (must be changed at first login) and Django re-hashes them at
# full strength (Argon2id) on the first successful login, so they are hashed with few PBKDF2 rounds: a
# roster of 1,000 students then takes seconds (~8 ms each), not the 35 s Argon2id would.
INITIAL_PASSWORD_ITERATIONS = 20_000
STUDENT_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SCIENTIFIC_RE = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


class RosterError(AppError):
    code, default_message = "roster_error", gettext_lazy("名单导入失败。")


class RosterFileError(RosterError):
    """The file as a whole cannot be read (wrong type, broken, empty, missing columns, too large)."""

    code, status, default_message = "roster_file_invalid", 400, gettext_lazy("名单文件无法读取。")


class RosterBlocked(RosterError):
    """The rows have errors (possibly new ones found at confirm time); nothing was written."""

    code, status = "roster_blocked", 409

    def __init__(self, preview: RosterPreview):
        super().__init__(_("名单中有错误，未导入任何学生。"))
        self.preview = preview


class RosterExpired(RosterError):
    """The preview token is unknown, expired or belongs to another user."""

    code, status = "roster_expired", 404
    default_message = gettext_lazy("名单预览已过期或不存在，请重新上传。")


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
    family_no: str = ""
    guardian_phone: str = ""
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
    family_key: str | None = None
    family_update_user_id: int | None = None  # an existing student (a duplicate row) whose family key this sets

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
                "family_no",
                "guardian_phone",
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
    def family_updates(self) -> list[RosterRow]:
        """Duplicate rows that give an existing student's family columns: schools fill them in later."""
        return [r for r in self.duplicate_rows if r.family_update_user_id]

    @property
    def new_class_names(self) -> list[str]:
        names = {f"{r.school_label} {r.class_name}" for r in self.rows if r.creates_class}
        return sorted(names)

    @property
    def can_import(self) -> bool:
        return not self.error_rows and bool(self.new_rows or self.family_updates)


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
    family_updated: int = 0  # existing students whose family key was set
