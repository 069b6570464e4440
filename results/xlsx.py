"""Excel export in the layout a district office forwards: a summary sheet (汇总) with one row per
district and the total, then one sheet per district with its schools and a subtotal."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheet import safe_cell

from .statistics import ContestStats, Row

SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="F0F2F5")
PERCENT = "0.0%"


def _columns(stats: ContestStats, first: str) -> list[tuple[str, str | None]]:
    """(header, number format) of each column."""
    cols: list[tuple[str, str | None]] = [(first, None), ("在册学生数", "0")]
    if stats.scored:
        cols += [
            ("参与人数", "0"),
            ("参与率", PERCENT),
            ("平均分", "0.00"),
            ("优秀人数", "0"),
            ("优秀率", PERCENT),
            ("及格人数", "0"),
            ("及格率", PERCENT),
        ]
    else:
        cols += [("参赛作品数", "0"), ("参与率", PERCENT)]
    cols += [(label, "0") for _key, label in stats.award_labels]
    if not stats.scored:
        cols.append(("获奖合计", "0"))
    return cols


def _values(stats: ContestStats, row: Row) -> list:
    values: list = [safe_cell(row.name), row.enrolled]
    if stats.scored:
        values += [
            row.participants,
            row.participation_rate,
            None if row.average is None else round(row.average, 2),
            row.excellent,
            row.excellence_rate,
            row.passed,
            row.pass_rate,
        ]
    else:
        values += [row.participants, row.participation_rate]
    values += [row.awards.get(key, 0) for key, _label in stats.award_labels]
    if not stats.scored:
        values.append(row.award_total)
    return values


def _sheet_title(name: str, used: set[str]) -> str:
    title = SHEET_BAD.sub("_", name).strip("'")[:28] or "区县"
    base, n = title, 2
    while title in used:
        title = f"{base[:26]}_{n}"
        n += 1
    used.add(title)
    return title


def _write_table(ws, stats: ContestStats, heading: str, first: str, rows: list[Row], total: Row) -> None:
    cols = _columns(stats, first)
    ws.append([safe_cell(heading)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([h for h, _f in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in [*rows, total]:
        ws.append(_values(stats, row))
        for i, (_h, fmt) in enumerate(cols, start=1):
            if fmt:
                ws.cell(row=ws.max_row, column=i).number_format = fmt
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B3"
    for i, (h, _f) in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 22 if i == 1 else max(10, len(h) * 2 + 2)


def stats_workbook(stats: ContestStats) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    title = getattr(stats.contest, "title", str(stats.contest))
    total = Row(org_id=0, name="合计")
    total.add(stats.total)
    _write_table(summary, stats, f"{title} · 工作情况统计（汇总）", "区县", [d.total for d in stats.districts], total)
    used = {"汇总"}
    for d in stats.districts:
        ws = wb.create_sheet(_sheet_title(d.total.name, used))
        subtotal = Row(org_id=d.total.org_id, name="小计")
        subtotal.add(d.total)
        _write_table(ws, stats, f"{title} · {d.total.name}", "学校", d.schools, subtotal)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def trends_workbook(rows: list[dict], year: int) -> bytes:
    """One sheet: every knowledge contest of the year with participants, average and excellence rate."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度趋势"
    ws.append([f"{year} 年知识竞赛趋势"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["竞赛", "开始日期", "参与人数", "平均分", "优秀率"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for r in rows:
        contest = r["contest"]
        ws.append(
            [
                safe_cell(contest.title),
                contest.opens_at.date(),
                r["participants"],
                None if r["average"] is None else round(r["average"], 2),
                r["excellence_rate"],
            ]
        )
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=4).number_format = "0.00"
        ws.cell(row=ws.max_row, column=5).number_format = PERCENT
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 12
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
