"""The hub's sense of time, injectable so freeze and coalescing tests never race the wall clock.

`time()` is the monotonic clock for coalescing windows, `now()` the wall clock for freeze instants,
and `call_later` schedules on the event loop. Tests use `tests.leaderboards.clock.ManualClock`."""

from __future__ import annotations

import asyncio
from datetime import datetime

from django.utils import timezone


class SystemClock:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop

    def time(self) -> float:
        return self.loop.time()

    def now(self) -> datetime:
        return timezone.now()

    def call_later(self, delay: float, callback, *args):
        return self.loop.call_later(delay, callback, *args)
