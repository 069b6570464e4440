"""Live vote counts for the public page and the big screen, pushed over WebSockets.

Each server process keeps one polling loop per campaign that has viewers (none otherwise). Every
HONOURS_LIVE_INTERVAL_S (default 1 s) it reads a two-number version (chain head seq, moderation
changes) — one indexed query — and only when that moved does it build the public payload once
(standings.public_counts, the same function the page and API use) and write the same text to all
local viewers. So pushes are coalesced to at most one per interval whatever the vote rate, the cost
does not grow with viewers, and several processes need no shared broker (the database is the truth).

Freeze: public_counts stops at the freeze instant during the last H hours, so the payload stops
changing and nothing is sent; nothing about later votes (not even timing) reaches clients.
Unlike leaderboards.hub (Redis pub/sub, 0.5 s) this trades up to one interval of latency for having
no publish step in the vote path."""

from __future__ import annotations

import asyncio
import json
import logging
import os

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.utils import timezone

log = logging.getLogger(__name__)


def interval() -> float:
    value = getattr(settings, "HONOURS_LIVE_INTERVAL_S", None) or os.environ.get("HONOURS_LIVE_INTERVAL_S")
    return float(value or 1.0)


def live_version(campaign_id: int) -> tuple:
    from .models import ChainHead, VoteFlag

    seq = ChainHead.objects.filter(campaign_id=campaign_id).values_list("seq", flat=True).first() or 0
    flags = VoteFlag.objects.filter(campaign_id=campaign_id).aggregate(m=Max("reviewed_at"), n=Max("id"))
    return (seq, flags["n"], flags["m"])


def live_payload(campaign_id: int) -> str | None:
    from .models import Campaign
    from .standings import display_until, public_counts

    campaign = Campaign.objects.filter(pk=campaign_id).first()
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


def _off_loop(fn):
    def call(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return sync_to_async(call, thread_sensitive=False)


class LiveHub:
    def __init__(self):
        self.viewers: dict[int, set] = {}
        self.tasks: dict[int, asyncio.Task] = {}
        self.last: dict[int, str] = {}

    async def join(self, campaign_id: int, viewer) -> None:
        self.viewers.setdefault(campaign_id, set()).add(viewer)
        text = self.last.get(campaign_id)
        if text is None:
            text = await _off_loop(live_payload)(campaign_id)
            if text and campaign_id not in self.last:
                self.last[campaign_id] = text
        if text:
            await viewer.send(text_data=text)
        if campaign_id not in self.tasks or self.tasks[campaign_id].done():
            self.tasks[campaign_id] = asyncio.get_running_loop().create_task(self._run(campaign_id))

    def leave(self, campaign_id: int, viewer) -> None:
        self.viewers.get(campaign_id, set()).discard(viewer)

    async def _run(self, campaign_id: int) -> None:
        version = None
        try:
            while self.viewers.get(campaign_id):
                current = await _off_loop(live_version)(campaign_id)
                if current != version:
                    version = current
                    text = await _off_loop(live_payload)(campaign_id)
                    if text and text != self.last.get(campaign_id):
                        self.last[campaign_id] = text
                        for viewer in list(self.viewers.get(campaign_id, ())):
                            try:
                                await viewer.send(text_data=text)
                            except Exception:  # a socket closing mid-send must not stop the others
                                log.debug("live send failed", exc_info=True)
                await asyncio.sleep(interval())
        finally:
            self.tasks.pop(campaign_id, None)
            self.last.pop(campaign_id, None)


hub = LiveHub()
