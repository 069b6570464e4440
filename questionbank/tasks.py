"""Background steps of a question import (django-tasks), defined in services/jobs.py next to the steps
they run and re-exported here, the path the worker and already-queued rows name."""

from .services.jobs import check_import_job, run_import_job

__all__ = ["check_import_job", "run_import_job"]
