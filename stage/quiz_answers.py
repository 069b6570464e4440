"""Group commit of hall-quiz answers, per process (one batcher per event loop, owned by the quiz hub).

An answer is timed when its socket receives it, queued, and acknowledged once its group is written. While
one group is being written (on a pool thread, never on Channels' single thread-sensitive database
thread), the next one collects; so a burst of 5,000 answers becomes a handful of transactions instead of
5,000 queued one after another. After each group the hub is told how many answers the open question
now has (the host's live count), in this process and — through Redis — in every other one."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.db import connections

from .services.quiz_batch import BatchOutcome, PendingAnswer, quiz_answers_commit

log = logging.getLogger(__name__)
MAX_GROUP = 2000  # answers per transaction


def _commit(items: list[PendingAnswer]) -> BatchOutcome:
    try:
        return quiz_answers_commit(items)
    finally:
        connections.close_all()  # a pool thread must not keep a connection


class AnswerBatcher:
    def __init__(self, loop: asyncio.AbstractEventLoop, on_committed: Callable[[BatchOutcome], None], commit=None):
        self.loop = loop
        self.on_committed = on_committed
        self.commit = commit or sync_to_async(_commit, thread_sensitive=False)
        self.pending: list[tuple[PendingAnswer, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        self.groups = 0  # transactions written (for tests and the bench)

    def submit(self, item: PendingAnswer) -> asyncio.Future:
        """A future resolved with the QuizAnswer written, or an AppError saying why it was refused."""
        future = self.loop.create_future()
        self.pending.append((item, future))
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._drain(), context=contextvars.Context())
        return future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the answers already read from other sockets join this group
        while self.pending:
            group, self.pending = self.pending[:MAX_GROUP], self.pending[MAX_GROUP:]
            try:
                outcome = await self.commit([item for item, _f in group])
            except Exception as exc:  # the database failed: every answer of the group hears it
                log.exception("writing %d quiz answers failed", len(group))
                for _item, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.groups += 1
            for (_item, future), result in zip(group, outcome.results, strict=True):
                if not future.done():
                    future.set_result(result)
            try:
                self.on_committed(outcome)
            except Exception:
                log.exception("quiz answer count notification failed")
