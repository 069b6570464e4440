"""Teachers: the class view with a nudge list and reminders, and the class selection of reflections.
Organisers and teachers: statistics with charts and xlsx export."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from results import charts

from .. import monthly, selectors, services, stats
from ..models import Reading, ReadingStatus, Series
from ..xlsx import XLSX_CONTENT_TYPE, stats_workbook
from .monthly import trend_charts


def _visible_readings(scope):
    """Published readings whose audience overlaps what this teacher or organiser sees."""
    qs = Reading.objects.filter(status=ReadingStatus.PUBLISHED).select_related("owner_org", "series")
    readings = []
    for r in qs.order_by("-month", "pk")[:300]:
        if stats.stats_paths(r, scope):
            readings.append(r)
    return readings


@role_required(Role.TEACHER)
def class_view(request):
    scope = request_scope(request)
    classes = list(selectors.teacher_classes(request.user))
    readings = _visible_readings(scope)
    klass = next((c for c in classes if str(c.pk) == request.GET.get("class")), classes[0] if classes else None)
    reading = next((r for r in readings if str(r.pk) == request.GET.get("reading")), readings[0] if readings else None)
    rows, nudge, reflections = [], [], []
    if klass and reading:
        now = timezone.now()
        rows = selectors.class_view(reading, klass, now)
        nudge = selectors.nudge_list(rows)
        reflections = selectors.class_reflections(reading, klass)
    return render(
        request,
        "reading/class.html",
        {
            "classes": classes,
            "klass": klass,
            "readings": readings,
            "reading": reading,
            "rows": rows,
            "nudge": nudge,
            "reflections": reflections,
            "labels": selectors.STATE_LABELS,
            "series_list": sorted({r.series for r in readings if r.series_id}, key=lambda s: s.pk),
        },
    )


def _back(request):
    """Back to the page the form was on, if it is ours (never an open redirect)."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(back)
    return redirect("reading:class")


@role_required(Role.TEACHER)
def class_series(request, pk: int):
    series = get_object_or_404(Series, pk=pk)
    klass = next((c for c in selectors.teacher_classes(request.user) if str(c.pk) == request.GET.get("class")), None)
    if klass is None:
        return redirect("reading:class")
    readings, rows = selectors.series_class_matrix(series, klass, timezone.now())
    return render(
        request, "reading/class_series.html", {"series": series, "klass": klass, "readings": readings, "rows": rows}
    )


@role_required(Role.TEACHER)
@require_POST
def remind(request):
    ids = [int(x) for x in request.POST.getlist("student") if x.isdigit()]
    reading = Reading.objects.filter(pk=request.POST.get("reading") or 0).first()
    n = services.reminders_send(
        actor=request.user, student_ids=ids, reading=reading, message=request.POST.get("message", "")
    )
    messages.success(request, _("已提醒 %(n)d 名学生。") % {"n": n})
    return _back(request)


@role_required(Role.TEACHER)
@require_POST
def feature(request, pk: int):
    services.reflection_feature(actor=request.user, reflection_id=pk, featured=request.POST.get("featured") == "1")
    messages.success(request, _("已更新班级优秀心得。"))
    return _back(request)


@role_required(Role.ORGANISER, Role.TEACHER)
def stats_index(request):
    scope = request_scope(request)
    readings = _visible_readings(scope)
    series_id = request.GET.get("series")
    trend_readings = [r for r in readings if str(r.series_id) == series_id] if series_id else readings[:12]
    trends = stats.reading_trends(trend_readings, scope)
    months = monthly.month_trends(scope)
    series_list = {r.series for r in readings if r.series_id}
    return render(
        request,
        "reading/stats_index.html",
        {
            "readings": readings,
            "trends": trends,
            "months": months,
            **trend_charts(months),
            "series_list": sorted(series_list, key=lambda s: s.pk),
            "series_id": series_id,
        },
    )


def _stats_or_404(request, pk: int):
    scope = request_scope(request)
    reading = get_object_or_404(Reading.objects.select_related("owner_org"), pk=pk, status=ReadingStatus.PUBLISHED)
    result = stats.reading_stats(reading, scope)
    if result is None:
        return reading, None
    return reading, result


@role_required(Role.ORGANISER, Role.TEACHER)
def stats_reading(request, pk: int):
    reading, result = _stats_or_404(request, pk)
    if result is None:
        return render(request, "errors/403.html", status=403)
    chart_rows = (
        [(d.total.name, d.total.participation_rate) for d in result.districts]
        if len(result.districts) > 1
        else [(r.name, r.participation_rate) for r in (result.classes or result.districts[0].schools)]
        if result.districts
        else []
    )
    return render(
        request,
        "reading/stats_reading.html",
        {
            "reading": reading,
            "stats": result,
            "chart": charts.horizontal_bars(chart_rows, title=_("参与率（完成人数 / 在册学生）")),
        },
    )


@role_required(Role.ORGANISER, Role.TEACHER)
def stats_xlsx(request, pk: int):
    reading, result = _stats_or_404(request, pk)
    if result is None:
        return render(request, "errors/403.html", status=403)
    response = HttpResponse(stats_workbook(result), content_type=XLSX_CONTENT_TYPE)
    name = f"{reading.title}-阅读统计.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"reading.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
