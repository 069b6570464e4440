"""A rubric's criteria, for any owner: a submission contest's rubric (services.judging.rubric_set) or a
rubric with no contest that another app links to (the honours campaign's panel). Checking criteria,
replacing them, freezing the rubric and checking a judge's points against it happen here only."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..models import Criterion, Rubric
from .errors import JudgingError

MAX_POINTS_STEP = Decimal("0.1")
WEIGHT_STEP = Decimal("0.01")


def criteria_clean(criteria: list[dict]) -> list[dict]:
    """[{"name", "description", "max_points", "weight"}] checked and normalised (name ≤ 50 characters,
    max points in (0, 1000] to 0.1, weight in [0, 100] to 0.01). Raises JudgingError on the first bad item."""
    cleaned = []
    for i, c in enumerate(criteria, start=1):
        name = (c.get("name") or "").strip()
        if not name:
            raise JudgingError("criterion_name", _("第 %(i)s 个评分项缺少名称。") % {"i": i})
        try:
            max_points = Decimal(str(c.get("max_points")))
            weight = Decimal(str(c.get("weight", "1") or "1"))
        except (InvalidOperation, ValueError):
            raise JudgingError("criterion_number", _("「%(n)s」的满分或权重不是数字。") % {"n": name}) from None
        if not max_points.is_finite() or max_points <= 0 or max_points > 1000:
            raise JudgingError("criterion_max", _("「%(n)s」的满分须在 0 到 1000 之间。") % {"n": name})
        if not weight.is_finite() or weight < 0 or weight > 100:
            raise JudgingError("criterion_weight", _("「%(n)s」的权重须在 0 到 100 之间。") % {"n": name})
        cleaned.append(
            {
                "name": name[:50],
                "description": (c.get("description") or "").strip(),
                "max_points": max_points.quantize(MAX_POINTS_STEP),
                "weight": weight.quantize(WEIGHT_STEP),
            }
        )
    return cleaned


def rubric_criteria_replace(*, rubric: Rubric, criteria: list[dict]) -> Rubric:
    """Replace every criterion of `rubric`. Precondition: the caller holds the rubric's row lock (select_for_update)
    and has already refused a frozen rubric with its own wording; refused here too, so that no caller can change
    the scale judges already scored against."""
    if rubric.is_frozen:
        raise JudgingError("rubric_frozen", _("评分细则已冻结，不能修改。"), 409)
    rows = [Criterion(rubric=rubric, order=i, **c) for i, c in enumerate(criteria_clean(criteria), start=1)]
    rubric.criteria.all().delete()
    Criterion.objects.bulk_create(rows)
    return rubric


def rubric_freeze(*, rubric: Rubric, now: datetime) -> Rubric:
    """From the first score on, the criteria no longer change. Precondition: the caller holds the row lock."""
    if not rubric.frozen_at:
        rubric.frozen_at = now
        rubric.save(update_fields=["frozen_at"])
    return rubric


def points_parse(criteria: list[Criterion], raw: dict, *, complete: bool) -> dict[int, Decimal]:
    """A judge's points keyed by criterion id (int or str keys accepted), each in [0, max points] with at most
    one decimal. `complete` requires every criterion."""
    parsed = {}
    for c in criteria:
        value = raw.get(c.pk, raw.get(str(c.pk)))
        if value is None or str(value).strip() == "":
            if complete:
                raise JudgingError("score_missing", _("请为「%(n)s」打分。") % {"n": c.name})
            continue
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            raise JudgingError("score_not_number", _("「%(n)s」的分数须为数字。") % {"n": c.name}) from None
        if not d.is_finite() or d < 0 or d > c.max_points:
            raise JudgingError(
                "score_out_of_range",
                _("「%(n)s」的分数须在 0 到 %(m)s 之间。") % {"n": c.name, "m": format(c.max_points.normalize(), "f")},
            )
        if d != d.quantize(Decimal("0.1")):
            raise JudgingError("score_precision", _("「%(n)s」的分数最多保留一位小数。") % {"n": c.name})
        parsed[c.pk] = d.quantize(Decimal("0.1"))
    return parsed
