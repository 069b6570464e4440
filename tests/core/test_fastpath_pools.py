"""A process's first requests arrive together: they must share one database pool, not each open their own
(every extra pool kept its connections open for the life of the process)."""

import asyncio

import psycopg_pool
import pytest

from core.fastpath import db


class CountingPool:
    opened: list["CountingPool"] = []
    fail_next = False

    def __init__(self, *args, **kwargs):
        self.closed = False

    async def open(self):
        await asyncio.sleep(0.01)  # connecting takes a while: other requests arrive meanwhile
        if CountingPool.fail_next:
            CountingPool.fail_next = False
            raise OSError("connection refused")
        CountingPool.opened.append(self)

    async def close(self):
        self.closed = True


@pytest.fixture
def counting_pool(monkeypatch):
    CountingPool.opened = []
    monkeypatch.setattr(psycopg_pool, "AsyncConnectionPool", CountingPool)
    return CountingPool


def test_concurrent_first_requests_share_one_pool(counting_pool):
    pools = db.Pools()

    async def burst():
        got = await asyncio.gather(*(pools.get() for _ in range(50)))
        again = await pools.get()
        await pools.close()
        return got, again

    got, again = asyncio.run(burst())
    assert len(counting_pool.opened) == 1
    assert all(p is counting_pool.opened[0] for p in got) and again is got[0]
    assert got[0].closed


def test_a_failed_open_is_retried_by_the_next_request(counting_pool):
    pools = db.Pools()
    counting_pool.fail_next = True

    async def two_tries():
        with pytest.raises(OSError):
            await pools.get()
        return await pools.get()

    pool = asyncio.run(two_tries())
    assert counting_pool.opened == [pool]
