"""Per-process fan-out of the hall quiz (the leaderboards hub's approach, leaderboards/hub.py): a change is
ONE small message — in-process, or one Redis PUBLISH that every server process receives on its ONE
subscription — and each process then reads the game once, encodes it once, and writes the same head to
all its local players with each player's few bytes of `me` spliced on. Not one channel-layer message per
player: 5,000 players would be 5,000 Redis messages per question.

One connection per player: registering a player's new connection closes the old one (4409), here and —
through the same Redis channel — in every other process."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from core.redisconf import async_client, sync_client

from . import quiz_frames

log = logging.getLogger(__name__)
TAKEN_OVER = 4409


def channel() -> str:
    return "stage:quiz:notify"


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or ""


def _me(game_id: int, player_id: int) -> str:
    try:
        return quiz_frames.me_one(game_id, player_id)
    finally:
        connections.close_all()


def _build(game_id: int):
    try:
        return quiz_frames.build(game_id)
    finally:
        connections.close_all()  # a pool thread must not keep a connection


class QuizHub:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.games: dict[int, set] = {}
        self.players: dict[int, object] = {}
        self.frames: dict[int, tuple] = {}  # game id -> (version, head, me map)
        self.running: set[int] = set()
        self.dirty: set[int] = set()
        self.listener: asyncio.Task | None = None
        self.tasks: set[asyncio.Task] = set()

    def count(self, game_id: int) -> int:
        return len(self.games.get(game_id, ()))

    async def register(self, conn) -> None:
        old = self.players.get(conn.player_id) if conn.player_id else None
        if old is not None and old is not conn:
            await old.taken_over()
        if conn.player_id:
            self.players[conn.player_id] = conn
        self.games.setdefault(conn.game_id, set()).add(conn)
        self._ensure_listener()
        await self.send_current(conn)

    def unregister(self, conn) -> None:
        group = self.games.get(conn.game_id)
        if group is not None:
            group.discard(conn)
            if not group:
                del self.games[conn.game_id]
                self.frames.pop(conn.game_id, None)
        if conn.player_id and self.players.get(conn.player_id) is conn:
            del self.players[conn.player_id]

    async def send_current(self, conn) -> None:
        frames = self.frames.get(conn.game_id)
        if frames is None:
            frames = await sync_to_async(_build, thread_sensitive=False)(conn.game_id)
            if frames is None:
                await conn.close(code=4404)
                return
            if conn.game_id in self.games:
                cached = self.frames.get(conn.game_id)
                if cached is None or cached[0] <= frames[0]:
                    self.frames[conn.game_id] = frames
        version, head, _me_map = frames
        me = (
            await sync_to_async(_me, thread_sensitive=False)(conn.game_id, conn.player_id) if conn.player_id else "null"
        )
        await conn.send_frame(head + me + "}", version)

    # --- notifications ------------------------------------------------------------------------------

    def notify(self, game_id: int, kind: str = "state", player_id: int | None = None, conn: str | None = None):
        if kind == "takeover":
            local = self.players.get(player_id)
            if local is not None and local.channel_name != conn:
                self._spawn(local.taken_over())
            return
        if game_id not in self.games:
            return
        if game_id in self.running:
            self.dirty.add(game_id)
            return
        self.running.add(game_id)
        self._spawn(self.refresh(game_id))

    def _spawn(self, coro) -> None:
        task = self.loop.create_task(coro, context=contextvars.Context())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def refresh(self, game_id: int) -> None:
        try:
            while True:
                self.dirty.discard(game_id)
                frames = await sync_to_async(_build, thread_sensitive=False)(game_id)
                if frames is None or game_id not in self.games:
                    return
                self.frames[game_id] = frames
                version, head, me = frames
                for i, conn in enumerate(list(self.games.get(game_id, ()))):
                    try:
                        await conn.send_frame(head + me.get(conn.player_id, "null") + "}", version)
                    except Exception:  # a socket closing mid-broadcast must not stop the others
                        log.debug("quiz send failed", exc_info=True)
                    if i % 500 == 499:
                        await asyncio.sleep(0)
                if game_id not in self.dirty:
                    return
        finally:
            self.running.discard(game_id)

    # --- the one Redis subscription of this process ----------------------------------------------

    def _ensure_listener(self) -> None:
        if redis_url() and (self.listener is None or self.listener.done()):
            self.listener = self.loop.create_task(self._listen(), context=contextvars.Context())

    async def _listen(self) -> None:
        backoff = 0.2
        while self.games:
            client = async_client(redis_url(), decode_responses=True)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(channel())
                backoff = 0.2
                for game_id in list(self.games):  # anything published before the subscription took
                    self.notify(game_id)
                while self.games:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if not message or message.get("type") != "message":
                        continue
                    try:
                        data = json.loads(message["data"])
                        self.notify(int(data["g"]), data.get("k", "state"), data.get("p"), data.get("c"))
                    except (ValueError, KeyError, TypeError):
                        log.warning("bad quiz notification %r", message.get("data"))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("quiz subscription lost (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_hub() -> QuizHub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = QuizHub(loop)
    return hub


def publish(game_id: int, kind: str = "state", player_id: int | None = None, conn: str | None = None) -> None:
    """From any thread: one Redis PUBLISH (every process's hub), or every hub of this process."""
    if redis_url():
        client = _client(redis_url())
        client.publish(channel(), json.dumps({"g": game_id, "k": kind, "p": player_id, "c": conn}))
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for loop, hub in list(_hubs.items()):
        if loop.is_closed():
            continue
        if loop is running:
            hub.notify(game_id, kind, player_id, conn)
        else:
            loop.call_soon_threadsafe(hub.notify, game_id, kind, player_id, conn, context=contextvars.Context())


_clients: dict = {}


def _client(url: str):
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = sync_client(url)
    return client
