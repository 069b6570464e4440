"""Class results name who has not started or not handed in, with a reminder to copy; classes carry their school."""

import pytest
from django.test import Client

from competitions.models import ReviewPolicy, ScorePolicy
from competitions.services import attempt_finalize, attempt_start
from questionbank.models import QuestionType
from tests.factories import make_student

from .factories import make_contest, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree, topic):
    rev = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)
    return make_contest(
        owner_org=tree.city,
        fixed=[(rev, "100")],
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
        title="党的二十大精神知识竞赛",
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_teacher_sees_who_has_not_started_or_not_finished_and_a_reminder(tree, contest):
    started = make_student(tree.class_a, real_name="钱未交")
    done = make_student(tree.class_a, real_name="孙已交")
    attempt_start(user=started, contest_id=contest.pk)
    attempt, _created = attempt_start(user=done, contest_id=contest.pk)
    attempt_finalize(attempt_id=attempt.pk, reason="submitted")
    client = login(tree.teacher_a)
    results = client.get(f"/contests/{contest.pk}/results/?level=class").content.decode()
    assert "如东县实验小学 五（1）班" in results
    url = f"/contests/{contest.pk}/results/class/{tree.class_a.pk}/"
    assert url in results
    page = client.get(url).content.decode()
    not_started = page.split('id="not-started"')[1].split("</section>")[0]
    unfinished = page.split('id="unfinished"')[1].split("</section>")[0]
    assert "张小明" in not_started and "钱未交" not in not_started and "孙已交" not in not_started
    assert "钱未交" in unfinished and "张小明" not in unfinished
    assert "已完成 1 / 3 人" in page
    reminder = page.split('id="reminder-text"')[1].split("</textarea>")[0]
    assert "张小明、钱未交" in reminder and "党的二十大精神知识竞赛" in reminder and "孙已交" not in reminder


def test_roll_call_of_a_class_outside_the_teachers_scope_is_not_found(tree, contest):
    assert login(tree.teacher_b).get(f"/contests/{contest.pk}/results/class/{tree.class_a.pk}/").status_code == 404
    assert login(tree.organiser_a).get(f"/contests/{contest.pk}/results/class/{tree.class_a.pk}/").status_code == 200
