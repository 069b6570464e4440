"""Several server processes share the boards through Redis: a viewer on process A sees a change made in
another process, and viewers of a killed process resume on the other one with the latest board."""

import asyncio
import json
import os
import signal
import uuid

import pytest
import websockets
from django.db import connections

from tests.conftest import start_daphne
from tests.factories import Tree, make_student
from tests.leaderboards.conftest import drop_prefix
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PREFIX = f"lbcluster-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def two_daphnes(django_db_setup, django_db_blocker):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("[redis] REDIS_URL is not set")
    env = {"REDIS_URL": url, "LEADERBOARD_PREFIX": PREFIX, "LEADERBOARD_MIN_INTERVAL_S": "0.2"}
    procs = []
    with django_db_blocker.unblock():
        for _ in range(2):
            procs.append(start_daphne(env_extra=env))
    yield [(proc, base.replace("http://", "ws://")) for proc, base in procs]
    for proc, _ in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except Exception:
                proc.kill()
    drop_prefix(PREFIX)


@pytest.fixture
def cluster_settings(settings, two_daphnes):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.LEADERBOARD_PREFIX = PREFIX
    return two_daphnes


async def recv(ws, timeout=10):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, predicate, timeout=10):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        msg = await recv(ws, max(0.1, deadline - loop.time()))
        if predicate(msg):
            return msg


def db(fn, *args, **kw):
    def call():
        try:
            return fn(*args, **kw)
        finally:
            connections.close_all()

    return asyncio.to_thread(call)


async def test_viewers_on_both_processes_see_a_change_made_in_another_process(cluster_settings):
    (proc_a, ws_a), (proc_b, ws_b) = cluster_settings
    tree = await db(Tree)
    contest = await db(make_contest, tree.city)
    path = f"/ws/contests/{contest.pk}/leaderboard/?scope=individual&display={contest.display_token}"
    async with websockets.connect(ws_a + path) as a, websockets.connect(ws_b + path) as b:
        snap_a, snap_b = await recv(a), await recv(b)
        assert snap_a["entries"] == snap_b["entries"] == []
        # scored in this (third) process: one Redis PUBLISH reaches both servers
        await db(finish_attempt, contest, tree.student_a, score=88, time_used_s=120)
        for ws in (a, b):
            msg = await recv_until(ws, lambda m: m["entries"])
            assert [e["name"] for e in msg["entries"]] == ["张小明"]
            assert msg["version"] > snap_a["version"]


async def test_viewers_of_a_killed_process_resume_on_the_other_with_the_latest_board(cluster_settings):
    (proc_a, ws_a), (proc_b, ws_b) = cluster_settings
    tree = await db(Tree)
    contest = await db(make_contest, tree.city)
    path = f"/ws/contests/{contest.pk}/leaderboard/?scope=individual&display={contest.display_token}"
    a = await websockets.connect(ws_a + path)
    first = await recv(a)
    proc_a.send_signal(signal.SIGKILL)
    proc_a.wait(timeout=10)
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(a.recv(), 5)
    # answers keep arriving while the viewer is away; none is lost
    students = await db(lambda: [make_student(tree.class_a) for _ in range(5)])
    for i, s in enumerate(students):
        await db(finish_attempt, contest, s, score=50 + i, time_used_s=100)
    async with websockets.connect(ws_b + path) as b:
        snap = await recv(b)
        assert snap["version"] > first["version"]
        assert [e["score"] for e in snap["entries"]] == [54.0, 53.0, 52.0, 51.0, 50.0]
