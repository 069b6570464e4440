"""Teacher pages: search, create with preview, review, topics, import with preview/confirm, export."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from questionbank.models import ImportJob, Question, QuestionStatus, Topic
from tests.factories import Tree

from .factories import csv_bytes, make_question, make_reviewer, sheet_rows, topic, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch, django_capture_on_commit_callbacks):
    """Import tasks are enqueued after commit; run them when each request's transaction would commit."""
    from django.test import Client

    original = Client.post

    def post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


@pytest.fixture
def reviewer(tree):
    return make_reviewer(tree.school_a, username="rev")


def login(client, user):
    client.force_login(user)
    return client


def form_data(**overrides):
    data = {
        "topic": topic("法治教育/宪法").pk,
        "qtype": "single",
        "stem": "宪法规定，中华人民共和国的一切权力属于（  ）。",
        "option_A": "人民",
        "option_B": "政府",
        "option_C": "军队",
        "answer": "A",
        "explanation": "宪法第二条第一款：中华人民共和国的一切权力属于人民。",
        "difficulty": "easy",
        "grade_bands": ["primary_upper", "junior"],
        "source": "《中华人民共和国宪法》第二条",
        "tags": "宪法、权力",
    }
    data.update(overrides)
    return data


def test_students_cannot_open_the_bank(client, tree):
    login(client, tree.student_a)
    assert client.get(reverse("questionbank:list")).status_code == 403
    assert client.get(reverse("questionbank:import")).status_code == 403


def test_teacher_previews_then_saves_a_draft(client, tree):
    login(client, tree.teacher_a)
    response = client.post(reverse("questionbank:new"), form_data(preview="1"))
    assert response.status_code == 200 and "学生看到的样子" in response.content.decode()
    assert not Question.objects.exists()
    response = client.post(reverse("questionbank:new"), form_data(save="1"))
    question = Question.objects.get()
    assert response.url == reverse("questionbank:detail", args=[question.pk])
    assert question.status == QuestionStatus.DRAFT and question.author == tree.teacher_a
    assert question.tags == ["宪法", "权力"] and question.grade_bands == ["primary_upper", "junior"]


def test_form_shows_chinese_errors_and_saves_nothing(client, tree):
    login(client, tree.teacher_a)
    response = client.post(reverse("questionbank:new"), form_data(save="1", answer="D", option_C=""))
    body = response.content.decode()
    assert response.status_code == 200 and "不是已有选项" in body
    assert not Question.objects.exists()


def test_search_filters_by_text_type_status_and_band(client, tree, reviewer):
    make_question(tree.teacher_a, stem="关于宪法日的题")
    make_question(tree.teacher_a, stem="关于情绪的题", topic_path="心理健康", qtype="true_false", options=[],
                  answer="对", grade_bands=["senior"])  # fmt: skip
    login(client, tree.teacher_a)
    body = client.get(reverse("questionbank:list"), {"q": "情绪"}).content.decode()
    assert "关于情绪的题" in body and "关于宪法日的题" not in body
    body = client.get(reverse("questionbank:list"), {"grade_band": "junior"}).content.decode()
    assert "关于宪法日的题" in body and "关于情绪的题" not in body
    body = client.get(reverse("questionbank:list"), {"topic": topic("法治教育").pk}).content.decode()
    assert "关于宪法日的题" in body and "关于情绪的题" not in body


def test_other_teachers_do_not_see_my_drafts(client, tree):
    q = make_question(tree.teacher_a, stem="我的草稿")
    login(client, tree.teacher_b)
    assert "我的草稿" not in client.get(reverse("questionbank:list")).content.decode()
    assert client.get(reverse("questionbank:detail", args=[q.pk])).status_code == 404


def test_submit_approve_and_return_through_the_pages(client, tree, reviewer):
    q = make_question(tree.teacher_a)
    login(client, tree.teacher_a)
    client.post(reverse("questionbank:action", args=[q.pk, "submit"]))
    q.refresh_from_db()
    assert q.status == QuestionStatus.PENDING
    response = client.post(reverse("questionbank:action", args=[q.pk, "approve"]), follow=True)
    assert "没有审核题目的权限" in response.content.decode()
    login(client, reviewer)
    assert "我国的根本大法" in client.get(reverse("questionbank:review_queue")).content.decode()
    client.post(reverse("questionbank:action", args=[q.pk, "return"]), {"comment": "请补充出处"})
    q.refresh_from_db()
    assert q.status == QuestionStatus.DRAFT and q.review_comment == "请补充出处"
    login(client, tree.teacher_a)
    client.post(reverse("questionbank:action", args=[q.pk, "submit"]))
    login(client, reviewer)
    client.post(reverse("questionbank:action", args=[q.pk, "approve"]))
    q.refresh_from_db()
    assert q.status == QuestionStatus.PUBLISHED and q.current_revision is not None


def test_review_queue_is_for_reviewers_only(client, tree):
    login(client, tree.teacher_a)
    assert client.get(reverse("questionbank:review_queue")).status_code == 403


def test_reviewer_edit_of_published_question_makes_revision_two(client, tree, reviewer):
    q = make_question(tree.teacher_a, status="published", reviewer=reviewer)
    login(client, tree.teacher_a)
    response = client.get(reverse("questionbank:edit", args=[q.pk]), follow=True)
    assert "只能修改自己的草稿" in response.content.decode()
    login(client, reviewer)
    data = form_data(save="1", stem=q.stem, option_A="宪法", option_B="刑法", option_C="民法典", answer="A",
                     explanation="宪法是国家的根本法，具有最高法律效力。")  # fmt: skip
    client.post(reverse("questionbank:edit", args=[q.pk]), data)
    q.refresh_from_db()
    assert q.current_revision.number == 2
    assert q.revisions.get(number=1).explanation == "宪法是国家的根本法。"


def test_only_organisers_add_topics_in_the_page(client, tree):
    login(client, tree.teacher_a)
    assert client.post(reverse("questionbank:topics"), {"name": "网络安全"}).status_code == 403
    login(client, tree.organiser_a)
    client.post(reverse("questionbank:topics"), {"name": "网络安全", "parent": topic("禁毒与安全").pk})
    assert Topic.objects.filter(name="网络安全", parent__name="禁毒与安全").exists()


def upload(client, data, name, **extra):
    return client.post(reverse("questionbank:import"), {"file": SimpleUploadedFile(name, data), **extra})


def test_import_page_upload_preview_confirm(client, tree):
    login(client, tree.teacher_a)
    response = upload(client, xlsx_bytes(sheet_rows()), "题目.xlsx")
    job = ImportJob.objects.get()
    assert response.url == reverse("questionbank:import_job", args=[job.pk])
    assert job.state == "validated" and job.counts["new"] == 4
    assert not Question.objects.exists()  # nothing written before confirmation
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "第 2 行" in page
    status = client.get(reverse("questionbank:import_job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["finished"] is True
    client.post(response.url)
    job.refresh_from_db()
    assert job.state == "done" and job.counts["written"] == 4
    assert Question.objects.filter(author=tree.teacher_a, status="draft").count() == 4
    # a second confirmation does nothing
    client.post(response.url)
    assert Question.objects.count() == 4


def test_import_page_lists_row_errors_and_can_import_only_valid_rows(client, tree):
    rows = sheet_rows()
    rows[1][6] = "Z"
    login(client, tree.teacher_a)
    response = upload(client, csv_bytes(rows, encoding="gbk"), "题目.csv")
    page = client.get(response.url).content.decode()
    assert "第 3 行" in page and "【答案】" in page and "只导入无误的行" in page
    client.post(response.url, {"mode": "only_valid"})
    assert Question.objects.count() == 3


def test_confirming_without_only_valid_writes_nothing_when_rows_are_bad(client, tree):
    rows = sheet_rows()
    rows[1][6] = "Z"
    login(client, tree.teacher_a)
    response = upload(client, xlsx_bytes(rows), "题目.xlsx")
    client.post(response.url)
    job = ImportJob.objects.get()
    assert job.state == "failed" and "未导入任何题目" in job.message
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"hello", "题目.docx", "不支持的文件类型"),
        (b"", "题目.xlsx", "空"),
        (b"x" * 2048, "题目.xlsx", "文件过大"),
    ],
)
def test_bad_uploads_are_refused_on_the_form(client, tree, settings, data, name, message):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    login(client, tree.teacher_a)
    response = upload(client, data, name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists() and not Question.objects.exists()


def test_broken_workbook_fails_the_job_with_a_message_not_a_500(client, tree):
    login(client, tree.teacher_a)
    response = upload(client, b"PK\x03\x04garbage", "题目.xlsx")
    page = client.get(response.url).content.decode()
    assert "损坏" in page and not Question.objects.exists()


def test_someone_elses_import_job_is_forbidden(client, tree):
    login(client, tree.teacher_a)
    response = upload(client, xlsx_bytes(sheet_rows()), "题目.xlsx")
    login(client, tree.teacher_b)
    assert client.get(response.url).status_code == 403
    assert client.post(response.url).status_code == 403
    assert not Question.objects.exists()


def test_export_of_a_filtered_set(client, tree, reviewer):
    make_question(tree.teacher_a, stem="法治题")
    make_question(tree.teacher_a, stem="心理题", topic_path="心理健康")
    login(client, reviewer)
    response = client.get(reverse("questionbank:export", args=["xlsx"]), {"topic": topic("心理健康").pk})
    ws = load_workbook(io.BytesIO(response.content))["题目"]
    stems = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert stems == ["心理题"]
    data = json.loads(client.get(reverse("questionbank:export", args=["json"]), {"q": "法治"}).content)
    assert [q["stem"] for q in data["questions"]] == ["法治题"]
    assert client.get(reverse("questionbank:template")).status_code == 200
