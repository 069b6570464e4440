"""Teachers nudge their own students with an in-app reminder."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from accounts.selectors import scope_for

from .. import errors
from ..models import Reading, Reminder


def reminders_send(
    *, actor: User, student_ids: list[int], reading: Reading | None, message: str, now: datetime | None = None
) -> int:
    """One reminder per student; every student must be in a class the sender teaches."""
    now = now or timezone.now()
    message = (message or "").strip()[:200] or _("别忘了本月的阅读哦！")
    scope = scope_for(actor)
    memberships = list(Membership.objects.select_related("org").filter(user_id__in=student_ids, role=Role.STUDENT))
    if not student_ids or len(memberships) != len(set(student_ids)):
        raise errors.NotAllowed(_("只能提醒自己班级的学生。"))
    if not all(scope.teaches(m.org) for m in memberships):
        raise errors.NotAllowed(_("只能提醒自己班级的学生。"))
    Reminder.objects.bulk_create(
        [
            Reminder(sender=actor, student_id=m.user_id, reading=reading, message=message, created_at=now)
            for m in memberships
        ]
    )
    return len(memberships)


def reminders_mark_seen(*, user: User, now: datetime | None = None) -> int:
    return Reminder.objects.filter(student=user, seen_at=None).update(seen_at=now or timezone.now())
