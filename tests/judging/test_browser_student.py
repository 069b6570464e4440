"""A student on a phone writes an essay, sees the live character count and the word-limit message,
then submits and sees the saved version."""

import pytest
from playwright.sync_api import expect

from judging.models import Entry
from tests.factories import DEFAULT_PASSWORD, Tree

from .factories import make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_submits_an_essay_on_a_phone(live_daphne, phone_page, transactional_db):
    tree = Tree()
    contest = make_contest(tree, open_now=True, title="我的家乡征文", min_chars=20, max_chars=500)
    page = phone_page
    page.goto(f"{live_daphne}/accounts/login/")
    page.get_by_label("用户名").fill("stu_a")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_daphne}/judging/")
    page.get_by_role("link", name="我的家乡征文").click()
    page.get_by_label("作品标题").fill("濠河边的家")
    page.get_by_label("正文").fill("我爱南通。")
    # the counter is a deferred script: wait for it rather than read the DOM at once
    expect(page.locator("#char-count")).to_have_text("4")
    page.locator("input[name=pledge]").check()
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_selector("text=正文 4 字，少于最少字数 20 字。")
    assert page.locator("input[name=pledge]").is_checked()  # what the student ticked survives the error
    assert not Entry.objects.filter(contest=contest).exists()
    page.get_by_label("正文").fill("我的家乡在南通，濠河像一条翡翠项链环绕着老城。" * 2)
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_selector("text=已提交（作品编号")
    assert page.locator("#entry-state").inner_text().startswith("已提交")
    assert page.get_by_role("button", name="保存并更新提交").count() == 1
    entry = Entry.objects.get(contest=contest)
    assert entry.code in page.content() and "第 1 版" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
