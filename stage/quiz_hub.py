"""Per-process fan-out of the hall quiz (the leaderboards hub's approach, leaderboards/hub.py): a change is
ONE small message — in-process, or one Redis PUBLISH that every server process receives on its ONE
subscription — and each process then reads the game once, encodes it once, and writes the same head to
all its local players with each player's few bytes of `me` spliced on. Not one channel-layer message per
player: 5,000 players would be 5,000 Redis messages per question.

Frames go out through the process's frame sink (core.transport, shared with the leaderboards): under
daphne a frame is framed once and written straight to the sockets. While a question is open every
connection gets the same frame (`"me":null`: a player's score cannot change before the question closes),
so the question costs one encoding per process; results carry each player's own part.

One connection per player: registering a player's new connection closes the old one (4409), here and —
through the same Redis channel — in every other process.

Answers are written in groups (stage.quiz_answers); after each group the host and the screen get
`{"type": "count", "position", "answered", "players"}`, the live answer count of the open question."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.redisconf import async_client, sync_client
from core.transport import Write, process_sink, stuck_reader_seconds

from . import quiz_frames
from .quiz_answers import AnswerBatcher

log = logging.getLogger(__name__)
TAKEN_OVER = 4409
STUCK = 4408
LATE_PUSH_S = 0.3


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
    def __init__(self, loop: asyncio.AbstractEventLoop, *, sink=None):
        self.loop = loop
        self.sink = sink or process_sink()
        self.answers = AnswerBatcher(loop, self.answers_committed)
        self.counts: dict[int, tuple[int, int]] = {}  # game id -> (position, answered) last sent
        self.games: dict[int, set] = {}
        self.players: dict[int, object] = {}
        self.frames: dict[int, tuple] = {}  # game id -> (version, head, me map)
        self.replies: dict = {}  # reply text -> the sink's framing of it (an answer burst's acks are alike)
        self.running: set[int] = set()
        self.dirty: set[int] = set()
        self.late: set[int] = set()  # games whose results are pushed again shortly (stage.quiz_answers)
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

    async def reply(self, conn, text: str) -> None:
        """A reply the connection must get (an answer's ack): written through the sink, framed once for all
        identical replies; through the consumer's own send when the sink cannot write it now (another
        server, or a slow reader: the reply then queues behind its backlog rather than being skipped)."""
        if len(self.replies) > 256:
            self.replies.clear()
        if self.sink.write(conn, text, self.replies) is not Write.SENT:
            await conn.send(text_data=text)

    # --- notifications ------------------------------------------------------------------------------

    def notify(
        self, game_id: int, kind: str = "state", player_id: int | None = None, conn: str | None = None, data=None
    ):
        if kind == "count":
            self.send_count(game_id, data or {})
            if (data or {}).get("phase", "question") != "question":
                self._push_late(game_id)
            return
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

    def _push_late(self, game_id: int) -> None:
        """Answers received before the close but written after it change the results already pushed: push
        them again, at most once per LATE_PUSH_S however many groups come in late (an overloaded process
        would otherwise rebuild and resend every player's results after each of its late groups)."""
        if game_id in self.late:
            return
        self.late.add(game_id)

        def push():
            self.late.discard(game_id)
            self.notify(game_id)

        self.loop.call_later(LATE_PUSH_S, push, context=contextvars.Context())

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
                await self.broadcast(game_id, *frames)
                if game_id not in self.dirty:
                    return
        finally:
            self.running.discard(game_id)

    async def broadcast(self, game_id: int, version: int, head: str, me: dict) -> None:
        # the phase key is the only unescaped `"phase":"question"` in a head (texts inside are JSON-escaped)
        shared = head + "null}" if '"phase":"question"' in head else None
        position = quiz_frames.head_position(head)
        prepared: dict = {}
        # frames the sink writes are in the kernel at once: no yielding between them, or the answers of the
        # first players to get a question would be read and handled before the last ones get it
        slow, asgi_sends = False, 0
        for conn in list(self.games.get(game_id, ())):
            if version < conn.version:
                continue  # it already has a newer frame
            frame = shared or head + me.get(conn.player_id, "null") + "}"
            try:
                outcome = self.sink.write(conn, frame, prepared)
                if outcome is Write.ASGI:
                    await conn.send_frame(frame, version)  # records the delivery itself
                    asgi_sends += 1
                    if asgi_sends % 500 == 0:
                        await asyncio.sleep(0)  # let the server flush what is queued so far
                elif outcome is Write.SLOW:
                    slow = self._slow_reader(conn) or slow  # skipped: it gets the latest frame once it drains
                    continue
                elif shared and conn.player_id:
                    conn.delivered.setdefault(position, timezone.now())  # the question reached it now
                conn.version, conn.slow_since = version, None
            except Exception:  # a socket closing mid-broadcast must not stop the others
                log.debug("quiz send failed", exc_info=True)
        if slow:
            self.loop.call_later(0.5, self.notify, game_id)

    def _slow_reader(self, conn) -> bool:
        """True to retry the game soon; a reader stuck past LEADERBOARD_STUCK_READER_S is closed (4408)
        and its phone's reconnect brings it back with the current frame."""
        now = time.monotonic()
        if conn.slow_since is None:
            conn.slow_since = now
        if now - conn.slow_since > stuck_reader_seconds():
            self.unregister(conn)
            self._spawn(conn.close(code=STUCK))
            return False
        return True

    # --- answers and the live count -------------------------------------------------------------------

    def answers_committed(self, outcome) -> None:
        if outcome.answered and redis_url():  # a PUBLISH blocks: not on the event loop
            self._spawn(sync_to_async(_announce, thread_sensitive=False)(outcome.answered))
        elif outcome.answered:
            _announce(outcome.answered)

    def send_count(self, game_id: int, data: dict) -> None:
        key = (int(data.get("position", -1)), int(data.get("answered", 0)))
        last = self.counts.get(game_id)
        if last is not None and last[0] == key[0] and last[1] >= key[1]:
            return  # an older count arriving late
        self.counts[game_id] = key
        text = json.dumps({"type": "count", **{k: data.get(k) for k in ("position", "answered", "players")}})
        for conn in self.games.get(game_id, ()):
            if conn.role in ("host", "screen"):
                self._spawn(conn.send(text_data=text))

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
                        self.notify(int(data["g"]), data.get("k", "state"), data.get("p"), data.get("c"), data.get("d"))
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


def _announce(answered: dict) -> None:
    for game_id, data in answered.items():  # counted after the close, it also has the results pushed again
        publish(game_id, "count", data=data)


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_hub() -> QuizHub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = QuizHub(loop)
    return hub


def publish(
    game_id: int, kind: str = "state", player_id: int | None = None, conn: str | None = None, data=None
) -> None:
    """From any thread: one Redis PUBLISH (every process's hub), or every hub of this process."""
    if redis_url():
        client = _client(redis_url())
        client.publish(channel(), json.dumps({"g": game_id, "k": kind, "p": player_id, "c": conn, "d": data}))
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for loop, hub in list(_hubs.items()):
        if loop.is_closed():
            continue
        if loop is running:
            hub.notify(game_id, kind, player_id, conn, data)
        else:
            loop.call_soon_threadsafe(hub.notify, game_id, kind, player_id, conn, data, context=contextvars.Context())


_clients: dict = {}


def _client(url: str):
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = sync_client(url)
    return client
