"""One performer on the day, end to end: the host drives the console with the keyboard, two judges
score on phones (one signed in, one through the seat's QR link), the second phone loses Wi-Fi while
submitting and sends the kept score when it comes back, the head judge locks, the host reveals and the
1920×1080 screen shows the scores, the dropped ones and the ranking."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stage import services
from stage.models import Score
from tests.factories import DEFAULT_PASSWORD
from tests.stage.factories import Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _fill(page, values):
    inputs = page.locator("#criteria input")
    for i, v in enumerate(values):
        inputs.nth(i).fill(str(v))


def test_host_two_judges_and_the_screen_through_one_performer(live_daphne, chromium_browser):
    st = Stage(judges=2, performers=2, time_limit_s=300, warning_s=60)
    link = services.seat_link_issue(actor=st.host, seat=st.seats[1], now=timezone.now())
    first = st.performers[0]
    base = live_daphne
    contexts = []
    try:
        host_ctx = chromium_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        screen_ctx = chromium_browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        contexts += [host_ctx, screen_ctx]
        host = host_ctx.new_page()
        screen = screen_ctx.new_page()
        for p in (host, screen):
            p.set_default_timeout(15000)
        j1_ctx, j1 = _phone(chromium_browser)
        j2_ctx, j2 = _phone(chromium_browser)
        contexts += [j1_ctx, j2_ctx]
        csp_errors = []
        for p in (host, screen, j1, j2):
            p.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))

        screen.goto(f"{base}/stage/events/{st.event.pk}/screen/?display={st.event.display_token}")
        screen.wait_for_selector("#draw-board:not([hidden]) .draw-item")  # the draw, before anyone is on stage
        _login(host, base, st.tree.city_organiser.username)
        host.goto(f"{base}/stage/events/{st.event.pk}/host/")
        host.wait_for_selector("#conn:text('已连接')")
        _login(j1, base, st.judge_users[0].username)
        j1.goto(f"{base}/stage/events/{st.event.pk}/judge/")
        j2.goto(f"{base}/stage/events/{st.event.pk}/judge/link/{link}/")
        j2.wait_for_selector("#conn:text('已连接')")

        # keyboard only: next performer, start the timer, stop it, open scoring
        host.keyboard.press("ArrowRight")
        screen.wait_for_selector(f"#p-name:text('{first.name}')")
        host.keyboard.press(" ")
        host.wait_for_selector("#timer-state:text('计时中')")
        # a locator expectation: wait_for_function's string predicate needs eval, which the page's CSP forbids
        expect(screen.locator("#timer")).not_to_have_text("5:00")
        host.keyboard.press("s")
        host.wait_for_selector("#timer-state:text('已停止')")
        host.keyboard.press("o")
        j1.wait_for_selector("#score-form:not([hidden])")
        j2.wait_for_selector("#score-form:not([hidden])")

        # judge 1 scores; the screen shows "已评分" without the value
        _fill(j1, [36, 27, 18, 9])
        j1.wait_for_selector("#total:text('90')")
        j1.get_by_role("button", name="提交分数").click()
        j1.wait_for_selector("#state-note:text('分数已送达')")
        screen.wait_for_selector("#seats li[data-seat='1'].submitted")
        assert "90" not in screen.locator("#seats").inner_text()

        # judge 2 loses Wi-Fi, scores anyway: the score waits on the phone
        j2_ctx.set_offline(True)
        j2.wait_for_selector("#conn:text('网络断开')")
        _fill(j2, [30, 25, 15, 8])
        j2.get_by_role("button", name="提交分数").click()
        j2.wait_for_selector("#queue:not([hidden])")
        assert "等待发送" in j2.locator("#queue").inner_text()
        j2.wait_for_timeout(1500)
        assert Score.objects.filter(performer=first).count() == 1
        assert screen.locator("#seats li[data-seat='2']").get_attribute("class") == "seat pending"

        # back online: the kept score is sent by itself
        j2_ctx.set_offline(False)
        j2.wait_for_selector("#queue", state="hidden")
        screen.wait_for_selector("#seats li[data-seat='2'].submitted")
        assert Score.objects.get(performer=first, seat=st.seats[1]).total == 78

        # head judge locks on the phone, the host reveals with the keyboard
        j1.wait_for_selector("#head-seats li.submitted >> nth=1")  # the head judge sees nobody pending
        j1.get_by_role("button", name="锁定该选手分数").click()
        host.wait_for_selector("#p-category:text('已锁定')")
        host.keyboard.press("v")
        screen.wait_for_selector("#reveal:not([hidden])")
        assert screen.locator("#final").inner_text() == "84.00"  # (90 + 78) / 2, nothing dropped with 2 judges
        assert screen.locator("#judge-scores .dropped").count() == 0
        assert screen.locator("#ranking .nm").first.inner_text() == first.name
        assert not screen.locator("#corrected").is_visible()
        for box in ("#final", "#judge-scores", "#seats"):  # everything fits the 1920×1080 screen
            b = screen.locator(box).bounding_box()
            assert b["y"] + b["height"] <= 1080, box
        assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
        assert not csp_errors, csp_errors
    finally:
        for c in contexts:
            c.close()
