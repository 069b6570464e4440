"""Drive an ASGI app with one HTTP request and compare two answers (fast path vs the ninja endpoint)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

# PostgreSQL, real commits (the fast paths write on their own connections), threads' connections closed
POSTGRES_ASGI = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections"),
]


async def call(app, method: str, path: str, body, *, token: str | None = None, headers=()):
    hdrs = [(b"content-type", b"application/json"), (b"host", b"testserver"), *headers]
    if token:
        hdrs.append((b"authorization", f"Bearer {token}".encode()))
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": hdrs,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages = [{"type": "http.request", "body": raw, "more_body": False}]
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the client stays connected (Django listens for a disconnect)

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(data), dict(start["headers"])


def shape(body: dict) -> dict:
    """What must agree: an error's code and message, a success's keys and value types."""
    if "code" in body:
        return {"code": body["code"], "message": body["message"]}
    return {key: type(value).__name__ for key, value in sorted(body.items())}


def assert_same(ninja, fast, label: str):
    assert (ninja[0], shape(ninja[1])) == (fast[0], shape(fast[1])), label


async def close_thread_connections():
    await sync_to_async(connections.close_all)()


async def refuse(scope, receive, send):
    """The inner app of a fast path that must answer everything itself."""
    raise AssertionError(f"the fast path handed {scope['path']} to Django")
