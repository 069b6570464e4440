"""Organisers' xlsx export of scores and awards, with identities (never offered to judges)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheet import safe_cell

from .models import SubmissionContest
from .selectors import draft_awards, round_results, scores_for_export
from .statistics import add_statistics_sheets, entry_statistics


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    return ws


def contest_workbook(contest: SubmissionContest) -> bytes:
    wb = Workbook()
    criteria = list(contest.rubric.criteria.all()) if hasattr(contest, "rubric") else []
    rows = []
    for s in scores_for_export(contest):
        a, e = s.assignment, s.assignment.entry
        points = {i.criterion_id: float(i.points) for i in s.items.all()}
        rows.append(
            [
                a.round.name,
                e.code,
                e.entrant_name,
                e.author.username,
                e.school.name if e.school else "",
                e.district.name if e.district else "",
                a.judge.display_name,
                a.judge.username,
                *[points.get(c.pk) for c in criteria],
                float(s.total) if s.total is not None else None,
                s.get_status_display(),
                s.comment,
            ]
        )
    _sheet(
        wb,
        _("评分明细"),
        [_("轮次"), _("作品编号"), _("作者"), _("账号"), _("学校"), _("区县"), _("评委"), _("评委账号")]
        + [f"{c.name}（{c.max_points}）" for c in criteria]
        + [_("总分"), _("状态"), _("评语")],
        rows,
        first=True,
    )
    for rnd in contest.rounds.all():
        summary = []
        for r in round_results(rnd):
            e = r["entry"]
            summary.append(
                [
                    r["rank"],
                    e.code,
                    e.saved_version().title if e.saved_version() else "",
                    e.entrant_name,
                    e.school.name if e.school else "",
                    e.district.name if e.district else "",
                    float(r["score"]) if r["score"] is not None else None,
                    float(r["spread"]),
                    f"{r['scored']}/{r['assigned']}",
                    _("是") if r["flagged"] else "",
                    _("是") if r["advanced"] else "",
                ]
            )
        _sheet(
            wb,
            f"{rnd.order}-{rnd.name}"[:31],
            [
                _("名次"),
                _("作品编号"),
                _("标题"),
                _("作者"),
                _("学校"),
                _("区县"),
                _("得分"),
                _("分差"),
                _("已评/分配"),
                _("分歧"),
                _("晋级"),
            ],
            summary,
        )
    _sheet(
        wb,
        _("奖项"),
        [_("名次"), _("奖项"), _("作品编号"), _("作者"), _("学校"), _("区县"), _("得分"), _("公布时间")],
        [
            [
                a.rank,
                a.get_tier_display(),
                a.entry.code,
                a.entry.entrant_name,
                a.entry.school.name if a.entry.school else "",
                a.entry.district.name if a.entry.district else "",
                float(a.score),
                a.published_at.strftime("%Y-%m-%d %H:%M") if a.published_at else _("草稿"),
            ]
            for a in draft_awards(contest).order_by("rank", "entry__code")
        ],
    )
    add_statistics_sheets(wb, entry_statistics(contest))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
