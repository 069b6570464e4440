"""Statistics dashboards and their xlsx exports (organisers, scoped to their region)."""

from datetime import date
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from core.dbrouting import reads_from_replica
from core.paging import page_query, paginate, search

from .. import charts, selectors, sources, statistics
from ..xlsx import stats_workbook, trends_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _model(label: str):
    model = sources.contest_model(label)
    if model is None:
        raise Http404
    return model


@role_required(Role.ORGANISER)
@reads_from_replica
def stats_index(request):
    scope = request_scope(request)
    groups = []
    for label, kind, heading in (
        (sources.KNOWLEDGE_CONTEST, "knowledge", _("知识竞赛")),
        (sources.SUBMISSION_CONTEST, "submission", _("征文与作品赛")),
    ):
        model = sources.contest_model(label)
        if model is None:
            continue
        q = request.GET.get("q", "").strip()
        qs = search(selectors.contests_for_stats(scope, model).select_related("owner_org"), q, "title")
        page = paginate(request, qs.order_by("-opens_at", "-pk"), param=f"{kind}_page")
        for c in page:
            # only links the user can open: a district organiser sees a city contest's figures (their
            # region) but does not manage its showcase
            c.can_manage = scope.manages(c.owner_org)
        groups.append(
            {
                "kind": kind,
                "heading": heading,
                "contests": page,
                "param": f"{kind}_page",
                "keep": page_query(request, param=f"{kind}_page"),
            }
        )
    years = list(range(date.today().year, date.today().year - 5, -1))
    return render(
        request,
        "results/stats_index.html",
        {"groups": groups, "years": years, "q": request.GET.get("q", "").strip()},
    )


def _stats_or_refuse(request, kind: str, pk: int):
    if kind not in ("knowledge", "submission"):
        raise Http404
    scope = request_scope(request)
    label = sources.KNOWLEDGE_CONTEST if kind == "knowledge" else sources.SUBMISSION_CONTEST
    contest = get_object_or_404(selectors.contests_for_stats(scope, _model(label)).select_related("owner_org"), pk=pk)
    compute = statistics.knowledge_contest_stats if kind == "knowledge" else statistics.submission_contest_stats
    try:
        return contest, compute(contest, scope)
    except statistics.OutOfScope:
        return contest, None


def _refused(request):
    return render(
        request, "results/stats_refused.html", {"message": _("该竞赛的参赛范围不在您管理的区域内。")}, status=403
    )


def _works_stats(request, kind: str, pk: int):
    """A works collection from adults or units has no enrolled audience to rate participation against: its
    figures are entries and awards per district and unit type (judging.statistics, the same function as
    the contest's dashboard), within the organiser's region. None for a students' contest."""
    if kind != "submission":
        return None, None
    scope = request_scope(request)
    model = _model(sources.SUBMISSION_CONTEST)
    contest = get_object_or_404(selectors.contests_for_stats(scope, model).select_related("owner_org"), pk=pk)
    if contest.kinds == ["student"]:
        return None, None
    from judging.statistics import entry_statistics

    paths = statistics.effective_paths([contest.owner_org.path], scope)
    return contest, (entry_statistics(contest, within=paths) if paths else False)


@role_required(Role.ORGANISER)
@reads_from_replica
def stats_contest(request, kind: str, pk: int):
    works_contest, works = _works_stats(request, kind, pk)
    if works is False:
        return _refused(request)
    if works is not None:
        from judging.models import TIER_ORDER, AwardTier
        from judging.statistics import statistics_tables

        context = {
            "contest": works_contest,
            "stats": works,
            "stats_tables": statistics_tables(works),
            "tier_labels": [AwardTier(t).label for t in TIER_ORDER],
        }
        return render(request, "results/stats_works.html", context)
    contest, stats = _stats_or_refuse(request, kind, pk)
    if stats is None:
        return _refused(request)
    district_rates = [(d.total.name, d.total.participation_rate) for d in stats.districts]
    context = {
        "contest": contest,
        "stats": stats,
        "kind": kind,
        "participation_chart": charts.horizontal_bars(district_rates, title=_("各区县参与率")),
    }
    if stats.scored:
        context["histogram_chart"] = charts.vertical_bars(
            [(label.split("–")[0], n) for label, n in stats.histogram], title=_("成绩分布（占满分百分比，每档 10%）")
        )
        context["timeline_chart"] = charts.vertical_bars(stats.timeline, title=_("竞赛期间开始答题人数"))
    return render(request, "results/stats_contest.html", context)


@role_required(Role.ORGANISER)
@reads_from_replica
def stats_contest_xlsx(request, kind: str, pk: int):
    works_contest, works = _works_stats(request, kind, pk)
    if works is False:
        return _refused(request)
    if works is not None:
        from judging.statistics import statistics_workbook

        contest, data = works_contest, statistics_workbook(works)
    else:
        contest, stats = _stats_or_refuse(request, kind, pk)
        if stats is None:
            return _refused(request)
        data = stats_workbook(stats)
    response = HttpResponse(data, content_type=XLSX)
    name = f"{contest.title}-工作情况统计.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"stats.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


def _contests_of_year(scope, label: str, year: int):
    model = sources.contest_model(label)
    return [] if model is None else selectors.contests_for_stats(scope, model).filter(opens_at__year=year)


def _trend_rows(request) -> tuple[int, list[dict]]:
    scope = request_scope(request)
    year = _year(request)
    # practice contests (练习) are not part of the year's work figures
    contests = _contests_of_year(scope, sources.KNOWLEDGE_CONTEST, year)
    if hasattr(contests, "exclude"):
        contests = contests.exclude(kind="practice")
    return year, statistics.knowledge_trends(contests, scope)


@role_required(Role.ORGANISER)
@reads_from_replica
def stats_trends(request):
    year, rows = _trend_rows(request)
    chart = charts.horizontal_bars(
        [(r["contest"].title, r["excellence_rate"]) for r in rows], title=_("各次竞赛优秀率")
    )
    participants_chart = charts.vertical_bars(
        [(r["contest"].title, r["participants"]) for r in rows], title=_("各次竞赛参与人数")
    )
    scope = request_scope(request)
    essay_rows = statistics.submission_trends(_contests_of_year(scope, sources.SUBMISSION_CONTEST, year), scope)
    return render(
        request,
        "results/stats_trends.html",
        {
            "rows": rows,
            "essay_rows": essay_rows,
            "year": year,
            "chart": chart,
            "participants_chart": participants_chart,
        },
    )


@role_required(Role.ORGANISER)
@reads_from_replica
def stats_trends_xlsx(request):
    year, rows = _trend_rows(request)
    response = HttpResponse(trends_workbook(rows, year), content_type=XLSX)
    name = f"{year}年知识竞赛趋势.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"trends.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
