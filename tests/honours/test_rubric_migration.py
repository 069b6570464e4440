"""The data migration turns every campaign's rubric JSON into judging's Rubric (no contest) with Criterion
rows, re-keys existing panel scores from criterion names to criterion ids, freezes a rubric that already has
scores, and goes back the other way."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from honours.models import Campaign, PanelScore
from honours.selectors import panel_criteria

from .factories import NOW, build_world, nominate, user

BEFORE = [("honours", "0004_campaign_panel_rubric")]
AFTER = [("honours", "0006_remove_campaign_rubric")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets is AFTER:  # through the conversion and on to the latest state, which later tests expect
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_json_rubrics_become_judging_criteria_and_scores_are_rekeyed():
    w = build_world()
    old = migrate(BEFORE)
    try:
        OldCampaign = old.get_model("honours", "Campaign")
        OldLevel = old.get_model("honours", "CampaignLevel")
        OldHonour = old.get_model("honours", "Honour")
        OldScore = old.get_model("honours", "PanelScore")
        common = {
            "year": 2026,
            "owner_org_id": w.city.pk,
            "grade_bands": ["primary_upper", "junior"],
            "created_by_id": w.city_org.pk,
            "vote_opens_at": NOW,
            "vote_closes_at": NOW + timedelta(days=7),
        }
        scored = OldCampaign.objects.create(
            title="有评分",
            rubric=[
                {"name": "思想品德", "max_points": 40, "weight": 2},
                {"name": "学业与特长", "max_points": 30.5},
            ],
            **common,
        )
        unscored = OldCampaign.objects.create(
            title="未评分", rubric=[{"name": "事迹", "max_points": 100, "weight": 0.5}], **common
        )
        plain = OldCampaign.objects.create(title="不打分", rubric=[], **common)
        for c in (scored, unscored, plain):
            OldLevel.objects.create(campaign=c, kind="school", order=0, quota_fixed=2)
            OldHonour.objects.create(campaign=c, name="三好标兵", places=1, order=0)
        cand = nominate(Campaign.objects.get(pk=scored.pk), w.students[w.classes[0].pk][0], actor=w.teachers[0])
        judges = [user(f"评委{i}", "judge", w.schools[2]) for i in range(2)]
        for i, judge in enumerate(judges):
            OldScore.objects.create(
                candidate_id=cand.pk,
                level_id=cand.level_id,
                judge_id=judge.pk,
                points={"思想品德": "30", "学业与特长": "20.5"},
                total=Decimal("80.50"),
                at=NOW + timedelta(hours=i),
            )
    finally:
        migrate(AFTER)

    scored, unscored, plain = (Campaign.objects.get(title=t) for t in ("有评分", "未评分", "不打分"))
    criteria = panel_criteria(scored)
    assert [(c.order, c.name, c.max_points, c.weight) for c in criteria] == [
        (1, "思想品德", Decimal("40.0"), Decimal("2.00")),
        (2, "学业与特长", Decimal("30.5"), Decimal("1.00")),
    ]
    assert scored.panel_rubric.contest is None and scored.panel_rubric.frozen_at == NOW  # the first score
    ids = {c.name: str(c.pk) for c in criteria}
    assert {s.judge_id: s.points for s in PanelScore.objects.all()} == {
        j.pk: {ids["思想品德"]: "30", ids["学业与特长"]: "20.5"} for j in judges
    }
    assert [(c.name, c.weight) for c in panel_criteria(unscored)] == [("事迹", Decimal("0.50"))]
    assert not unscored.panel_rubric.is_frozen
    assert plain.panel_rubric is None

    old = migrate(BEFORE)  # and back: the JSON and the name keys return, the contest-less rubrics go
    try:
        OldCampaign = old.get_model("honours", "Campaign")
        back = OldCampaign.objects.get(pk=scored.pk)
        assert back.rubric == [
            {"name": "思想品德", "max_points": 40, "weight": 2},
            {"name": "学业与特长", "max_points": 30.5, "weight": 1},
        ]
        assert back.panel_rubric_id is None
        assert old.get_model("honours", "PanelScore").objects.first().points == {"思想品德": "30", "学业与特长": "20.5"}
        assert not old.get_model("judging", "Rubric").objects.filter(contest__isnull=True).exists()
    finally:
        migrate(AFTER)
