"""A judge scores an essay on a tablet: queue → entry beside the rubric → range check → submit."""

import pytest
from playwright.sync_api import expect

from judging.models import Assignment, Score, ScoreStatus
from tests.factories import DEFAULT_PASSWORD

from .factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_judge_scores_an_entry_on_a_tablet(live_daphne, tablet_page, transactional_db):
    world = World(schools=3, judges=3, k=2)
    world.open_and_assign()
    judge = world.judges[0]
    mine = list(Assignment.objects.filter(judge=judge).select_related("entry__author", "entry__school"))
    page = tablet_page
    _login(page, live_daphne, judge.username)
    page.goto(f"{live_daphne}/judging/queue/")
    assert f"已评 0 / 共 {len(mine)} 份" in page.content()
    first = sorted(mine, key=lambda a: a.entry.code)[0]
    page.get_by_role("link", name=first.entry.code).click()
    page.wait_for_selector("#score-form")

    # blind: the code and the essay, never the author or school
    html = page.content()
    assert first.entry.code in html and "青春献礼二十大" in html
    assert first.entry.author.real_name not in html and first.entry.school.name not in html

    # entry and rubric side by side on a 1024 px tablet, nothing overflowing sideways
    entry_box = page.locator(".entry-pane").bounding_box()
    rubric_box = page.locator(".rubric-pane").bounding_box()
    assert rubric_box["x"] >= entry_box["x"] + entry_box["width"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    # keyboard: type into the first criterion, tab through the rest
    page.get_by_label("立意（满分 30）").focus()
    page.keyboard.type("35")
    for value in ("26", "18", "17"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_role("alert").filter(has_text="「立意」的分数须在 0 到 30 之间")).to_be_visible()
    assert not Score.objects.filter(assignment=first).exists()

    page.get_by_label("立意（满分 30）").fill("27.5")
    expect(page.locator("#score-total")).to_have_text("88.5")
    page.get_by_label("评语（可选）").fill("立意深刻，结构清晰。")
    page.get_by_role("button", name="提交评分").click()
    # irreversible: a dialog asks first; cancelling keeps the form and stores nothing
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert "不能再修改" in dialog.inner_text()
    dialog.get_by_role("button", name="取消").click()
    assert not Score.objects.filter(assignment=first).exists()
    page.get_by_role("button", name="提交评分").click()
    dialog.get_by_role("button", name="确定").click()
    page.wait_for_selector("text=评分已提交")
    score = Score.objects.get(assignment=first)
    assert score.status == ScoreStatus.SUBMITTED and str(score.total) == "88.50"
    assert score.comment == "立意深刻，结构清晰。"
    # moved on to the next unscored entry, with progress updated
    assert f"已评 1 / 共 {len(mine)} 份" in page.content()
