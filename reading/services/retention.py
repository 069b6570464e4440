"""Data protection: reflections, flags, case notes, quiz answers and reminders are kept for a limited
time (settings.READING_RETENTION_DAYS, default one school year), then deleted. Progress counters stay
(they carry no text and feed the statistics)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .. import conf
from ..models import DistressFlag, QuizAttempt, Reflection, Reminder


@transaction.atomic
def retention_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    now = now or timezone.now()
    cutoff = now - timedelta(days=days if days is not None else conf.get("READING_RETENTION_DAYS"))
    # a flag lives as long as its last activity; its notes go with it (cascade)
    flags, _ = DistressFlag.objects.filter(updated_at__lt=cutoff).delete()
    reflections, _ = Reflection.objects.filter(updated_at__lt=cutoff).delete()
    attempts, _ = QuizAttempt.objects.filter(created_at__lt=cutoff).delete()
    reminders, _ = Reminder.objects.filter(created_at__lt=cutoff).delete()
    return {"flags": flags, "reflections": reflections, "quiz_attempts": attempts, "reminders": reminders}
