"""五老 volunteers imported from a spreadsheet, like student rosters: read → check every row → write all or
nothing → a credentials sheet. Each volunteer gets an account attached to a 关工委 node (city, district,
town) or a 校外教育辅导站 the importer organises, an easy initial password kept encrypted until the first
login forces a change (accounts/credentials.py), and the same login lockout as everyone.

Columns: 姓名, 手机号, 单位 (the node or station's name), 身份背景 (optional, e.g. 退休教师), 原工作单位
(optional). A phone number already registered as a volunteer is skipped as a duplicate."""

from __future__ import annotations

import io
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import AppError
from core.spreadsheet import safe_cell

from .credentials import easy_password, initial_passwords_store
from .models import VOLUNTEER_ORG_KINDS, Membership, Organization, Role, User, VolunteerProfile
from .roster.reading import _read_table
from .roster.rows import RosterFileError
from .selectors import scope_for
from .validators import normalise_phone, phone_is_valid

COL_NAME, COL_PHONE, COL_UNIT, COL_BACKGROUND, COL_FORMER = "姓名", "手机号", "单位", "身份背景", "原工作单位"
TEMPLATE_HEADERS = [COL_NAME, COL_PHONE, COL_UNIT, COL_BACKGROUND, COL_FORMER]
ALIASES = {
    "手机": COL_PHONE,
    "联系电话": COL_PHONE,
    "所在单位": COL_UNIT,
    "背景": COL_BACKGROUND,
    "身份": COL_BACKGROUND,
}
MAX_ROWS = 2000


class VolunteerImportError(AppError):
    code, status, default_message = "volunteer_import", 400, _("五老志愿者名单无法导入。")


@dataclass
class VolunteerRow:
    line: int
    name: str
    phone: str
    unit_name: str
    background: str = ""
    former_unit: str = ""
    org: Organization | None = None
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False


@dataclass(frozen=True)
class VolunteerCredential:
    name: str
    username: str
    password: str
    unit: str


def _header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace(" ", "").strip("*＊")
    return ALIASES.get(text, text)


def _rows(table: list[list[str]]) -> list[VolunteerRow]:
    header_index = next((i for i, row in enumerate(table[:5]) if COL_NAME in [_header(c) for c in row]), None)
    if header_index is None:
        raise VolunteerImportError(_("缺少必填列：姓名。请使用页面提供的模板。"))
    positions: dict[str, int] = {}
    for pos, name in enumerate(_header(c) for c in table[header_index]):
        positions.setdefault(name, pos)
    missing = [c for c in (COL_NAME, COL_PHONE, COL_UNIT) if c not in positions]
    if missing:
        raise VolunteerImportError(_("缺少必填列：%(c)s。请使用页面提供的模板。") % {"c": "、".join(missing)})

    def cell(values, column):
        pos = positions.get(column)
        return values[pos].strip() if pos is not None and pos < len(values) else ""

    rows = [
        VolunteerRow(
            line=line,
            name=cell(values, COL_NAME),
            phone=normalise_phone(cell(values, COL_PHONE)),
            unit_name=cell(values, COL_UNIT),
            background=cell(values, COL_BACKGROUND),
            former_unit=cell(values, COL_FORMER),
        )
        for line, values in enumerate(table[header_index + 1 :], start=header_index + 2)
        if any(values)
    ]
    if not rows:
        raise VolunteerImportError(_("文件中只有表头，没有志愿者数据。"))
    if len(rows) > MAX_ROWS:
        raise VolunteerImportError(_("一次最多导入 %(n)s 名志愿者，请拆分后分批导入。") % {"n": MAX_ROWS})
    return rows


def volunteer_units(actor: User):
    """The 关工委 nodes and stations `actor` may attach volunteers to (those they organise)."""
    scope = scope_for(actor)
    return scope.managed_orgs().filter(kind__in=VOLUNTEER_ORG_KINDS)


def volunteers_check(*, actor: User, data: bytes, filename: str) -> list[VolunteerRow]:
    """Every row checked against the database and the importer's scope; nothing is written."""
    try:
        table = _read_table(data, filename)
    except RosterFileError as exc:
        raise VolunteerImportError(exc.message) from exc
    rows = _rows(table)
    by_name: dict[str, list[Organization]] = {}
    for org in volunteer_units(actor):
        by_name.setdefault(org.name, []).append(org)
    registered = set(
        User.objects.filter(phone__in=[r.phone for r in rows], memberships__role=Role.VOLUNTEER).values_list(
            "phone", flat=True
        )
    )
    taken = set(User.objects.filter(username__in=[f"wl{r.phone}" for r in rows]).values_list("username", flat=True))
    seen: set[str] = set()
    for row in rows:
        if not row.name or len(row.name) > 50:
            row.errors.append(_("姓名不能为空，且不超过 50 字"))
        if not phone_is_valid(row.phone):
            row.errors.append(_("手机号应为 11 位数字，以 13–19 开头"))
        if row.phone in seen:
            row.errors.append(_("手机号在文件中重复"))
        seen.add(row.phone)
        units = by_name.get(row.unit_name, [])
        if len(units) == 1:
            row.org = units[0]
        elif units:
            row.errors.append(_("单位“%(u)s”重名，请联系上级组织者") % {"u": row.unit_name})
        else:
            row.errors.append(_("单位“%(u)s”不是您管理的关工委或校外教育辅导站") % {"u": row.unit_name})
        if len(row.background) > 100 or len(row.former_unit) > 100:
            row.errors.append(_("身份背景、原工作单位均不超过 100 字"))
        if row.phone in registered:
            row.duplicate = True
        elif f"wl{row.phone}" in taken:
            row.errors.append(_("该手机号对应的账号已存在"))
    return rows


@transaction.atomic
def volunteers_import(*, actor: User, data: bytes, filename: str) -> tuple[list[VolunteerCredential], int]:
    """Create every new volunteer of the file, or none when any row has an error (the error lists every
    row). Returns the credentials of those created and the number of duplicates skipped."""
    rows = volunteers_check(actor=actor, data=data, filename=filename)
    bad = [r for r in rows if r.errors]
    if bad:
        detail = "；".join(f"第 {r.line} 行：{'、'.join(r.errors)}" for r in bad[:20])
        raise VolunteerImportError(_("名单有错误，未导入任何人。%(d)s") % {"d": detail})
    new = [r for r in rows if not r.duplicate]
    batch = f"volunteers-{uuid.uuid4().hex[:12]}"
    passwords: dict[int, str] = {}
    credentials = []
    for row in new:
        password = easy_password()
        user = User.objects.create(
            username=f"wl{row.phone}",
            real_name=row.name,
            phone=row.phone,
            password=make_password(password),
            must_change_password=True,
        )
        Membership.objects.create(user=user, role=Role.VOLUNTEER, org=row.org)
        VolunteerProfile.objects.create(user=user, unit=row.former_unit, background=row.background)
        passwords[user.pk] = password
        credentials.append(VolunteerCredential(row.name, user.username, password, row.org.name))
    initial_passwords_store(issued_by=actor, batch=batch, passwords=passwords)
    return credentials, len(rows) - len(new)


def volunteers_credentials_xlsx(credentials: list[VolunteerCredential]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "五老志愿者账号"
    ws.append(["姓名", "账号", "初始密码", "单位"])
    for c in credentials:
        ws.append([safe_cell(c.name), safe_cell(c.username), safe_cell(c.password), safe_cell(c.unit)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def volunteers_template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(TEMPLATE_HEADERS)
    ws.append(["周建国", "13800000000", "掘港街道校外教育辅导站", "退休教师", "如东县掘港小学"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CREDENTIALS_TTL = 15 * 60
PREVIEW_TTL = 30 * 60


def volunteer_upload_keep(*, actor: User, data: bytes, filename: str) -> str:
    """Keep an uploaded file between its preview and the confirmation (its importer only); returns the token."""
    from django.core.cache import cache

    token = uuid.uuid4().hex
    cache.set(f"volunteer-upload:{actor.pk}:{token}", {"data": data, "filename": filename}, PREVIEW_TTL)
    return token


def volunteer_upload_take(*, actor: User, token: str) -> tuple[bytes, str] | None:
    from django.core.cache import cache

    stored = cache.get(f"volunteer-upload:{actor.pk}:{token}")
    if stored is None:
        return None
    cache.delete(f"volunteer-upload:{actor.pk}:{token}")
    return stored["data"], stored["filename"]


def volunteer_credentials_keep(*, actor: User, credentials: list[VolunteerCredential]) -> str:
    """Keep the sheet for its importer for CREDENTIALS_TTL seconds (as roster credentials); returns the token."""
    from django.core.cache import cache

    token = uuid.uuid4().hex
    cache.set(f"volunteer-credentials:{actor.pk}:{token}", [c.__dict__ for c in credentials], CREDENTIALS_TTL)
    return token


def volunteer_credentials_load(*, actor: User, token: str) -> list[VolunteerCredential] | None:
    from django.core.cache import cache

    rows = cache.get(f"volunteer-credentials:{actor.pk}:{token}")
    return None if rows is None else [VolunteerCredential(**r) for r in rows]
