"""The panel's rubric of a campaign is judging's `Rubric` without a contest, with its `Criterion` rows
(`Campaign.panel_rubric`); checking, replacing and freezing criteria are judging's (judging.services.rubrics).
Here: what honours adds — unique criterion names, no rubric when the organiser leaves it empty, and the
freeze from the first panel score on (services.review.panel_score_save)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from judging.models import Rubric
from judging.services import JudgingError, criteria_clean, rubric_criteria_replace

from ..errors import HonoursError, RubricFrozen
from ..models import Campaign


def criteria_errors(criteria: list[dict]) -> list[str]:
    """Every problem of a rubric the organiser typed, in Chinese (empty = no panel scoring, fine)."""
    errors = []
    try:
        cleaned = criteria_clean(criteria)
    except JudgingError as exc:
        return [exc.message]
    names = [c["name"] for c in cleaned]
    for name in sorted({n for n in names if names.count(n) > 1}, key=names.index):
        errors.append(_("评审细则中“%(name)s”重复。") % {"name": name})
    return errors


def _rows(criteria) -> list[tuple]:
    return [(c["name"], c["description"], c["max_points"], c["weight"]) for c in criteria]


@transaction.atomic
def campaign_rubric_write(*, campaign: Campaign, criteria: list[dict]) -> Rubric | None:
    """Make the campaign's panel criteria these ([{"name", "description", "max_points", "weight"}]); an empty
    list removes the rubric. Criteria equal to the stored ones write nothing, so a campaign with a frozen rubric
    still saves; different ones are refused once frozen (RubricFrozen). The rubric row is locked, as
    panel_score_save locks it before freezing, so an edit and a first score never cross."""
    try:
        wanted = criteria_clean(criteria)
    except JudgingError as exc:
        raise HonoursError(exc.message, code=exc.code) from None
    rubric = Rubric.objects.select_for_update().filter(pk=campaign.panel_rubric_id).first()
    if rubric is None and not wanted:
        return None
    if rubric is not None:
        stored = rubric.criteria.values("name", "description", "max_points", "weight")
        if _rows(stored) == _rows(wanted):
            return rubric
        if rubric.is_frozen:
            raise RubricFrozen()
        if not wanted:
            campaign.panel_rubric = None
            campaign.save(update_fields=["panel_rubric"])
            rubric.delete()
            return None
    else:
        rubric = Rubric.objects.create(contest=None)
        campaign.panel_rubric = rubric
        campaign.save(update_fields=["panel_rubric"])
    return rubric_criteria_replace(rubric=rubric, criteria=wanted)
