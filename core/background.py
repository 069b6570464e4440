"""Work that must not hold up the request that caused it, with a strong reference to every piece.

Two kinds:
- `spawn(coro)`: an asyncio task (a fast path's group-commit flush). The event loop keeps only weak
  references to tasks, so one nobody holds can be garbage-collected mid-flight; here every task sits in
  a module-level set until it ends, and an exception it raises is logged rather than lost.
- `follow_up(fn, *args)`: a slow synchronous follow-up of a committed write (a leaderboard update or
  rebuild after an attempt was scored). Inside a request served by a fast path (`deferring()`), or
  from async code, it runs on a small dedicated thread pool after the response, never inline: at a
  deadline thousands of finalisations would otherwise wait for board rebuilds one behind the other.
  Elsewhere (management commands, the sweep task, plain sync tests) it runs inline, as before.
Every follow-up closes the database connections its thread opened."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from django.db import connections

log = logging.getLogger(__name__)

FOLLOW_UP_THREADS = 2  # board rebuilds serialise per contest anyway; two keep one slow board from blocking others

_tasks: set[asyncio.Task] = set()
_follow_ups: set[Future] = set()
_executor: ThreadPoolExecutor | None = None
_deferring: contextvars.ContextVar[bool] = contextvars.ContextVar("core_background_deferring", default=False)


def _log_task_end(task: asyncio.Task) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())


def spawn(coro: Coroutine, *, name: str | None = None) -> asyncio.Task:
    """Start `coro` as a task that is referenced until it ends and whose failure is logged."""
    task = asyncio.get_running_loop().create_task(coro, name=name)
    _tasks.add(task)
    task.add_done_callback(_log_task_end)
    return task


@contextmanager
def deferring():
    """Within this block (and in the threads sync_to_async starts from it: the context is copied),
    follow_up() runs after the response instead of inline."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _pool() -> ThreadPoolExecutor:
    global _executor  # noqa: PLW0603 - one pool per process, created on first use
    if _executor is None:
        _executor = ThreadPoolExecutor(FOLLOW_UP_THREADS, thread_name_prefix="follow-up")
    return _executor


def follow_up(fn: Callable[..., object], *args) -> Future | None:
    """Run `fn(*args)` after the response when deferring or called from async code, else now.
    Returns the Future of a deferred run (None when it ran inline)."""
    if not (_deferring.get() or _in_event_loop()):
        fn(*args)
        return None

    def run():
        try:
            fn(*args)
        except Exception:
            log.exception("follow-up %s failed", getattr(fn, "__qualname__", fn))
        finally:
            connections.close_all()  # a pool thread must not keep the connections it opened

    future = _pool().submit(run)
    _follow_ups.add(future)
    future.add_done_callback(_follow_ups.discard)
    return future


def follow_ups_drain(timeout: float = 30.0) -> None:
    """Wait for the deferred follow-ups queued so far (tests, and an orderly shutdown)."""
    wait(list(_follow_ups), timeout=timeout)


async def tasks_drain() -> None:
    """Wait for the background tasks of the running loop (tests, and an orderly shutdown)."""
    loop = asyncio.get_running_loop()
    mine = [t for t in _tasks if t.get_loop() is loop]
    if mine:
        await asyncio.gather(*mine, return_exceptions=True)
