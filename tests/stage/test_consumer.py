"""The event socket: who may connect as which role, snapshots after every change, judge scores with
acks, host actions, revocation."""

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.tokens import token_issue
from stage import services
from stage.models import Score
from tests.stage.factories import Stage

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async
ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture
def ws_app(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    return browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


async def connect(app, event, role, query="", *, token=None, origin=ORIGIN, cookie=None):
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", f"stage_device={cookie}".encode()))
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    comm = WebsocketCommunicator(app, f"/ws/stage/events/{event.pk}/?role={role}{query}", headers=headers)
    connected, code = await comm.connect(timeout=10)
    return comm, connected, code


async def until(comm, pred, limit=20):
    for _ in range(limit):
        msg = await comm.receive_json_from(timeout=5)
        if pred(msg):
            return msg
    raise AssertionError("message not received")


async def test_each_role_needs_its_own_credential(ws_app):
    st = await db(Stage)(judges=2)
    judge_token = await db(token_issue)(user=st.judge_users[0])
    host_token = await db(token_issue)(user=st.tree.city_organiser)
    other_org = await db(token_issue)(user=st.tree.organiser_a)
    link = await db(services.seat_link_issue)(actor=st.host, seat=st.seats[1], now=timezone.now())
    cases = [
        ("screen", "", None, False),
        ("screen", f"&display={st.event.display_token}", None, True),
        ("screen", "&display=wrong", None, False),
        ("host", "", judge_token, False),
        ("host", "", other_org, False),
        ("host", "", host_token, True),
        ("judge", "", host_token, False),
        ("judge", "", judge_token, True),
        ("judge", f"&link={link}&device=phone-1", None, True),
        ("judge", "&link=nope", None, False),
        ("public", "", None, True),
    ]
    for role, query, token, ok in cases:
        comm, connected, code = await connect(ws_app, st.event, role, query, token=token)
        assert connected is ok, (role, query, token, code)
        if ok:
            state = await comm.receive_json_from(timeout=5)
            assert state["type"] == "state" and state["role"] == role
            await comm.disconnect()
        else:
            assert code == 4403
    comm, connected, code = await connect(ws_app, st.event, "emperor")
    assert not connected and code == 4400
    comm, connected, _ = await connect(ws_app, st.event, "public", origin=(b"origin", b"http://evil.example"))
    assert not connected


async def test_scores_flow_to_the_screen_without_values_until_the_reveal(ws_app):
    st = await db(Stage)(judges=2)
    p = st.performers[0]
    host_token = await db(token_issue)(user=st.tree.city_organiser)
    j1 = await db(token_issue)(user=st.judge_users[0])
    screen, ok, _ = await connect(ws_app, st.event, "screen", f"&display={st.event.display_token}")
    host, ok2, _ = await connect(ws_app, st.event, "host", token=host_token)
    judge, ok3, _ = await connect(ws_app, st.event, "judge", token=j1)
    assert ok and ok2 and ok3
    for comm in (screen, host, judge):
        await comm.receive_json_from(timeout=5)
    await host.send_json_to({"type": "action", "action": "next", "ref": 1})
    assert (await until(host, lambda m: m["type"] == "done"))["ok"]
    await host.send_json_to({"type": "action", "action": "open", "ref": 2})
    state = await until(judge, lambda m: m["type"] == "state" and m["performer"] and m["performer"]["scoring_open"])
    assert state["performer"]["id"] == p.pk and len(state["criteria"]) == 4

    msg = {"type": "score", "performer": p.pk, "points": await db(st.points)(35), "client_id": "x1"}
    await judge.send_json_to(msg)
    ack = await until(judge, lambda m: m["type"] == "ack")
    assert ack["ok"] and ack["changed"] and ack["client_id"] == "x1"
    await judge.send_json_to(msg)  # resent from the offline queue
    ack = await until(judge, lambda m: m["type"] == "ack")
    assert ack["ok"] and not ack["changed"]
    assert await db(Score.objects.count)() == 1

    seen = await until(screen, lambda m: m["type"] == "state" and any(s["status"] == "submitted" for s in m["seats"]))
    assert "result" not in seen and "35" not in str(seen["seats"])
    await db(services.score_submit)(
        seat=st.seats[1], performer_id=p.pk, points=await db(st.points)(30), now=timezone.now()
    )
    await judge.send_json_to({"type": "lock", "performer": p.pk, "ref": 3})  # judge 1 is head judge
    assert (await until(judge, lambda m: m["type"] == "done"))["ok"]
    await host.send_json_to({"type": "action", "action": "reveal", "performer": p.pk, "ref": 4})
    shown = await until(screen, lambda m: m["type"] == "state" and "result" in m)
    assert shown["result"]["final"] == "80.50"  # (83 + 78) / 2
    assert shown["ranking"][2]["rows"][0]["name"] == p.name
    for comm in (screen, host, judge):
        await comm.disconnect()


async def test_a_judge_cannot_run_host_actions_and_gets_a_clear_refusal(ws_app):
    st = await db(Stage)(judges=2)
    j2 = await db(token_issue)(user=st.judge_users[1])
    judge, ok, _ = await connect(ws_app, st.event, "judge", token=j2)
    await judge.receive_json_from(timeout=5)
    await judge.send_json_to({"type": "action", "action": "next", "ref": 9})
    reply = await until(judge, lambda m: m["type"] == "done")
    assert not reply["ok"]
    await judge.send_json_to({"type": "lock", "performer": st.performers[0].pk, "ref": 10})
    reply = await until(judge, lambda m: m["type"] == "done")
    assert not reply["ok"] and reply["code"] == "stage_forbidden"
    event = await db(st.refresh)()
    assert event.current_performer_id is None
    await judge.disconnect()


async def test_rotating_the_screen_secret_and_revoking_a_link_close_old_devices(ws_app):
    st = await db(Stage)(judges=2)
    link = await db(services.seat_link_issue)(actor=st.host, seat=st.seats[1], now=timezone.now())
    screen, ok, _ = await connect(ws_app, st.event, "screen", f"&display={st.event.display_token}")
    judge, ok2, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=phone-1")
    assert ok and ok2
    await screen.receive_json_from(timeout=5)
    await judge.receive_json_from(timeout=5)
    await db(services.seat_link_revoke)(actor=st.host, seat=st.seats[1], now=timezone.now())
    assert (await judge.receive_output(timeout=5))["type"] == "websocket.close"
    await db(services.display_rotate)(actor=st.host, event=st.event, now=timezone.now())
    out = await screen.receive_output(timeout=5)
    while out["type"] != "websocket.close":
        out = await screen.receive_output(timeout=5)
    assert out["code"] == 4403


async def test_ping_answers_with_server_time(ws_app):
    st = await db(Stage)(judges=1)
    comm, ok, _ = await connect(ws_app, st.event, "public")
    await comm.receive_json_from(timeout=5)
    await comm.send_json_to({"type": "ping", "t": 12345})
    pong = await until(comm, lambda m: m["type"] == "pong")
    assert pong["t"] == 12345 and abs(pong["server_ms"] - timezone.now().timestamp() * 1000) < 5000
    await comm.disconnect()


async def test_host_correction_after_lock_is_marked_on_the_screen(ws_app):
    st = await db(Stage)(judges=2)
    p = st.performers[0]
    await db(st.open)(p)
    await db(st.score_all)(p, [30, 32])
    await db(services.performer_lock)(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=timezone.now())
    await db(services.scores_reveal)(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=timezone.now())
    host_token = await db(token_issue)(user=st.tree.city_organiser)
    host, ok, _ = await connect(ws_app, st.event, "host", token=host_token)
    screen, ok2, _ = await connect(ws_app, st.event, "screen", f"&display={st.event.display_token}")
    before = await screen.receive_json_from(timeout=5)
    assert before["result"]["final"] == "79.00" and not before["performer"]["corrected"]
    await host.receive_json_from(timeout=5)
    points = await db(st.points)(34)
    await host.send_json_to({"type": "correct", "performer": p.pk, "seat": 2, "points": points, "reason": "", "ref": 1})
    reply = await until(host, lambda m: m["type"] == "done")
    assert not reply["ok"] and reply["code"] == "invalid_score"
    await host.send_json_to(
        {"type": "correct", "performer": p.pk, "seat": 2, "points": points, "reason": "录入错误", "ref": 2}
    )
    assert (await until(host, lambda m: m["type"] == "done"))["ok"]
    after = await until(screen, lambda m: m["type"] == "state" and m["performer"]["corrected"])
    assert after["result"]["final"] == "80.00"  # (78 + 82) / 2 and after["ranking"][2]["rows"][0]["corrected"]
    await host.disconnect()
    await screen.disconnect()
