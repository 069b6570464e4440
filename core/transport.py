"""How a fan-out hub hands a frame to a socket: the one place that knows a server's internals. Shared by
the leaderboards hub and the stage hall quiz (core, so both layers can use it).

Two sinks; one is chosen per process when its first hub starts (`choose_sink`), and logged:
- `DaphneSink` frames a board once per broadcast with autobahn's `prepareMessage` and writes the bytes
  straight to idle Twisted sockets (`direct_write`). It relies on private attributes of daphne, autobahn
  and Twisted, so it is chosen only when the installed versions are the ones it was tested with
  (`TESTED_VERSIONS`, pinned in requirements.txt); any other version gets the ASGI sink, with a warning.
- `AsgiSink` uses each consumer's ASGI `send`: works under any server, costs one framing per viewer.
Under the daphne sink a connection whose protocol cannot be found (a test communicator, another server)
still gets the ASGI send, and the first such miss under daphne is logged.

A slow reader (a socket whose unsent bytes pass `LEADERBOARD_SLOW_READER_BYTES`) is skipped rather than
buffered without bound: boards are full snapshots, so the viewer keeps its old version and receives the
latest board once it drains (the hub retries the group). One stuck past `LEADERBOARD_STUCK_READER_S` is
closed with 4408 and its client's reconnect + snapshot brings it back."""

from __future__ import annotations

import contextlib
import enum
import functools
import logging
import os
import socket
from importlib import metadata

from django.conf import settings

log = logging.getLogger(__name__)

# major.minor of the packages whose internals DaphneSink touches, as tested (see requirements.txt)
TESTED_VERSIONS = {"daphne": "4.2", "autobahn": "26.10", "twisted": "26.10"}


class Write(enum.Enum):
    SENT = "sent"  # written (or the socket is closing and nothing more is owed)
    SLOW = "slow"  # skipped: the socket has too many unsent bytes
    ASGI = "asgi"  # not handled here: the caller awaits the consumer's ASGI send


def _setting(name: str, default):
    return getattr(settings, name, None) or os.environ.get(name) or default


def slow_reader_bytes() -> int:
    return int(_setting("LEADERBOARD_SLOW_READER_BYTES", 256 * 1024))


def stuck_reader_seconds() -> float:
    return float(_setting("LEADERBOARD_STUCK_READER_S", 30.0))


def direct_write(transport, data: bytes) -> None:
    """Write a framed message to a Twisted socket the way asyncio transports do: straight to the socket
    when nothing is queued, so a broadcast costs one send() per viewer instead of a send() plus
    registering and unregistering the socket with epoll around it. Whatever cannot be written at once —
    or anything when bytes are already queued — goes through Twisted's own buffer, so order is kept."""
    if transport_backlog(transport) == 0 and transport.connected and not transport.disconnecting:
        sent = transport.writeSomeData(data)
        if isinstance(sent, int):
            if sent == len(data):
                return
            data = data[sent:]
    transport.write(data)


def transport_backlog(transport) -> int:
    """Bytes Twisted still holds for this socket (not yet accepted by the kernel)."""
    return transport._tempDataLen + len(transport.dataBuffer) - transport.offset


def daphne_protocol(send):
    """The autobahn protocol behind an ASGI `send` when the server is daphne, else None."""
    for _ in range(6):
        if isinstance(send, functools.partial):
            proto = send.args[0] if send.args else None
            if getattr(send.func, "__name__", "") == "handle_reply" and hasattr(proto, "sendPreparedMessage"):
                return proto
            return None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
        if send is None:
            return None
    return None


class AsgiSink:
    name = "asgi"

    def attach(self, consumer) -> None:
        return None

    def write(self, viewer, frame: str, prepared: dict) -> Write:
        return Write.ASGI


class DaphneSink:
    name = "daphne"

    def __init__(self):
        self._missed = False
        self._attached = False

    def attach(self, consumer):
        proto = daphne_protocol(consumer.base_send)
        if proto is not None:
            _cap_send_buffer(proto.transport)
        if proto is None and not self._missed and "daphne" in type(consumer.base_send).__module__:
            self._missed = True
            log.warning("leaderboard sink daphne: protocol not found behind the ASGI send; using ASGI sends")
        elif proto is not None and not self._attached:
            self._attached = True
            log.info("leaderboard sink daphne: writing prepared frames to autobahn protocols")
        return proto

    def write(self, viewer, frame: str, prepared: dict) -> Write:
        proto = viewer.fast
        if proto is None:
            return Write.ASGI
        if proto.state != proto.STATE_OPEN or proto.transport is None:
            return Write.SENT
        backlog = transport_backlog(proto.transport)
        if backlog and backlog > slow_reader_bytes():  # the setting is read only for a socket with a backlog
            return Write.SLOW
        msg = prepared.get(frame)
        if msg is None:
            msg = prepared[frame] = proto.factory.prepareMessage(frame.encode(), False)
        if proto._perMessageCompress is None:
            direct_write(proto.transport, msg.payloadHybi)
        else:
            proto.sendPreparedMessage(msg)
        return Write.SENT


def _cap_send_buffer(transport) -> None:
    """Optionally cap the kernel's send buffer of a viewer socket (LEADERBOARD_SOCKET_SNDBUF bytes): boards
    are snapshots, so a deep buffer only holds stale frames, and with 10,000 viewers autotuned buffers of
    up to tcp_wmem's maximum each would cost the machine far more memory than the boards themselves."""
    size = int(_setting("LEADERBOARD_SOCKET_SNDBUF", 0))
    if size:
        with contextlib.suppress(AttributeError, OSError):
            transport.getHandle().setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


def installed_versions() -> dict[str, str | None]:
    out = {}
    for name in TESTED_VERSIONS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def choose_sink(versions: dict[str, str | None] | None = None):
    """DaphneSink when every package it relies on is installed at its tested major.minor, else AsgiSink."""
    versions = installed_versions() if versions is None else versions
    if _setting("LEADERBOARD_SINK", "auto") == "asgi":
        log.info("leaderboard sink: asgi (LEADERBOARD_SINK=asgi)")
        return AsgiSink()
    missing = [name for name in TESTED_VERSIONS if not versions.get(name)]
    mismatched = {
        name: versions[name]
        for name, tested in TESTED_VERSIONS.items()
        if name not in missing and versions[name].split(".")[:2] != tested.split(".")
    }
    if missing or mismatched:
        if not missing or "daphne" not in missing:
            log.warning("leaderboard sink: asgi (untested versions %s, missing %s)", mismatched, missing)
        return AsgiSink()
    log.info("leaderboard sink: daphne (%s)", ", ".join(f"{k} {v}" for k, v in versions.items()))
    return DaphneSink()


_sink = None


def process_sink():
    """The frame sink of this process, chosen (and logged) once, when its first hub starts; every hub of
    the process (leaderboards, the hall quiz) shares it."""
    global _sink
    if _sink is None:
        _sink = choose_sink()
    return _sink
