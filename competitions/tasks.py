"""Background work (django-tasks). Schedule `finalize_expired_attempts` every minute (cron or the
worker's scheduler) during contests; finalisation also happens whenever an expired attempt is touched."""

from django_tasks import task

from .services import attempts_finalize_expired


@task()
def finalize_expired_attempts() -> int:
    return attempts_finalize_expired()
