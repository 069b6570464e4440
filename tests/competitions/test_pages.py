from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from competitions.models import Attempt, AttemptState, ReviewPolicy, ScorePolicy
from questionbank.models import QuestionType

from .factories import make_contest, make_question


@pytest.fixture
def contest(tree, topic):
    revs = [
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True, explanation="判断题解析"),
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["长江"]]),
    ]
    return make_contest(
        owner_org=tree.city,
        fixed=[(r, "50") for r in revs],
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_student_home_lists_open_contest_and_detail_documents_ranking(tree, contest):
    client = login(tree.student_a)
    home = client.get("/").content.decode()
    assert contest.title in home and contest.get_absolute_url() in home
    detail = client.get(contest.get_absolute_url()).content.decode()
    assert "得分高者在前" in detail and "用时少者在前" in detail and "先交卷者在前" in detail
    assert "开始答题" in detail


def test_plain_form_fallback_saves_and_submits_to_result_page(tree, contest):
    client = login(tree.student_a)
    response = client.post(f"/contests/{contest.pk}/start/")
    attempt = Attempt.objects.get(user=tree.student_a)
    assert response.url == f"/contests/attempts/{attempt.pk}/"
    page = client.get(response.url).content.decode()
    assert "答题卡" in page and "交卷" in page
    items = {i.revision.qtype: i for i in attempt.items.select_related("revision")}
    response = client.post(
        f"/contests/attempts/{attempt.pk}/submit/",
        {f"q{items['true_false'].revision_id}": "true", f"q{items['fill_blank'].revision_id}_0": "长江"},
    )
    assert response.url == f"/contests/attempts/{attempt.pk}/result/"
    result = client.get(response.url).content.decode()
    assert "100" in result and "判断题解析" in result
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINALISED and attempt.score == 100


def test_paper_page_of_expired_attempt_goes_to_result(tree, contest):
    client = login(tree.student_a)
    client.post(f"/contests/{contest.pk}/start/")
    attempt = Attempt.objects.get(user=tree.student_a)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/contests/attempts/{attempt.pk}/")
    assert response.status_code == 302 and response.url.endswith("/result/")


def test_another_students_attempt_page_is_404(tree, contest):
    login(tree.student_a).post(f"/contests/{contest.pk}/start/")
    attempt = Attempt.objects.get(user=tree.student_a)
    assert login(tree.student_b).get(f"/contests/attempts/{attempt.pk}/").status_code == 404


def test_results_pages_are_scoped(tree, contest):
    login(tree.student_a).post(f"/contests/{contest.pk}/start/")
    assert login(tree.organiser_b).get(f"/contests/{contest.pk}/analysis/").status_code == 404
    assert login(tree.city_organiser).get(f"/contests/{contest.pk}/analysis/").status_code == 200
    assert login(tree.student_a).get(f"/contests/{contest.pk}/results/").status_code == 403
    teacher_page = login(tree.teacher_b).get(f"/contests/{contest.pk}/results/").content.decode()
    assert "五（2）班" in teacher_page and "五（1）班" not in teacher_page
    export = login(tree.city_organiser).get(f"/contests/{contest.pk}/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    teacher_book = load_workbook(BytesIO(login(tree.teacher_b).get(f"/contests/{contest.pk}/export.xlsx").content))
    names = [row[0].value for row in teacher_book["按班级"].iter_rows(min_row=2)]
    assert names == ["海安市实验小学 五（2）班", "合计"]  # classes are named with their school
    assert teacher_book["试题分析"].max_row == 1


def test_organiser_creates_contest_in_region_and_publish_names_shortfall(tree, topic):
    client = login(tree.organiser_a)
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy")
    now = timezone.localtime()
    data = {
        "title": "如东县安全知识竞赛",
        "description": "",
        "kind": "formal",
        "owner_org": tree.district_a.pk,
        "grade_bands": ["primary_upper"],
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_min": 20,
        "attempts_allowed": 1,
        "counting": "best",
        "score_policy": "immediately",
        "review_policy": "after_close",
        "paper_mode": "rules",
        "shuffle_questions": "on",
        "shuffle_options": "on",
        "excellence_percent": 85,
        "freeze_minutes": 0,
        "fixed_question_ids": "",
        "fixed_points": "5",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-topic": topic.pk,
        "rules-0-qtype": "single",
        "rules-0-difficulty": "easy",
        "rules-0-count": "3",
        "rules-0-points": "10",
        "rules-0-order": "0",
    }
    response = client.post("/contests/new/", data)
    # the bank has 1 easy single-choice question; the rule asks for 3: refused, nothing written
    assert response.status_code == 200
    assert "还差 2 道" in response.content.decode()
    from competitions.models import Contest

    assert not Contest.objects.filter(title="如东县安全知识竞赛").exists()
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy")
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy")
    response = client.post("/contests/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contest = Contest.objects.get(title="如东县安全知识竞赛")
    assert contest.time_limit_s == 1200 and contest.rules.count() == 1 and contest.status == "draft"
    # publishing asks first (a confirmation step that works without JavaScript)
    asked = client.post(f"/contests/{contest.pk}/publish/").content.decode()
    assert "确认发布竞赛" in asked and 'name="confirmed" value="1"' in asked
    contest.refresh_from_db()
    assert contest.status == "draft"
    client.post(f"/contests/{contest.pk}/publish/", {"confirmed": "1"})
    contest.refresh_from_db()
    assert contest.status == "published"
    # another district's organiser cannot own a contest in 如东县 nor publish this one
    data["owner_org"] = tree.district_a.pk
    assert login(tree.organiser_b).post("/contests/new/", data).status_code == 200
    assert login(tree.organiser_b).post(f"/contests/{contest.pk}/publish/").status_code == 404


def test_teacher_finds_contests_of_their_classes_with_a_results_link(tree, contest):
    page = login(tree.teacher_a).get("/contests/").content.decode()
    assert contest.title in page and f"/contests/{contest.pk}/results/" in page
    other = login(tree.student_a).get("/contests/").content.decode()
    assert "班级成绩" not in other


def test_admin_lists_contests_and_attempts_for_superusers(tree, contest):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    login(tree.student_a).post(f"/contests/{contest.pk}/start/")
    client = login(admin)
    assert client.get("/admin/competitions/contest/").status_code == 200
    attempt = Attempt.objects.get(user=tree.student_a)
    assert client.get(f"/admin/competitions/attempt/{attempt.pk}/change/").status_code == 200


def test_published_contest_edit_changes_only_safe_fields_and_notifies(
    tree, contest, django_capture_on_commit_callbacks
):
    from competitions.signals import contest_changed

    seen = []

    def on_changed(sender, **kwargs):
        seen.append(kwargs["contest_id"])

    contest_changed.connect(on_changed)
    client = login(tree.city_organiser)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/contests/{contest.pk}/edit/",
                {
                    "title": "新标题",
                    "description": "",
                    "score_policy": "after_close",
                    "review_policy": "never",
                    "excellence_percent": 90,
                    "freeze_minutes": 15,
                    "time_limit_min": 1,
                    "paper_mode": "fixed",
                },
            )
    finally:
        contest_changed.disconnect(on_changed)
    assert response.status_code == 302
    contest.refresh_from_db()
    assert (contest.title, contest.freeze_minutes, contest.review_policy) == ("新标题", 15, "never")
    assert contest.time_limit_s == 1800  # not editable once published
    assert seen == [contest.pk]
    assert login(tree.organiser_b).get(f"/contests/{contest.pk}/edit/").status_code == 404


def test_paper_page_token_dies_when_the_student_logs_out(tree, contest):
    client = login(tree.student_a)
    response = client.post(f"/contests/{contest.pk}/start/")
    client.get(response.url)
    raw = client.session["contest_api_token"]
    api = Client()
    assert api.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post("/accounts/logout/")
    assert api.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_student_contest_page_shows_live_my_rank_box(tree, contest):
    client = login(tree.student_a)
    html = client.get(contest.get_absolute_url()).content.decode()
    assert "data-lb-my-rank" in html
    assert f"/ws/contests/{contest.pk}/leaderboard/?scope=individual" in html
    assert "我的排名" in html
