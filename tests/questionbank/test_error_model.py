"""Question-bank and roster errors are AppErrors with stable codes: a teacher sees the Chinese message, an
API client gets {"code", "message"} with a 4xx, and a real bug is never shown to a teacher as a reason."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from accounts.roster import RosterExpired, RosterFileError
from core.errors import AppError
from questionbank.errors import (
    ContentInvalid,
    ImportFileError,
    QuestionActionDenied,
    TopicInvalid,
    ValueUnrecognised,
)
from questionbank.models import Topic
from questionbank.services import importing
from questionbank.services.importing import import_check
from quizsite.api import api
from tests.factories import Tree

from .factories import csv_bytes, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (ImportFileError("文件是空的。"), "import_file_invalid", 400),
        (ContentInvalid({"stem": "题干不能为空。"}), "content_invalid", 400),
        (ValueUnrecognised("无法识别的难度“超难”，应为 易/中/难。"), "value_unrecognised", 400),
        (TopicInvalid("“宪法”已存在。"), "topic_invalid", 400),
        (QuestionActionDenied("您没有审核题目的权限。"), "question_action_denied", 403),
        (RosterFileError("文件是空的，请填写学生名单后再上传。"), "roster_file_invalid", 400),
        (RosterExpired(), "roster_expired", 404),
    ],
)
def test_api_client_gets_code_and_chinese_message_with_a_4xx(error, code, status):
    assert isinstance(error, AppError) and not isinstance(error, (ValueError, PermissionError))
    response = api.on_exception(RequestFactory().get("/api/v1/anything"), error)
    assert response.status_code == status
    assert json.loads(response.content) == {"code": code, "message": error.message}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)


def test_teacher_sees_the_chinese_reason_when_a_topic_already_exists(client, tree):
    parent = Topic.objects.get(name="禁毒与安全")
    client.force_login(tree.city_organiser)
    data = {"name": "网络安全", "parent": parent.pk, "order": 0}
    assert client.post(reverse("questionbank:topics"), data).status_code == 302
    page = client.post(reverse("questionbank:topics"), data).content.decode()
    assert "“网络安全”已存在。" in page


def test_teacher_sees_the_chinese_reason_for_a_file_of_the_wrong_type(client, tree):
    client.force_login(tree.teacher_a)
    upload = SimpleUploadedFile("题库.doc", b"not a bank", content_type="application/msword")
    page = client.post(reverse("questionbank:import"), {"file": upload}).content.decode()
    assert "不支持的文件类型" in page


def test_a_bug_in_a_parser_is_not_shown_to_the_teacher_as_a_row_reason(tree, monkeypatch):
    """An `except ValueError` used to turn any ValueError, bugs included, into a teacher-facing reason."""

    def broken(value):
        raise ValueError("internal detail: list index 7")

    monkeypatch.setattr(importing, "parse_qtype", broken)
    report = import_check(data=csv_bytes(sheet_rows()), fmt="csv", actor=tree.teacher_a)
    assert "internal detail" not in " ".join(report.error_lines())
    assert report.file_error == "文件内容无法解析，请检查文件格式是否正确（可下载模板对照）。"


def test_a_real_reason_is_still_reported_per_row(tree):
    rows = sheet_rows()
    rows[0][9] = "超难"
    report = import_check(data=csv_bytes(rows), fmt="csv", actor=tree.teacher_a)
    assert report.error_lines() == ["第 2 行【难度】：无法识别的难度“超难”，应为 易/中/难。"]
