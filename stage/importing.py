"""Performers from an xlsx sheet: 报名号 | 姓名 | 单位 | 组别 | 演讲题目 (header row first). All rows or
none: any bad row refuses the file with the row numbers and reasons."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.spreadsheet import unescape_cell

from . import services
from .access import Actor
from .errors import StageError
from .models import AuditAction, StageEvent
from .services.common import audit

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_UNPACKED = 20 * 1024 * 1024  # a zip bomb is refused before openpyxl expands it
COLUMNS = {"报名号": "code", "姓名": "name", "单位": "unit", "组别": "category", "演讲题目": "speech_title"}


def _open(data: bytes):
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise StageError(_("文件不能超过 2 MB。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                raise StageError(_("文件解压后过大。"))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise StageError(_("无法读取该文件，请上传 .xlsx 格式的表格。")) from None


def performers_import(*, actor: Actor, event: StageEvent, data: bytes, now: datetime) -> int:
    sheet = _open(data).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    missing = [name for name in ("姓名", "组别") if name not in header]
    if missing:
        raise StageError(_("表头缺少：%(cols)s。") % {"cols": "、".join(missing)})
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    errors: list[str] = []
    added = 0
    with transaction.atomic():
        for n, row in enumerate(rows, start=2):
            if n > MAX_ROWS + 1:
                raise StageError(_("最多导入 %(n)s 行。") % {"n": MAX_ROWS})
            values = {
                k: unescape_cell(str(row[i]).strip()) if i < len(row) and row[i] is not None else ""
                for k, i in index.items()
            }
            if not any(values.values()):
                continue
            try:
                with transaction.atomic():
                    services.performer_add(actor=actor, event=event, now=now, **values)
                added += 1
            except StageError as exc:
                errors.append(_("第 %(n)s 行：%(msg)s") % {"n": n, "msg": exc.message})
        if errors:  # raising inside the block rolls every row back
            raise StageError("；".join(errors[:20]))
        audit(event=event, action=AuditAction.IMPORT, actor=actor, now=now, source="xlsx", count=added)
    return added
