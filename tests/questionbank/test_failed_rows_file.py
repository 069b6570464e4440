"""A question import's failed rows come back as a file in the template's columns with the reasons; fixed and
uploaded again, they import."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionbank.models import ImportJob, Question
from tests.factories import Tree

from .factories import sheet_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch, django_capture_on_commit_callbacks):
    from django.test import Client

    original = Client.post

    def post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


def upload(client, data, name):
    return client.post(reverse("questionbank:import"), {"file": SimpleUploadedFile(name, data)})


def sheet(data: bytes) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(data))["题目"].iter_rows(values_only=True)]


def test_failed_rows_download_fix_and_reupload(client):
    tree = Tree()
    rows = sheet_rows()
    rows[1][6] = "Z"  # 多选 answer not an option
    rows[3][1] = "我国的国家机构实行民主集中制的原则。"  # 填空 without a blank
    client.force_login(tree.teacher_a)
    response = upload(client, xlsx_bytes(rows), "题目.xlsx")
    page = client.get(response.url).content.decode()
    job = ImportJob.objects.get()
    url = reverse("questionbank:import_job_failed_rows", args=[job.pk])
    assert url in page
    failed = sheet(client.get(url).content)
    assert failed[0][-1] == "错误原因" and len(failed) == 3
    assert failed[1][1] == rows[1][1] and "答案" in failed[1][-1] and "第 3 行" in failed[1][-1]
    assert "没有填空位置" in failed[2][-1]
    failed[1][10] = "AB"  # 答案 (after 选项A–H)
    failed[2][1] = "我国的国家机构实行（  ）的原则。"
    fixed = [[c if c is not None else "" for c in r[:-1]] for r in failed[1:]]
    response = upload(client, xlsx_bytes(fixed, header=failed[0][:-1]), "改好的.xlsx")
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.counts["error"] == 0 and again.counts["new"] == 2
    client.force_login(tree.teacher_b)
    assert client.get(url).status_code == 403  # someone else's import


def test_failed_rows_of_a_json_import_come_back_as_a_sheet(client):
    tree = Tree()
    payload = [{"qtype": "single", "stem": "我国的根本大法是（  ）。", "options": ["宪法", "刑法"], "answer": ["C"],
                "topic": "法治教育/宪法"}]  # fmt: skip
    client.force_login(tree.teacher_a)
    upload(client, json.dumps(payload, ensure_ascii=False).encode(), "题目.json")
    job = ImportJob.objects.get()
    failed = sheet(client.get(reverse("questionbank:import_job_failed_rows", args=[job.pk])).content)
    assert failed[1][:4] == ["single", "我国的根本大法是（  ）。", "宪法", "刑法"] and failed[1][10] == "C"
    assert not Question.objects.exists()
