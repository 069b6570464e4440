"""An organiser recovers an essay round in the browser: the warning shows before judging starts, starting
is refused with the reason, the panel and the round's settings are fixed on the page, judging goes back
to setup, and a spare round is deleted after confirming in a dialog."""

import pytest

from judging import services
from judging.models import Assignment, Round
from tests.factories import DEFAULT_PASSWORD

from .factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_recovers_a_round_whose_panel_is_too_small(live_daphne, tablet_page, transactional_db):
    w = World(schools=3, judges=1, k=2)
    from tests.factories import make_judge

    second = make_judge(w.tree.city, username="judge_second", real_name="第二评委")
    spare = services.round_create(actor=w.organiser, contest=w.contest, name="备用轮次", judges_per_entry=1)
    page = tablet_page
    page.goto(f"{live_daphne}/accounts/login/")
    page.get_by_label("用户名").fill(w.organiser.username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{live_daphne}/judging/manage/round/{w.round.pk}/")
    problems = page.locator("#round-problems")
    assert "评委组只有 1 人" in problems.inner_text()
    page.get_by_role("button", name="开始评审（冻结评分细则）").click()
    assert "还不能开始评审" in page.locator(".messages").inner_text()
    assert w.refresh_round().status == "setup"

    # fix it: add a judge to the panel, then start and assign
    page.get_by_label("第二评委（judge_second）").check()
    page.get_by_role("button", name="保存评委组").click()
    assert page.locator("#round-problems").count() == 0
    page.get_by_role("button", name="开始评审（冻结评分细则）").click()
    page.get_by_role("button", name="自动分配评委").click()
    assert "已为 3 份作品自动分配评委" in page.locator(".messages").inner_text()
    assert Assignment.objects.filter(round=w.round, judge=second).count() == 3

    # a way back: return to setup and change the settings
    page.get_by_role("button", name="退回准备阶段").click()
    assert "已退回准备阶段" in page.locator(".messages").inner_text()
    assert not Assignment.objects.filter(round=w.round).exists()
    page.locator("#round-edit summary").click()
    page.locator("#id_edit-judges_per_entry").fill("1")
    page.get_by_role("button", name="保存设置").click()
    assert w.refresh_round().judges_per_entry == 1

    # the spare round is deleted after confirming in the dialog
    page.goto(f"{live_daphne}/judging/manage/round/{spare.pk}/")
    page.locator("#round-edit summary").click()
    page.get_by_role("button", name="删除本轮").click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="确定").click()
    page.wait_for_url(f"**/judging/manage/{w.contest.pk}/")
    assert "已删除该轮次" in page.locator(".messages").inner_text()
    assert not Round.objects.filter(pk=spare.pk).exists()
