"""The same votes through the ninja endpoint and through the vote fast path get the same status and
JSON. The fast path decides acceptances, duplicates and the daily limit itself (x-honours-path: fast);
everything else it hands to Django, which must then answer exactly as the endpoint does."""

from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application
from django.utils import timezone

from accounts.tokens import token_issue
from honours.chain import chain_verify
from honours.fastpath import VoteFastPath
from honours.models import Campaign
from honours.services.codes import vote_codes_issue
from tests.honours.factories import build_world, voting_now

from .fastpath_asgi import POSTGRES_ASGI, assert_same, call

pytestmark = POSTGRES_ASGI


def _world():
    w = build_world()
    now = timezone.now()
    campaign, cands = voting_now(w)
    _batch, codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=now)
    tokens = [token_issue(user=w.teachers[0]), token_issue(user=w.teachers[1])]
    return campaign, [c.pk for c in cands], tokens, [code for _n, code in codes]


async def test_votes_agree_with_the_endpoint_for_success_and_every_refusal(monkeypatch):
    campaign, cands, tokens, codes = await sync_to_async(_world)()
    announced = []
    monkeypatch.setattr("honours.live.publisher.notify", announced.append)
    ninja = get_asgi_application()
    fast = VoteFastPath(ninja)
    url = f"/api/v1/honours/campaigns/{campaign.pk}/votes"

    async def both(body_ninja, body_fast, label, *, path=url, tokens=(None, None), served_fast=True):
        a = await call(ninja, "POST", path, body_ninja, token=tokens[0])
        b = await call(fast, "POST", path, body_fast, token=tokens[1])
        assert_same(a, b, label)
        assert (b[2].get(b"x-honours-path") == b"fast") is served_fast, label
        return a

    try:
        # two voters in the same state, one through each path
        ok = await both({"candidate_id": cands[0]}, {"candidate_id": cands[0]}, "accepted", tokens=tokens)
        assert ok[:2] == (201, {"votes_left_today": 2})
        assert announced == [campaign.pk, campaign.pk]  # live counts move after either path's commit
        await both({"candidate_id": cands[0]}, {"candidate_id": cands[0]}, "already voted", tokens=tokens)
        for cand in cands[1:3]:
            await both({"candidate_id": cand}, {"candidate_id": cand}, "accepted", tokens=tokens)
        limit = await both({"candidate_id": cands[3]}, {"candidate_id": cands[3]}, "daily limit", tokens=tokens)
        assert limit[1]["code"] == "daily_limit"
        await both({"candidate_id": cands[0], "code": codes[0]}, {"candidate_id": cands[0], "code": codes[1]}, "code")
        declined = [
            ("unauthenticated", {"candidate_id": cands[0]}, ("bogus", "bogus"), url),
            ("no credentials", {"candidate_id": cands[0]}, (None, None), url),
            ("unknown code", {"candidate_id": cands[0], "code": "ZZZZZ-ZZZZZ"}, (None, None), url),
            ("unknown candidate", {"candidate_id": 999999, "code": codes[2]}, (None, None), url),
            ("no such campaign", {"candidate_id": cands[0]}, tokens, "/api/v1/honours/campaigns/999999/votes"),
            ("invalid payload", {"candidate_id": "x"}, tokens, url),
            ("missing field", {"code": codes[2]}, (None, None), url),
        ]
        for label, body, toks, path in declined:
            await both(body, body, label, path=path, tokens=toks, served_fast=False)
        await sync_to_async(Campaign.objects.filter(pk=campaign.pk).update)(vote_closes_at=timezone.now())
        closed = await both(
            {"candidate_id": cands[1], "code": codes[0]},
            {"candidate_id": cands[1], "code": codes[1]},
            "closed",
            served_fast=False,
        )
        assert closed[1]["code"] == "voting_closed"
    finally:
        await fast.close()
    assert await sync_to_async(lambda: chain_verify(campaign.pk).ok)()
