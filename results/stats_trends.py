"""Year trends: participants, average and 优秀率 of each knowledge contest, entries and awards of each
essay/works contest, within the user's region. One grouped query per measure for all contests together."""

from __future__ import annotations

from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from accounts.selectors import Scope
from competitions import rates

from .stats_regions import path_q


def _excellence_percent():
    """competitions.rates.excellence_percent_of in SQL: each contest's line, the site default where unset."""
    return Coalesce(NullIf(F("contest__excellence_percent"), Value(0)), Value(rates.default_excellence_percent()))


def knowledge_trends(contests, scope: Scope) -> list[dict]:
    """Participants, average score and excellence rate of each contest (e.g. all contests of a year)
    within the user's region: one grouped query for all contests together."""
    from competitions.models import Attempt, AttemptState

    contests = list(contests)
    if not contests:
        return []
    paths = [""] if scope.is_admin else scope.managed_paths
    # the same rows as competitions.selectors.counted_attempts, for many contests at once
    rows = Attempt.objects.filter(contest__in=contests, counts=True, state=AttemptState.FINALISED).filter(
        path_q("class_org__path", paths)
    )
    rows = (
        rates.with_excellence_margin(rows, _excellence_percent())
        .values("contest_id")
        .annotate(participants=Count("id"), score_sum=Sum("score"), excellent=Count("id", filter=rates.EXCELLENT))
        .order_by()
    )
    by_contest = {r["contest_id"]: r for r in rows}
    out = []
    for c in sorted(contests, key=lambda c: c.opens_at):
        r = by_contest.get(c.pk, {"participants": 0, "score_sum": None, "excellent": 0})
        n = r["participants"]
        out.append(
            {
                "contest": c,
                "participants": n,
                "average": float(r["score_sum"]) / n if n else None,
                "excellence_rate": rates.excellence_rate(r["excellent"], n),
            }
        )
    return out


def submission_trends(contests, scope: Scope) -> list[dict]:
    """Entries and published awards of each essay/works contest within the user's region: two grouped
    queries for all contests together."""
    from judging.models import Award, Entry

    contests = list(contests)
    if not contests:
        return []
    paths = [""] if scope.is_admin else scope.managed_paths
    entries = dict(
        Entry.objects.filter(contest__in=contests, versions__is_autosave=False)
        .filter(path_q("school__path", paths))
        .values_list("contest_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    awards = dict(
        Award.objects.filter(contest__in=contests, published_at__isnull=False)
        .filter(path_q("entry__school__path", paths))
        .values_list("contest_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"contest": c, "entries": entries.get(c.pk, 0), "awards": awards.get(c.pk, 0)}
        for c in sorted(contests, key=lambda c: c.opens_at)
    ]
