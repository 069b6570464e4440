"""Reading the top 20 plus "my rank" is O(log n): as fast at 100,000 ranked participants as at 1,000."""

import statistics
import time
from datetime import UTC, datetime, timedelta

from leaderboards.store import INDIVIDUAL, SCHOOL, BoardRow, get_store

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def rows(n):
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


def median_read_s(store, contest_id, n, reps=300):
    probe = [n // 2]
    for _ in range(30):  # warm up
        store.read(contest_id, INDIVIDUAL, 20)
        store.me_many(contest_id, INDIVIDUAL, probe)
    samples = []
    for i in range(reps):
        user = [1 + (i * 7717) % n]
        t = time.perf_counter()
        store.read(contest_id, INDIVIDUAL, 20)
        store.me_many(contest_id, INDIVIDUAL, user)
        store.me_many(contest_id, SCHOOL, [1 + i % 300])
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def test_top20_and_my_rank_cost_the_same_at_100k_as_at_1k(backend):
    store = get_store()
    store.replace(1, rows(1_000), {})
    store.replace(2, rows(100_000), {})
    small = median_read_s(store, 1, 1_000)
    large = median_read_s(store, 2, 100_000)
    assert large <= small * 1.5, f"1k: {small * 1e6:.0f} µs, 100k: {large * 1e6:.0f} µs"
