"""Group commit: requests that arrive while one batch is in flight queue up, and the next batch takes
them all (one statement, one commit). No artificial delay, so an idle server writes a lone request at
once. One batch at a time per writer: no two of our batches wait on each other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from core.background import spawn

log = logging.getLogger(__name__)


class GroupCommit:
    """`write(entries)` stores a batch and returns one result per entry, in order. `distinct` (optional)
    keys entries that must not share a batch (the same row twice in one UPDATE would apply once): a
    second one waits for the next batch, keeping the order of arrival."""

    def __init__(
        self,
        write: Callable[[list], Awaitable[Sequence[Any]]],
        *,
        max_batch: int,
        distinct: Callable[[Any], Hashable] | None = None,
        name: str = "group-commit",
    ):
        self._write = write
        self.max_batch = max_batch
        self._distinct = distinct
        self.name = name
        self._pending: list[tuple[Any, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def submit(self, entry) -> Any:
        """The entry's result once its batch committed; the batch's exception if it failed."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if self._flusher is None:
            self._flusher = spawn(self._flush(), name=self.name)
        return await future

    def _take(self) -> list[tuple[Any, asyncio.Future]]:
        if self._distinct is None:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            return batch
        batch, seen, rest = [], set(), []
        for pair in self._pending:
            key = self._distinct(pair[0])
            if key in seen or len(batch) >= self.max_batch:
                rest.append(pair)
            else:
                seen.add(key)
                batch.append(pair)
        self._pending = rest
        return batch

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch = self._take()
                try:
                    results = await self._write([entry for entry, _f in batch])
                except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
                    log.warning("%s: batch of %d failed: %r", self.name, len(batch), exc)
                    for _e, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_e, future), result in zip(batch, results, strict=True):
                    if not future.done():  # a waiter whose client went away was cancelled
                        future.set_result(result)
        finally:
            self._flusher = None
