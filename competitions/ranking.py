"""The one ranking key (DOMjudge style): higher score first, then less time used, then earlier finish,
then the lower attempt id so no two entries ever tie. The database ordering, the Python sort, the Redis
sorted-set encoding and every export come from this module; tests pin that they agree."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

# Redis scores are IEEE doubles: integers are exact only below 2**53 (~9.0e15).
MAX_SCORE_CENTI = 10**7  # 100,000.00 points
MAX_TIME_S = 10**7  # ~115 days
assert MAX_SCORE_CENTI * MAX_TIME_S < 2**53

DB_ORDERING = ("-score", "time_used_s", "finished_at", "id")


def score_centi(score: Decimal | int | float) -> int:
    value = int((Decimal(str(score)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(value, MAX_SCORE_CENTI - 1))


def ranking_key(*, score, time_used_s: int, finished_at: datetime, attempt_id: int) -> tuple:
    """Ascending sort key: sorted(rows, key=...) puts the best first."""
    return (-score_centi(score), int(time_used_s), finished_at.timestamp(), attempt_id)


def redis_score(*, score, time_used_s: int) -> int:
    """Sorted-set score, ascending = better (use ZRANGE / ZRANK). Exact below 2**53."""
    t = max(0, min(int(time_used_s), MAX_TIME_S - 1))
    return -(score_centi(score) * MAX_TIME_S + (MAX_TIME_S - 1 - t))


def redis_member(*, finished_at: datetime, attempt_id: int) -> str:
    """Members with equal scores sort lexicographically (ascending): earlier finish, then lower id."""
    return f"{int(finished_at.timestamp() * 1000):014d}:{attempt_id:012d}"


def parse_redis_member(member: str | bytes) -> tuple[int, int]:
    if isinstance(member, bytes):
        member = member.decode()
    finished_ms, attempt_id = member.split(":")
    return int(finished_ms), int(attempt_id)
