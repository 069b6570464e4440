"""In the browser: rule rows are added as needed, the available count follows the row as it is edited,
and fixed-paper questions are picked by searching."""

import re

import pytest
from playwright.sync_api import expect

from questionbank.models import QuestionType
from tests.factories import DEFAULT_PASSWORD, Tree

from .factories import make_question, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_builds_rules_and_picks_fixed_questions(live_daphne, tablet_page, transactional_db):
    tree = Tree()
    topic = make_topic("法治")
    for _ in range(4):
        make_question(topic=topic, qtype=QuestionType.SINGLE)
    pick = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE)
    page = tablet_page
    page.goto(f"{live_daphne}/accounts/login/")
    page.get_by_label("用户名").fill(tree.city_organiser.username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_daphne}/contests/new/")

    assert page.locator("#rules-body .rule-row").count() == 1
    for _ in range(4):
        page.get_by_role("button", name="添加一条规则").click()
    assert page.locator("#rules-body .rule-row").count() == 5
    assert page.locator("input[name=rules-TOTAL_FORMS]").input_value() == "5"

    page.locator("input[name=grade_bands][value=primary_upper]").check()
    # the count asked when the topic is chosen (any type) is held back until the count for the type
    # chosen next has arrived: the older, slower answer must not overwrite the newer one
    held = []

    def hold_the_first(route):
        if "qtype=&" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/paper/available/"), hold_the_first)
    row = page.locator("#rules-body .rule-row").nth(4)
    row.locator("select[name=rules-4-topic]").select_option(str(topic.pk))
    row.locator("select[name=rules-4-qtype]").select_option("single")
    # locator expectations: the page's CSP forbids the eval a string predicate would need
    available = page.locator("#rules-body .available").nth(4)
    expect(available).to_have_text("4")
    assert len(held) == 1
    with page.expect_response(lambda response: response.request == held[0].request):
        held[0].continue_()
    page.evaluate("new Promise(done => setTimeout(done, 200))")  # the late answer's handler has run
    expect(available).to_have_text("4")
    row.locator("select[name=rules-4-qtype]").select_option("true_false")
    expect(available).to_have_text("1")

    page.locator("#picker-q").fill(pick.stem)
    page.get_by_role("button", name="搜索", exact=True).click()
    page.locator("#picker-results").get_by_role("button", name="添加").click()
    assert page.locator("[name=fixed_question_ids]").input_value() == str(pick.question_id)
    assert pick.stem in page.locator("#picked-questions").inner_text()
    page.locator("#picked-questions").get_by_role("button", name="移除").click()
    assert page.locator("[name=fixed_question_ids]").input_value() == ""
