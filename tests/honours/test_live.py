"""Live counts flow from the write side through the channel layer: announced only after commit, coalesced
to at most one publish per campaign per interval (injected clock), the freeze honoured, and every
viewer — on any process, through Redis — gets the same text."""

import os
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from honours import live
from honours.models import CountDisplay
from honours.services.voting import VoteMeta, Voter, vote_cast
from honours.standings import public_counts
from tests.events import capture_events

from .factories import approve_to, build_world, make_campaign, nominate
from .synth import add_votes

ORIGIN = (b"origin", b"http://testserver")
INTERVAL = 10.0


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def ws_app(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.HONOURS_LIVE_INTERVAL_S = 0.05
    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    return browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


@pytest.fixture
def clock(monkeypatch):
    """A publisher whose coalescing runs on a clock the test moves."""
    fake = FakeClock()
    monkeypatch.setattr(live, "publisher", live.Publisher(live.Coalescer(INTERVAL, clock=fake)))
    monkeypatch.setattr("honours.consumers.publisher", live.publisher)
    return fake


@pytest.fixture
def fresh_publisher(monkeypatch):
    monkeypatch.setattr(live, "publisher", live.Publisher(live.Coalescer(0.05)))
    monkeypatch.setattr("honours.consumers.publisher", live.publisher)


def setup(**kw):
    w = build_world()
    now = timezone.now()
    campaign = make_campaign(w, vote_opens_at=now - timedelta(days=1), vote_closes_at=now + timedelta(days=1), **kw)
    cands = [
        approve_to(nominate(campaign, w.students[k.pk][0], actor=w.teachers[i]), "city", w)
        for i, k in enumerate(w.classes)
    ]
    return campaign, cands


def cast(campaign, cand, n, tag):
    for i in range(n):
        vote_cast(
            campaign=campaign, candidate_id=cand.pk, voter=Voter(key=f"u{tag}{i}"), meta=VoteMeta(), now=timezone.now()
        )


async def drain(comm, quiet=0.4):
    out = []
    while not await comm.receive_nothing(timeout=quiet, interval=0.02):
        out.append(await comm.receive_json_from(timeout=1))
    return out


def counts(msg):
    return {c["id"]: c.get("votes", c.get("rank")) for c in msg["candidates"]}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=60))
def test_coalescer_sends_at_most_once_per_interval_and_never_drops_a_request(offsets):
    clock = FakeClock()
    start = clock.now
    coalescer = live.Coalescer(INTERVAL, clock=clock)
    times = sorted(start + o for o in offsets)
    sends = []

    def run_until(t):
        while (wait := coalescer.next_wait()) is not None and clock.now + wait <= t:
            clock.now += wait
            sends.extend(clock.now for _c in coalescer.take_due())

    for t in times:
        run_until(t)
        clock.now = t
        coalescer.request(7)
        sends.extend(t for _c in coalescer.take_due())
    run_until(float("inf"))
    assert all(b - a >= INTERVAL - 1e-9 for a, b in zip(sends, sends[1:], strict=False))  # float sums
    assert all(any(s >= r for s in sends) for r in times)  # every change is followed by a publish
    assert len(sends) <= (times[-1] - times[0]) / INTERVAL + 2


@pytest.mark.django_db(transaction=True)
def test_a_vote_is_announced_only_after_it_commits():
    campaign, cands = setup()
    with capture_events() as events, pytest.raises(RuntimeError), transaction.atomic():
        cast(campaign, cands[0], 1, "rolled")
        raise RuntimeError
    assert events == []
    with capture_events(expected=1):
        cast(campaign, cands[0], 1, "kept")


@pytest.mark.django_db(transaction=True)
async def test_a_vote_storm_reaches_viewers_as_at_most_one_update_per_interval(ws_app, clock):
    campaign, cands = await sync_to_async(setup)()
    viewers = [WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN]) for _ in range(2)]
    for comm in viewers:
        assert (await comm.connect(timeout=10))[0]
        assert set(counts(await comm.receive_json_from(timeout=5)).values()) == {0}
    await sync_to_async(cast)(campaign, cands[0], 30, "a")
    await sync_to_async(cast)(campaign, cands[1], 12, "b")
    first = [await drain(comm) for comm in viewers]
    assert all(len(msgs) <= 1 for msgs in first)  # at most the leading update inside the interval
    await sync_to_async(cast)(campaign, cands[2], 5, "c")
    assert [await drain(comm) for comm in viewers] == [[], []]  # held back until the interval ends
    clock.now += INTERVAL
    live.publisher.wake()
    second = [await drain(comm) for comm in viewers]
    assert [len(m) for m in second] == [1, 1]
    assert second[0] == second[1]
    assert counts(second[0][0]) == {cands[0].pk: 30, cands[1].pk: 12, cands[2].pk: 5, cands[3].pk: 0}
    # one truth: what is pushed is what the page and the API show
    page = await sync_to_async(public_counts)(campaign, timezone.now())
    assert counts(second[0][0]) == {cid: shown["votes"] for cid, shown in page.items()}
    for comm in viewers:
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_during_the_freeze_nothing_is_pushed(ws_app, fresh_publisher):
    def frozen():
        campaign, cands = setup(freeze_hours=2)
        campaign.vote_closes_at = timezone.now() + timedelta(hours=1)
        campaign.save()
        add_votes(
            campaign,
            [
                {"candidate": cands[0], "voter_key": f"old{i}", "cast_at": timezone.now() - timedelta(hours=3)}
                for i in range(3)
            ],
        )
        return campaign, cands

    campaign, cands = await sync_to_async(frozen)()
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN])
    assert (await comm.connect(timeout=10))[0]
    first = await comm.receive_json_from(timeout=5)
    assert first["frozen"] is True and counts(first)[cands[0].pk] == 3
    await sync_to_async(cast)(campaign, cands[0], 25, "new")
    assert await drain(comm, quiet=0.6) == []
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_moderation_decision_is_pushed_and_ranks_only_rules_send_no_counts(ws_app, fresh_publisher):
    campaign, cands = await sync_to_async(setup)(count_display=CountDisplay.RANKS)
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN])
    assert (await comm.connect(timeout=10))[0]
    first = await comm.receive_json_from(timeout=5)
    assert first["candidates"][0].keys() == {"id", "rank"}
    await sync_to_async(cast)(campaign, cands[2], 2, "r")
    msgs = await drain(comm)
    assert msgs and counts(msgs[-1])[cands[2].pk] == 1
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_hidden_rules_and_foreign_origins_are_refused(ws_app):
    hidden, _c = await sync_to_async(setup)(count_display=CountDisplay.HIDDEN)
    comm = WebsocketCommunicator(ws_app, f"/ws/honours/{hidden.pk}/live/", headers=[ORIGIN])
    connected, code = await comm.connect(timeout=10)
    assert not connected and code == 4404
    campaign, _cands = await sync_to_async(setup)()
    comm = WebsocketCommunicator(
        ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _code = await comm.connect(timeout=10)
    assert not connected


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_through_redis_a_publish_from_another_process_reaches_every_viewer_alike(ws_app, settings, monkeypatch):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("[redis] REDIS_URL is not set")
    from channels_redis.pubsub import RedisPubSubChannelLayer

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [url]}}
    }
    # the writer has its own connection to Redis, as another daphne or worker process would
    writer = live.Publisher(live.Coalescer(0.05), layer=RedisPubSubChannelLayer(hosts=[url]))
    monkeypatch.setattr(live, "publisher", writer)
    campaign, cands = await sync_to_async(setup)()
    viewers = [WebsocketCommunicator(ws_app, f"/ws/honours/{campaign.pk}/live/", headers=[ORIGIN]) for _ in range(2)]
    for comm in viewers:
        assert (await comm.connect(timeout=10))[0]
        await comm.receive_json_from(timeout=5)
    await sync_to_async(cast)(campaign, cands[1], 4, "x")
    got = [await drain(comm, quiet=1.0) for comm in viewers]
    assert got[0] and got[0][-1] == got[1][-1]
    assert counts(got[0][-1])[cands[1].pk] == 4
    for comm in viewers:
        await comm.disconnect()
