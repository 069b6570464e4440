from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.selectors import scope_for
from honours.errors import HonoursError
from honours.models import VoteFlag
from honours.selectors import campaign_stage
from honours.services import review
from honours.services.notice import notice_publish, objection_assign, objection_lodge

from .factories import NOW, build_world, make_campaign, nominate
from .synth import add_votes

pytestmark = pytest.mark.django_db


def test_stage_follows_dates_and_notices():
    w = build_world()
    campaign = make_campaign(w, nomination_closes_at=NOW, vote_opens_at=NOW + timedelta(days=20))
    campaign.vote_closes_at = NOW + timedelta(days=27)
    campaign.save()
    assert campaign_stage(campaign, NOW - timedelta(days=1)) == "nomination"
    assert campaign_stage(campaign, NOW + timedelta(days=1)) == "review"
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0], now=NOW - timedelta(days=2))
    review.candidate_approve(actor=w.city_org, scope=scope_for(w.city_org), candidate=cand, now=NOW)
    notice_publish(
        actor=w.city_org,
        scope=scope_for(w.city_org),
        level=campaign.levels.get(kind="school"),
        unit=w.schools[0],
        now=NOW + timedelta(days=1),
    )
    assert campaign_stage(campaign, NOW + timedelta(days=2)) == "notice"
    assert campaign_stage(campaign, NOW + timedelta(days=20)) == "voting"
    assert campaign_stage(campaign, NOW + timedelta(days=27)) == "closed"


def test_an_investigator_is_assigned_by_the_units_organiser_only_and_never_from_the_candidates_school():
    from django.core.exceptions import PermissionDenied

    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    review.candidate_approve(actor=w.city_org, scope=scope_for(w.city_org), candidate=cand, now=NOW)
    notice = notice_publish(
        actor=w.city_org,
        scope=scope_for(w.city_org),
        level=campaign.levels.get(kind="school"),
        unit=w.schools[0],
        now=NOW,
    )
    objection = objection_lodge(notice=notice, candidate=cand, text="请核查", now=NOW)
    with pytest.raises(PermissionDenied):
        objection_assign(
            actor=w.school_orgs[1],
            scope=scope_for(w.school_orgs[1]),
            objection=objection,
            investigator=w.district_orgs[0],
            now=NOW,
        )
    with pytest.raises(HonoursError, match="不能与候选人同校"):
        objection_assign(
            actor=w.school_orgs[0],
            scope=scope_for(w.school_orgs[0]),
            objection=objection,
            investigator=w.school_orgs[0],
            now=NOW,
        )
    objection_assign(
        actor=w.school_orgs[0],
        scope=scope_for(w.school_orgs[0]),
        objection=objection,
        investigator=w.district_orgs[0],
        now=NOW,
    )
    objection.refresh_from_db()
    assert objection.investigator == w.district_orgs[0]
    assert cand.transitions.filter(action="investigate", actor=w.school_orgs[0]).exists()


def test_anomaly_detection_runs_as_a_task(voting_world):
    from honours.tasks import detect_vote_anomalies

    w, campaign, cands = voting_world
    add_votes(campaign, [{"candidate": cands[0], "voter_key": "u1", "cast_at": NOW, "account_age_s": 3}])
    result = detect_vote_anomalies.enqueue(campaign.pk)
    assert result.return_value == 1
    assert VoteFlag.objects.count() == 1


def test_big_screen_and_notice_pages_render_without_minors_extra_data(voting_world, client):
    w, campaign, cands = voting_world
    page = client.get(f"/honours/{campaign.pk}/screen/").content.decode()
    assert all(c.name in page for c in cands)
    assert "ws/honours" in page
    body = client.get(f"/honours/{campaign.pk}/").content.decode()
    assert w.students[w.classes[0].pk][0].username not in body


def test_showcase_shows_deeds_only_with_consent(voting_world, client):
    w, campaign, cands = voting_world
    now = timezone.now()
    campaign.vote_opens_at, campaign.vote_closes_at, campaign.panel_weight = (
        now - timedelta(days=9),
        now - timedelta(days=1),
        0,
    )
    campaign.save()
    cands[0].deeds, cands[0].showcase_consent = "公开的事迹甲", True
    cands[0].save()
    cands[1].deeds = "不公开的事迹乙"
    cands[1].save()
    for c, n in ((cands[0], 5), (cands[1], 4)):
        add_votes(
            campaign,
            [{"candidate": c, "voter_key": f"u{c.pk}{i}", "cast_at": now - timedelta(days=3)} for i in range(n)],
        )
    body = client.get(f"/honours/{campaign.pk}/").content.decode()
    assert "公开的事迹甲" in body and "不公开的事迹乙" not in body and cands[1].name in body
