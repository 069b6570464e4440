"""A clock the test moves by hand: the hub's coalescing windows and freeze timers fire only when the
test calls `advance`, so no assertion depends on how fast a loaded machine runs."""

import asyncio
import heapq
import itertools
from datetime import datetime, timedelta

from leaderboards import hub as hub_module


class _Handle:
    def __init__(self, due: float, callback, args):
        self.due, self.callback, self.args, self.cancelled = due, callback, args, False

    def cancel(self):
        self.cancelled = True


class ManualClock:
    def __init__(self, start: datetime):
        self.start, self.t = start, 0.0
        self._timers: list = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def call_later(self, delay: float, callback, *args):
        handle = _Handle(self.t + max(0.0, delay), callback, args)
        heapq.heappush(self._timers, (handle.due, next(self._seq), handle))
        return handle

    def advance(self, seconds: float) -> None:
        """Move time forward, firing every timer that falls due on the way (also ones they schedule)."""
        target = self.t + seconds
        while self._timers and self._timers[0][0] <= target:
            due, _, handle = heapq.heappop(self._timers)
            self.t = max(self.t, due)
            if not handle.cancelled:
                handle.callback(*handle.args)
        self.t = target


def install_manual_clock(start: datetime) -> ManualClock:
    """Give the running loop a hub driven by a ManualClock (call inside the async test)."""
    loop = asyncio.get_running_loop()
    clock = ManualClock(start)
    hub_module._hubs[loop] = hub_module.Hub(loop, clock=clock)
    return clock
