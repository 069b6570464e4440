"""The organiser sets the panel's rubric on the campaign page; it stays editable until the first score."""

from datetime import timedelta

import pytest

from accounts.models import Role
from accounts.selectors import scope_for
from honours.models import Campaign
from honours.services import review

from .factories import NOW, build_world, nominate, user
from .test_campaign_pages import form_data

pytestmark = pytest.mark.django_db


def test_rubric_is_set_on_the_page_checked_and_frozen_by_the_first_score(client):
    w = build_world()
    client.force_login(w.city_org)
    bad = client.post("/honours/manage/new/", form_data(rubric="思想品德 40 1\n学业 abc"))
    assert bad.status_code == 400 and "第 2 行应为" in bad.content.decode() and not Campaign.objects.exists()
    dup = client.post("/honours/manage/new/", form_data(rubric="学业 40\n学业 30"))
    assert dup.status_code == 400 and "重复" in dup.content.decode()
    client.post("/honours/manage/new/", form_data(rubric="思想品德 40 2\n\n学业与特长 30.5"))
    campaign = Campaign.objects.get()
    assert campaign.rubric == [
        {"name": "思想品德", "max_points": 40, "weight": 2},
        {"name": "学业与特长", "max_points": 30.5, "weight": 1},
    ]
    edit = f"/honours/{campaign.pk}/manage/edit/"
    assert "思想品德 40 2" in client.get(edit).content.decode()
    # scores exist: the rubric can no longer change
    campaign.levels.filter(kind="school").update(nomination_opens_at=None, nomination_closes_at=None)
    campaign.nomination_closes_at = None
    campaign.draft = False
    campaign.save()
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0], now=NOW - timedelta(days=1))
    judge = user("评委", Role.JUDGE, w.schools[2])
    review.panel_score_save(
        judge=judge, scope=scope_for(judge), candidate=cand, points={"思想品德": 30, "学业与特长": 20}, now=NOW
    )
    client.post(edit, form_data(rubric="只有一项 100"))
    campaign.refresh_from_db()
    assert [c["name"] for c in campaign.rubric] == ["思想品德", "学业与特长"]
