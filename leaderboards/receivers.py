"""Signal receivers: the contest engine tells us, after commit, that an attempt was scored."""

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.db import connections

log = logging.getLogger(__name__)

# The event loop keeps only weak references to tasks: without these, a board update still running
# could be garbage-collected mid-flight.
_background: set[asyncio.Task] = set()


def _apply(contest_id: int, attempt_id: int) -> None:
    from .services import leaderboard_apply_attempt

    try:
        leaderboard_apply_attempt(contest_id=contest_id, attempt_id=attempt_id)
    except Exception:
        # The answer and score are already committed; a board that missed an update is repaired by the
        # next one or by a rebuild. Never fail the student's request because of the board.
        log.exception("leaderboard update failed for contest %s attempt %s", contest_id, attempt_id)


def _run(fn, *args) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return

    # sent from async code: do the database and Redis work off the event loop, in a pool thread that
    # must not keep the database connection it opened
    def call():
        try:
            fn(*args)
        finally:
            connections.close_all()

    task = loop.create_task(sync_to_async(call, thread_sensitive=False)())
    _background.add(task)
    task.add_done_callback(_background.discard)


def on_attempt_scored(sender, *, contest_id: int, attempt_id: int, **kwargs) -> None:
    _run(_apply, contest_id, attempt_id)


def _contest_changed(contest_id: int) -> None:
    from .services import leaderboard_notify

    try:
        leaderboard_notify(contest_id=contest_id, kind="contest")
    except Exception:
        log.exception("leaderboard notify failed for contest %s", contest_id)


def on_contest_changed(sender, *, contest_id: int, **kwargs) -> None:
    _run(_contest_changed, contest_id)
