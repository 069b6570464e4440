from django_tasks import task


@task()
def purge_expired_reading_data() -> dict:
    """The same purge as `manage.py reading_purge` (deploy/systemd runs that command daily)."""
    from .services import retention_purge

    return retention_purge()


@task()
def escalate_distress_flags() -> int:
    """The same as `manage.py reading_escalate_flags` (deploy/systemd runs it every 10 minutes)."""
    from .services import flags_escalate

    return flags_escalate()


@task()
def freeze_reading_enrolment() -> int:
    """The same as `manage.py reading_freeze_enrolment` (deploy/systemd runs it hourly)."""
    from .enrolment import enrolment_freeze_closed

    return enrolment_freeze_closed()
