"""Publishing 公示 from the management pages: the planned start date of a level's notice is enforced,
the final notice waits for the vote to close, and only the committee publishes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.selectors import scope_for
from honours.errors import HonoursError
from honours.models import Notice
from honours.services import review
from honours.services.notice import notice_publish

from .factories import NOW, build_world, make_campaign, nominate

pytestmark = pytest.mark.django_db


def _approved_at_school(w, campaign):
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    org = w.school_orgs[0]
    return review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW)


def test_a_level_notice_cannot_start_before_its_planned_date():
    w = build_world()
    campaign = make_campaign(w)
    _approved_at_school(w, campaign)
    level = campaign.levels.get(kind="school")
    level.notice_starts_on = date(2026, 11, 4)  # a Wednesday; NOW is Monday 2 Nov
    level.save()
    boss = w.city_org
    with pytest.raises(HonoursError) as err:
        notice_publish(actor=boss, scope=scope_for(boss), level=level, unit=w.schools[0], now=NOW + timedelta(days=1))
    assert err.value.code == "notice_before_planned_start" and "2026-11-04" in err.value.message
    assert not Notice.objects.exists()
    notice = notice_publish(
        actor=boss, scope=scope_for(boss), level=level, unit=w.schools[0], now=NOW + timedelta(days=2)
    )
    assert notice.starts_on == date(2026, 11, 4) and notice.ends_on == date(2026, 11, 10)


def test_the_final_notice_waits_for_the_vote_to_close():
    w = build_world()
    campaign = make_campaign(w)  # voting NOW .. NOW + 7 days
    city = campaign.levels.get(kind="city")
    boss = w.city_org
    with pytest.raises(HonoursError) as err:
        notice_publish(actor=boss, scope=scope_for(boss), level=city, now=NOW + timedelta(days=6), final=True)
    assert err.value.code == "voting_not_closed"
    notice = notice_publish(actor=boss, scope=scope_for(boss), level=city, now=NOW + timedelta(days=7), final=True)
    assert notice.final


def test_organisers_publish_their_units_notices_on_the_page_after_confirming(client):
    w = build_world()
    now = timezone.now()
    campaign = make_campaign(w, vote_opens_at=now - timedelta(days=9), vote_closes_at=now - timedelta(days=1))
    cand = _approved_at_school(w, campaign)
    school = campaign.levels.get(kind="school")
    city = campaign.levels.get(kind="city")
    url = f"/honours/{campaign.pk}/manage/notices/"
    other = {"level_id": school.pk, "unit_id": w.schools[0].pk, "confirmed": "1"}
    client.force_login(w.district_orgs[1])  # the other district: sees its own units only, publishes none here
    page = client.get(url).content.decode()
    assert w.schools[2].name in page and w.schools[0].name not in page and "发布终评公示" not in page
    assert client.post(url, other).status_code == 403
    assert client.post(url, {"level_id": city.pk, "final": "1", "confirmed": "1"}).status_code == 403
    client.force_login(w.students[w.classes[0].pk][0])
    assert client.get(url).status_code == 403
    client.force_login(w.city_org)
    assert "公示发布" in client.get(f"/honours/{campaign.pk}/manage/").content.decode()
    assert client.get(url).status_code == 200
    # without confirmation: a page asks first, nothing is published
    asked = client.post(url, {"level_id": school.pk, "unit_id": w.schools[0].pk, "working_days": "5"})
    assert asked.status_code == 200 and "确认发布" in asked.content.decode()
    assert not Notice.objects.exists()
    bad = client.post(url, {**other, "working_days": "0"}, follow=True)
    assert "公示期须为 1 到 30 个工作日" in bad.content.decode() and not Notice.objects.exists()
    done = client.post(url, {**other, "working_days": "3"}, follow=True)
    assert "公示已发布" in done.content.decode()
    notice = Notice.objects.get(level=school, unit=w.schools[0], final=False)
    assert list(notice.candidates.all()) == [cand]
    assert cand.name in client.get(f"/honours/{campaign.pk}/notice/school/").content.decode()
    client.post(url, {"level_id": city.pk, "final": "1", "working_days": "5", "confirmed": "1"})
    assert Notice.objects.filter(level=city, final=True).exists()
    assert client.get(f"/honours/{campaign.pk}/notice/final/").status_code == 200


def test_an_upheld_objection_frees_the_places_taken_since_at_higher_levels_too():
    from honours.models import Quota
    from honours.services.notice import objection_decide, objection_lodge

    w = build_world()
    campaign = make_campaign(w)
    cand = _approved_at_school(w, campaign)
    boss = w.city_org
    notice = notice_publish(
        actor=boss, scope=scope_for(boss), level=campaign.levels.get(kind="school"), unit=w.schools[0], now=NOW
    )
    review.candidate_approve(actor=boss, scope=scope_for(boss), candidate=cand, now=NOW)  # district → city
    assert Quota.objects.get(level__kind="district", unit=w.districts[0]).used == 1
    objection = objection_lodge(notice=notice, candidate=cand, text="材料不实", now=NOW)
    objection_decide(
        actor=boss, scope=scope_for(boss), objection=objection, upheld=True, findings="", reason="材料不实", now=NOW
    )
    assert Quota.objects.get(level__kind="school", unit=w.schools[0]).used == 0
    assert Quota.objects.get(level__kind="district", unit=w.districts[0]).used == 0
