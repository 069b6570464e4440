"""Pages: blindness of everything a judge can fetch, permissions per role, organiser tools."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from judging import services
from judging.models import Assignment, ContestKind, Score, ScoreStatus
from tests.factories import make_judge

from .factories import World, make_contest
from .hostile_media import hostile_mp4
from .test_entries import make_docx, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World(schools=3, judges=3, k=2)
    w.open_and_assign()
    return w


def identities(world, entry):
    author = entry.author
    return [author.real_name, author.username, entry.school.name, entry.district.name]


def test_judge_pages_show_the_code_and_text_but_nothing_identifying(client, world):
    a = Assignment.objects.filter(round=world.round).select_related("entry__author", "entry__school").first()
    client.force_login(a.judge)
    pages = [
        client.get(reverse("judging:judge_queue")),
        client.get(reverse("judging:judge_score", args=[a.pk])),
        client.get(reverse("judging:index")),
        client.get(reverse("home")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for ident in identities(world, a.entry):
            assert ident not in html, ident
    score_page = pages[1].content.decode()
    assert a.entry.code in score_page and "青春献礼二十大" in score_page
    assert "立意（满分 30）" in score_page


def test_a_judge_cannot_open_an_entry_not_assigned_to_them(client, world):
    a = Assignment.objects.filter(round=world.round).first()
    other = make_judge(world.tree.city, username="stranger")
    client.force_login(other)
    assert client.get(reverse("judging:judge_score", args=[a.pk])).status_code == 404
    assert client.get(reverse("judging:judge_file", args=[a.pk])).status_code == 404
    resp = client.post(reverse("judging:judge_score", args=[a.pk]), {"action": "submit"})
    assert resp.status_code == 404
    assert not Score.objects.exists()


def test_students_and_teachers_cannot_reach_judge_or_organiser_pages(client, world):
    a = Assignment.objects.filter(round=world.round).first()
    for user in (world.students[0], world.tree.teacher_a):
        client.force_login(user)
        assert client.get(reverse("judging:judge_score", args=[a.pk])).status_code == 403
        assert client.get(reverse("judging:dashboard", args=[world.contest.pk])).status_code == 403
        assert client.get(reverse("judging:export_xlsx", args=[world.contest.pk])).status_code == 403


def test_an_organiser_of_another_district_cannot_manage_a_city_contest(client, world):
    client.force_login(world.tree.organiser_a)
    assert client.get(reverse("judging:dashboard", args=[world.contest.pk])).status_code == 403
    assert client.get(reverse("judging:round_detail", args=[world.round.pk])).status_code == 403
    resp = client.post(reverse("judging:round_action", args=[world.round.pk]), {"action": "close"})
    assert resp.status_code == 403


def test_judge_scores_through_the_page_and_errors_are_shown_in_chinese(client, world):
    a = Assignment.objects.filter(round=world.round).first()
    client.force_login(a.judge)
    criteria = world.criteria()
    url = reverse("judging:judge_score", args=[a.pk])
    bad = {f"c{c.pk}": "99" for c in criteria} | {"action": "submit"}
    resp = client.post(url, bad, follow=True)
    assert "「立意」的分数须在 0 到 30 之间" in resp.content.decode()
    assert not Score.objects.filter(assignment=a, status=ScoreStatus.SUBMITTED).exists()
    good = {f"c{c.pk}": "15" for c in criteria} | {"action": "submit", "comment": "不错"}
    # the final submit is irreversible: valid scores first get a confirmation step that re-posts them
    resp = client.post(url, good)
    html = resp.content.decode()
    assert "确认提交评分" in html and 'name="confirmed" value="1"' in html and 'value="不错"' in html
    assert not Score.objects.filter(assignment=a).exists()
    resp = client.post(url, good | {"confirmed": "1"})
    assert resp.status_code == 302
    assert Score.objects.get(assignment=a).status == ScoreStatus.SUBMITTED


def file_world(kind, filename, data):
    w = World(schools=0, judges=2, k=1)
    contest = make_contest(w.tree, open_now=True, kind=kind, code_prefix="DY", title="调研报告评审")
    services.rubric_set(actor=w.organiser, contest=contest, criteria=[{"name": "内容", "max_points": 100}])
    entry, _v = services.entry_save(
        contest=contest,
        student=w.tree.student_a,
        title="家乡调研",
        upload=SimpleUploadedFile(filename, data),
        pledge_accepted=True,
    )
    contest.closes_at = timezone.now()
    contest.save()
    rnd = services.round_create(actor=w.organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=w.organiser, rnd=rnd, judge_ids=[j.pk for j in w.judges])
    services.round_open(actor=w.organiser, rnd=rnd)
    services.round_assign_auto(actor=w.organiser, rnd=rnd)
    return w, entry, Assignment.objects.get(round=rnd)


def test_document_is_served_to_its_judge_as_a_neutral_attachment_without_metadata(client):
    w, entry, a = file_world(ContestKind.DOCUMENT, "张小明-如东县实验小学.docx", make_docx())
    client.force_login(a.judge)
    resp = client.get(reverse("judging:judge_file", args=[a.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Disposition"].startswith("attachment")
    assert f'filename="{entry.code}.docx"' in resp["Content-Disposition"]
    body = b"".join(resp.streaming_content)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as z:
        text = b"".join(z.read(n) for n in z.namelist()).decode()
    assert "张小明" not in text and "实验小学" not in text
    page = client.get(reverse("judging:judge_score", args=[a.pk])).content.decode()
    assert "张小明" not in page and "如东县实验小学" not in page and ".docx" in page


def test_pdf_served_to_judge_has_no_author_metadata(client):
    w, entry, a = file_world(ContestKind.DOCUMENT, "report.pdf", make_pdf())
    client.force_login(a.judge)
    resp = client.get(reverse("judging:judge_file", args=[a.pk]))
    body = b"".join(resp.streaming_content)
    assert resp["Content-Type"] == "application/pdf"
    assert "张小明".encode("utf-16-be") not in body and b"\\u5f20" not in body
    from pypdf import PdfReader

    assert "张小明" not in str(dict(PdfReader(io.BytesIO(body)).metadata or {}))


def test_video_is_served_inline_with_a_video_type(client):
    mp4 = hostile_mp4()[0]
    w, entry, a = file_world(ContestKind.VIDEO, "我的视频.mp4", mp4)
    client.force_login(a.judge)
    resp = client.get(reverse("judging:judge_file", args=[a.pk]))
    assert resp["Content-Type"] == "video/mp4"
    assert "attachment" not in resp.get("Content-Disposition", "")
    assert f"{entry.code}.mp4" in resp["Content-Disposition"]
    assert "<video" in client.get(reverse("judging:judge_score", args=[a.pk])).content.decode()
    assert resp["Accept-Ranges"] == "bytes"
    full = b"".join(resp.streaming_content)
    part = client.get(reverse("judging:judge_file", args=[a.pk]), HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 4-11/{len(full)}"
    assert b"".join(part.streaming_content) == full[4:12] == b"ftypisom"
    assert part["X-Content-Type-Options"] == "nosniff" and part["Content-Type"] == "video/mp4"
    tail = client.get(reverse("judging:judge_file", args=[a.pk]), HTTP_RANGE="bytes=-4")
    assert b"".join(tail.streaming_content) == full[-4:]
    bad = client.get(reverse("judging:judge_file", args=[a.pk]), HTTP_RANGE=f"bytes={len(full) + 5}-")
    assert bad.status_code == 416


def test_organiser_dashboard_shows_identities_progress_and_flags(client, world):
    client.force_login(world.organiser)
    html = client.get(reverse("judging:dashboard", args=[world.contest.pk])).content.decode()
    assert world.students[0].real_name in html and world.schools[0].name in html
    assert 'role="progressbar"' in html
    html = client.get(reverse("judging:round_detail", args=[world.round.pk])).content.decode()
    assert "评委完成情况" in html and "分配明细" in html


def test_organiser_exports_scores_with_identities_to_xlsx(client, world):
    a = Assignment.objects.filter(round=world.round).select_related("entry__author").first()
    world.score(a, [20, 20, 15, 15], comment='=HYPERLINK("x")')
    client.force_login(world.organiser)
    resp = client.get(reverse("judging:export_xlsx", args=[world.contest.pk]))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames[0] == "评分明细" and "奖项" in wb.sheetnames
    rows = list(wb["评分明细"].iter_rows(values_only=True))
    assert rows[0][:3] == ("轮次", "作品编号", "作者")
    scored = [r for r in rows[1:] if r[1] == a.entry.code and r[-3] == 70]
    assert scored and scored[0][2] == a.entry.author.real_name
    assert scored[0][-1].startswith("'=")  # formula injection neutralised


def test_round_actions_report_infeasible_assignment_in_chinese(client):
    w = World(schools=2, judges=1, k=2)
    client.force_login(w.organiser)
    url = reverse("judging:round_action", args=[w.round.pk])
    resp = client.post(url, {"action": "open"}, follow=True)
    assert "评委组只有 1 人" in resp.content.decode()
    assert w.refresh_round().status == "setup"
    assert not Assignment.objects.exists()


def test_student_submits_an_essay_and_autosave_answers_json(client):
    w = World(schools=0, judges=0)
    contest = make_contest(w.tree, open_now=True, title="新征文", min_chars=10)
    student = w.tree.student_a
    client.force_login(student)
    url = reverse("judging:entry_edit", args=[contest.pk])
    resp = client.post(url, {"title": "我的家乡", "body": "短", "pledge": "on"}, follow=True)
    assert "少于最少字数" in resp.content.decode()
    resp = client.post(url, {"title": "我的家乡", "body": "我爱我的家乡南通。" * 5, "pledge": "on"}, follow=True)
    assert "已提交（作品编号" in resp.content.decode()
    auto = client.post(
        reverse("judging:entry_autosave", args=[contest.pk]),
        data=json.dumps({"title": "草稿", "body": "修改中"}),
        content_type="application/json",
    )
    assert auto.status_code == 200 and auto.json()["code"] == "ok"
    bad = client.post(reverse("judging:entry_autosave", args=[contest.pk]), data="[", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


def test_autosave_after_the_deadline_is_a_json_error(client):
    w = World(schools=0, judges=0)
    client.force_login(w.tree.student_a)
    resp = client.post(
        reverse("judging:entry_autosave", args=[w.contest.pk]),
        data=json.dumps({"title": "x", "body": "y"}),
        content_type="application/json",
    )
    assert resp.status_code == 409
    assert resp.json() == {"code": "deadline_passed", "message": "提交截止时间已过，作品已锁定，不能再修改。"}


def test_rubric_page_is_read_only_once_judging_started(client, world):
    client.force_login(world.organiser)
    url = reverse("judging:rubric_edit", args=[world.contest.pk])
    html = client.get(url).content.decode()
    assert "已冻结" in html
    client.post(
        url, {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "新项", "form-0-max_points": "10"}
    )
    assert world.contest.rubric.criteria.count() == 4


def test_organiser_declares_a_conflict_and_is_told_which_assignments_clash(client, world):
    a = Assignment.objects.filter(round=world.round).select_related("entry").first()
    client.force_login(world.organiser)
    url = reverse("judging:round_action", args=[world.round.pk])
    resp = client.post(
        url, {"action": "conflict", "judge": a.judge_id, "entry_code": a.entry.code, "reason": "亲属"}, follow=True
    )
    html = resp.content.decode()
    assert "回避关系已记录" in html and f"需回避的作品：{a.entry.code}" in html
    resp = client.post(url, {"action": "conflict", "judge": a.judge_id, "entry_code": "ZW-9999"}, follow=True)
    assert "没有编号为 ZW-9999 的作品" in resp.content.decode()
    # a conflicted judge cannot be added back by hand either
    other = Assignment.objects.filter(entry=a.entry).exclude(pk=a.pk).first()
    other.delete()
    a_judge = a.judge_id
    a.delete()
    resp = client.post(url, {"action": "add", "entry_code": a.entry.code, "judge": a_judge}, follow=True)
    assert "已声明回避该作品" in resp.content.decode()
    assert not Assignment.objects.filter(entry=a.entry, judge_id=a_judge).exists()


def test_student_uploads_a_document_through_the_page_and_a_wrong_type_is_explained(client):
    w = World(schools=0, judges=0)
    contest = make_contest(w.tree, open_now=True, kind=ContestKind.DOCUMENT, code_prefix="DY")
    client.force_login(w.tree.student_a)
    url = reverse("judging:entry_edit", args=[contest.pk])
    bad = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    resp = client.post(url, {"title": "调研", "file": bad, "pledge": "on"}, follow=True)
    assert "文件类型不符合要求" in resp.content.decode()
    good = SimpleUploadedFile("我的调研.pdf", make_pdf())
    resp = client.post(url, {"title": "调研", "file": good, "pledge": "on"}, follow=True)
    html = resp.content.decode()
    assert "已提交（作品编号" in html and "我的调研.pdf" in html  # the author sees their own file name
    entry = contest.entries.get()
    own = client.get(reverse("judging:entry_file", args=[entry.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    client.force_login(w.tree.student_b)
    assert client.get(reverse("judging:entry_file", args=[entry.pk])).status_code == 403
