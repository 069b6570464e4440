"""Shared by every stage write: the audit entry and the after-commit "changed" event."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from core.events import send_on_commit

from ..access import Actor
from ..models import AuditEntry, Performer, StageEvent
from ..signals import stage_changed


def audit(
    *, event: StageEvent, action: str, actor: Actor | None, now: datetime, performer: Performer | None = None, **data
) -> AuditEntry:
    return AuditEntry.objects.create(
        event=event,
        at=now,
        action=action,
        actor=getattr(actor, "user", None) if actor and actor.user_id else None,
        seat=actor.seat if actor else None,
        performer=performer,
        data=data,
    )


def changed(event: StageEvent) -> int:
    """Bump the event's version and tell its devices after commit. Caller is inside a transaction."""
    StageEvent.objects.filter(pk=event.pk).update(version=F("version") + 1)
    version = StageEvent.objects.values_list("version", flat=True).get(pk=event.pk)
    event.version = version
    send_on_commit(stage_changed, sender=StageEvent, event_id=event.pk, version=version)
    return version


def locked_event(event_id: int) -> StageEvent:
    from ..errors import NoSuchThing

    event = StageEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise NoSuchThing()
    return event
