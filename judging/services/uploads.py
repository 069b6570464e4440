"""The task worker's half of a file upload: rebuild the raw upload into the file judges may fetch."""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from .. import files as file_checks
from ..models import KIND_FILE_TYPES, EntryVersion, FileStatus

logger = logging.getLogger(__name__)


def _fail(version: EntryVersion, message: str) -> None:
    EntryVersion.objects.filter(pk=version.pk, file_status=FileStatus.PROCESSING).update(
        file_status=FileStatus.FAILED, file_error=str(message)[:300], incoming=""
    )


def entry_file_expire(*, version: EntryVersion) -> None:
    """A version whose upload has been processing far too long (the worker died) is marked failed, so
    the student can save again."""
    name = version.incoming.name
    _fail(version, _("文件处理超时，请重新上传。"))
    transaction.on_commit(lambda: _delete(version, name))  # the caller's transaction may still roll back


def entry_file_process(*, version_id: int) -> str:
    """Rebuild the raw upload of a version (judging.files.check_and_clean) and make it visible to judges,
    or mark it failed with a Chinese reason the student sees. Idempotent: a version no longer
    processing is left alone. Returns the resulting status."""
    version = EntryVersion.objects.select_related("entry__contest").filter(pk=version_id).first()
    if version is None or version.file_status != FileStatus.PROCESSING:
        return version.file_status if version else "missing"
    contest = version.entry.contest
    incoming_name = version.incoming.name
    try:
        with version.incoming.open("rb") as raw:
            data = raw.read(contest.max_file_mb * 1024 * 1024 + 1)
        kind, cleaned = file_checks.check_and_clean(
            data=data,
            filename=version.original_filename,
            allowed=KIND_FILE_TYPES[contest.kind],
            max_bytes=contest.max_file_mb * 1024 * 1024,
        )
    except file_checks.FileRejected as exc:
        _fail(version, exc.message)
        _delete(version, incoming_name)
        return FileStatus.FAILED
    except Exception:
        # never leave the student looking at "processing" for a file that will not move
        logger.exception("rebuilding the upload of entry version %s failed", version_id)
        _fail(version, _("文件处理失败（服务器内部错误），请重新上传；如果仍然失败，请联系管理员。"))
        _delete(version, incoming_name)
        return FileStatus.FAILED
    del data
    stored = version.file.storage.save(f"judging/{contest.pk}/{uuid.uuid4().hex}.{kind}", ContentFile(cleaned))
    with transaction.atomic():
        done = EntryVersion.objects.filter(pk=version.pk, file_status=FileStatus.PROCESSING).update(
            file=stored,
            file_type=kind,
            file_size=len(cleaned),
            file_status=FileStatus.READY,
            file_error="",
            incoming="",
        )
    if not done:
        version.file.storage.delete(stored)
    _delete(version, incoming_name)
    return FileStatus.READY if done else FileStatus.FAILED


def _delete(version: EntryVersion, name: str) -> None:
    if name:
        try:
            version.incoming.storage.delete(name)
        except OSError:
            logger.warning("could not delete the raw upload %s", name)


def entry_files_rebuild(*, dry_run: bool = False) -> dict[str, int]:
    """Rebuild every stored work that judges can fetch with today's rebuilders (files stored before the
    allow-list carried identity). Versions sharing a file (saved again without a new upload) move
    together. Rebuilding again is harmless but re-encodes pictures, so run it once after upgrading."""
    storage = EntryVersion._meta.get_field("file").storage
    counts = {"rebuilt": 0, "unchanged": 0, "refused": 0}
    stored = (
        EntryVersion.objects.filter(file_status=FileStatus.READY)
        .exclude(file="")
        .values_list("file", "file_type")
        .distinct()
        .order_by("file")
    )
    for name, kind in stored:
        rebuild = file_checks.REBUILDERS.get(kind)
        if rebuild is None:
            continue
        with storage.open(name, "rb") as fh:
            data = fh.read()
        try:
            cleaned = rebuild(data)
        except file_checks.FileRejected:
            logger.warning("stored work %s cannot be rebuilt; left as it is", name)
            counts["refused"] += 1
            continue
        if cleaned == data:
            counts["unchanged"] += 1
            continue
        counts["rebuilt"] += 1
        if dry_run:
            continue
        folder = name.rsplit("/", 1)[0]
        new_name = storage.save(f"{folder}/{uuid.uuid4().hex}.{kind}", ContentFile(cleaned))
        EntryVersion.objects.filter(file=name).update(file=new_name, file_size=len(cleaned))
        storage.delete(name)
    return counts


@task()
def process_entry_file(version_id: int) -> str:
    """Rebuild an uploaded work from its content (judging.files) in the worker, not in a server process.
    Re-exported by judging.tasks, the path rows queued before this move name."""
    return entry_file_process(version_id=version_id)
