"""A 校外教育辅导站's volunteer on a phone submits the station's report as a unit entry, a colleague revises
it, and the judge later sees the entry code and the text — never the station, the submitters or the
district."""

import pytest
from django.utils import timezone

from judging import services
from judging.models import Assignment, Entry
from tests.factories import DEFAULT_PASSWORD, make_judge

from .units import UnitWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_station_staff_submit_a_unit_entry_and_the_judge_sees_only_the_code(live_daphne, chromium_browser):
    w = UnitWorld()
    contest = w.unit_contest(title="辅导站实践创新调研报告", min_chars=10)
    phone = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}

    staff = chromium_browser.new_context(**phone).new_page()
    _login(staff, live_daphne, w.staff_1.username)
    staff.goto(f"{live_daphne}/judging/")
    staff.get_by_role("link", name="辅导站实践创新调研报告").click()
    assert "掘港街道校外教育辅导站" in staff.locator("#entry-unit").inner_text()
    staff.get_by_label("作品标题").fill("四点半课堂的实践与思考")
    staff.get_by_label("正文").fill("辅导站依托五老队伍开展课后服务，三年来累计服务学生两千余人次。")
    staff.locator("input[name=pledge]").check()
    staff.get_by_role("button", name="保存并提交").click()
    staff.wait_for_selector("text=已提交（作品编号")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    staff.context.close()

    colleague = chromium_browser.new_context(**phone).new_page()
    _login(colleague, live_daphne, w.staff_2.username)
    colleague.goto(f"{live_daphne}/judging/c/{contest.pk}/entry/")
    assert colleague.get_by_label("作品标题").input_value() == "四点半课堂的实践与思考"
    colleague.get_by_label("作品标题").fill("四点半课堂的实践与思考（修改稿）")
    colleague.get_by_role("button", name="保存并更新提交").click()
    colleague.wait_for_selector("text=第 2 版")
    history = colleague.content()
    assert "提交人：周建国" in history and "提交人：吴秀兰" in history
    colleague.context.close()

    entry = Entry.objects.get(contest=contest)
    assert entry.unit == w.station and entry.versions.count() == 2
    contest.closes_at = timezone.now()
    contest.save()
    judge = make_judge(w.tree.city, username="judge_phone", real_name="评委乙")
    organiser = w.tree.city_organiser
    services.rubric_set(actor=organiser, contest=contest, criteria=[{"name": "内容", "max_points": 100}])
    rnd = services.round_create(actor=organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=organiser, rnd=rnd, judge_ids=[judge.pk])
    services.round_open(actor=organiser, rnd=rnd)
    services.round_assign_auto(actor=organiser, rnd=rnd)
    assignment = Assignment.objects.get(round=rnd)

    page = chromium_browser.new_context(**phone).new_page()
    _login(page, live_daphne, judge.username)
    page.goto(f"{live_daphne}/judging/queue/")
    page.get_by_text(entry.code).first.click()
    page.wait_for_url(f"**/judging/a/{assignment.pk}/")
    text = page.locator("main").inner_text()
    assert entry.code in text and "修改稿" in text
    for secret in ("掘港", "掘港街道校外教育辅导站", "周建国", "吴秀兰", "wl_zhou", "如东县"):
        assert secret not in page.content(), secret
    page.context.close()
