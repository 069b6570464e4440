"""The group-commit vote path under a real daphne on PostgreSQL: it is really in use, it obeys every
rule the service does, and the log it writes verifies."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from accounts.tokens import token_issue
from honours.chain import chain_verify
from honours.models import Vote, VoterDay
from honours.services.codes import vote_codes_issue

from .factories import build_world, voting_now

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def post(base, campaign, body, headers=None):
    req = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 of the test server
        f"{base}/api/v1/honours/campaigns/{campaign.pk}/votes",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as r:  # noqa: S310
            return r.status, json.loads(r.read()), r.headers.get("x-honours-path")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), e.headers.get("x-honours-path")


def test_fast_path_accepts_by_group_commit_and_refuses_like_the_api(live_daphne):
    w = build_world()
    now = timezone.now()
    campaign, cands = voting_now(w)
    token = token_issue(user=w.teachers[0])
    auth = {"Authorization": f"Bearer {token}"}
    _b, codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=now)

    assert post(live_daphne, campaign, {"candidate_id": cands[0].pk}, auth) == (201, {"votes_left_today": 2}, "fast")
    status, body, path = post(live_daphne, campaign, {"candidate_id": cands[0].pk}, auth)
    assert (status, body["code"], path) == (409, "already_voted_today", "fast")
    # many concurrent votes from codes: batched, each counted once
    jobs = [(code, c.pk) for _n, code in codes for c in cands[:3]] * 2
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda j: post(live_daphne, campaign, {"candidate_id": j[1], "code": j[0]}), jobs))
    accepted = [r for r in results if r[0] == 201]
    assert len(accepted) == len(codes) * 3
    assert all(r[2] == "fast" for r in accepted)
    assert {r[1]["code"] for r in results if r[0] != 201} == {"already_voted_today"}
    status, body, _p = post(live_daphne, campaign, {"candidate_id": cands[3].pk, "code": codes[0][1]})
    assert (status, body["code"]) == (429, "daily_limit")
    status, body, _p = post(live_daphne, campaign, {"candidate_id": cands[3].pk, "code": "ZZZZZ-ZZZZZ"})
    assert (status, body["code"]) == (403, "not_eligible")
    assert Vote.objects.count() == 1 + len(codes) * 3
    assert sum(VoterDay.objects.values_list("used", flat=True)) == Vote.objects.count()
    assert chain_verify(campaign.pk).ok
    campaign.vote_closes_at = timezone.now()
    campaign.save()
    status, body, _p = post(live_daphne, campaign, {"candidate_id": cands[1].pk}, auth)
    assert (status, body["code"]) == (403, "voting_closed")
