"""The final and the hall quiz in browsers: the host (keyboard), two team devices by their QR links, the
screen and a player's phone — one question of each kind (必答 answered on the team device, 抢答 with the
buzz order on the screen, 风险 with the stake chosen on the device) and one hall-quiz question."""

import pytest
from django.utils import timezone

from stage import services
from tests.stage.final_factories import Final
from tests.stage.test_browser import _login, _phone
from tests.stage.test_quiz import game

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_host_two_team_devices_screen_and_a_player_phone(live_daphne, chromium_browser):
    f = Final()
    f.question(f.required, team=f.teams[0])
    f.question(f.buzzer, qtype="oral")
    f.question(f.risk, team=f.teams[1], qtype="oral")
    links = [services.team_link_issue(actor=f.host, team=t, now=timezone.now()) for t in f.teams[:2]]
    g = game(f, n=1)
    base = live_daphne
    contexts = []
    try:
        host_ctx = chromium_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        screen_ctx = chromium_browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        contexts += [host_ctx, screen_ctx]
        host, screen = host_ctx.new_page(), screen_ctx.new_page()
        t1_ctx, t1 = _phone(chromium_browser)
        t2_ctx, t2 = _phone(chromium_browser)
        p_ctx, phone = _phone(chromium_browser)
        contexts += [t1_ctx, t2_ctx, p_ctx]
        csp_errors = []
        for p in (host, screen, t1, t2, phone):
            p.set_default_timeout(15000)
            p.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))
        screen.goto(f"{base}/stage/events/{f.event.pk}/screen/?display={f.event.display_token}")
        _login(host, base, f.tree.city_organiser.username)
        host.goto(f"{base}/stage/events/{f.event.pk}/host/")
        host.wait_for_selector("#conn:text('已连接')")
        t1.goto(f"{base}/stage/events/{f.event.pk}/team/link/{links[0]}/")
        t2.goto(f"{base}/stage/events/{f.event.pk}/team/link/{links[1]}/")
        t2.wait_for_selector("#conn:text('已连接')")
        t1.wait_for_selector("#conn:text('已连接')")

        # 必答: team 1 answers on its device
        host.locator("#questions button").nth(0).click()
        host.wait_for_selector("#q-round:has-text('必答题')")
        host.keyboard.press("o")
        t1.locator("#q-options button:has-text('A. 宪法')").click()
        screen.wait_for_selector("#teams li:first-child:has-text('1号') .score:text('10')")

        # 抢答: team 2 buzzes first, team 1 second; the host marks team 2 right
        host.locator("#questions button").nth(1).click()
        host.wait_for_selector("#q-round:has-text('抢答题')")
        host.keyboard.press("s")  # show: read out, buzzing not open
        screen.wait_for_selector("#q-stem:text('我国的根本大法是？')")
        host.wait_for_selector("#q-stem:text('我国的根本大法是？')")
        host.keyboard.press("o")
        t2.wait_for_selector("#buzz:not([hidden])")
        t2.wait_for_selector("#q-clock:has-text('秒')")  # open on the server: a buzz now counts
        t2.locator("#buzz").click()
        screen.wait_for_selector("#buzzes li:has-text('2号')")
        t1.locator("#buzz").click()
        screen.wait_for_selector("#buzzes li:nth-child(2):has-text('1号')")
        host.wait_for_selector("#q-answering:text('2号队')")
        host.keyboard.press("y")
        screen.wait_for_selector("#teams li:nth-child(2):has-text('2号') .score:text('10')")
        t2.wait_for_selector("#my-score:text('10')")

        # 风险: team 2 stakes 30 on its device, answers orally, the host marks it wrong
        host.locator("#questions button").nth(2).click()
        t2.locator("#risk button:has-text('30 分')").click()
        host.wait_for_selector("#q-risk:has-text('30')")
        host.keyboard.press("o")
        host.wait_for_selector("#q-answering:text('答题：2号队')")
        host.keyboard.press("n")
        screen.wait_for_selector("#teams li:last-child:has-text('2号') .score:text('-20')")
        t2.wait_for_selector("#my-score:text('-20')")

        # the hall quiz on a phone
        phone.goto(f"{base}/stage/play/?pin={g.pin}")
        phone.get_by_label("昵称").fill("小明")
        phone.get_by_role("button", name="加入").click()
        phone.wait_for_selector("#conn:text('已连接')")
        host.goto(f"{base}/stage/games/{g.pin}/host/")
        host.wait_for_selector("#players:text('1')")
        screen.goto(f"{base}/stage/games/{g.pin}/screen/?display={f.event.display_token}")
        qr = screen.locator(
            "img.pin-qr"
        )  # the join QR, decoded (polled: the page's CSP forbids wait_for_function's eval)
        for _try in range(100):
            if qr.evaluate("img => img.complete && img.naturalWidth > 0"):
                break
            screen.wait_for_timeout(100)
        else:
            raise AssertionError("the join QR did not load")
        host.keyboard.press("n")
        host.wait_for_selector("#answered:text('已作答 0 / 1')")
        phone.locator(".quiz-option").first.click()
        phone.wait_for_selector("#feedback:has-text('已提交')")
        host.wait_for_selector("#answered:text('已作答 1 / 1')")  # the live count, pushed after the write
        screen.wait_for_selector("#answered:text('已作答 1 / 1')")
        host.keyboard.press("c")
        phone.wait_for_selector("#correct:has-text('答对')")
        assert int(phone.locator("#my-score").text_content()) > 900
        assert phone.locator("#my-rank").text_content() == "1"
        assert csp_errors == []
    finally:
        for c in contexts:
            c.close()
