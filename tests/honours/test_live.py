"""Live counts over WebSockets: snapshot, coalesced updates, the display freeze, foreign origins."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from honours.models import CountDisplay

from .factories import approve_to, build_world, make_campaign, nominate
from .synth import add_votes

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture
def ws_app(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.HONOURS_LIVE_INTERVAL_S = 0.05
    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    return browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def setup(**kw):
    w = build_world()
    now = timezone.now()
    campaign = make_campaign(w, vote_opens_at=now - timedelta(days=1), vote_closes_at=now + timedelta(days=1), **kw)
    cands = [
        approve_to(nominate(campaign, w.students[k.pk][0], actor=w.teachers[i]), "city", w)
        for i, k in enumerate(w.classes)
    ]
    return campaign, cands


def votes(campaign, cand, n, tag, at=None):
    at = at or timezone.now() - timedelta(minutes=1)
    add_votes(campaign, [{"candidate": cand, "voter_key": f"u{tag}{i}", "cast_at": at} for i in range(n)])


async def drain(comm, quiet=0.5):
    out = []
    while not await comm.receive_nothing(timeout=quiet, interval=0.02):
        out.append(await comm.receive_json_from(timeout=1))
    return out


async def test_snapshot_then_one_coalesced_update_for_many_votes(ws_app):
    campaign, cands = await sync_to_async(setup)()
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN])
    assert (await comm.connect(timeout=10))[0]
    first = await comm.receive_json_from(timeout=5)
    assert first["type"] == "counts" and {c["votes"] for c in first["candidates"]} == {0}
    await sync_to_async(votes)(campaign, cands[0], 30, "a")
    await sync_to_async(votes)(campaign, cands[1], 12, "b")
    msgs = await drain(comm)
    assert 1 <= len(msgs) <= 2
    last = {c["id"]: c["votes"] for c in msgs[-1]["candidates"]}
    assert last[cands[0].pk] == 30 and last[cands[1].pk] == 12
    await comm.disconnect()


async def test_during_the_freeze_nothing_is_pushed(ws_app):
    def frozen():
        campaign, cands = setup(freeze_hours=2)
        campaign.vote_closes_at = timezone.now() + timedelta(hours=1)
        campaign.save()
        votes(campaign, cands[0], 3, "old", at=timezone.now() - timedelta(hours=3))
        return campaign, cands

    campaign, cands = await sync_to_async(frozen)()
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN])
    assert (await comm.connect(timeout=10))[0]
    first = await comm.receive_json_from(timeout=5)
    assert first["frozen"] is True
    assert {c["id"]: c["votes"] for c in first["candidates"]}[cands[0].pk] == 3
    await sync_to_async(votes)(campaign, cands[0], 25, "new")
    assert await drain(comm, quiet=0.6) == []
    await comm.disconnect()


async def test_ranks_only_rules_send_no_counts_and_hidden_rules_refuse(ws_app):
    campaign, cands = await sync_to_async(setup)(count_display=CountDisplay.RANKS)
    await sync_to_async(votes)(campaign, cands[2], 4, "r")
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN])
    assert (await comm.connect(timeout=10))[0]
    first = await comm.receive_json_from(timeout=5)
    assert first["candidates"][0].keys() == {"id", "rank"}
    assert {c["id"]: c["rank"] for c in first["candidates"]}[cands[2].pk] == 1
    await comm.disconnect()
    hidden, _c = await sync_to_async(setup)(count_display=CountDisplay.HIDDEN)
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{hidden.pk}/live/", headers=[ORIGIN])
    connected, code = await comm.connect(timeout=10)
    assert not connected and code == 4404


async def test_foreign_origin_is_refused(ws_app):
    campaign, _cands = await sync_to_async(setup)()
    comm = WebsocketCommunicator(
        ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _code = await comm.connect(timeout=10)
    assert not connected
