"""Large imports run in the background: the upload returns at once with a queued job, a worker does the
check and the import, and the page's status endpoint reports progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from questionbank.models import ImportJob, Question
from questionbank.services.importing import import_check
from tests.factories import Tree

from .factories import sheet_rows, topic, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def many_rows(n):
    base = sheet_rows()
    rows = []
    for i in range(n):
        row = list(base[i % 4])
        row[1] = f"{row[1]}（第{i}题）"
        rows.append(row)
    return rows


def test_upload_returns_immediately_and_a_worker_checks_and_imports(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tree = Tree()
    topic("法治教育/宪法")  # transactional tests flush the migration-seeded topics
    client.force_login(tree.teacher_a)
    response = client.post(
        reverse("questionbank:import"), {"file": SimpleUploadedFile("大批题目.xlsx", xlsx_bytes(many_rows(600)))}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == "queued"
    status = client.get(reverse("questionbank:import_job_status", args=[job.pk])).json()
    assert status == status | {"state": "queued", "finished": False, "percent": 0}
    assert "正在后台处理" in client.get(response.url).content.decode()

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
    status = client.get(reverse("questionbank:import_job_status", args=[job.pk])).json()
    assert status["state"] == "validated" and status["finished"] and status["processed"] == 600
    assert status["counts"]["new"] == 600 and not Question.objects.exists()

    client.post(response.url)
    assert ImportJob.objects.get().state == "importing" and not Question.objects.exists()
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.state == "done" and Question.objects.count() == 600


def test_check_reports_progress_as_it_goes():
    tree = Tree()
    topic("法治教育/宪法")
    calls = []
    import_check(
        data=xlsx_bytes(many_rows(600)),
        fmt="xlsx",
        actor=tree.teacher_a,
        progress=lambda **kw: calls.append(kw),
    )
    assert calls[0] == {"total": 600}
    assert [c["processed"] for c in calls[1:]] == [250, 500, 600]
