"""WebSocket `ws/contests/<id>/leaderboard/?scope=individual|school|district`.

Authentication, in this order:
  ?display=<token>             the contest's big-screen secret (public board, no "me")
  Authorization: Bearer <tok>  API token from POST /api/v1/auth/token (mobile and mini-program clients)
  ?token=<tok>                 the same token for clients that cannot set headers (daphne logs the path
                               without the query string; deploy/nginx-cluster.conf logs $uri only)
  the session cookie           pages of this site
The Origin check is done before we run (quizsite.asgi wraps every socket in quizsite.origin.browser_origin_validator).

Messages to the client: `{"type": "leaderboard", "scope", "version", "frozen", "live", "entries",
"participants", "districts", "closes_at", "freeze_at", "revealed", "me"}` — first the snapshot, then a
full new top-N whenever the board changed (coalesced, see leaderboards.hub). Versions only grow; a
client that sees a gap or doubts its state sends `{"type": "resync"}` and gets a fresh snapshot.
Close codes: 4400 bad scope, 4403 not allowed / display link rotated, 4404 no such contest."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.tokens import token_user

from . import source
from .selectors import viewer_me_id
from .store import INDIVIDUAL, SCOPES

RESYNC_MIN_INTERVAL_S = 1.0


def _authenticate(contest_id: int, session_user, bearer: str | None, token: str | None, display: str | None):
    """(access, user, display_token) for this connection; access None = refuse."""
    info = source.contest_info(contest_id)
    if info is None:
        return None, None, None, None
    if display is not None:
        ok = info.display_token_matches(display)
        return (source.PUBLIC_ACCESS if ok else None), None, (display if ok else None), info
    user = None
    if bearer or token:
        user = token_user(bearer or token)
    elif session_user is not None and session_user.is_authenticated:
        user = session_user
    access = source.viewer_access(user, info) if user is not None else None
    return access, user, None, info


class LeaderboardConsumer(AsyncWebsocketConsumer):
    # No channel layer: with RedisPubSubChannelLayer every consumer would otherwise open its own Redis
    # subscription; this app fans out through one subscription per process (leaderboards.hub).
    channel_layer_alias = "__leaderboards_no_layer__"

    contest_id: int
    board_scope: str = INDIVIDUAL
    live: bool = False
    me_id: int | None = None
    display_token: str | None = None
    last_version: int = 0
    last_me: str = ""
    ready: bool = False
    hub = None
    fast = None  # the server's protocol object, when the process's frame sink can use it
    slow_since: float | None = None  # hub clock time since which this socket has not drained

    async def connect(self):
        from .hub import get_hub

        self.contest_id = int(self.scope["url_route"]["kwargs"]["contest_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.board_scope = (query.get("scope") or [INDIVIDUAL])[0]
        if self.board_scope not in SCOPES:
            await self.close(code=4400)
            return
        bearer = None
        for name, value in self.scope.get("headers", []):
            if name == b"authorization":
                text = value.decode("latin1")
                if text[:7].lower() == "bearer ":
                    bearer = text[7:].strip()
        access, user, display, info = await sync_to_async(_authenticate)(
            self.contest_id,
            self.scope.get("user"),
            bearer,
            (query.get("token") or [None])[0],
            (query.get("display") or [None])[0],
        )
        if access is None:
            await self.close(code=4404 if info is None else 4403)
            return
        self.live = access == source.LIVE_ACCESS
        self.display_token = display
        if user is not None and not self.live:
            school_id, district_id = await sync_to_async(source.viewer_orgs)(user)
            self.me_id = viewer_me_id(
                scope=self.board_scope, user_id=user.pk, school_id=school_id, district_id=district_id
            )
        await self.accept()
        self.hub = get_hub()
        self.fast = self.hub.sink.attach(self)
        self._last_resync = 0.0
        await self.hub.register(self)

    async def disconnect(self, code):
        if self.hub is not None:
            self.hub.unregister(self)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = json.loads(text_data or "{}")
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") == "resync" and self.hub is not None:
            now = self.hub.clock.time()
            if now - self._last_resync < RESYNC_MIN_INTERVAL_S:
                return
            self._last_resync = now
            self.last_version = 0
            await self.hub.send_snapshot(self)

    async def send_frame(self, text: str) -> None:
        await self.send(text_data=text)

    async def close_board(self, code: int) -> None:
        if self.hub is not None:
            self.hub.unregister(self)
        await self.close(code=code)
