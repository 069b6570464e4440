"""The final's setup page in a browser, by keyboard alone: add a team (Tab between fields, Enter submits),
pair its device (the QR appears), re-issue only after confirming, and no CSP violation on the way."""

import pytest

from stage.models import Team
from tests.stage.final_factories import Final
from tests.stage.test_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organiser_sets_up_a_team_and_its_device_by_keyboard(live_daphne, chromium_browser):
    f = Final()
    ctx = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.set_default_timeout(15000)
        csp_errors, dialogs = [], []
        page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))
        _login(page, live_daphne, f.tree.city_organiser.username)
        page.goto(f"{live_daphne}/stage/events/{f.event.pk}/manage/")
        page.focus("#team-number")
        page.keyboard.press("Control+A")
        page.keyboard.type("7")
        for text in ("七队", "通州实验小学", "张三、李四"):
            page.keyboard.press("Tab")
            page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.wait_for_selector("text=已添加参赛队")
        assert Team.objects.filter(event=f.event, number=7, school="通州实验小学").exists()
        row = page.locator("#teams tr", has_text="七队")
        row.get_by_role("button", name="生成配对二维码").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#teams .qr svg")
        paired = Team.objects.get(event=f.event, number=7).link_hash
        assert paired
        # a second QR would cut off the paired device: the page asks, and a "no" changes nothing
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        row = page.locator("#teams tr", has_text="七队")
        row.get_by_role("button", name="生成配对二维码").focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        assert dialogs and "旧二维码立即失效" in dialogs[0]
        assert Team.objects.get(event=f.event, number=7).link_hash == paired  # not re-issued
        assert csp_errors == []
    finally:
        ctx.close()
