"""PostgreSQL: organisers editing the panel's rubric while panel members send their first scores. Both lock
the rubric row, so every stored score is against the criteria that stand at the end, and once a score
exists the rubric is frozen and no edit went through after it."""

from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.selectors import scope_for
from honours.errors import HonoursError
from honours.models import PanelScore
from honours.selectors import panel_criteria
from honours.services.panel import campaign_rubric_write
from honours.services.review import panel_score_save
from judging.aggregation import weighted_total

from .factories import NOW, build_world, make_campaign, nominate, points_by_name, user
from .test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_first_scores_and_rubric_edits_never_cross():
    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    judges = [user(f"评委{i}", Role.JUDGE, w.schools[2]) for i in range(4)]

    def act(i):
        outcomes = []
        if i % 2:  # an organiser saving the rubric again and again
            for n in range(5):
                criteria = [{"name": "事迹", "max_points": 60 + i * 5 + n}, {"name": "材料", "max_points": 40}]
                try:
                    campaign_rubric_write(campaign=campaign, criteria=criteria)
                    outcomes.append("edited")
                except HonoursError as exc:
                    outcomes.append(exc.code)
            return outcomes
        judge = judges[i // 2]
        for _attempt in range(20):  # a panel member reloading the page until the score is taken
            points = points_by_name(campaign, {"事迹": 50, "材料": 30})  # read before the lock: may turn stale
            try:
                panel_score_save(judge=judge, scope=scope_for(judge), candidate=cand, points=points, now=NOW)
                return outcomes + ["scored"]
            except HonoursError as exc:
                outcomes.append(exc.code)
        return outcomes

    results = race(8, act)
    assert not any(isinstance(r, Exception) for r in results), results
    assert all(r[-1] == "scored" for r in results[::2]), results
    assert {code for r in results for code in r} <= {"edited", "scored", "rubric_frozen", "score_missing"}
    campaign.panel_rubric.refresh_from_db()
    criteria = panel_criteria(campaign)
    ids = {str(c.pk) for c in criteria}
    scores = list(PanelScore.objects.all())
    # frozen exactly when a score got in (a scorer whose criteria were replaced meanwhile is refused)
    assert campaign.panel_rubric.frozen_at == (NOW if scores else None)
    for score in scores:
        assert set(score.points) == ids
        expected = weighted_total(
            {int(k): Decimal(v) for k, v in score.points.items()}, {c.pk: c.weight for c in criteria}
        )
        assert score.total == expected
