from django_tasks import task


@task()
def purge_expired_reading_data() -> dict:
    """Scheduled daily (cron or the db_worker): the same purge as `manage.py reading_purge`."""
    from .services import retention_purge

    return retention_purge()
