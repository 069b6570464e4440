"""Monthly reading statistics pages: one month (all its readings together) and its xlsx. The figures
are `reading.monthly.month_stats`, the same function the API calls."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from results import charts

from .. import monthly
from ..errors import NoMonthStats
from ..xlsx import XLSX_CONTENT_TYPE, month_workbook


def _month_or_404(request, month: str) -> monthly.MonthStats:
    result = monthly.month_stats(monthly.parse_month(month), request_scope(request))
    if result is None:
        raise NoMonthStats()
    return result


def trend_charts(trends: list[monthly.MonthStats]) -> dict:
    """The index page's month-by-month charts, from the months' own totals."""
    return {
        "rate_chart": charts.horizontal_bars(
            [(f"{m.month:%Y-%m}", m.total.participation_rate) for m in trends], title=_("各月参与率")
        ),
        "score_chart": charts.vertical_bars(
            [(f"{m.month:%m月}", round(m.total.average_score or 0)) for m in trends], title=_("各月测验平均分")
        ),
        "minutes_chart": charts.vertical_bars(
            [(f"{m.month:%m月}", int(m.total.engaged_minutes)) for m in trends], title=_("各月投入阅读分钟")
        ),
    }


@role_required(Role.ORGANISER, Role.TEACHER)
def stats_month(request, month: str):
    result = _month_or_404(request, month)
    if len(result.districts) > 1:
        chart_rows = [(d.total.name, d.total.participation_rate) for d in result.districts]
    elif result.districts:
        chart_rows = [(r.name, r.participation_rate) for r in (result.classes or result.districts[0].schools)]
    else:
        chart_rows = []
    return render(
        request,
        "reading/stats_month.html",
        {
            "stats": result,
            "month_key": f"{result.month:%Y-%m}",
            "chart": charts.horizontal_bars(chart_rows, title=_("参与率（完成人数 / 在册学生）")),
        },
    )


@role_required(Role.ORGANISER, Role.TEACHER)
def stats_month_xlsx(request, month: str):
    result = _month_or_404(request, month)
    response = HttpResponse(month_workbook(result), content_type=XLSX_CONTENT_TYPE)
    name = f"{result.month:%Y年%m月}-阅读统计.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"reading-month.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
