"""The ASGI frame every fast path shares: route matching, the bearer token, reading a bounded body,
JSON answers from the one error catalogue (core.errors), and handing a request to Django untouched."""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder

from core.background import deferring
from core.errors import AppError, InvalidRequest, PasswordChangeRequired, PayloadTooLarge, Unauthorized
from core.textsafe import loads_json

from .db import Pools, is_postgres
from .tokens import TokenResolver, TokenUser

log = logging.getLogger(__name__)


_ENCODER = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))  # stateless: one for every reply


class Reply(NamedTuple):
    status: int
    body: dict


class Request(NamedTuple):
    scope: dict
    match: re.Match
    token: str | None  # the bearer token, None without a usable "Authorization: Bearer …"
    has_auth: bool  # an Authorization header was sent (of any scheme)
    body: bytes


def encode(reply: Reply | AppError) -> tuple[int, bytes]:
    if isinstance(reply, AppError):
        reply = Reply(reply.status, {"code": reply.code, "message": reply.message})
    return reply.status, _ENCODER.encode(reply.body).encode()


def bearer(scope) -> tuple[str | None, bool]:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _sp, raw = value.decode("latin-1").partition(" ")
            return (raw.strip() or None) if scheme.lower() == "bearer" else None, True
    return None, False


async def read_body(receive, limit: int) -> tuple[bytes | None, bool]:
    """(body, complete): None if the client went away; past `limit` what was read so far and False."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, False
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body"):
            return b"".join(chunks), True


def replay(body: bytes, receive, *, more: bool = False):
    """Hand the already-read body to the next app; after it, the real channel (Django listens on it for
    the rest of the body and for the client's disconnect)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replayed


def json_fields(body: bytes, *fields: str) -> dict:
    """The body parsed as the API's parser does (quizsite.api.SafeJsonParser: same refusals, same codes),
    and an object with every field in `fields`, else the API's 422 naming the first missing one."""
    payload = loads_json(body) if body else None
    if not isinstance(payload, dict):
        raise InvalidRequest(fields[0] if fields else "")
    for field in fields:
        if field not in payload:
            raise InvalidRequest(field)
    return payload


class FastPath:
    """Subclasses set `method` and `path` and implement `handle(request)`, returning a Reply, raising an
    AppError, or returning None to hand the request (body replayed) to Django."""

    method = "POST"
    path: re.Pattern
    max_body = 64 * 1024
    needs_bearer = True  # without a bearer token the request goes to Django before its body is read
    oversize_to_django = False  # past max_body: Django judges the whole body (else a 413 here)
    extra_headers: tuple = ()
    # the account models, named rather than imported (core is the leaf; accounts sits above it)
    token_model = "accounts.ApiToken"  # noqa: S105 - a model label
    membership_model = "accounts.Membership"

    def __init__(self, app, *, pools: Pools | None = None, tokens: TokenResolver | None = None):
        self.app = app
        self.pools = pools or Pools()
        self.tokens = tokens or self.token_resolver()
        self._enabled: bool | None = None

    def token_resolver(self) -> TokenResolver:
        from django.apps import apps

        return TokenResolver(
            token_model=apps.get_model(self.token_model),
            membership_model=apps.get_model(self.membership_model),
            pools=self.pools,
        )

    def enabled(self) -> bool:
        if self._enabled is None:
            self._enabled = is_postgres()
            log.info("%s: %s", type(self).__name__, "fast (group commit)" if self._enabled else "Django")
        return self._enabled

    async def pool(self):
        return await self.pools.get()

    async def close(self):
        await self.pools.close()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == self.method and self.enabled():
            match = self.path.match(scope["path"])
            if match:
                return await self.serve(scope, match, receive, send)
        await self.app(scope, receive, send)

    async def serve(self, scope, match, receive, send):
        token, has_auth = bearer(scope)
        if self.needs_bearer and token is None:
            return await self.app(scope, receive, send)
        with deferring():
            body, complete = await read_body(receive, self.max_body)
            if body is None:
                return None  # the client went away
            if not complete:
                if self.oversize_to_django:
                    return await self.app(scope, replay(body, receive, more=True), send)
                return await self.respond(send, PayloadTooLarge())
            try:
                reply = await self.handle(Request(scope, match, token, has_auth, body))
            except AppError as exc:
                reply = exc
            except Exception:  # noqa: BLE001 - whatever went wrong, the full path answers properly
                log.exception("%s failed; handing the request to Django", type(self).__name__)
                reply = None
            if reply is None:
                return await self.app(scope, replay(body, receive), send)
            return await self.respond(send, reply)

    async def respond(self, send, reply: Reply | AppError):
        status, data = encode(reply)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
            (b"cache-control", b"no-store"),
            *self.extra_headers,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def handle(self, request: Request) -> Reply | None:
        raise NotImplementedError

    async def account(self, token: str) -> TokenUser:
        """The token's user as the API's auth class decides it (401 / 403 password_change_required)."""
        who = await self.tokens.user(token)
        if who is None:
            raise Unauthorized()
        if who.must_change_password:
            raise PasswordChangeRequired()
        return who
