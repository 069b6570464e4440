"""Background work keeps a reference and reports failures; follow-ups leave the request path only where
asked; group commit batches what arrives while a batch is in flight."""

import asyncio
import logging
import threading

import pytest

from core import background
from core.fastpath import GroupCommit


def test_follow_up_runs_inline_outside_a_request_and_after_it_inside_one():
    ran = []
    assert background.follow_up(lambda: ran.append(threading.current_thread().name)) is None
    assert ran == [threading.current_thread().name]
    gate = threading.Event()
    with background.deferring():
        future = background.follow_up(lambda: (gate.wait(5), ran.append(threading.current_thread().name)))
    assert future is not None and not future.done()  # the caller went on while the follow-up waits
    assert future in background._follow_ups  # referenced until it ends
    gate.set()
    background.follow_ups_drain()
    assert ran[1].startswith("follow-up") and future not in background._follow_ups


def test_a_failing_follow_up_is_logged_not_lost(caplog):
    def boom():
        raise RuntimeError("board store down")

    with caplog.at_level(logging.ERROR, logger="core.background"), background.deferring():
        future = background.follow_up(boom)
        background.follow_ups_drain()
    assert future.done() and future.exception() is None
    assert "board store down" in caplog.text


async def test_spawned_tasks_are_referenced_until_done_and_their_failure_is_logged(caplog):
    gate = asyncio.Event()

    async def fail():
        await gate.wait()
        raise RuntimeError("flush failed")

    task = background.spawn(fail(), name="flush")
    assert task in background._tasks
    with caplog.at_level(logging.ERROR, logger="core.background"):
        gate.set()
        await background.tasks_drain()
    assert task not in background._tasks
    assert "flush failed" in caplog.text


async def test_group_commit_batches_what_queues_while_a_batch_is_in_flight():
    batches, gate = [], asyncio.Event()

    async def write(entries):
        batches.append(list(entries))
        if len(batches) == 1:
            await gate.wait()
        return [e * 10 for e in entries]

    writer = GroupCommit(write, max_batch=3, distinct=lambda e: e % 100)
    first = asyncio.ensure_future(writer.submit(1))
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(writer.submit(n)) for n in (2, 102, 3, 4)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == 10 and [await r for r in rest] == [20, 1020, 30, 40]
    # 102 shares a key with 2: it waits for the batch after (order kept); max 3 per batch
    assert batches == [[1], [2, 3, 4], [102]]


async def test_group_commit_gives_every_waiter_the_batch_error_and_goes_on():
    calls = []

    async def write(entries):
        calls.append(entries)
        if len(calls) == 1:
            raise ConnectionError("lost")
        return [True for _ in entries]

    writer = GroupCommit(write, max_batch=10)
    with pytest.raises(ConnectionError):
        await writer.submit("a")
    assert await writer.submit("b") is True
