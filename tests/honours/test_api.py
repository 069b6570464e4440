from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_issue
from honours.models import CountDisplay, Vote
from honours.services.codes import vote_codes_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_campaign(voting_world):
    """The same world with the voting window around the real clock (the API uses timezone.now())."""
    w, campaign, cands = voting_world
    now = timezone.now()
    campaign.vote_opens_at = now - timedelta(hours=1)
    campaign.vote_closes_at = now + timedelta(days=3)
    campaign.save()
    return w, campaign, cands


def bearer(u) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=u)}"}


def test_campaign_list_shows_the_stage(live_campaign, client):
    w, campaign, cands = live_campaign
    body = client.get("/api/v1/honours/campaigns").json()
    assert body == [{"id": campaign.pk, "title": campaign.title, "stage": "voting"}]
    campaign.vote_closes_at = timezone.now() - timedelta(seconds=1)
    campaign.save()
    assert client.get("/api/v1/honours/campaigns").json()[0]["stage"] == "closed"


def test_candidates_carry_votes_only_when_the_rules_show_counts(live_campaign, client):
    w, campaign, cands = live_campaign
    url = f"/api/v1/honours/campaigns/{campaign.pk}/candidates"
    rows = client.get(url).json()
    assert [r["id"] for r in rows] == [c.pk for c in cands]
    assert set(rows[0]) == {"id", "name", "school", "district", "summary", "votes"}
    assert rows[0]["school"] == cands[0].school.name and rows[0]["district"] == "崇川区"
    campaign.count_display = CountDisplay.HIDDEN
    campaign.save()
    assert set(client.get(url).json()[0]) == {"id", "name", "school", "district", "summary"}


def test_vote_contract_201_409_429_403(live_campaign):
    w, campaign, cands = live_campaign
    c = Client()
    auth = bearer(w.students[w.classes[0].pk][1])
    url = f"/api/v1/honours/campaigns/{campaign.pk}/votes"
    r = c.post(url, {"candidate_id": cands[0].pk}, content_type="application/json", **auth)
    assert (r.status_code, r.json()) == (201, {"votes_left_today": 2})
    r = c.post(url, {"candidate_id": cands[0].pk}, content_type="application/json", **auth)
    assert r.status_code == 409 and r.json()["code"] == "already_voted_today"
    for cand in cands[1:3]:
        assert c.post(url, {"candidate_id": cand.pk}, content_type="application/json", **auth).status_code == 201
    r = c.post(url, {"candidate_id": cands[3].pk}, content_type="application/json", **auth)
    assert r.status_code == 429 and r.json()["code"] == "daily_limit"
    # anonymous, no code
    r = Client().post(url, {"candidate_id": cands[0].pk}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "not_eligible"
    campaign.vote_closes_at = timezone.now()
    campaign.save()
    r = c.post(url, {"candidate_id": cands[3].pk}, content_type="application/json", **auth)
    assert r.status_code == 403 and r.json()["code"] == "voting_closed"
    assert Vote.objects.count() == 3


def test_code_in_body_votes_and_the_page_session_needs_csrf(live_campaign):
    w, campaign, cands = live_campaign
    _batch, codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=timezone.now())
    url = f"/api/v1/honours/campaigns/{campaign.pk}/votes"
    r = Client().post(url, {"candidate_id": cands[0].pk, "code": codes[0][1]}, content_type="application/json")
    assert r.status_code == 201
    r = Client().post(url, {"candidate_id": cands[0].pk, "code": "WRONG-CODE2"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "not_eligible"
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/honours/vote/", {"code": codes[1][1]}).status_code in (302, 403)
    browser = Client()
    resp = browser.post("/honours/vote/", {"code": codes[1][1].lower()})
    assert resp.status_code == 302 and resp["Location"] == f"/honours/{campaign.pk}/"
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    r = strict.post(url, {"candidate_id": cands[1].pk}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    page = strict.get(f"/honours/{campaign.pk}/")
    token = page.cookies.get("csrftoken") or strict.cookies.get("csrftoken")
    r = strict.post(url, {"candidate_id": cands[1].pk}, content_type="application/json", HTTP_X_CSRFTOKEN=token.value)
    assert r.status_code == 201


def test_wrong_code_on_the_entry_page_is_a_clear_error(live_campaign, client):
    r = client.post("/honours/vote/", {"code": "AAAAA-BBBBB"})
    assert r.status_code == 400 and "投票码无效" in r.content.decode()
