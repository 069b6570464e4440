"""A question workbook whose sharedStrings.xml inflates to 300 MB: refused at upload from its zip
directory; one that lies about its sizes is refused by the worker before openpyxl opens it. Chinese
reasons, bounded memory, nothing written."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionbank.models import ImportJob, Question
from questionbank.services.importing import import_check
from tests.bombs import EXPANDED, MB, bomb
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def test_a_declared_bomb_is_refused_on_the_upload_form(client):
    client.force_login(Tree().teacher_a)
    response = client.post(reverse("questionbank:import"), {"file": SimpleUploadedFile("题目.xlsx", bomb("xlsx"))})
    assert "压缩炸弹" in response.content.decode()
    assert not ImportJob.objects.exists() and not Question.objects.exists()


def test_a_lying_bomb_is_refused_by_the_check_before_openpyxl_in_bounded_memory():
    teacher = Tree().teacher_a
    data = bomb("xlsx", lie=True)
    tracemalloc.start()
    try:
        report = import_check(data=data, fmt="xlsx", actor=teacher)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "损坏" in report.file_error
    assert peak < 16 * MB < EXPANDED
    assert not Question.objects.exists()


def test_the_background_job_reports_the_bomb_in_chinese(client, django_capture_on_commit_callbacks):
    client.force_login(Tree().teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("questionbank:import"), {"file": SimpleUploadedFile("题目.xlsx", bomb("xlsx", lie=True))}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    status = client.get(reverse("questionbank:import_job_status", args=[job.pk])).json()
    assert status["state"] == "failed" and "损坏" in status["message"]
    assert not Question.objects.exists()
