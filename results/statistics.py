"""Participation statistics (工作情况统计) per district and per school, aggregated in the database.

Every number comes from a fixed handful of GROUP BY queries — one per measure, never one per school
or per attempt — so the dashboard's query count is the same for 5 schools or 5,000 and the work is
done by indexes on Attempt(contest, counts, ...) and Organization(path). Python only adds the per-school
rows up into districts (hundreds of rows, not attempts)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Floor
from django.utils import timezone

from accounts.enrolment import audience_paths
from accounts.enrolment import enrolled_by_class as enrolled_by_class  # re-exported for reading
from accounts.selectors import Scope
from competitions import rates
from competitions.rates import participation_rate as participation_rate  # re-exported for reading

from .models import Certificate, CertificateKind
from .stats_regions import (
    assemble,
    class_schools,
    district_id,  # noqa: F401 (re-exported for reading)
    effective_paths,
    enrolled_by_school,
    path_q,
    schools_and_districts,
)
from .stats_rows import ContestStats, DistrictStats, OutOfScope, Row, pass_percent  # noqa: F401 (re-exported)
from .stats_trends import knowledge_trends, submission_trends  # noqa: F401 (re-exported)


def knowledge_contest_stats(contest, scope: Scope) -> ContestStats:
    from competitions.selectors import counted_attempts

    audience = audience_paths(contest)
    paths = effective_paths(audience, scope)
    if not paths:
        raise OutOfScope
    schools, districts = schools_and_districts(paths)
    schools_of_class = class_schools(paths)
    enrolled = enrolled_by_school(contest, schools_of_class)
    excellence = rates.excellence_percent_of(contest)
    passing = pass_percent()

    attempts = counted_attempts(contest)
    if set(paths) != set(audience):
        # only part of the audience is in this user's region; a city-wide view needs no filter at all,
        # since every attempt comes from the audience
        attempts = attempts.filter(path_q("class_org__path", paths))
    # compare score/max as score*100 >= max*percent: exact in SQL, no integer division anywhere
    agg = (
        rates.with_excellence_margin(attempts, excellence)
        .alias(pass_margin=F("score") * 100 - F("max_score") * passing)
        .values("class_org_id")
        .annotate(
            participants=Count("id"),
            score_sum=Sum("score"),
            excellent=Count("id", filter=rates.EXCELLENT),
            passed=Count("id", filter=Q(pass_margin__gte=0)),
        )
        .order_by()
    )
    rows: dict[int, Row] = {}
    for school_id in schools:
        rows[school_id] = Row(org_id=school_id, name="", enrolled=enrolled.get(school_id, 0))
    for a in agg:  # one row per class, not per attempt
        row = rows.get(schools_of_class.get(a["class_org_id"]))
        if row is None:
            continue
        row.participants += a["participants"]
        row.score_sum += a["score_sum"] or Decimal(0)
        row.excellent += a["excellent"]
        row.passed += a["passed"]

    ct = ContentType.objects.get_for_model(contest)
    award_rows = (
        Certificate.objects.filter(
            template__content_type=ct, template__object_id=contest.pk, kind=CertificateKind.AWARD, revoked_at=None
        )
        .filter(path_q("org_path", paths))
        .values("org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for a in award_rows:
        row = rows.get(schools_of_class.get(a["org_id"]))
        if row is not None:
            row.awards["award"] = row.awards.get("award", 0) + a["n"]

    total, district_stats = assemble(schools, districts, rows)
    return ContestStats(
        kind="knowledge",
        contest=contest,
        total=total,
        districts=district_stats,
        award_labels=[("award", "获奖证书")],
        histogram=_histogram(attempts),
        timeline=_timeline(attempts, contest),
        excellence_percent=excellence,
        pass_percent=passing,
    )


def _histogram(attempts) -> list[tuple[str, int]]:
    """Counted attempts in ten bands of the paper's full marks (0–9%, …, 90–100%). One query."""
    rows = (
        attempts.filter(max_score__gt=0)
        .annotate(bucket=Floor(F("score") * 10 / F("max_score")))
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [0] * 10
    for r in rows:
        counts[max(0, min(int(r["bucket"]), 9))] += r["n"]
    return [(f"{i * 10}–{i * 10 + 9 if i < 9 else 100}%", counts[i]) for i in range(10)]


def _timeline(attempts, contest) -> list[tuple[str, int]]:
    """Attempts started per hour (windows up to two days), per day (up to two months) or per week.
    One query of conditional counts over fixed boundaries: date truncation would call a Python
    function per row on SQLite (0.4 s for 100,000 attempts); comparisons stay in the database."""
    start = timezone.localtime(contest.opens_at)
    window = contest.closes_at - contest.opens_at
    if window <= timedelta(days=2):
        step, fmt = timedelta(hours=1), "%m-%d %H时"
        start = start.replace(minute=0, second=0, microsecond=0)
    elif window <= timedelta(days=62):
        step, fmt = timedelta(days=1), "%m-%d"
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        step, fmt = timedelta(weeks=1), "%m-%d"
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    bounds = []
    t = start
    while t < contest.closes_at and len(bounds) < 120:
        bounds.append(t)
        t += step
    counts = attempts.aggregate(
        **{f"b{i}": Count("id", filter=Q(started_at__gte=b, started_at__lt=b + step)) for i, b in enumerate(bounds)}
    )
    return [(b.strftime(fmt), counts[f"b{i}"]) for i, b in enumerate(bounds)]


# --- submission contests -----------------------------------------------------------------------------


def submission_contest_stats(contest, scope: Scope) -> ContestStats:
    from judging.models import Award, AwardTier, Entry

    paths = effective_paths([contest.owner_org.path], scope)
    if not paths:
        raise OutOfScope
    schools, districts = schools_and_districts(paths)
    enrolled = enrolled_by_school(contest, class_schools(paths))
    rows = {sid: Row(org_id=sid, name="", enrolled=enrolled.get(sid, 0)) for sid in schools}
    entries = (
        Entry.objects.filter(contest=contest, versions__is_autosave=False)
        .filter(path_q("school__path", paths))
        .values("school_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    for e in entries:
        if e["school_id"] in rows:
            rows[e["school_id"]].participants = e["n"]
    awards = (
        Award.objects.filter(contest=contest, published_at__isnull=False)
        .filter(path_q("entry__school__path", paths))
        .values("entry__school_id", "tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    for a in awards:
        row = rows.get(a["entry__school_id"])
        if row is not None:
            row.awards[a["tier"]] = a["n"]
    total, district_stats = assemble(schools, districts, rows)
    return ContestStats(
        kind="submission",
        contest=contest,
        total=total,
        districts=district_stats,
        award_labels=[(t.value, str(t.label)) for t in AwardTier],
    )
