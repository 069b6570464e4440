"""The final over the event socket: a team device paired by its link buzzes and answers; it cannot act as
the host or as another team; the host runs the question; the screen sees the buzz order."""

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.tokens import token_issue
from stage import services
from stage.models import Buzz, ScoreAction
from tests.stage.final_factories import Final
from tests.stage.test_consumer import connect, until, ws_app  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async


async def test_team_device_buzzes_over_the_socket_and_cannot_act_as_host_or_another_team(ws_app):  # noqa: F811
    f = await db(Final)()
    q = await db(f.question)(f.buzzer, qtype="oral")
    links = [await db(services.team_link_issue)(actor=f.host, team=t, now=timezone.now()) for t in f.teams[:2]]
    host_token = await db(token_issue)(user=f.tree.city_organiser)
    bad, ok, code = await connect(ws_app, f.event, "team", "&link=wrong")
    assert not ok and code == 4403
    host, ok, _ = await connect(ws_app, f.event, "host", token=host_token)
    assert ok
    team1, ok, _ = await connect(ws_app, f.event, "team", f"&link={links[0]}&device=team-1")
    assert ok
    first = await until(team1, lambda m: m["type"] == "state")
    assert first["me"]["team"] == 1 and first["final"]["question"] is None
    # a team device cannot run the question
    await team1.send_json_to({"type": "final", "action": "select", "question": q.pk, "ref": 1})
    reply = await until(team1, lambda m: m["type"] == "done")
    assert not reply["ok"]
    for step in ("select", "show", "open"):
        await host.send_json_to({"type": "final", "action": step, "question": q.pk, "ref": step})
        assert (await until(host, lambda m, step=step: m["type"] == "done" and m["ref"] == step))["ok"]
    await team1.send_json_to({"type": "buzz", "question": q.pk, "client_ms": 100})
    assert (await until(team1, lambda m: m["type"] == "done"))["ok"]
    state = await until(host, lambda m: m["type"] == "state" and m["final"]["question"]["buzzes"])
    assert state["final"]["question"]["buzzes"][0]["team"] == 1
    assert state["final"]["question"]["answering"] == 1
    # marking is the host's: the team's "mark" is refused and scores nothing
    await team1.send_json_to({"type": "final", "action": "mark", "question": q.pk, "right": True})
    assert not (await until(team1, lambda m: m["type"] == "done"))["ok"]
    assert await db(ScoreAction.objects.count)() == 0
    assert await db(Buzz.objects.filter(team=f.teams[0]).count)() == 1
    for c in (host, team1):
        await c.disconnect()
