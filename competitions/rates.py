"""参与率 and 优秀率: the one definition of each. The teacher's export (competitions.reports), the
organisers' dashboard and trends (results.statistics) and the big screen's school/district boards
(leaderboards.store) all compute their figures here, so the same data shows the same figure everywhere.
It lives in competitions, the lowest app that knows a contest's score and excellence line; results and
leaderboards sit above it (see .importlinter).

- 参与率 = participants / students enrolled in the audience (accounts.enrolment), None when nobody is
  enrolled.
- 优秀 = a counted attempt scoring at least the contest's excellence line (满分 × 优秀线%) on a paper
  with marks; 优秀率 = excellent / participants, None when nobody took part.
Rates are exact fractions (0.0..1.0); each place rounds only when it formats them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def participation_rate(participants: int, enrolled: int) -> float | None:
    return rate(participants, enrolled)


def excellence_rate(excellent: int, participants: int) -> float | None:
    return rate(excellent, participants)


def excellence_percent_of(contest) -> int:
    """The contest's 优秀线 as a percentage of full marks (settings.RESULTS_EXCELLENCE_PERCENT if unset)."""
    return contest.excellence_percent or default_excellence_percent()


def default_excellence_percent() -> int:
    return int(getattr(settings, "RESULTS_EXCELLENCE_PERCENT", 85))


def is_excellent(score: Decimal, max_score: Decimal, percent: int) -> bool:
    # score*100 >= max*percent: exact, no division (the SQL form below compares the same way)
    return bool(max_score) and max_score > 0 and score * 100 >= max_score * percent


def with_excellence_margin(attempts, percent):
    """Attempt rows with the alias EXCELLENT compares; `percent` an int (excellence_percent_of) or an
    expression such as F("contest__excellence_percent") for many contests at once."""
    return attempts.alias(excellence_margin=F("score") * 100 - F("max_score") * percent)


# is_excellent in SQL, over rows from with_excellence_margin: Count("id", filter=EXCELLENT)
EXCELLENT = Q(max_score__gt=0, excellence_margin__gte=0)
