"""Reading statistics per MONTH (class, school, district, city): every reading of the month together.

A month may hold several readings, for different grade bands or owned by different organisers. Within
the user's view (`stats.stats_paths` of each reading):

- 在册学生 = students enrolled in the classes that at least one of the month's readings targets (each
  student counted once, however many readings target them): the union over the readings of
  accounts' one enrolment counting (`reading.enrolment`: live during the month, frozen from its end);
- 阅读人数 / 完成人数 = distinct students who read / completed at least one of the month's readings;
- 参与率 = `results.statistics.participation_rate(完成人数, 在册学生)`, the one definition;
- 测验人次 and 平均分 = every student's best score on each reading quiz they took (a student who took two
  quizzes counts twice), averaged;
- 投入阅读分钟 = all engaged time on the month's readings.

Only readings that are published and open by `now` count (a reading opening on the 20th does not lower
the month's rate before then). Page, xlsx and API all call `month_stats`; trends are its totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import Scope
from results import statistics as rs

from .enrolment import enrolled_in_view
from .errors import ReadingError
from .models import Progress, Reading, ReadingStatus
from .stats import DistrictBlock, ReadingRow, assemble, stats_paths


@dataclass
class MonthStats:
    month: date
    readings: list[Reading]
    total: ReadingRow
    districts: list[DistrictBlock]
    classes: list[ReadingRow] = field(default_factory=list)


def parse_month(value: str | None) -> date:
    """'2026-11' → date(2026, 11, 1); a clear error for anything else."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ReadingError(_("月份格式应为 YYYY-MM，例如 2026-11。")) from None


def _today(now: datetime | None) -> date:
    return timezone.localtime(now or timezone.now()).date()


def month_readings(month: date, scope: Scope, *, now: datetime | None = None) -> list[tuple[Reading, list[str]]]:
    """The month's published readings open by `now` that the user may see, with the paths in view."""
    qs = (
        Reading.objects.filter(status=ReadingStatus.PUBLISHED, month=month, opens_on__lte=_today(now))
        .select_related("owner_org")
        .order_by("pk")
    )
    out = []
    for reading in qs:
        paths = stats_paths(reading, scope)
        if paths:
            out.append((reading, paths))
    return out


def visible_months(scope: Scope, *, now: datetime | None = None, limit: int = 24) -> list[date]:
    """Months with at least one published, open reading in the user's view, newest first."""
    qs = (
        Reading.objects.filter(status=ReadingStatus.PUBLISHED, opens_on__lte=_today(now))
        .select_related("owner_org")
        .order_by("-month", "pk")
    )
    months: list[date] = []
    for reading in qs[:600]:
        if reading.month not in months and stats_paths(reading, scope):
            months.append(reading.month)
            if len(months) == limit:
                break
    return months


def _outermost(paths) -> list[str]:
    kept = sorted(set(paths), key=len)
    return [p for i, p in enumerate(kept) if not any(p.startswith(q) for q in kept[:i])]


class _Cache:
    """Enrolment per reading and the org tree per view, computed once per page."""

    def __init__(self):
        self.enrolled_by_key: dict = {}
        self.tree: dict = {}

    def enrolled(self, reading: Reading, paths: list[str], now: datetime | None) -> dict[int, int]:
        key = (reading.pk, tuple(paths))
        if key not in self.enrolled_by_key:
            self.enrolled_by_key[key] = enrolled_in_view(reading, paths, now=now)
        return self.enrolled_by_key[key]

    def org_tree(self, paths: list[str]):
        key = tuple(paths)
        if key not in self.tree:
            schools, districts = rs.schools_and_districts(paths)
            self.tree[key] = (schools, districts, rs.class_schools(paths))
        return self.tree[key]


def month_stats(
    month: date,
    scope: Scope,
    *,
    now: datetime | None = None,
    class_detail: bool | None = None,
    cache: _Cache | None = None,
) -> MonthStats | None:
    """None when no reading of the month targets a class in the user's view."""
    cache = cache or _Cache()
    # a reading that targets none of the classes in view (a 初中 reading for a 小学 teacher) is not theirs
    pairs = [(r, ps) for r, ps in month_readings(month, scope, now=now) if cache.enrolled(r, ps, now)]
    if not pairs:
        return None
    paths = _outermost(p for _reading, ps in pairs for p in ps)
    schools, districts, class_schools = cache.org_tree(paths)
    by_class: dict[int, ReadingRow] = {}
    for reading, reading_paths in pairs:
        for class_id, n in cache.enrolled(reading, reading_paths, now).items():
            # the union: a class targeted by two readings has the same students, counted once
            by_class.setdefault(class_id, ReadingRow(org_id=class_id, name="", enrolled=n))
    in_view = Q(pk__in=[])
    for reading, reading_paths in pairs:
        in_view |= Q(reading=reading) & rs.path_q("class_org__path", reading_paths)
    agg = (
        Progress.objects.filter(in_view)
        .values("class_org_id")
        .annotate(
            readers=Count("user", distinct=True, filter=Q(saves__gt=0)),
            completed=Count("user", distinct=True, filter=Q(completed_at__isnull=False)),
            quiz_takers=Count("id", filter=Q(best_percent__isnull=False)),
            score_sum=Sum("best_percent"),
            engaged=Sum("engaged_s"),
        )
        .order_by()
    )
    for a in agg:
        cid = a["class_org_id"]
        if cid not in class_schools:
            continue  # the student moved to a class outside this view
        row = by_class.setdefault(cid, ReadingRow(org_id=cid, name=""))
        row.readers += a["readers"]
        row.completed += a["completed"]
        row.quiz_takers += a["quiz_takers"]
        row.score_sum += a["score_sum"] or 0
        row.engaged_s += a["engaged"] or 0
    total, blocks, classes = assemble(by_class, schools, districts, class_schools, class_detail, scope)
    return MonthStats(month=month, readings=[r for r, _paths in pairs], total=total, districts=blocks, classes=classes)


def month_trends(scope: Scope, *, now: datetime | None = None, months: int = 12) -> list[MonthStats]:
    """The last `months` months with readings in view, oldest first: each entry is `month_stats` itself
    (so a trend point is exactly the month page's total)."""
    cache = _Cache()
    out = []
    for month in reversed(visible_months(scope, now=now, limit=months)):
        result = month_stats(month, scope, now=now, class_detail=False, cache=cache)
        if result is not None:
            out.append(result)
    return out
