"""Who a results-app certificate template for a stage event certifies (read by results.sources).
Performers without an account cannot hold a certificate (results.Certificate.holder is a user); the
manage page lists them so the organiser links an account or prints by hand."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import EventStatus, StageEvent
from .selectors import event_results


@dataclass(frozen=True)
class StageCertificate:
    user_id: int
    award_text: str
    score: Decimal | None
    rank: int | None


def certified_performers(event: StageEvent, *, awards_only: bool) -> list[StageCertificate] | None:
    """None until the event has finished; then award winners (with their tier) or every performer
    who spoke and has an account."""
    if event.status != EventStatus.FINISHED:
        return None
    out = []
    for cr in event_results(event, only="locked"):
        for row in cr.rows:
            if row.performer.user_id is None:
                continue
            if awards_only:
                if row.tier is None:
                    continue
                out.append(
                    StageCertificate(
                        row.performer.user_id, f"{cr.category.name} {row.tier_label}", row.result.final, row.rank
                    )
                )
            elif row.rank is not None:
                out.append(StageCertificate(row.performer.user_id, f"{cr.category.name} 参赛", row.result.final, None))
    return out


def uncertifiable(event: StageEvent) -> list[str]:
    return list(event.performers.filter(user__isnull=True).values_list("name", flat=True))
