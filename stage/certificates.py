"""Who a results-app certificate template for a stage event certifies (read by results.sources).
Performers with an account get a certificate on it; performers without one (五老 speakers of 老少同台,
guests) get one under their name, told apart by their performer record; a unit on stage gets one in the
unit's name."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import EventStatus, StageEvent
from .selectors import event_results


@dataclass(frozen=True)
class StageCertificate:
    user_id: int | None
    award_text: str
    score: Decimal | None
    rank: int | None
    performer_id: int | None = None
    name: str = ""
    org_id: int | None = None  # the performer's unit, when it is a node of the tree
    is_unit: bool = False  # the unit itself performs (a unit's award-winning entry): certified to the unit


def _is_unit(p) -> bool:
    """A performer without an account recorded under the name of their own unit is that unit (see
    services.setup.performers_from_awards; a name holds 50 characters, a unit 100)."""
    return p.user_id is None and p.unit_org_id is not None and bool(p.name) and p.name == p.unit[:50]


def certified_performers(event: StageEvent, *, awards_only: bool) -> list[StageCertificate] | None:
    """None until the event has finished; then award winners (with their tier) or every performer
    who spoke, with or without an account."""
    if event.status != EventStatus.FINISHED:
        return None
    out = []
    for cr in event_results(event, only="locked"):
        for row in cr.rows:
            p = row.performer
            who = {"performer_id": p.pk, "name": p.name, "org_id": p.unit_org_id, "is_unit": _is_unit(p)}
            if awards_only:
                if row.tier is None:
                    continue
                award = f"{cr.category.name} {row.tier_label}"
                out.append(StageCertificate(p.user_id, award, row.result.final, row.rank, **who))
            elif row.rank is not None:
                out.append(StageCertificate(p.user_id, f"{cr.category.name} 参赛", row.result.final, None, **who))
    return out
