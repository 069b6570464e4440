"""Reviewers see the panel's trimmed mean at the candidate's level next to the rubric."""

from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.selectors import scope_for
from honours.selectors import panel_summary
from honours.services import review

from .factories import NOW, build_world, make_campaign, nominate, points_by_name, user

pytestmark = pytest.mark.django_db


def test_reviewer_sees_the_panels_trimmed_mean_at_the_level(client):
    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    for i, (a, b) in enumerate([(60, 40), (50, 30), (40, 30), (30, 20), (10, 0)]):
        judge = user(f"评委{i}", Role.JUDGE, w.schools[2])
        review.panel_score_save(
            judge=judge,
            scope=scope_for(judge),
            candidate=cand,
            points=points_by_name(cand.campaign, {"事迹": a, "材料": b}),
            now=NOW,
        )
    # totals 100, 80, 70, 50, 10: five scores, so the highest and lowest are dropped → (80+70+50)/3
    assert panel_summary(cand) == {"n": 5, "mean": Decimal("66.67")}
    client.force_login(w.school_orgs[0])
    page = client.get(f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/").content.decode()
    assert "已有 5 人评分" in page and "66.67" in page
    client.force_login(w.teachers[0])  # the school side is not the reviewing level
    assert "已有 5 人评分" not in client.get(f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/").content.decode()
