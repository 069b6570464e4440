"""Background work (django-tasks), defined in competitions/services.py next to the services it runs and
re-exported here, the path the worker and already-queued rows name.

- `finalize_attempt_at_deadline` is enqueued for every new attempt with run_after = its deadline, on
  backends that can defer (the database queue in production): attempts close on time even if the
  student never comes back and nobody runs a sweep.
- `finalize_expired_attempts` is the catch-up sweep (also `manage.py finalize_expired_attempts
  --loop 30`); finalisation also happens whenever an expired attempt is touched."""

from .services import finalize_attempt_at_deadline, finalize_expired_attempts, schedule_deadline_finalisation

__all__ = ["finalize_attempt_at_deadline", "finalize_expired_attempts", "schedule_deadline_finalisation"]
