"""Per-process fan-out of board changes to this process's WebSocket viewers.

Why not channels_redis groups: `group_send` costs one Redis message per member channel (and silently
drops past a channel's capacity), so a board with 10,000 viewers would become 10,000 Redis messages per
update. Instead every change is ONE small Redis PUBLISH ("contest 7 changed", leaderboards.services);
each server process holds ONE subscription, and its Hub, on the event loop, reads the board once
(O(log n + N)), encodes it once, and writes the same bytes to all its local sockets — a viewer's own
entry ("me") is a few bytes spliced onto the shared frame.

Coalescing: per board, at most one push per LEADERBOARD_MIN_INTERVAL_S (default 0.5 s, so ≤ 2
messages/s per viewer per board) — leading edge when the board was quiet, then one trailing push that
carries the latest state, however many answers arrived meanwhile. A viewer is only written to when its
version or its own entry changed.

Freeze: while a board is frozen its public frame is constant (version = freeze instant), so public
viewers receive nothing at all until the reveal; only organisers (live) and a student whose own score
changed get messages. The switch to the frozen board is pushed by a timer at freeze_at, never by an
answer, so even the timing of messages leaks nothing."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from core.transport import Write, process_sink, stuck_reader_seconds

from . import source
from .clock import SystemClock
from .local_hubs import _hubs, notify_local  # noqa: F401 (notify_local re-exported)
from .selectors import DEFAULT_LIMIT, board_pair, me_for, snapshot_payload
from .store import redis_url
from .subscription import listen

log = logging.getLogger(__name__)

INFO_TTL_S = 5.0


def min_interval() -> float:
    value = getattr(settings, "LEADERBOARD_MIN_INTERVAL_S", None) or os.environ.get("LEADERBOARD_MIN_INTERVAL_S")
    return float(value or 0.5)


def _off_loop(fn):
    """Run a blocking read in the default thread pool (not the single thread-sensitive one) and give back
    any database connection it opened, so pool threads never hold connections."""

    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(call, thread_sensitive=False)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(eq=False)
class Group:
    contest_id: int
    scope: str
    viewers: set = field(default_factory=set)
    last_sent: float = -1e9
    timer: asyncio.TimerHandle | None = None
    freeze_timer: asyncio.TimerHandle | None = None
    running: bool = False
    dirty: bool = False
    sent_public_version: int = 0
    sent_live_version: int = 0
    frames: dict = field(default_factory=dict)  # "public"/"live" -> (version, head, built_at)


def _head(payload: dict) -> str:
    """The payload's JSON without its closing `"me":null}`; a viewer's frame = head + me + "}"."""
    payload = dict(payload)
    payload.pop("me", None)
    text = _dumps(payload)
    return text[:-1] + ',"me":'


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop, *, clock=None, sink=None):
        self.loop = loop
        self.clock = clock or SystemClock(loop)
        self.sink = sink or process_sink()
        self.groups: dict[tuple[int, str], Group] = {}
        self.infos: dict[int, tuple[source.ContestInfo | None, float]] = {}
        self.listener: asyncio.Task | None = None
        self.listen_stop = False
        self.tasks: set[asyncio.Task] = set()

    # --- viewers --------------------------------------------------------------------------------

    def viewer_count(self) -> int:
        return sum(len(g.viewers) for g in self.groups.values())

    async def register(self, viewer) -> None:
        """Add a connected viewer and send it the snapshot. Updates that race with the snapshot are not
        lost: the viewer is marked ready only after the snapshot went out, and a newer frame built
        meanwhile is then pushed to it."""
        key = (viewer.contest_id, viewer.board_scope)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(contest_id=viewer.contest_id, scope=viewer.board_scope)
        viewer.ready = False
        group.viewers.add(viewer)
        self._ensure_listener()
        try:
            await self.send_snapshot(viewer, group)
        finally:
            viewer.ready = True
        sent = group.sent_live_version if viewer.live else group.sent_public_version
        if sent > viewer.last_version:
            self.schedule(group)

    def unregister(self, viewer) -> None:
        key = (viewer.contest_id, viewer.board_scope)
        group = self.groups.get(key)
        if group is None:
            return
        group.viewers.discard(viewer)
        if not group.viewers:
            for handle in (group.timer, group.freeze_timer):
                if handle:
                    handle.cancel()
            del self.groups[key]
        if not self.groups:
            self.listen_stop = True

    async def send_snapshot(self, viewer, group: Group | None = None) -> None:
        group = group or self.groups.get((viewer.contest_id, viewer.board_scope))
        info = await self.info(viewer.contest_id)
        if info is None:
            await viewer.close_board(4404)
            return
        kind = "live" if viewer.live else "public"
        cached = group.frames.get(kind) if group else None
        fresh = cached and (self.clock.time() - cached[2]) < min_interval() and not (group.dirty or group.timer)
        ids = [viewer.me_id] if viewer.me_id else []
        if fresh:
            version, head = cached[0], cached[1]
            frozen = info.is_frozen(self.clock.now())
            me_map = await _off_loop(me_for)(
                info=info, scope=viewer.board_scope, ids=ids, frozen=frozen and not viewer.live
            )
        else:
            version, head, me_map = await _off_loop(self._read_one)(info, viewer, ids, self.clock.now())
        me_text = _dumps(me_map.get(viewer.me_id)) if viewer.me_id else "null"
        viewer.last_version, viewer.last_me = version, me_text
        try:
            await viewer.send_frame(head + me_text + "}")
        except Exception:  # the client left during its own handshake
            log.debug("snapshot to a closing viewer failed", exc_info=True)
            return
        if group and self._is_future(info.freeze_at):
            self._arm_freeze_timer(group, info)

    def _read_one(self, info, viewer, ids, now):
        pair = board_pair(info=info, scope=viewer.board_scope, limit=DEFAULT_LIMIT, need_live=viewer.live, now=now)
        me_map = me_for(info=info, scope=viewer.board_scope, ids=ids, frozen=pair.frozen and not viewer.live)
        payload = snapshot_payload(info=info, scope=viewer.board_scope, pair=pair, live=viewer.live, me=None)
        return payload["version"], _head(payload), me_map

    # --- contest info (cached briefly; invalidated by "contest" notifications) -----------------

    async def info(self, contest_id: int) -> source.ContestInfo | None:
        cached = self.infos.get(contest_id)
        if cached and self.clock.time() - cached[1] < INFO_TTL_S:
            return cached[0]
        info = await sync_to_async(source.contest_info)(contest_id)
        self.infos[contest_id] = (info, self.clock.time())
        return info

    # --- notifications and coalescing -----------------------------------------------------------

    def notify(self, contest_id: int, kind: str = "board") -> None:
        """Runs on the loop. One call per board change anywhere in the cluster."""
        if kind == "contest":
            self.infos.pop(contest_id, None)
        for (cid, _), group in list(self.groups.items()):
            if cid == contest_id:
                self.schedule(group)

    def schedule(self, group: Group) -> None:
        if group.running:
            group.dirty = True
            return
        if group.timer is not None:
            return  # a trailing push is already due and will read the latest state
        delay = max(0.0, group.last_sent + min_interval() - self.clock.time())
        group.timer = self.clock.call_later(delay, self._fire, group)

    def _fire(self, group: Group) -> None:
        group.timer = None
        if self.groups.get((group.contest_id, group.scope)) is not group:
            return
        # running from now, not from when the task first runs: a notification in between must not start a
        # second push. The window runs from the start of a push, so pushes start ≥ min_interval apart and
        # a long push does not delay the next change further.
        group.running = True
        group.last_sent = self.clock.time()
        # a fresh context: the notification may have been scheduled from a sync_to_async thread, whose
        # context would make thread-sensitive calls here think they are nested and refuse to run
        task = self.loop.create_task(self.refresh(group), context=contextvars.Context())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _is_future(self, when: datetime | None) -> bool:
        return when is not None and when > self.clock.now()

    def _arm_freeze_timer(self, group: Group, info) -> None:
        if group.freeze_timer is not None:
            return
        delay = (info.freeze_at - self.clock.now()).total_seconds()
        if 0 < delay < 7 * 86400:
            group.freeze_timer = self.clock.call_later(delay + 0.01, self._freeze_now, group)

    def _freeze_now(self, group: Group) -> None:
        group.freeze_timer = None
        self.infos.pop(group.contest_id, None)
        self.schedule(group)

    async def refresh(self, group: Group) -> None:
        """One push to every ready viewer of the group. Started only by _fire, which marks it running."""
        group.dirty = False
        try:
            info = await self.info(group.contest_id)
            viewers = [v for v in group.viewers if v.ready]
            if info is None:
                for v in viewers:
                    await v.close_board(4404)
                return
            stale = [v for v in viewers if v.display_token and not info.display_token_matches(v.display_token)]
            for v in stale:
                await v.close_board(4403)
            viewers = [v for v in viewers if v not in stale]
            if not viewers:
                return
            result = await _off_loop(self._read_group)(info, group, viewers, self.clock.now())
            await self._send_all(group, viewers, *result)
        except Exception:
            log.exception("leaderboard refresh failed for contest %s/%s", group.contest_id, group.scope)
        finally:
            group.running = False
            if group.dirty:
                self.schedule(group)

    def _read_group(self, info, group: Group, viewers: list, now):
        need_live = any(v.live for v in viewers)
        pair = board_pair(info=info, scope=group.scope, limit=DEFAULT_LIMIT, need_live=need_live, now=now)
        public_ids = sorted({v.me_id for v in viewers if v.me_id and not v.live})
        live_ids = sorted({v.me_id for v in viewers if v.me_id and v.live})
        me_public = me_for(info=info, scope=group.scope, ids=public_ids, frozen=pair.frozen)
        me_live = me_for(info=info, scope=group.scope, ids=live_ids, frozen=False) if live_ids else {}
        heads = {}
        for kind, live in (("public", False), ("live", True)):
            if live and not need_live:
                continue
            payload = snapshot_payload(info=info, scope=group.scope, pair=pair, live=live, me=None)
            heads[kind] = (payload["version"], _head(payload))
        return heads, me_public, me_live

    async def _send_all(self, group: Group, viewers: list, heads: dict, me_public: dict, me_live: dict) -> None:
        now = self.clock.time()
        for kind, (version, head) in heads.items():
            group.frames[kind] = (version, head, now)
        if "public" in heads:
            group.sent_public_version = heads["public"][0]
        if "live" in heads:
            group.sent_live_version = heads["live"][0]
        me_cache: dict[tuple[bool, int], str] = {}
        prepared: dict[str, object] = {}
        for i, v in enumerate(viewers):
            version, head = heads["live" if v.live else "public"]
            if v.me_id:
                ck = (v.live, v.me_id)
                me_text = me_cache.get(ck)
                if me_text is None:
                    me_text = me_cache[ck] = _dumps((me_live if v.live else me_public).get(v.me_id))
            else:
                me_text = "null"
            if version < v.last_version or (version == v.last_version and me_text == v.last_me):
                continue
            frame = head + me_text + "}"
            try:
                outcome = self.sink.write(v, frame, prepared)
                if outcome is Write.ASGI:
                    await v.send_frame(frame)
            except Exception:  # a socket that went away mid-broadcast must not stop the others
                log.debug("send to a closing viewer failed", exc_info=True)
                continue
            if outcome is Write.SLOW:
                self._slow_reader(group, v, now)
                continue
            v.slow_since = None
            v.last_version, v.last_me = version, me_text
            if i % 500 == 499:
                await asyncio.sleep(0)  # let the server flush what is written so far

    def _slow_reader(self, group: Group, viewer, now: float) -> None:
        """Skip a viewer whose socket is not draining: it keeps its old version, and the group is pushed
        again so it gets the latest board once it reads; one stuck too long is closed (4408)."""
        if viewer.slow_since is None:
            viewer.slow_since = now
            log.info("leaderboard viewer is reading slowly; skipping frames until it drains")
        if now - viewer.slow_since > stuck_reader_seconds():
            log.info("leaderboard viewer stuck for %.0fs; closing it", now - viewer.slow_since)
            task = self.loop.create_task(viewer.close_board(4408), context=contextvars.Context())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            return
        group.dirty = True

    # --- the one Redis subscription of this process ---------------------------------------------

    def _ensure_listener(self) -> None:
        if not redis_url():
            return
        self.listen_stop = False  # also revives a listener that was asked to stop but has not yet
        if self.listener is None or self.listener.done():
            self.listener = self.loop.create_task(listen(self), context=contextvars.Context())


def get_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
    return hub
