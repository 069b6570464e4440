"""Background work (django-tasks).

- `finalize_attempt_at_deadline` is enqueued for every new attempt with run_after = its deadline, on
  backends that can defer (the database queue in production): attempts close on time even if the
  student never comes back and nobody runs a sweep.
- `finalize_expired_attempts` is the catch-up sweep (also `manage.py finalize_expired_attempts
  --loop 30`); finalisation also happens whenever an expired attempt is touched."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .models import Attempt, AttemptState, FinishReason
from .services import attempt_finalize, attempts_finalize_expired, contests_snapshot_enrolment


@task()
def finalize_expired_attempts() -> int:
    count = attempts_finalize_expired()
    contests_snapshot_enrolment()
    return count


@task()
def finalize_attempt_at_deadline(attempt_id: int) -> bool:
    attempt = Attempt.objects.filter(pk=attempt_id, state=AttemptState.ACTIVE).first()
    if attempt is None or timezone.now() < attempt.deadline:
        return False  # already finalised, or woken early (the sweep covers it)
    attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.TIMEOUT)
    return True


def schedule_deadline_finalisation(*, attempt: Attempt) -> bool:
    """Enqueue the deadline task if the configured backend can defer; the sweep covers the rest."""
    if not finalize_attempt_at_deadline.get_backend().supports_defer:
        return False
    finalize_attempt_at_deadline.using(run_after=attempt.deadline + timedelta(seconds=1)).enqueue(attempt_id=attempt.pk)
    return True
