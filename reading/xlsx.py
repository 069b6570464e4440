"""Excel export of reading statistics (one reading, or one month of readings): 汇总 (districts), one sheet per district (schools), 班级 when
shown. Counts only: reflections and distress flags are never exported. Text goes through safe_cell."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheet import safe_cell

from .monthly import MonthStats
from .stats import ReadingRow, ReadingStats

HEADERS = [
    ("单位", None),
    ("在册学生数", "0"),
    ("阅读人数", "0"),
    ("完成人数", "0"),
    ("参与率", "0.0%"),
    ("测验人数", "0"),
    ("平均分（%）", "0.0"),
    ("投入阅读分钟", "0.0"),
]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _values(row: ReadingRow) -> list:
    return [
        safe_cell(row.name),
        row.enrolled,
        row.readers,
        row.completed,
        row.participation_rate,
        row.quiz_takers,
        None if row.average_score is None else round(row.average_score, 1),
        row.engaged_minutes,
    ]


def _table(ws, heading: str, rows: list[ReadingRow], total: ReadingRow | None, quiz_header: str) -> None:
    ws.append([safe_cell(heading)])
    ws.append([quiz_header if h == "测验人数" else h for h, _f in HEADERS])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows + ([total] if total else []):
        ws.append(_values(row))
        for cell, (_h, fmt) in zip(ws[ws.max_row], HEADERS):
            if fmt:
                cell.number_format = fmt
    ws.column_dimensions["A"].width = 28


def stats_workbook(stats: ReadingStats) -> bytes:
    reading = stats.reading
    return _workbook(f"{reading.title}（{reading.month:%Y年%m月}）阅读统计", stats)


def month_workbook(stats: MonthStats) -> bytes:
    """The month's figures (all its readings together), with the readings it covers listed on 汇总."""
    titles = "、".join(r.title for r in stats.readings)
    return _workbook(f"{stats.month:%Y年%m月}阅读统计（{titles}）", stats, quiz_header="测验人次")


def _workbook(heading: str, stats: ReadingStats | MonthStats, *, quiz_header: str = "测验人数") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _table(ws, heading, [b.total for b in stats.districts], stats.total, quiz_header)
    used = {"汇总"}
    for block in stats.districts:
        title = SHEET_BAD.sub("_", block.total.name)[:28] or "区县"
        while title in used:
            title += "_"
        used.add(title)
        _table(wb.create_sheet(title), block.total.name, block.schools, block.total, quiz_header)
    if stats.classes:
        _table(wb.create_sheet("班级"), "班级", stats.classes, None, quiz_header)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
