"""Students: home shows type, status, deadline and a done mark; a contest outside their audience says so."""

import pytest
from django.test import Client

from competitions.models import ContestKind, ReviewPolicy, ScorePolicy
from competitions.services import attempt_finalize, attempt_start
from questionbank.models import QuestionType

from .factories import make_contest, make_question

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rev(topic):
    return make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)


def test_home_lists_each_contest_with_type_status_deadline_and_done_mark(tree, rev):
    done = make_contest(owner_org=tree.city, fixed=[(rev, "100")], title="党的二十大精神知识竞赛",
                        score_policy=ScorePolicy.IMMEDIATELY, review_policy=ReviewPolicy.IMMEDIATELY)  # fmt: skip
    make_contest(owner_org=tree.city, fixed=[(rev, "100")], title="法学苑练习", kind=ContestKind.PRACTICE)
    attempt, _created = attempt_start(user=tree.student_a, contest_id=done.pk)
    attempt_finalize(attempt_id=attempt.pk, reason="submitted")
    html = login(tree.student_a).get("/").content.decode()
    done_item = html.split("党的二十大精神知识竞赛")[1].split("</li>")[0]
    todo_item = html.split("法学苑练习")[1].split("</li>")[0]
    assert "已完成" in done_item and "已完成" not in todo_item
    assert "正式竞赛" in done_item and "练习竞赛" in todo_item
    assert "进行中" in todo_item and "截止" in todo_item
    assert "如东县实验小学 五（1）班" in html
    assert "征文/作品" in html and "征文评审" not in html  # the student's menu


def test_student_outside_the_audience_is_told_why_not_a_bare_404(tree, rev):
    contest = make_contest(owner_org=tree.district_b, fixed=[(rev, "100")], title="海安市法治竞赛")
    response = login(tree.student_a).get(contest.get_absolute_url())
    assert response.status_code == 403
    assert "不在参赛范围" in response.content.decode()
    draft = make_contest(owner_org=tree.district_b, fixed=[(rev, "100")], publish=False)
    assert login(tree.student_a).get(draft.get_absolute_url()).status_code == 404  # drafts stay secret


def test_paper_bar_shows_answered_count_and_result_uses_one_score_format(tree, topic):
    from competitions.services import answer_save
    from competitions.templatetags.contest_format import score

    revs = [make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True) for _ in range(3)]
    contest = make_contest(owner_org=tree.city, fixed=[(r, "2.5") for r in revs],
                           score_policy=ScorePolicy.IMMEDIATELY, review_policy=ReviewPolicy.IMMEDIATELY)  # fmt: skip
    attempt, _created = attempt_start(user=tree.student_a, contest_id=contest.pk)
    first = attempt.items.order_by("position").first()
    answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=first.revision_id, answer=True)
    client = login(tree.student_a)
    page = client.get(f"/contests/attempts/{attempt.pk}/").content.decode()
    assert "已答 1/3" in page
    attempt_finalize(attempt_id=attempt.pk, reason="submitted")
    result = client.get(f"/contests/attempts/{attempt.pk}/result/").content.decode()
    assert "2.5 <small" in result and "/ 7.5 分" in result
    assert "得分 2.5 / 2.5" in result and "得分 0 / 2.5" in result
    assert [score(v) for v in ("100.00", "92.50", "7.25", 0)] == ["100", "92.5", "7.25", "0"]
