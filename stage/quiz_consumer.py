"""WebSocket `ws/stage/games/<pin>/?role=player|host|screen`.

player  ?player=<token> (from joining at /stage/play/, also kept in the session) — one connection per
        player: a new one takes over and the old closes with 4409
host    an organiser who may host the game's event (session, Authorization: Bearer or ?token=)
screen  ?display=<the event's screen secret>
Close codes: 4403 not allowed, 4404 no such game/player, 4409 taken over by another tab.

To the client: `game` frames (stage.quiz_frames; players get their own `me` — null while a question is
open), `ack` for an answer ({ok, position, code, message}, sent once its group is written), `done` for
host steps, `count` ({position, answered, players}: the open question's live answer count) to the host
and the screen. From the client: `answer {position, choice}`
(player), `next` / `close` (host), `resync`."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import connections
from django.utils import timezone

from accounts.tokens import token_user
from core.errors import AppError

from . import quiz_frames, services
from .access import Actor, can_host, display_matches
from .models import GamePhase, QuizGame, QuizPlayer
from .quiz_hub import TAKEN_OVER, get_hub, publish, redis_url
from .services.quiz_batch import PendingAnswer

SESSION_PLAYERS = "stage_quiz_players"  # session key: {pin: player token}


def off_thread(fn):
    """A join or reconnect storm (a hall's Wi-Fi coming back) must not queue on Channels' one database
    thread: these reads run in the pool and give their connection back."""

    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(call, thread_sensitive=False)


def authenticate(pin: str, role: str, *, user, bearer, display, token):
    """(status, game id, player id, user)."""
    game = QuizGame.objects.select_related("event").filter(pin=pin).first()
    if game is None:
        return "missing", None, None, None
    if bearer:
        user = token_user(bearer)
    if role == "host":
        return ("ok" if can_host(user, game.event) else "forbidden"), game.pk, None, user
    if role == "screen":
        return ("ok" if display_matches(game.event, display) else "forbidden"), game.pk, None, None
    player = QuizPlayer.objects.filter(game=game, token=str(token or "")[:64]).first() if token else None
    return ("ok" if player else "missing"), game.pk, player.pk if player else None, None


def player_seen(player_id: int) -> tuple[int, object] | None:
    """On (re)connect during an open question: record when it first reached the player."""
    game = QuizGame.objects.filter(players__pk=player_id).first()
    if game is None or game.phase != GamePhase.QUESTION:
        return None
    now = timezone.now()
    services.quiz_seen(player_id=player_id, position=game.position, now=now)
    return game.position, now


class GameConsumer(AsyncWebsocketConsumer):
    game_id: int
    player_id: int | None = None
    fast = None
    slow_since = None
    delivered: dict
    registered = False
    version = 0

    async def connect(self):
        pin = self.scope["url_route"]["kwargs"]["pin"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.role = (query.get("role") or ["player"])[0]
        if self.role not in ("player", "host", "screen"):
            await self.close(code=4400)
            return
        bearer = (query.get("token") or [None])[0]  # an API token, as on the event socket
        for name, value in self.scope.get("headers", []):
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                bearer = value[7:].decode("latin1").strip()
        token = (query.get("player") or [None])[0]
        session = self.scope.get("session")
        if not token and session is not None:
            token = (await sync_to_async(session.get)(SESSION_PLAYERS) or {}).get(pin)
        status, game_id, self.player_id, self.user = await off_thread(authenticate)(
            pin,
            self.role,
            user=self.scope.get("user"),
            bearer=bearer,
            display=(query.get("display") or [None])[0],
            token=token,
        )
        if status != "ok":
            await self.close(code=4404 if status == "missing" else 4403)
            return
        self.game_id = game_id
        self.delivered: dict[int, object] = {}  # question position -> when it reached this connection
        await self.accept()
        if self.player_id:
            seen = await off_thread(player_seen)(self.player_id)
            if seen:
                self.delivered[seen[0]] = seen[1]
            if redis_url():  # close this player's connection in other processes
                await off_thread(publish)(game_id, "takeover", self.player_id, self.channel_name)
        self.hub = get_hub()
        self.fast = self.hub.sink.attach(self)  # the server's protocol, when the frame sink can write to it
        self.registered = True
        await self.hub.register(self)

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler: one hop to its single database
        # thread per message, most of a player's cost in an answer burst. A player's messages never use a
        # connection on that thread (answers are written on the batcher's pool thread, reads go through
        # off_thread and give their connection back), so they skip it; host and screen messages do not.
        if self.player_id and message["type"] == "websocket.receive":
            await self.websocket_receive(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code):
        if self.registered:
            self.hub.unregister(self)

    async def send_frame(self, text: str, version: int) -> None:
        if version < self.version:
            return  # an older frame racing a newer broadcast
        self.version = version
        # the connection's own opening time of a question: when its frame was written here
        if self.player_id and '"phase":"question"' in text:
            self.delivered.setdefault(quiz_frames.head_position(text), timezone.now())
        await self.send(text_data=text)

    async def answer(self, message: dict, now) -> None:
        """Timed now (its receive time), written with the other answers of its group, acknowledged after."""
        position = message.get("position")
        try:
            item = PendingAnswer(
                player_id=self.player_id,
                position=position,
                choice=message.get("choice"),
                received=now,
                delivered_at=self.delivered.get(int(position)),
            )
        except (TypeError, ValueError):
            reply = {
                "type": "ack",
                "ok": False,
                "position": position,
                "code": "bad_request",
                "message": "请求格式不正确。",
            }
        else:
            result = await self.hub.answers.submit(item)
            if isinstance(result, AppError):
                reply = {"type": "ack", "ok": False, "position": position, "code": result.code}
                reply["message"] = str(result.message)
            else:
                reply = {"type": "ack", "ok": True, "position": position}
        await self.hub.reply(self, json.dumps(reply, ensure_ascii=False))

    async def taken_over(self) -> None:
        if self.registered:
            self.hub.unregister(self)
        self.registered = False
        await self.close(code=TAKEN_OVER)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = json.loads(text_data or "{}")
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "ping":  # clock offset for the phone's countdown (stage/live.js)
            now_ms = int(timezone.now().timestamp() * 1000)
            await self.send(text_data=json.dumps({"type": "pong", "t": message.get("t"), "server_ms": now_ms}))
            return
        if kind == "resync":
            await self.hub.send_current(self)
            return
        now = timezone.now()
        if kind == "answer" and self.player_id:
            await self.answer(message, now)
        elif kind in ("next", "close") and self.role == "host":
            try:
                await sync_to_async(services.quiz_advance)(
                    actor=Actor(user=self.user), game_id=self.game_id, step=kind, now=now
                )
                reply = {"type": "done", "ok": True, "ref": message.get("ref")}
            except AppError as exc:
                reply = {
                    "type": "done",
                    "ok": False,
                    "code": exc.code,
                    "message": str(exc.message),
                    "ref": message.get("ref"),
                }
            await self.send(text_data=json.dumps(reply, ensure_ascii=False))
