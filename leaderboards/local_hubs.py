"""The hubs of this process, one per event loop, and the in-process notification that reaches them all
(used without Redis). A leaf: services notify through it without importing the hub, which reads boards
through selectors, which rebuild through services."""

from __future__ import annotations

import asyncio
import contextvars
import weakref

# event loop → Hub (leaderboards.hub registers each one it starts)
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def notify_local(contest_id: int, kind: str = "board") -> None:
    """In-process notification (no Redis): reach every hub of this process, from any thread."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for loop, hub in list(_hubs.items()):
        if loop.is_closed():
            continue
        if loop is running:
            hub.notify(contest_id, kind)
        else:
            loop.call_soon_threadsafe(hub.notify, contest_id, kind, context=contextvars.Context())
