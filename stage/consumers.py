"""WebSocket `ws/stage/events/<id>/?role=screen|judge|host|public`.

Authentication per role (a failed one closes with 4403; unknown role 4400; unknown event 4404):
  screen  ?display=<secret>                    the event's big-screen secret (rotate to revoke)
  host    session, Authorization: Bearer, ?token=   an organiser of the event's region, or an admin
  judge   session or bearer of a seated account, ?link=<judge link token>, or a judge link opened in
          this browser (stored in the session)
  public  nobody needs to sign in
The Origin is checked before we run (quizsite.asgi: a foreign Origin is refused).

To the client: `{"type": "state", …}` (stage.snapshot) on connect and after every change;
`{"type": "pong", "t", "server_ms"}` for clock-offset pings; `{"type": "ack", …}` for judge scores;
`{"type": "done", "ok", "code", "message", "ref"}` for host and head-judge actions.
From the client: `ping`, `resync`, `score` (judge), `lock` / `correct` (head judge or host), `action` (host)."""

from __future__ import annotations

import asyncio
import hmac
import json
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import close_old_connections
from django.utils import timezone

from accounts.tokens import token_user
from core.errors import AppError

from . import services, snapshot
from .access import Actor, can_host, display_matches, seat_for_link, seat_for_user, team_for_link
from .devices import DEVICE_TAKEN, NO_DEVICE, claim, device_from_scope, holds
from .models import JudgeSeat, StageEvent, Team
from .receivers import group_name

SESSION_LINKS = "stage_judge_links"  # session key: {event id: link token} set by the judge-link page
SESSION_TEAMS = "stage_team_links"  # session key: {event id: link token} set by the team-link page
FINAL_ACK_CODES = {"locked", "conflict_of_interest", "invalid_score", "stage_not_found", "stage_forbidden"}


def authenticate(event_id: int, role: str, *, user, bearer, display, link, session_link, device=None):
    """(status, seat_id, user): status "ok", "forbidden", "missing" or "device" (a judge or team link bound
    to another device; the first device to open a link binds it, stage.devices)."""
    event = StageEvent.objects.filter(pk=event_id).first()
    if event is None:
        return "missing", None, None
    if bearer:
        user = token_user(bearer)
    if user is not None and not user.is_authenticated:
        user = None
    if role == "public":
        return "ok", None, None
    if role == "screen":
        return ("ok" if display_matches(event, display) else "forbidden"), None, None
    if role == "host":
        return ("ok" if can_host(user, event) else "forbidden"), None, user
    if role == "team":
        team = team_for_link(event, link) or team_for_link(event, session_link)
        if team is not None and not claim(team, device, timezone.now()):
            return "device", None, None
        return ("ok" if team else "forbidden"), team.pk if team else None, None
    by_link = seat_for_link(event, link) or seat_for_link(event, session_link)
    if by_link is not None and not claim(by_link, device, timezone.now()):
        return "device", None, None
    seat = by_link or seat_for_user(event, user)
    if seat is None:
        return "forbidden", None, None
    return "ok", seat.pk, user


def shared_view(event_id: int, host: bool) -> dict | None:
    """The shared snapshot plus, under a private key never sent, the screen secret it was built with,
    so a rotated secret closes old screens without a query per screen."""
    close_old_connections()  # what channels does before each handler, done once per build instead
    data = snapshot.shared(event_id, host=host, now=timezone.now())
    if data is not None:
        data["_display"] = StageEvent.objects.values_list("display_token", flat=True).get(pk=event_id)
    return data


def run_action(event_id: int, role: str, seat_id, user, message: dict, received=None) -> dict:
    """One client message → one service call. Returns the reply to send. `received`: when the socket got
    the message (a buzz's time is its receive time, not when a thread got to it)."""
    now = received or timezone.now()
    if role == "team":  # seat_id holds the team's id for a team device
        team = Team.objects.select_related("event").filter(pk=seat_id).first()
        actor, seat = Actor(team=team), None
    else:
        seat = JudgeSeat.objects.select_related("event").filter(pk=seat_id).first() if seat_id else None
        actor = Actor(user=user, seat=seat)
    kind = message.get("type")
    ref = message.get("ref")
    try:
        if role == "team" or (kind == "final" and role == "host"):
            _final_action(actor, event_id, message, now)
            return {"type": "done", "ok": True, "ref": ref}
        if kind == "score" and seat is not None:
            _score, changed = services.score_submit(
                seat=seat,
                performer_id=message.get("performer"),
                points=message.get("points") or {},
                client_id=str(message.get("client_id") or ""),
                now=now,
            )
            return {
                "type": "ack",
                "ok": True,
                "changed": changed,
                "performer": message.get("performer"),
                "client_id": message.get("client_id"),
            }
        if kind == "lock":
            services.performer_lock(
                actor=actor,
                event_id=event_id,
                performer_id=message.get("performer"),
                now=now,
                force=bool(message.get("force")),
            )
        elif kind == "correct":
            services.score_correct(
                actor=actor,
                event_id=event_id,
                performer_id=message.get("performer"),
                seat_number=int(message.get("seat") or 0),
                points=message.get("points") or {},
                reason=str(message.get("reason") or ""),
                now=now,
            )
        elif kind == "action" and role == "host":
            _host_action(actor, event_id, message, now)
        else:
            return {"type": "done", "ok": False, "code": "bad_request", "message": "无法识别的操作。", "ref": ref}
    except AppError as exc:
        if kind == "score":
            return {
                "type": "ack",
                "ok": False,
                "code": exc.code,
                "message": exc.message,
                "final": exc.code in FINAL_ACK_CODES,
                "performer": message.get("performer"),
                "client_id": message.get("client_id"),
            }
        return {"type": "done", "ok": False, "code": exc.code, "message": exc.message, "ref": ref}
    except (TypeError, ValueError):
        return {"type": "done", "ok": False, "code": "bad_request", "message": "请求格式不正确。", "ref": ref}
    return {"type": "done", "ok": True, "ref": ref}


def _final_action(actor: Actor, event_id: int, message: dict, now) -> None:
    """Team devices: buzz, answer, risk. Host (type "final"): select/show/open/close/reveal, mark, undo, risk."""
    kind, question = message.get("type"), message.get("question")
    if actor.team is not None:
        if kind == "buzz":
            services.buzz_record(
                actor=actor,
                event_id=event_id,
                question_id=question,
                now=now,
                client_after_open_ms=message.get("client_ms"),
            )
        elif kind == "answer":
            services.team_answer(
                actor=actor, event_id=event_id, question_id=question, answer=message.get("answer"), now=now
            )
        elif kind == "risk":
            services.risk_choose(
                actor=actor, event_id=event_id, question_id=question, points=message.get("points"), now=now
            )
        else:
            raise ValueError(kind)
        return
    action = message.get("action")
    if action in ("select", "show", "open", "close", "reveal"):
        services.question_step(actor=actor, event_id=event_id, question_id=question, step=action, now=now)
    elif action == "mark":
        services.answer_mark(
            actor=actor, event_id=event_id, question_id=question, right=bool(message.get("right")), now=now
        )
    elif action == "undo":
        services.action_undo(actor=actor, event_id=event_id, now=now)
    elif action == "screen_game":
        services.screen_game_set(actor=actor, event_id=event_id, game_id=message.get("game"), now=now)
    elif action == "risk":
        services.risk_choose(
            actor=actor, event_id=event_id, question_id=question, points=message.get("points"), now=now
        )
    else:
        raise ValueError(action)


def _host_action(actor: Actor, event_id: int, message: dict, now) -> None:
    action = message.get("action")
    if action in ("next", "prev"):
        services.performer_go(actor=actor, event_id=event_id, to=action, now=now)
    elif action == "goto":
        services.performer_go(actor=actor, event_id=event_id, to=message.get("performer"), now=now)
    elif action in ("start", "pause", "stop", "reset"):
        services.timer_action(actor=actor, event_id=event_id, action=action, now=now)
    elif action == "open":
        services.scoring_open(actor=actor, event_id=event_id, now=now)
    elif action == "reveal":
        services.scores_reveal(actor=actor, event_id=event_id, performer_id=message.get("performer"), now=now)
    elif action in ("paused", "live", "finished"):
        services.event_set_status(actor=actor, event_id=event_id, status=action, now=now)
    else:
        raise ValueError(action)


def team_part(team_id: int, link: str | None, device: str | None = None) -> dict | None:
    """The team device's own part; None once its link was revoked or reissued, or another device took it
    after a reset (the socket closes)."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not link or team_for_link(team.event, link) is None or not holds(team, device):
        return None
    return {"team": team.number, "name": team.name, "school": team.school, "members": team.members}


class SharedSnapshots:
    """One snapshot build per (event, version, view) per process, however many sockets of the hall
    ask: the first asks the database, the others await the same result. Without it every change made
    each of N devices run the same ~20 queries on the one sync thread (N = 60: seconds, not ms)."""

    KEEP = 16

    def __init__(self):
        self.futures: dict[tuple, asyncio.Future] = {}

    async def get(self, event_id: int, version: int | None, host: bool) -> dict | None:
        if version is None:
            return await sync_to_async(shared_view)(event_id, host)
        loop = asyncio.get_running_loop()
        key = (loop, event_id, version, host)  # the loop too: tests run one loop each and reuse ids
        future = self.futures.get(key)
        if future is None:
            future = loop.create_future()
            self.futures[key] = future
            if len(self.futures) > self.KEEP:
                for old in list(self.futures)[: -self.KEEP]:
                    self.futures.pop(old, None)
            try:
                future.set_result(await sync_to_async(shared_view)(event_id, host))
            except Exception as exc:  # every waiter sees the failure; the next change builds afresh
                self.futures.pop(key, None)
                future.set_exception(exc)
                raise
        return await asyncio.shield(future)


SHARED = SharedSnapshots()


class StageConsumer(AsyncWebsocketConsumer):
    event_id: int
    role: str
    seat_id: int | None = None
    user = None
    display: str | None = None
    link: str | None = None
    joined = False

    async def connect(self):
        self.event_id = int(self.scope["url_route"]["kwargs"]["event_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.role = (query.get("role") or ["public"])[0]
        if self.role not in snapshot.ROLES:
            await self.close(code=4400)
            return
        bearer = (query.get("token") or [None])[0]
        for name, value in self.scope.get("headers", []):
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                bearer = value[7:].decode("latin1").strip()
        session = self.scope.get("session")
        session_link = None
        if session is not None:
            key = SESSION_TEAMS if self.role == "team" else SESSION_LINKS
            session_link = (await sync_to_async(session.get)(key) or {}).get(str(self.event_id))
        self.display = (query.get("display") or [None])[0]
        self.link = (query.get("link") or [None])[0] or session_link
        self.device = device_from_scope(self.scope, query)
        status, self.seat_id, self.user = await sync_to_async(authenticate)(
            self.event_id,
            self.role,
            user=self.scope.get("user"),
            bearer=bearer,
            display=self.display,
            link=(query.get("link") or [None])[0],
            session_link=session_link,
            device=self.device,
        )
        if status == "device":  # say why in Chinese, then close for good
            await self.accept()
            reason = DEVICE_TAKEN[self.role] if self.device else NO_DEVICE
            refusal = {"type": "refused", "code": "device_taken", "message": str(reason)}
            await self.send(text_data=json.dumps(refusal, ensure_ascii=False))
            await self.close(code=4403)
            return
        if status != "ok":
            await self.close(code=4404 if status == "missing" else 4403)
            return
        if self.role == "judge" and self.seat_id and not (query.get("link") or session_link):
            self.link = None  # an account judge: nothing to revoke
        await self.channel_layer.group_add(group_name(self.event_id), self.channel_name)
        self.joined = True
        await self.accept()
        await self.send_state()

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(group_name(self.event_id), self.channel_name)

    async def send_state(self, version: int | None = None):
        """Re-checks the credential on every change, so a rotated screen secret or a revoked judge link
        closes the socket (4403)."""
        data = await SHARED.get(self.event_id, version, self.role == "host")
        if data is None:
            await self.close(code=4404)
            return
        if self.role == "screen" and not hmac.compare_digest(data["_display"], self.display or ""):
            await self.close(code=4403)
            return
        out = {k: v for k, v in data.items() if k != "_display"}
        if self.role == "judge":
            performer = data["performer"]["id"] if data["performer"] else None
            mine = await sync_to_async(snapshot.judge_part)(
                self.event_id, self.seat_id, performer, by_link=bool(self.link), device=self.device
            )
            if mine is None:
                await self.close(code=4403)
                return
            out.update(mine)
        if self.role == "team":
            out["me"] = await sync_to_async(team_part)(self.seat_id, self.link, self.device)
            if out["me"] is None:
                await self.close(code=4403)
                return
        out["role"] = self.role
        await self.send(text_data=json.dumps(out, ensure_ascii=False))

    async def dispatch(self, message):
        # One group message reaches every socket of the hall. Channels closes stale DB connections
        # before each handler (a thread hop per socket, and a reconnect for the next query); the shared
        # build does that once per change instead (shared_view).
        if message["type"] == "stage.changed":
            await self.send_state(message.get("version"))
            return
        await super().dispatch(message)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = json.loads(text_data or "{}")
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "ping":
            await self.send(
                text_data=json.dumps({"type": "pong", "t": message.get("t"), "server_ms": snapshot.ms(timezone.now())})
            )
            return
        if kind == "resync":
            await self.send_state()
            return
        if self.role not in ("judge", "host", "team"):
            return
        received = timezone.now()  # before any queueing: the buzzer order is the server's receive order
        reply = await sync_to_async(run_action)(self.event_id, self.role, self.seat_id, self.user, message, received)
        await self.send(text_data=json.dumps(reply, ensure_ascii=False))
