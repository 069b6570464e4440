"""A knowledge final reserves the bank questions it copied (`question_reserve`) until the host reveals them
on stage: the bank's own secrecy (questionbank.secrecy) then withholds their keys everywhere — question
pages, exports, practice papers — like a formal contest's. Registered as a reservation source at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from questionbank.secrecy import Reservation, reservation_source

from .models import FinalQuestion


@reservation_source
def final_reservations(*, now: datetime, question_ids: set[int] | None = None) -> Iterable[Reservation]:
    rows = FinalQuestion.objects.filter(source_revision__isnull=False, revealed_at__isnull=True).select_related(
        "round__event__owner_org", "source_revision"
    )
    if question_ids is not None:
        rows = rows.filter(source_revision__question_id__in=question_ids)
    for fq in rows:
        event = fq.round.event
        yield Reservation(
            question_id=fq.source_revision.question_id,
            holder=f"stage.event:{event.pk}",
            title=event.title,
            until=None,  # until revealed on stage (computed on every call, so the reveal ends it)
            owner_org=event.owner_org,
        )
