"""The speech timer, held by the server. Pure functions over (state, started_at, elapsed_ms) and an
injected `now`; the event row stores the state and clients draw it from `timer_payload` plus their
measured clock offset, so every screen and phone shows the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

IDLE, RUNNING, PAUSED, STOPPED = "idle", "running", "paused", "stopped"


@dataclass(frozen=True)
class Timer:
    state: str = IDLE
    started_at: datetime | None = None
    elapsed_ms: int = 0

    def elapsed_at(self, now: datetime) -> int:
        if self.state == RUNNING and self.started_at is not None:
            return self.elapsed_ms + max(0, int((now - self.started_at).total_seconds() * 1000))
        return self.elapsed_ms

    def start(self, now: datetime) -> Timer:
        if self.state == RUNNING:
            return self
        base = 0 if self.state == STOPPED else self.elapsed_ms
        return Timer(RUNNING, now, base)

    def pause(self, now: datetime) -> Timer:
        if self.state != RUNNING:
            return self
        return Timer(PAUSED, None, self.elapsed_at(now))

    def stop(self, now: datetime) -> Timer:
        if self.state == STOPPED:
            return self
        return Timer(STOPPED, None, self.elapsed_at(now))

    def reset(self) -> Timer:
        return Timer()


def phase(elapsed_ms: int, *, limit_s: int, warning_s: int) -> str:
    """ "normal", "warning" (the last `warning_s` seconds) or "overtime"."""
    if elapsed_ms > limit_s * 1000:
        return "overtime"
    if elapsed_ms >= (limit_s - warning_s) * 1000:
        return "warning"
    return "normal"
