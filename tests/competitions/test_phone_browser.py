"""A student on a phone takes a contest through to the result page: autosave, resume after reload,
countdown, answer sheet, confirmation before submit."""

import re

import pytest

from competitions.models import AttemptItem, ReviewPolicy, ScorePolicy
from questionbank.models import QuestionType
from tests.factories import DEFAULT_PASSWORD, Tree

from .factories import make_contest, make_question, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_takes_a_contest_on_a_phone_through_to_the_result(live_daphne, phone_page):
    page = phone_page
    tree = Tree()
    topic = make_topic()
    single = make_question(
        topic=topic,
        qtype=QuestionType.SINGLE,
        answer=["A"],
        options=[{"key": "A", "text": "用湿毛巾捂住口鼻"}, {"key": "B", "text": "乘坐电梯"}],
    )
    tf = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)
    fill = make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["119"]])
    contest = make_contest(
        owner_org=tree.city,
        fixed=[(single, "40"), (tf, "30"), (fill, "30")],
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
        title="消防安全知识竞赛",
    )

    page.goto(f"{live_daphne}/accounts/login/")
    page.get_by_label("用户名").fill("stu_a")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="消防安全知识竞赛").click()
    assert page.get_by_text("得分高者在前").is_visible()
    page.get_by_role("button", name="开始答题").click()

    page.wait_for_selector("#paper")
    assert re.fullmatch(r"\d\d:\d\d", page.locator("#countdown").inner_text())
    for label in ("用湿毛巾捂住口鼻", "正确"):
        with page.expect_response(lambda r: "/answers/" in r.url and r.request.method == "PUT") as saved:
            page.get_by_label(label).check()
        assert saved.value.status == 200
    page.locator("#save-state", has_text="已保存").wait_for()
    assert page.locator(".sheet a.answered").count() == 2

    item = AttemptItem.objects.get(attempt__contest=contest, revision=single)
    assert item.answer is not None  # durable before submit

    # resume after a reload: saved answers come back from the server
    page.reload()
    page.wait_for_selector("#paper")
    assert page.get_by_label("用湿毛巾捂住口鼻").is_checked()
    assert page.get_by_label("正确").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("第 1 空").fill("119")
    page.get_by_role("button", name="交卷").click()
    dialog = page.locator("#confirm-submit")
    dialog.wait_for()
    assert "全部题目已作答" in dialog.inner_text()
    page.get_by_role("button", name="确认交卷").click()

    page.wait_for_selector("#result")
    assert page.locator("#score").inner_text().startswith("100")
    assert "答案与解析" in page.content()


def test_answer_given_offline_is_kept_and_saved_when_the_network_returns(live_daphne, phone_page):
    page = phone_page
    tree = Tree()
    topic = make_topic()
    tf = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)
    contest = make_contest(owner_org=tree.city, fixed=[(tf, "10")], title="离线测试")
    page.goto(f"{live_daphne}/accounts/login/")
    page.get_by_label("用户名").fill("stu_a")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_daphne}{contest.get_absolute_url()}")
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_selector("#paper")

    page.context.set_offline(True)
    page.get_by_label("错误").check()
    page.locator("#save-state", has_text="网络中断").wait_for()
    attempt_id = page.locator("#paper").get_attribute("data-attempt")
    assert page.evaluate(f"localStorage.getItem('contest-pending-{attempt_id}')") == f'{{"{tf.pk}":false}}'
    assert AttemptItem.objects.get(attempt_id=attempt_id).answer is None

    with page.expect_response(lambda r: "/answers/" in r.url and r.status == 200, timeout=20000):
        page.context.set_offline(False)
    page.locator("#save-state", has_text="已保存").wait_for()
    assert AttemptItem.objects.get(attempt_id=attempt_id).answer is False
    assert page.evaluate(f"localStorage.getItem('contest-pending-{attempt_id}')") is None
