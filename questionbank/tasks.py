"""Background steps of a question import (django-tasks). Arguments are the job id only; all state is on
the ImportJob row the page polls."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from .models import ImportJob, ImportJobState
from .services.jobs import import_job_check, import_job_run

logger = logging.getLogger(__name__)


def _guarded(step, job_id: str) -> None:
    try:
        step(job_id=job_id)
    except Exception:
        # never leave the page polling a job that will not move
        logger.exception("question import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJobState.FAILED, message=_("导入时发生内部错误，数据未写入。请稍后重试或联系管理员。")
        )
        raise


@task()
def check_import_job(job_id: str) -> None:
    _guarded(import_job_check, job_id)


@task()
def run_import_job(job_id: str) -> None:
    _guarded(import_job_run, job_id)
