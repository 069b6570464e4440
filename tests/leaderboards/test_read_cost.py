"""Reading the top 20 plus "my rank" costs O(log n) work, not O(n): counted as comparisons made by the
in-process store's sorted lists and as commands sent to Redis, never as wall-clock time (which is flaky on
a loaded machine). The timing itself is in bench/board_read_cost.py, as a ratio."""

import math
from datetime import UTC, datetime, timedelta

import pytest
import redis.client

from leaderboards.store import INDIVIDUAL, SCHOOL, BoardRow, get_store
from leaderboards.store import memory as memory_store

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
SMALL, LARGE = 1_000, 100_000


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


def one_view(store, contest_id, n, i=0):
    """What a viewer's read does: top 20, my rank, my school's rank."""
    store.read(contest_id, INDIVIDUAL, 20)
    store.me_many(contest_id, INDIVIDUAL, [1 + (i * 7717) % n])
    store.me_many(contest_id, SCHOOL, [1 + i % 300])


class Counted:
    """A sorted-list element that counts the comparisons made on it."""

    made = 0
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    @staticmethod
    def _k(other):
        return other.key if isinstance(other, Counted) else other

    def __lt__(self, other):
        Counted.made += 1
        return self.key < self._k(other)

    def __gt__(self, other):
        Counted.made += 1
        return self.key > self._k(other)

    def __eq__(self, other):
        Counted.made += 1
        return self.key == self._k(other)

    def __hash__(self):
        return hash(self.key)

    def __iter__(self):  # read() unpacks (zscore, member)
        return iter(self.key)


def comparisons_per_view(store, contest_id, n) -> float:
    board = store._board(contest_id, "L")
    board.ind = memory_store.SortedList(Counted(k) for k in board.ind)
    for agg in board.aggs.values():
        agg.order = memory_store.SortedList(Counted(k) for k in agg.order)
    Counted.made = 0
    for i in range(50):
        one_view(store, contest_id, n, i)
    return Counted.made / 50


def test_in_process_reads_make_logarithmically_many_comparisons(settings):
    settings.REDIS_URL = ""
    store = get_store()
    store.replace(1, rows(SMALL), {})
    store.replace(2, rows(LARGE), {})
    small = comparisons_per_view(store, 1, SMALL)
    large = comparisons_per_view(store, 2, LARGE)
    # log2 grows from ~10 to ~17 while n grows 100×: a linear scan would make ~100× the comparisons
    print(f"comparisons per view: {small:.0f} at {SMALL}, {large:.0f} at {LARGE}")
    assert small > 0
    assert large <= small * math.log2(LARGE) / math.log2(SMALL) + 10, (small, large)


@pytest.mark.redis
def test_redis_reads_send_the_same_commands_at_100k_as_at_1k(settings, monkeypatch):
    import os

    settings.REDIS_URL = os.environ.get("REDIS_URL", "")
    store = get_store()
    store.replace(1, rows(SMALL), {})
    store.replace(2, rows(LARGE), {})
    sent: list[tuple[str, ...]] = []
    real_execute = redis.client.Pipeline.execute
    real_command = redis.client.Redis.execute_command

    def pipeline_execute(self, *args, **kwargs):
        sent.append(tuple(str(c[0][0]) for c in self.command_stack))
        return real_execute(self, *args, **kwargs)

    def direct(self, *args, **kwargs):
        if not isinstance(self, redis.client.Pipeline):
            sent.append((str(args[0]),))
        return real_command(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline_execute)
    monkeypatch.setattr(redis.client.Redis, "execute_command", direct)
    one_view(store, 1, SMALL)
    at_small, sent[:] = list(sent), []
    one_view(store, 2, LARGE)
    # same round trips, same commands (ZRANGE 0..19, ZRANK, HMGET of 20 fields): each O(log n) in Redis
    assert at_small and sent == at_small
