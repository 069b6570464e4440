"""Board read cost at 1,000 and at 100,000 ranked participants: the median time of what one viewer's read
does (top 20, my rank, my school's rank), per store (in-process, and Redis when REDIS_URL is set), and the
ratio large/small, which stays near 1 for an O(log n) read (the claim; tests/leaderboards/test_read_cost.py
checks the algorithmic side by counting comparisons and Redis commands).

    .venv/bin/python bench/board_read_cost.py
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/board_read_cost.py"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def rows(n):
    from leaderboards.store import BoardRow

    return [
        BoardRow(
            attempt_id=i,
            user_id=i,
            name=f"学生{i}",
            school_id=1 + i % 300,
            school=f"学校{i % 300}",
            district_id=10_000 + i % 9,
            district=f"区{i % 9}",
            score=(i * 7919) % 10_001 / 100,
            time_used_s=60 + (i * 31) % 1700,
            finished_at=T0 + timedelta(milliseconds=i * 37),
        )
        for i in range(1, n + 1)
    ]


def median_view_us(store, contest_id, n, reps=300) -> float:
    from leaderboards.store import INDIVIDUAL, SCHOOL

    samples = []
    for i in range(reps + 30):
        t = time.perf_counter()
        store.read(contest_id, INDIVIDUAL, 20)
        store.me_many(contest_id, INDIVIDUAL, [1 + (i * 7717) % n])
        store.me_many(contest_id, SCHOOL, [1 + i % 300])
        if i >= 30:  # the first reads warm up
            samples.append((time.perf_counter() - t) * 1e6)
    return statistics.median(samples)


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from leaderboards.store import get_store

    settings.LEADERBOARD_PREFIX = f"bench-{uuid.uuid4().hex[:8]}"
    backends = [("in-process", "")] + ([("redis", os.environ["REDIS_URL"])] if os.environ.get("REDIS_URL") else [])
    for label, url in backends:
        settings.REDIS_URL = url
        store = get_store()
        store.replace(1, rows(1_000), {})
        store.replace(2, rows(100_000), {})
        small, large = median_view_us(store, 1, 1_000), median_view_us(store, 2, 100_000)
        print(f"{label:11} 1k: {small:8.0f} µs   100k: {large:8.0f} µs   ratio 100k/1k {large / small:.2f}")
        store.drop(1)
        store.drop(2)


if __name__ == "__main__":
    main()
