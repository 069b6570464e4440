"""The game socket: a player's question and results arrive with their own score; a second tab takes
over (the first closes 4409); a reconnect restores score and the current question."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.tokens import token_issue
from stage import services
from tests.stage.final_factories import Final
from tests.stage.test_consumer import ORIGIN, ws_app  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async
OPTS = [{"key": "A", "text": "对"}, {"key": "B", "text": "错"}]


async def join(app, pin, query):
    comm = WebsocketCommunicator(app, f"/ws/stage/games/{pin}/?{query}", headers=[ORIGIN])
    ok, code = await comm.connect(timeout=10)
    return comm, ok, code


async def frame(comm, pred):
    for _ in range(20):
        msg = await comm.receive_json_from(timeout=5)
        if pred(msg):
            return msg
    raise AssertionError("frame not received")


async def test_player_answers_sees_results_and_a_second_tab_takes_over(ws_app):  # noqa: F811
    f = await db(Final)()
    g = await db(services.quiz_create)(
        actor=f.host,
        event=f.event,
        title="快问快答",
        questions=[{"stem": "宪法是根本大法", "options": OPTS, "answer": "A", "time_s": 20}] * 2,
    )
    p = await db(services.quiz_join)(pin=g.pin, nickname="小明", now=timezone.now())
    host_token = await db(token_issue)(user=f.tree.city_organiser)
    _, ok, code = await join(ws_app, g.pin, "player=nope")
    assert not ok and code == 4404
    student, ok, code = await join(ws_app, g.pin, "role=host")  # no credential
    assert not ok and code == 4403
    host = WebsocketCommunicator(
        ws_app,
        f"/ws/stage/games/{g.pin}/?role=host",
        headers=[ORIGIN, (b"authorization", f"Bearer {host_token}".encode())],
    )
    assert (await host.connect(timeout=10))[0]
    tab1, ok, _ = await join(ws_app, g.pin, f"player={p.token}")
    assert ok
    lobby = await frame(tab1, lambda m: m["type"] == "game")
    assert lobby["phase"] == "lobby" and lobby["me"]["nickname"] == "小明"
    await host.send_json_to({"type": "next"})
    q = await frame(tab1, lambda m: m["type"] == "game" and m["phase"] == "question")
    assert q["question"]["stem"] == "宪法是根本大法" and "answer" not in q["question"]
    await tab1.send_json_to({"type": "answer", "position": 0, "choice": "A"})
    ack = await frame(tab1, lambda m: m["type"] == "ack")
    assert ack["ok"]
    # a second tab of the same player takes over; the first is closed with 4409
    tab2, ok, _ = await join(ws_app, g.pin, f"player={p.token}")
    assert ok
    restored = await frame(tab2, lambda m: m["type"] == "game")
    assert restored["phase"] == "question" and restored["me"]["score"] > 900
    closed = await tab1.receive_output(timeout=5)
    while closed["type"] != "websocket.close":
        closed = await tab1.receive_output(timeout=5)
    assert closed["code"] == 4409
    await tab2.send_json_to({"type": "answer", "position": 0, "choice": "B"})
    assert not (await frame(tab2, lambda m: m["type"] == "ack"))["ok"]  # one answer per question
    await host.send_json_to({"type": "close"})
    res = await frame(tab2, lambda m: m["type"] == "game" and m["phase"] == "results")
    assert res["results"]["answer"] == "A" and res["results"]["distribution"] == {"A": 1, "B": 0}
    assert res["me"]["rank"] == 1 and res["me"]["last"]["correct"] is True
    for c in (host, tab2):
        await c.disconnect()
