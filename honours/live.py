"""Live vote counts for the public page and the big screen, pushed through the channel layer.

Write side: whatever changes the public figures (a vote, a flag set or reviewed, a candidate withdrawn)
calls `counts_changed(campaign_id)`, which runs after commit (core.events.call_on_commit), so a vote
that rolls back is never announced. The request only marks the campaign dirty — no query, no I/O.
A `Coalescer` lets at most one publish per campaign per interval through (the first at once, the rest
folded into one at the end of the interval, none lost); the publish builds the public payload once
(standings.public_counts, the same function as the page and the API) and sends it with
`group_send` to `honours-live-<id>`. With Redis as the layer every daphne process's viewers get the
same text; consumers forward it only when it differs from what they last sent and is not older
(a version: chain head seq, moderation marks) than it.

Freeze: public_counts stops at the freeze instant, so the payload does not change and consumers send
nothing; nothing about later votes (not even timing) reaches clients.

The raw ASGI vote path (fastpath) should call `counts_changed` after its group commit too."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.utils import timezone

from core.events import call_on_commit

log = logging.getLogger(__name__)


def interval() -> float:
    value = getattr(settings, "HONOURS_LIVE_INTERVAL_S", None) or os.environ.get("HONOURS_LIVE_INTERVAL_S")
    return float(value or 1.0)


def group_name(campaign_id: int) -> str:
    return f"honours-live-{campaign_id}"


def live_version(campaign_id: int) -> list:
    from .models import ChainHead, VoteFlag

    seq = ChainHead.objects.filter(campaign_id=campaign_id).values_list("seq", flat=True).first() or 0
    flags = VoteFlag.objects.filter(campaign_id=campaign_id).aggregate(m=Max("reviewed_at"), n=Max("id"))
    return [seq, flags["n"] or 0, flags["m"].timestamp() if flags["m"] else 0]


def live_payload(campaign_id: int) -> str | None:
    from .models import Campaign
    from .standings import display_until, public_counts

    campaign = Campaign.objects.public().filter(pk=campaign_id).first()
    if campaign is None:
        return None
    now = timezone.now()
    counts = public_counts(campaign, now)
    return json.dumps(
        {
            "type": "counts",
            "display": campaign.count_display,
            "frozen": display_until(campaign, now) is not None,
            "candidates": [{"id": cid, **v} for cid, v in sorted(counts.items())],
        },
        ensure_ascii=False,
    )


def live_snapshot(campaign_id: int) -> tuple[str | None, list]:
    """(payload, version); the version is read first, so a payload is never older than its version."""
    try:
        version = live_version(campaign_id)
        return live_payload(campaign_id), version
    finally:
        connections.close_all()


class Coalescer:
    """At most one publish per campaign per `interval` (by an injectable clock), and every request is
    followed by a publish at or after it: the first request goes at once, later ones within the interval
    wait for its end and are folded into one."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic):
        self.interval = interval_s
        self.clock = clock
        self.last_sent: dict[int, float] = {}
        self.pending: dict[int, float] = {}
        self.lock = threading.Lock()

    def request(self, campaign_id: int) -> None:
        now = self.clock()
        with self.lock:
            if campaign_id in self.pending:
                return
            last = self.last_sent.get(campaign_id)
            self.pending[campaign_id] = now if last is None else max(now, last + self.interval)

    def take_due(self) -> list[int]:
        now = self.clock()
        with self.lock:
            due = [cid for cid, at in self.pending.items() if at <= now]
            for cid in due:
                del self.pending[cid]
                self.last_sent[cid] = now
            return due

    def next_wait(self) -> float | None:
        with self.lock:
            if not self.pending:
                return None
            return max(0.0, min(self.pending.values()) - self.clock())


class Publisher:
    """Runs the coalesced publishes on an event loop: the server's own loop once a viewer has connected
    in this process (`bind`), else a private thread's loop (a worker process with no viewers)."""

    def __init__(self, coalescer: Coalescer | None = None, snapshot=live_snapshot, layer=None):
        self.coalescer = coalescer
        self.snapshot = snapshot
        self.layer = layer  # default: the project's channel layer
        self.sent: dict[int, str] = {}
        self._bound: asyncio.AbstractEventLoop | None = None
        self._own: asyncio.AbstractEventLoop | None = None
        self._state: dict[asyncio.AbstractEventLoop, dict] = {}
        self._lock = threading.Lock()

    def _coalescer(self) -> Coalescer:
        if self.coalescer is None:
            self.coalescer = Coalescer(interval())
        return self.coalescer

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._bound = loop

    def notify(self, campaign_id: int) -> None:
        """Thread-safe and cheap: mark the campaign dirty and wake the publishing loop."""
        self._coalescer().request(campaign_id)
        self.wake()

    def wake(self) -> None:
        loop = self._loop()
        try:
            loop.call_soon_threadsafe(self._ensure_runner, loop)
        except RuntimeError:  # the loop closed between the check and the call
            log.debug("live publisher loop closed", exc_info=True)

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self._bound is not None and not self._bound.is_closed():
            return self._bound
        with self._lock:
            if self._own is None or self._own.is_closed():
                self._own = asyncio.new_event_loop()
                threading.Thread(target=self._own.run_forever, name="honours-live", daemon=True).start()
            return self._own

    def _ensure_runner(self, loop) -> None:
        state = self._state.setdefault(loop, {"event": asyncio.Event(), "task": None})
        state["event"].set()
        if state["task"] is None or state["task"].done():
            state["task"] = loop.create_task(self._run(state))

    async def _run(self, state) -> None:
        while True:
            state["event"].clear()
            await self.flush_due()
            wait = self._coalescer().next_wait()
            if wait is None and not state["event"].is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state["event"].wait(), timeout=wait)

    async def flush_due(self) -> int:
        sent = 0
        for campaign_id in self._coalescer().take_due():
            try:
                sent += await self.publish(campaign_id)
            except Exception:  # a broker hiccup must not stop later publishes
                log.warning("live publish failed for campaign %s", campaign_id, exc_info=True)
        return sent

    async def publish(self, campaign_id: int) -> int:
        text, version = await sync_to_async(self.snapshot, thread_sensitive=False)(campaign_id)
        layer = self.layer or get_channel_layer()
        if text is None or layer is None or self.sent.get(campaign_id) == text:
            return 0
        self.sent[campaign_id] = text
        await layer.group_send(group_name(campaign_id), {"type": "honours.counts", "text": text, "version": version})
        return 1


publisher = Publisher()


def counts_changed(campaign_id: int) -> None:
    """Call from the write side (inside or outside a transaction): the public figures may have moved."""
    call_on_commit(lambda: publisher.notify(campaign_id))
