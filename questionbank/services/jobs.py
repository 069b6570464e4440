"""Import jobs: the teacher page's upload → check (background) → confirm → import (background) flow.
The request only stores the file and enqueues; the page polls ImportJob for progress."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from core.events import call_on_commit
from core.uploads import SPREADSHEET_LIMITS, UploadRejected, zip_open

from ..errors import ImportFileError, QuestionActionDenied, QuestionBankError
from ..importers.readers import detect_format
from ..models import ImportJob, ImportJobState, Topic
from .importing import ImportReport, import_check, import_write
from .questions import can_author, can_review

PREVIEW_OK_ROWS = 200
PREVIEW_ERROR_ROWS = 1000


def import_job_create(
    *,
    actor: User,
    upload: UploadedFile,
    fmt: str | None = None,
    default_topic: Topic | None = None,
    publish: bool = False,
) -> ImportJob:
    """Check what can be checked without reading the content (permission, size, type), store the file and
    enqueue the check. Raises ImportFileError / QuestionActionDenied with a Chinese message."""
    if not can_author(actor):
        raise QuestionActionDenied(_("只有教师、组织者或管理员可以导入题目。"))
    if publish and not can_review(actor):
        raise QuestionActionDenied(_("只有审核人可以在导入时直接发布。"))
    if upload.size == 0:
        raise ImportFileError(_("文件是空的。"))
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ImportFileError(
            _("文件过大（{size:.1f} MB），上限 {limit:.0f} MB，请拆分后再导入。").format(
                size=upload.size / 1048576, limit=limit / 1048576
            )
        )
    fmt = detect_format(upload.name, fmt or None)
    if fmt == "xlsx":
        _refuse_declared_zip_bomb(upload)
    job = ImportJob(
        created_by=actor,
        original_name=upload.name[:255],
        format=fmt,
        options={"default_topic_id": default_topic.pk if default_topic else None, "publish": publish},
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    job_id = str(job.pk)
    call_on_commit(lambda: _enqueue("check", job_id))
    return job


def _refuse_declared_zip_bomb(upload: UploadedFile) -> None:
    """What the workbook's zip directory declares is checked now (it costs nothing); the real sizes are
    checked by the worker before openpyxl opens the file (importers.readers.read_xlsx)."""
    try:
        zip_open(upload.file, SPREADSHEET_LIMITS).close()
    except UploadRejected as exc:
        if exc.code != "upload_zip_corrupt":  # a broken file gets the reader's own, more specific message
            raise ImportFileError(exc.message) from exc
    finally:
        upload.seek(0)


def import_job_confirm(*, actor: User, job: ImportJob, only_valid: bool = False) -> ImportJob:
    if job.created_by_id != actor.pk:
        raise QuestionActionDenied(_("只能确认自己上传的导入。"))
    updated = ImportJob.objects.filter(pk=job.pk, state=ImportJobState.VALIDATED).update(
        state=ImportJobState.IMPORTING, processed=0, options=job.options | {"only_valid": only_valid}
    )
    if not updated:
        raise QuestionActionDenied(_("该导入不在“检查完成”状态，不能确认（可能已经导入过）。"))
    job_id = str(job.pk)
    call_on_commit(lambda: _enqueue("run", job_id))
    job.refresh_from_db()
    return job


def _enqueue(step: str, job_id: str) -> None:
    (check_import_job if step == "check" else run_import_job).enqueue(job_id)


def _progress_callback(job: ImportJob):
    def progress(*, total: int | None = None, processed: int | None = None) -> None:
        fields = {}
        if total is not None:
            job.total = fields["total"] = total
        if processed is not None:
            job.processed = fields["processed"] = processed
            if processed > job.total:
                job.total = fields["total"] = processed
        ImportJob.objects.filter(pk=job.pk).update(**fields)

    return progress


def _check(job: ImportJob) -> ImportReport:
    topic_id = job.options.get("default_topic_id")
    default_topic = Topic.objects.filter(pk=topic_id).first() if topic_id else None
    with job.file.open("rb") as fh:
        data = fh.read()
    return import_check(
        data=data, fmt=job.format, actor=job.created_by, default_topic=default_topic, progress=_progress_callback(job)
    )


def _preview(report: ImportReport) -> list[dict]:
    errors = [r.as_dict() for r in report.rows if r.status == "error"][:PREVIEW_ERROR_ROWS]
    others = [r.as_dict() for r in report.rows if r.status != "error"][:PREVIEW_OK_ROWS]
    return sorted(errors + others, key=lambda r: r["n"])


def import_job_check(*, job_id: str) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.VALIDATING)
    report = _check(job)
    job.counts = report.counts
    job.rows = _preview(report)
    job.message = report.file_error
    job.processed = len(report.rows)
    job.state = ImportJobState.FAILED if report.file_error else ImportJobState.VALIDATED
    job.save()
    return job


def import_job_run(*, job_id: str) -> ImportJob:
    """Re-check (the bank may have changed since the preview), then write in one transaction."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    report = _check(job)
    only_valid = bool(job.options.get("only_valid"))
    job.counts = report.counts
    job.rows = _preview(report)
    try:
        result = import_write(
            report=report, actor=job.created_by, publish=bool(job.options.get("publish")), only_valid=only_valid
        )
    except QuestionBankError as exc:  # refused as a whole (file, permission, four eyes): say why
        job.state = ImportJobState.FAILED
        job.message = exc.message
    else:
        job.counts = job.counts | result
        job.state = ImportJobState.DONE
        job.message = ""
    job.processed = len(report.rows)
    job.save()
    return job


# --- background steps (django-tasks): arguments are the job id only; all state is on the ImportJob row
# the page polls. Defined here so this module never imports `tasks` back; questionbank/tasks.py re-exports
# them under the path the worker and already-queued rows name.

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
