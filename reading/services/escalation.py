"""The 底线: a distress flag must reach someone who can act on it.

A flag starts at the lowest level of the chain school → district → city that has anyone to receive it
(an active counsellor or organiser held exactly at that node). A flag nobody has opened (still 待查看)
for `READING_FLAG_ESCALATE_HOURS` goes up to the next level that has someone; the lower levels keep
seeing it. `flags_escalate` runs every few minutes (`manage.py reading_escalate_flags`, a systemd
timer in deploy/); the clock is injected so tests never wait."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.events import send_on_commit

from .. import conf, selectors
from ..models import CaseNote, DistressFlag, FlagLevel, FlagState
from ..signals import distress_escalated

log = logging.getLogger(__name__)


def _first_level_with_handlers(chain, start: int) -> int | None:
    for level in range(start, len(chain)):
        if selectors.case_handlers(chain[level]).exists():
            return level
    return None


def initial_level(school) -> int:
    """Where a new flag of `school` starts: the school if it has a counsellor or organiser, else the
    district, else the city. With nobody anywhere it waits at the city level and is logged loudly."""
    chain = selectors.flag_chain(school)
    level = _first_level_with_handlers(chain, FlagLevel.SCHOOL)
    if level is None:
        log.error("distress flag for school %s: no counsellor or organiser at school, district or city", school.pk)
        return FlagLevel.CITY
    return level


def flags_escalate(*, now: datetime | None = None) -> int:
    """Move every flag still unopened after the configured time one level up (to the next level that
    has someone to receive it). Returns how many moved. Idempotent; safe to run concurrently."""
    now = now or timezone.now()
    hours = conf.get("READING_FLAG_ESCALATE_HOURS")
    due = DistressFlag.objects.filter(
        state=FlagState.NEW, level__lt=FlagLevel.CITY, level_since__lte=now - timedelta(hours=hours)
    ).values_list("pk", flat=True)
    moved = 0
    for flag_id in list(due):
        with transaction.atomic():
            flag = DistressFlag.objects.select_for_update().select_related("school").filter(pk=flag_id).first()
            if flag is None or flag.state != FlagState.NEW or flag.level_since > now - timedelta(hours=hours):
                continue  # opened or moved meanwhile
            chain = selectors.flag_chain(flag.school)
            level = _first_level_with_handlers(chain, flag.level + 1)
            if level is None:
                log.error("distress flag %s unopened and nobody above level %s to receive it", flag.pk, flag.level)
                continue
            flag.level, flag.level_since, flag.updated_at = level, now, now
            flag.save(update_fields=["level", "level_since", "updated_at"])
            CaseNote.objects.create(
                flag=flag,
                author=None,
                text=f"{hours} 小时内无人查看，已上报{FlagLevel(level).label}（{chain[level].name}）。",
                created_at=now,
            )
            send_on_commit(
                distress_escalated, sender=DistressFlag, flag_id=flag.pk, level=level, org_id=chain[level].pk
            )
            moved += 1
    return moved
