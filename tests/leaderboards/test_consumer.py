"""The leaderboard WebSocket: who may connect, snapshot then versioned updates, coalescing, freeze."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_issue
from leaderboards.services import display_token_rotate, leaderboard_reveal
from tests.factories import Tree, make_student
from tests.leaderboards.clock import install_manual_clock
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async


@pytest.fixture
def ws_app(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    # the same stack as quizsite/asgi.py, built after ALLOWED_HOSTS is set
    return browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def url(contest, scope="individual", query=""):
    return f"/ws/contests/{contest.pk}/leaderboard/?scope={scope}{query}"


ORIGIN = (b"origin", b"http://testserver")


async def connect(app, path, *, token=None, headers=()):
    hdrs = [ORIGIN, *headers]
    if token:
        hdrs.append((b"authorization", f"Bearer {token}".encode()))
    comm = WebsocketCommunicator(app, path, headers=hdrs)
    connected, code = await comm.connect(timeout=10)
    return comm, connected, code


async def drain(comm, quiet=1.0, limit=200):
    """Every message until none arrives for `quiet` seconds."""
    out = []
    # receive_nothing, unlike a timed-out receive, does not cancel the application
    while len(out) < limit and not await comm.receive_nothing(timeout=quiet, interval=0.02):
        out.append(await comm.receive_json_from(timeout=1))
    return out


def setup_contest(**kw):
    tree = Tree()
    contest = make_contest(tree.city, **kw)
    return tree, contest


async def test_viewer_gets_snapshot_then_versioned_update(backend, ws_app):
    tree, contest = await db(setup_contest)()
    await db(finish_attempt)(contest, tree.student_a, score=80, time_used_s=100)
    token = await db(token_issue)(user=tree.student_b)
    comm, connected, _ = await connect(ws_app, url(contest), token=token)
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert snap["type"] == "leaderboard" and snap["frozen"] is False
    assert [e["name"] for e in snap["entries"]] == ["张小明"]
    assert snap["me"] is None

    await db(finish_attempt)(contest, tree.student_b, score=90, time_used_s=50)
    update = await comm.receive_json_from(timeout=5)
    assert update["version"] > snap["version"]
    assert [e["name"] for e in update["entries"]] == ["李小红", "张小明"]
    assert update["me"]["rank"] == 1 and update["me"]["score"] == 90.0
    await comm.disconnect()


async def test_school_board_shows_my_school(ws_app, backend):
    tree, contest = await db(setup_contest)()
    await db(finish_attempt)(contest, tree.student_a, score=80, time_used_s=100)
    await db(finish_attempt)(contest, tree.student_b, score=60, time_used_s=100)
    token = await db(token_issue)(user=tree.student_b)
    comm, connected, _ = await connect(ws_app, url(contest, "school"), token=token)
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert [e["name"] for e in snap["entries"]] == ["如东县实验小学", "海安市实验小学"]
    assert snap["me"]["name"] == "海安市实验小学" and snap["me"]["rank"] == 2
    await comm.disconnect()


async def test_foreign_origin_is_refused(ws_app):
    tree, contest = await db(setup_contest)()
    token = await db(token_issue)(user=tree.student_a)
    comm = WebsocketCommunicator(
        ws_app,
        url(contest),
        headers=[(b"origin", b"http://evil.example"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await comm.connect(timeout=5)
    assert not connected


async def test_anonymous_viewer_and_bad_token_are_refused(ws_app):
    tree, contest = await db(setup_contest)()
    comm, connected, _ = await connect(ws_app, url(contest))
    assert not connected
    comm, connected, _ = await connect(ws_app, url(contest), token="not-a-token")
    assert not connected
    comm, connected, _ = await connect(ws_app, url(contest, query="&display=wrong"))
    assert not connected


async def test_student_outside_the_region_is_refused(ws_app):
    tree, contest = await db(lambda: (lambda t: (t, make_contest(t.district_a)))(Tree()))()
    token = await db(token_issue)(user=tree.student_b)  # student_b's class is in the other district
    comm, connected, _ = await connect(ws_app, url(contest), token=token)
    assert not connected


async def test_token_in_query_string_and_session_cookie_both_work(ws_app):
    tree, contest = await db(setup_contest)()
    token = await db(token_issue)(user=tree.student_a)
    comm, connected, _ = await connect(ws_app, url(contest, query=f"&token={token}"))
    assert connected
    assert (await comm.receive_json_from(timeout=5))["type"] == "leaderboard"
    await comm.disconnect()

    def session_cookie():
        client = Client()
        client.force_login(tree.student_a)
        return client.cookies["sessionid"].value

    cookie = await db(session_cookie)()
    comm, connected, _ = await connect(ws_app, url(contest), headers=[(b"cookie", f"sessionid={cookie}".encode())])
    assert connected
    assert (await comm.receive_json_from(timeout=5))["type"] == "leaderboard"
    await comm.disconnect()


async def test_display_link_works_until_rotated(ws_app):
    tree, contest = await db(setup_contest)()
    comm, connected, _ = await connect(ws_app, url(contest, query=f"&display={contest.display_token}"))
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert snap["me"] is None and snap["live"] is False
    await db(display_token_rotate)(contest_id=contest.pk, user=tree.city_organiser)
    closed = await comm.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    comm, connected, _ = await connect(ws_app, url(contest, query=f"&display={contest.display_token}"))
    assert not connected


async def test_burst_of_100_answers_is_coalesced_and_ends_in_the_final_state(backend, ws_app, settings):
    settings.LEADERBOARD_MIN_INTERVAL_S = 0.5
    clock = install_manual_clock(timezone.now())

    def make_students():
        tree, contest = setup_contest()
        students = [make_student(tree.class_a, real_name=f"学生{i:03d}") for i in range(100)]
        return tree, contest, students

    tree, contest, students = await db(make_students)()
    comm, connected, _ = await connect(ws_app, url(contest, query=f"&display={contest.display_token}"))
    assert connected
    await comm.receive_json_from(timeout=5)

    def answers(batch):
        for i, student in batch:
            finish_attempt(contest, student, score=i % 50, time_used_s=1000 - i)

    # ten batches of ten answers, 0.1 s of hub time apart: 1 s in all
    numbered = list(enumerate(students))
    for start in range(0, 100, 10):
        await db(answers)(numbered[start : start + 10])
        await asyncio.sleep(0.05)  # let notifications reach the hub (Redis pub/sub is asynchronous)
        clock.advance(0.1)
    messages = await drain(comm, quiet=1.0)
    # pushes start at least 0.5 s of hub time apart: at 0, 0.5 and 1.0 at most
    assert 1 <= len(messages) <= 3, [m["participants"] for m in messages]
    # then the trailing push carries the final state, however the notifications were spread
    for _ in range(20):
        if messages and messages[-1]["participants"] == 100:
            break
        clock.advance(0.5)
        messages += await drain(comm, quiet=0.3)
    versions = [m["version"] for m in messages]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    final = messages[-1]
    assert final["participants"] == 100
    # the last state is the true one: score 49 (i = 49, 99), the later one used less time
    assert [e["name"] for e in final["entries"][:2]] == ["学生099", "学生049"]
    await comm.disconnect()


def _frozen_setup():
    """A contest closing in 10 minutes with a 30-minute freeze: frozen since 20 minutes ago."""
    tree, contest = setup_contest(closes_at=timezone.now() + timedelta(minutes=10), freeze_minutes=30)
    before = timezone.now() - timedelta(minutes=25)
    finish_attempt(contest, tree.student_a, score=70, time_used_s=300, finished_at=before)
    return tree, contest


async def test_frozen_board_leaks_nothing_submitted_after_the_freeze(backend, ws_app):
    tree, contest = await db(_frozen_setup)()
    public_token = await db(token_issue)(user=tree.teacher_b)
    student_token = await db(token_issue)(user=tree.student_b)
    organiser_token = await db(token_issue)(user=tree.city_organiser)
    public, ok1, _ = await connect(ws_app, url(contest), token=public_token)
    student, ok2, _ = await connect(ws_app, url(contest), token=student_token)
    organiser, ok3, _ = await connect(ws_app, url(contest), token=organiser_token)
    assert ok1 and ok2 and ok3
    p0 = await public.receive_json_from(timeout=5)
    s0 = await student.receive_json_from(timeout=5)
    o0 = await organiser.receive_json_from(timeout=5)
    assert p0["frozen"] and p0["live"] is False and [e["name"] for e in p0["entries"]] == ["张小明"]
    assert o0["live"] is True

    # after the freeze: student_b scores 95 and would lead
    await db(finish_attempt)(contest, tree.student_b, score=95, time_used_s=60)

    o1 = await organiser.receive_json_from(timeout=5)
    assert [e["name"] for e in o1["entries"]] == ["李小红", "张小明"]
    s1 = await student.receive_json_from(timeout=5)
    assert s1["me"]["score"] == 95.0 and s1["me"]["rank"] is None  # own score, no live rank
    assert s1["entries"] == s0["entries"] and s1["version"] == s0["version"]
    assert s1["participants"] == s0["participants"] == 1
    assert await public.receive_nothing(timeout=1.0)  # not even a message: timing leaks nothing

    # a new public viewer connecting now sees the same frozen board, same version, same counts
    late, ok, _ = await connect(ws_app, url(contest, "district"), token=public_token)
    assert ok
    d0 = await late.receive_json_from(timeout=5)
    assert d0["version"] == p0["version"] and [d["participants"] for d in d0["districts"]] == [1]

    # the window closes, the organiser reveals: everyone gets the final board, with a higher version
    def close_and_reveal():
        type(contest).objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        leaderboard_reveal(contest_id=contest.pk, user=tree.city_organiser)

    await db(close_and_reveal)()
    p1 = await public.receive_json_from(timeout=5)
    assert p1["frozen"] is False and p1["revealed"] is True
    assert [e["name"] for e in p1["entries"]] == ["李小红", "张小明"]
    assert p1["version"] > p0["version"]
    for comm in (public, student, organiser, late):
        await comm.disconnect()


async def test_resync_request_gets_a_fresh_snapshot(ws_app):
    tree, contest = await db(setup_contest)()
    comm, connected, _ = await connect(ws_app, url(contest, query=f"&display={contest.display_token}"))
    snap = await comm.receive_json_from(timeout=5)
    await comm.send_json_to({"type": "resync"})
    again = await comm.receive_json_from(timeout=5)
    assert again["version"] == snap["version"] and again["entries"] == snap["entries"]
    await comm.disconnect()


async def test_origin_validator_for_apps_refuses_foreign_origins_and_admits_clients_without_one(settings):
    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    settings.ALLOWED_HOSTS = ["testserver"]
    app = browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
    tree, contest = await db(setup_contest)()
    token = await db(token_issue)(user=tree.student_a)
    bearer = (b"authorization", f"Bearer {token}".encode())
    foreign = WebsocketCommunicator(app, url(contest), headers=[(b"origin", b"http://evil.example"), bearer])
    assert not (await foreign.connect(timeout=5))[0]
    native = WebsocketCommunicator(app, url(contest), headers=[bearer])
    assert (await native.connect(timeout=5))[0]
    assert (await native.receive_json_from(timeout=5))["type"] == "leaderboard"
    await native.disconnect()


async def test_public_board_switches_to_frozen_at_the_freeze_instant_not_on_an_answer(ws_app):
    start = timezone.now()
    clock = install_manual_clock(start)

    def setup():
        tree = Tree()
        return tree, make_contest(tree.city, closes_at=start + timedelta(minutes=11), freeze_minutes=10)

    tree, contest = await db(setup)()
    freeze_at = contest.closes_at - timedelta(minutes=10)
    freeze_us = int(freeze_at.timestamp() * 1_000_000)
    token = await db(token_issue)(user=tree.teacher_a)
    public, ok, _ = await connect(ws_app, url(contest), token=token)
    assert ok
    p0 = await public.receive_json_from(timeout=5)
    assert p0["frozen"] is False
    await db(finish_attempt)(contest, tree.student_a, score=60, time_used_s=100, finished_at=start)
    await asyncio.sleep(0.05)
    clock.advance(0.5)
    p1 = await public.receive_json_from(timeout=5)
    assert [e["name"] for e in p1["entries"]] == ["张小明"]

    clock.advance(59)  # just before the freeze: nothing
    assert await public.receive_nothing(timeout=0.5)
    # the timer pushes the frozen board at the freeze instant, with the freeze instant as its version
    clock.advance(1.1)
    frozen = await public.receive_json_from(timeout=5)
    assert frozen["frozen"] is True and frozen["version"] == freeze_us
    assert frozen["entries"] == p1["entries"]

    late = freeze_at + timedelta(seconds=5)
    await db(finish_attempt)(contest, tree.student_b, score=99, time_used_s=10, finished_at=late)  # after the freeze
    clock.advance(10)
    assert await public.receive_nothing(timeout=1.0)
    await public.disconnect()
