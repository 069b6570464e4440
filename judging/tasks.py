"""Background work of the judging app (django-tasks). Arguments are ids only; state lives on the rows."""

from django_tasks import task

from .services.uploads import entry_file_process


@task()
def process_entry_file(version_id: int) -> str:
    """Rebuild an uploaded work from its content (judging.files) in the worker, not in a server process."""
    return entry_file_process(version_id=version_id)
