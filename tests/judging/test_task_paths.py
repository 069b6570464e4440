"""Rows the database queue holds name their task by import path: a row queued before the upload task moved
next to its step (judging.services.uploads) still reaches it through judging.tasks."""

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from judging.services.uploads import process_entry_file


def _row(path: str) -> DBTaskResult:
    return DBTaskResult(
        task_path=path, backend_name="database", args_kwargs={"args": [], "kwargs": {}}, run_after=timezone.now()
    )


def test_a_row_queued_under_the_old_path_runs_the_same_upload_task():
    old, new = _row("judging.tasks.process_entry_file").task, _row(process_entry_file.module_path).task
    assert old.func is new.func is process_entry_file.func
    assert process_entry_file.module_path == "judging.services.uploads.process_entry_file"
