"""Under a real daphne process the daphne sink is the one chosen and in use, and a viewer that stops
reading neither holds up the others nor loses the final board: it receives the latest once it drains."""

import asyncio
import base64
import json
import os
import socket
import uuid

import pytest
import websockets

from tests.conftest import start_daphne
from tests.factories import Tree, make_student
from tests.leaderboards.conftest import drop_prefix
from tests.leaderboards.factories import finish_attempt, make_contest
from tests.leaderboards.test_cluster import db, recv, recv_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _raw_ws(port: int, path: str) -> socket.socket:
    """A WebSocket client that completes the handshake and then reads nothing, with a tiny receive
    buffer so the server's unsent bytes pile up quickly."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n", 1)[0], head
    return sock


def _last_frame_payload(data: bytes) -> dict:
    """The last complete unmasked text frame in `data` (server frames are never masked)."""
    frames, i = [], 0
    while i + 2 <= len(data):
        length, header = data[i + 1] & 0x7F, 2
        if length == 126:
            length, header = int.from_bytes(data[i + 2 : i + 4], "big"), 4
        elif length == 127:
            length, header = int.from_bytes(data[i + 2 : i + 10], "big"), 10
        if i + header + length > len(data):
            break
        frames.append(data[i + header : i + header + length])
        i += header + length
    return json.loads(frames[-1])


async def test_daphne_sink_is_used_and_a_slow_reader_gets_the_final_board_once_it_drains(settings, django_db_blocker):
    redis_url = os.environ["REDIS_URL"]
    prefix = f"lbsink-{uuid.uuid4().hex[:10]}"
    settings.REDIS_URL, settings.LEADERBOARD_PREFIX = redis_url, prefix
    env = {
        "REDIS_URL": redis_url,
        "LEADERBOARD_PREFIX": prefix,
        "LEADERBOARD_MIN_INTERVAL_S": "0.05",
        "LEADERBOARD_SLOW_READER_BYTES": "8192",
        "LEADERBOARD_SOCKET_SNDBUF": "4096",
        "LOG_LEVEL": "INFO",
    }
    with django_db_blocker.unblock():
        proc, base = start_daphne(env_extra=env)
    try:
        tree = await db(Tree)
        contest = await db(make_contest, tree.city)
        students = await db(lambda: [make_student(tree.class_a, real_name=f"第{i:03d}位同学" * 3) for i in range(120)])
        path = f"/ws/contests/{contest.pk}/leaderboard/?scope=individual&display={contest.display_token}"
        port = int(base.rsplit(":", 1)[1])
        async with websockets.connect(base.replace("http://", "ws://") + path, max_size=None) as quick:
            await recv(quick)
            slow = _raw_ws(port, path)
            for i, student in enumerate(students):
                await db(finish_attempt, contest, student, score=i, time_used_s=100)
                if i % 10 == 9:
                    await asyncio.sleep(0.1)  # a few pushes per batch
            # the reader that keeps up sees the final board promptly
            final = await recv_until(quick, lambda m: m["participants"] == len(students), timeout=30)
            assert final["entries"][0]["score"] == len(students) - 1
            # the slow one now reads everything that reached it: its last frame is the final board
            slow.setblocking(False)
            received, loop = b"", asyncio.get_running_loop()
            deadline = loop.time() + 30
            while loop.time() < deadline:
                try:
                    chunk = slow.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                except BlockingIOError:
                    if received and _last_frame_payload(received)["participants"] == len(students):
                        break
                    await asyncio.sleep(0.05)
            slow.close()
            assert _last_frame_payload(received)["participants"] == len(students)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
        drop_prefix(prefix)
    log = stderr.decode(errors="replace")
    assert "leaderboard sink: daphne" in log, log[-2000:]
    assert "writing prepared frames to autobahn protocols" in log, log[-2000:]
    assert "reading slowly" in log, log[-2000:]
