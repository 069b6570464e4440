"""A rubric may exist without a submission contest (another app's panel links to it): the same checks,
replacement, freeze and points rule apply, and contests' rubrics are untouched by it."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from judging.models import Rubric
from judging.services import JudgingError, points_parse, rubric_criteria_replace, rubric_freeze

from .factories import RUBRIC, World

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_rubric_without_a_contest_takes_criteria_freezes_and_checks_points():
    contest_world = World(schools=2, judges=2, k=1)
    rubric = Rubric.objects.create()
    assert rubric.contest is None and str(rubric) == f"评分细则 #{rubric.pk}"
    with pytest.raises(JudgingError, match="满分须在 0 到 1000 之间"):
        rubric_criteria_replace(rubric=rubric, criteria=[{"name": "事迹", "max_points": 0}])
    rubric_criteria_replace(
        rubric=rubric,
        criteria=[{"name": "事迹", "max_points": "60.04", "weight": 2}, {"name": "材料", "max_points": 40}],
    )
    criteria = list(rubric.criteria.all())
    assert [(c.order, c.name, c.max_points, c.weight) for c in criteria] == [
        (1, "事迹", Decimal("60.0"), Decimal("2.00")),
        (2, "材料", Decimal("40.0"), Decimal("1.00")),
    ]
    assert points_parse(criteria, {criteria[0].pk: "50", str(criteria[1].pk): 35}, complete=True) == {
        criteria[0].pk: Decimal("50.0"),
        criteria[1].pk: Decimal("35.0"),
    }
    rubric_freeze(rubric=rubric, now=NOW)
    rubric_freeze(rubric=rubric, now=datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert rubric.frozen_at == NOW  # the first freeze counts
    with pytest.raises(JudgingError) as exc:
        rubric_criteria_replace(rubric=rubric, criteria=[{"name": "事迹", "max_points": 100}])
    assert exc.value.code == "rubric_frozen" and rubric.criteria.count() == 2
    contest_rubric = contest_world.contest.rubric
    assert [c.name for c in contest_rubric.criteria.all()] == [c["name"] for c in RUBRIC]
    assert not contest_rubric.is_frozen
