"""Spreadsheet-like formats (xlsx, csv, json) and dispatch to the Moodle readers."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from core.spreadsheet import unescape_cell
from core.uploads import SPREADSHEET_LIMITS, UploadRejected, zip_open, zip_verify

from ..answers import OPTION_KEYS
from ..errors import ImportFileError
from .rows import RawRow, decode_text

MAX_CELL = 5000
MAX_ROWS = 30_000  # keeps a full check under ~300 MB RSS (bench: 30k rows → 253 MB)

FORMATS = {
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV（UTF-8 或 GBK/GB18030）",
    "json": "JSON",
    "gift": "Moodle GIFT",
    "aiken": "Aiken",
    "moodlexml": "Moodle XML",
}
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".gift": "gift", ".xml": "moodlexml"}


# canonical key → Chinese header. Options are 选项A … 选项H.
HEADERS = {
    "id": "编号",
    "qtype": "题型",
    "stem": "题干",
    "answer": "答案",
    "explanation": "解析",
    "topic": "专题",
    "difficulty": "难度",
    "grade_bands": "学段",
    "source": "出处",
    "tags": "标签",
}
OPTION_HEADERS = [f"选项{k}" for k in OPTION_KEYS]
TEMPLATE_HEADERS = [
    "题型",
    "题干",
    *OPTION_HEADERS,
    "答案",
    "解析",
    "专题",
    "难度",
    "学段",
    "出处",
    "标签",
]
REQUIRED_HEADERS = ["题型", "题干", "答案"]
_HEADER_TO_KEY = {v: k for k, v in HEADERS.items()} | {k: k for k in HEADERS} | {"状态": "status", "status": "status"}


def column_label(key: str) -> str:
    if key.startswith("option"):
        return f"选项{key[6:]}"
    return HEADERS.get(key, key)


def _normalise_header(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def detect_format(filename: str, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMATS:
            raise ImportFileError(
                _("不支持的格式“{declared}”，可选：{formats}。").format(declared=declared, formats="、".join(FORMATS))
            )
        return declared
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(_("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后再上传。"))
    if suffix == ".txt":
        return "txt"  # GIFT or Aiken, decided by content
    if suffix not in EXTENSIONS:
        raise ImportFileError(
            _("不支持的文件类型。请上传 .xlsx、.csv、.json、.gift、.txt（GIFT/Aiken）或 .xml（Moodle XML）文件。")
        )
    return EXTENSIONS[suffix]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_cell(row: RawRow, key: str, text: str, *, spreadsheet: bool = True) -> str:
    """In spreadsheets, formulas are refused (we never evaluate them) and our own exports escape
    formula-like text with a leading apostrophe, which is removed again here so a round trip is lossless.
    JSON has no formulas: its text is taken literally."""
    if spreadsheet and unescape_cell(text) is not text:
        return unescape_cell(text)
    if spreadsheet and text.startswith("="):
        row.errors.append((column_label(key), _("单元格含公式，请改为普通文本（或在前面加英文单引号 '）。")))
        return ""
    if len(text) > MAX_CELL:
        row.errors.append(
            (
                column_label(key),
                _("内容过长（{count} 字，上限 {max_cell} 字）。").format(count=len(text), max_cell=MAX_CELL),
            )
        )
        return ""
    return text


class _Table:
    """Header row → column map, shared by xlsx and csv."""

    def __init__(self, header: list):
        self.columns: list[str | None] = []
        seen = set()
        for cell in header:
            name = _normalise_header(cell)
            key = _HEADER_TO_KEY.get(name)
            if key is None and name.startswith("选项") and name[2:].upper() in OPTION_KEYS and len(name) == 3:
                key = f"option{name[2:].upper()}"
            if key in seen:
                raise ImportFileError(_("表头“{name}”重复出现。").format(name=name))
            if key:
                seen.add(key)
            self.columns.append(key)
        missing = [h for h in REQUIRED_HEADERS if _HEADER_TO_KEY[h] not in seen]
        if missing:
            raise ImportFileError(
                _("缺少必需的列：{missing}。请使用下载的模板，表头应为：{headers}。").format(
                    missing="、".join(missing), headers="、".join(TEMPLATE_HEADERS)
                )
            )

    def row(self, number: int, cells) -> RawRow | None:
        row = RawRow(number=number)
        options: dict[str, str] = {}
        empty = True
        for key, value in zip(self.columns, cells, strict=False):
            if key is None:
                continue
            text = cell_text(value)
            if not text:
                continue
            empty = False
            text = _check_cell(row, key, text)
            if key.startswith("option"):
                options[key[6:]] = text
            else:
                row.values[key] = text
        if empty:
            return None
        row.values["options"] = [options.get(k, "") for k in OPTION_KEYS[: _last_option(options)]]
        return row


def _last_option(options: dict) -> int:
    used = [i for i, k in enumerate(OPTION_KEYS) if options.get(k)]
    return used[-1] + 1 if used else 0


def read_xlsx(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("文件不是有效的 .xlsx（不是 Excel 工作簿，或文件已损坏）。"))
    try:
        with zip_open(data, SPREADSHEET_LIMITS) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise ImportFileError(_("文件不是有效的 .xlsx（缺少工作簿内容，可能已损坏）。"))
        zip_verify(data, SPREADSHEET_LIMITS)  # real sizes, before openpyxl inflates anything
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportFileError:
        raise
    except UploadRejected as exc:
        raise ImportFileError(exc.message) from exc
    except Exception as exc:  # openpyxl raises many types for a broken container
        raise ImportFileError(_("无法读取 Excel 文件，文件可能已损坏，请重新保存为 .xlsx 后再上传。")) from exc
    try:
        sheet = workbook["题目"] if "题目" in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise ImportFileError(_("文件是空的：第一个工作表没有任何内容。")) from None
        table = _Table(list(header))
        if progress:
            progress(total=max((sheet.max_row or 1) - 1, 0))
        yield from _table_rows(table, rows, start=2)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("读取 Excel 文件时出错，文件可能已损坏。")) from exc
    finally:
        workbook.close()


def _table_rows(table: _Table, rows, *, start: int) -> Iterator[RawRow]:
    count = 0
    for number, cells in enumerate(rows, start=start):
        row = table.row(number, cells)
        if row is None:
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(_("一次最多导入 {max_rows} 道题，请拆分文件。").format(max_rows=MAX_ROWS))
        yield row


def read_csv(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError(_("文件是空的。"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        table = _Table(header)
        if progress:
            progress(total=max(text.count("\n") - 1, 1))
        yield from _table_rows(table, reader, start=2)
    except csv.Error as exc:
        raise ImportFileError(_("CSV 格式错误：{exc}").format(exc=exc)) from exc


JSON_KEYS = {"id", "qtype", "stem", "options", "answer", "explanation", "topic", "difficulty", "grade_bands"}
JSON_KEYS |= {"source", "tags", "status"}


def read_json(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    """A list of objects (or {"questions": [...]}) with English keys as in our export, or Chinese headers.
    Structured values (option lists, answer lists, true/false) are kept as is."""
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError(_("文件是空的。"))
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("JSON 格式错误（第 {lineno} 行第 {colno} 列）：{msg}。").format(
                lineno=exc.lineno, colno=exc.colno, msg=exc.msg
            )
        ) from exc
    if isinstance(payload, dict):
        payload = payload.get("questions")
    if not isinstance(payload, list):
        raise ImportFileError(_("JSON 文件应是题目对象的列表，或含 questions 列表的对象。"))
    if len(payload) > MAX_ROWS:
        raise ImportFileError(_("一次最多导入 {max_rows} 道题，请拆分文件。").format(max_rows=MAX_ROWS))
    if progress:
        progress(total=len(payload))
    for number, item in enumerate(payload, start=1):
        row = RawRow(number=number, label="条")
        if not isinstance(item, dict):
            row.errors.append(("", _("应为一个 JSON 对象。")))
            yield row
            continue
        options = {}
        for raw_key, value in item.items():
            name = _normalise_header(raw_key)
            key = _HEADER_TO_KEY.get(name) or (name if name in JSON_KEYS else None)
            if name.startswith("选项") and len(name) == 3 and name[2:].upper() in OPTION_KEYS:
                options[name[2:].upper()] = _check_cell(
                    row, f"option{name[2:].upper()}", cell_text(value), spreadsheet=False
                )
                continue
            if key is None or value is None:
                continue
            if key == "options" and isinstance(value, list):
                row.values["options"] = [
                    _check_cell(
                        row, "options", cell_text(o.get("text") if isinstance(o, dict) else o), spreadsheet=False
                    )
                    for o in value
                ]
            elif key in ("answer", "grade_bands", "tags") and isinstance(value, list | bool):
                row.values[key] = value
            else:
                row.values[key] = _check_cell(row, key, cell_text(value), spreadsheet=False)
        if options and "options" not in row.values:
            row.values["options"] = [options.get(k, "") for k in OPTION_KEYS[: _last_option(options)]]
        row.values.setdefault("options", [])
        yield row


def read_rows(data: bytes, fmt: str, progress: Callable | None = None) -> Iterator[RawRow]:
    """Rows of a file in format `fmt` (see detect_format). Raises ImportFileError for file-level problems."""
    from . import moodle

    if not data:
        raise ImportFileError(_("文件是空的。"))
    if fmt == "txt":
        text = decode_text(data)
        fmt = "gift" if moodle.looks_like_gift(text) else "aiken"
    readers = {
        "xlsx": read_xlsx,
        "csv": read_csv,
        "json": read_json,
        "gift": moodle.read_gift,
        "aiken": moodle.read_aiken,
        "moodlexml": moodle.read_moodle_xml,
    }
    if fmt != "xlsx" and data[:2] == b"PK":
        raise ImportFileError(_("文件内容是压缩包/Excel 工作簿，与所选格式不符；Excel 文件请使用 .xlsx 扩展名。"))
    return readers[fmt](data, progress)
