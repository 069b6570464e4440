"""The one ranking key (DOMjudge style): higher score first, then less time used, then earlier finish,
then the lower attempt id so no two entries ever tie. The database ordering, the Python sort, the Redis
sorted-set encoding and every export come from this module; tests pin that they agree."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

# Redis scores are IEEE doubles: integers are exact only below 2**53 (~9.0e15).
MAX_SCORE_CENTI = 10**7  # 100,000.00 points
MAX_TIME_S = 10**7  # ~115 days
assert MAX_SCORE_CENTI * MAX_TIME_S < 2**53

DB_ORDERING = ("-score", "time_used_s", "finished_at", "id")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def finished_us(finished_at: datetime) -> int:
    """Microseconds since the epoch, exactly: the finish-time precision of every ranking (the database
    stores µs, so the boards compare µs too; a float timestamp could round two µs apart together)."""
    return (finished_at - _EPOCH) // _US


def score_centi(score: Decimal | int | float) -> int:
    value = int((Decimal(str(score)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(value, MAX_SCORE_CENTI - 1))


def ranking_key(*, score, time_used_s: int, finished_at: datetime, attempt_id: int) -> tuple:
    """Ascending sort key: sorted(rows, key=...) puts the best first."""
    return (-score_centi(score), int(time_used_s), finished_us(finished_at), attempt_id)


def redis_score(*, score, time_used_s: int) -> int:
    """Sorted-set score, ascending = better (use ZRANGE / ZRANK). Exact below 2**53."""
    t = max(0, min(int(time_used_s), MAX_TIME_S - 1))
    return -(score_centi(score) * MAX_TIME_S + (MAX_TIME_S - 1 - t))


def redis_member(*, finished_at: datetime, attempt_id: int) -> str:
    """Members with equal scores sort lexicographically (ascending): earlier finish (µs), then lower id."""
    return f"{finished_us(finished_at):017d}:{attempt_id:012d}"


def parse_redis_member(member: str | bytes) -> tuple[int, int]:
    if isinstance(member, bytes):
        member = member.decode()
    finished, attempt_id = member.split(":")
    return int(finished), int(attempt_id)


def counting_key(counting: str) -> Callable:
    """Sort key over a student's finalised attempts whose minimum is the one the contest's counting rule
    (best / last / first) makes count. The only statement of that rule: the stored `counts` flag, the live
    board and the frozen board (the same rule over attempts finished before the freeze) all use it."""
    if counting == "last":
        return lambda a: (-a.number, -a.pk)
    if counting == "first":
        return lambda a: (a.number, a.pk)
    return lambda a: ranking_key(score=a.score, time_used_s=a.time_used_s, finished_at=a.finished_at, attempt_id=a.pk)


def pick_counted(attempts: Iterable, counting: str) -> dict:
    """user_id → the attempt that counts, among `attempts` (finalised ones)."""
    key = counting_key(counting)
    chosen: dict = {}
    for attempt in attempts:
        current = chosen.get(attempt.user_id)
        if current is None or key(attempt) < key(current):
            chosen[attempt.user_id] = attempt
    return chosen
