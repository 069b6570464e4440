"""Reading an uploaded xlsx/csv into rows (through django-import-export's format classes)."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from core.uploads import SPREADSHEET_LIMITS, UploadRejected, zip_verify
from core.uploadtext import UploadEncodingUnknown, UploadNotText, decode_upload_text

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
    COL_STUDENT_NO_ALT,
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_ROWS,
    SUPPORTED_EXTENSIONS,
    RosterFileError,
    RosterRow,
)

# --- reading the file ---------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


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
    try:
        return decode_upload_text(data)
    except UploadNotText as exc:
        raise RosterFileError(_("文件内容不是文本格式的 CSV，请另存为“CSV（逗号分隔）”或 xlsx 后再上传。")) from exc
    except UploadEncodingUnknown as exc:
        raise RosterFileError(_("无法识别 CSV 文件的编码，请使用 UTF-8 或 GBK 编码保存。")) from exc


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
            try:
                zip_verify(data, SPREADSHEET_LIMITS)  # before openpyxl inflates anything
            except UploadRejected as exc:
                raise RosterFileError(exc.message) from exc
            dataset = RosterXLSX().create_dataset(data)
        else:
            dataset = base_formats.CSV().create_dataset(_decode_csv(data), headers=False)
    except RosterFileError:
        raise
    except tablib.InvalidDimensions as exc:
        raise RosterFileError(_("CSV 文件中某些行的列数多于表头，请检查是否有多余的逗号。")) from exc
    except Exception as exc:  # openpyxl/zip/csv raise many kinds of errors for a damaged file
        # the teacher sees a generic message, never the exception's text; the log keeps it for us
        logger.warning("roster upload: unreadable %s file", kind, exc_info=True)
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
                family_no=cell(values, COL_FAMILY_NO),
                guardian_phone=cell(values, COL_GUARDIAN_PHONE),
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
