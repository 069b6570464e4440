"""In browsers: the projector keeps the event's screen URL; the host puts the hall quiz on it (the join QR
and PIN appear) and gives the screen back to the final, by buttons on the final's console. And the head
judge corrects a locked score on the phone."""

import re

import pytest
from django.utils import timezone

from stage import services
from stage.models import Score
from tests.stage.factories import Stage
from tests.stage.final_factories import Final
from tests.stage.test_browser import _login, _phone
from tests.stage.test_quiz import game

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_event_screen_follows_the_host_to_the_hall_quiz_and_back(live_daphne, chromium_browser):
    f = Final()
    g = game(f, n=1)
    base = live_daphne
    contexts = []
    try:
        host_ctx = chromium_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        screen_ctx = chromium_browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        contexts += [host_ctx, screen_ctx]
        host, screen = host_ctx.new_page(), screen_ctx.new_page()
        csp_errors = []
        for p in (host, screen):
            p.set_default_timeout(15000)
            p.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))
        screen.goto(f"{base}/stage/events/{f.event.pk}/screen/?display={f.event.display_token}")
        screen.wait_for_selector("#conn:text('已连接')")
        _login(host, base, f.tree.city_organiser.username)
        host.goto(f"{base}/stage/events/{f.event.pk}/host/")
        host.wait_for_selector("#screen-now:text('活动大屏显示决赛。')")
        host.locator(f"[data-screen-game='{g.pk}']").click()
        screen.wait_for_url(re.compile(rf"/stage/games/{g.pin}/screen/\?.*from=event"))
        screen.wait_for_selector(f".pin:text('{g.pin}')")
        host.wait_for_selector(f"#screen-now:has-text('{g.pin}')")
        host.locator("[data-screen-game='']").click()
        screen.wait_for_url(re.compile(rf"/stage/events/{f.event.pk}/screen/\?display="))
        screen.wait_for_selector("#final-screen")
        assert not csp_errors
    finally:
        for ctx in contexts:
            ctx.close()


def test_the_head_judge_corrects_a_locked_score_on_the_phone(live_daphne, chromium_browser):
    st = Stage(judges=2)
    p = st.performers[0]
    st.open(p)
    st.score_all(p, [30, 32])
    services.performer_lock(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=timezone.now())
    ctx, phone = _phone(chromium_browser)
    try:
        csp_errors = []
        phone.on("console", lambda msg: "Content Security Policy" in msg.text and csp_errors.append(msg.text))
        _login(phone, live_daphne, st.judge_users[0].username)  # seat 1: the head judge
        phone.goto(f"{live_daphne}/stage/events/{st.event.pk}/judge/")
        phone.wait_for_selector("#head-correct:not([hidden])")  # shown because the performer is locked
        phone.select_option("#hc-seat", "2")
        for c, v in zip(st.criteria, [34, 25, 15, 8], strict=True):
            phone.fill(f"#hc-{c.pk}", str(v))
        phone.fill("#hc-reason", "录入错误")
        phone.get_by_role("button", name="提交更正").click()
        phone.wait_for_selector("#head-feedback:text('✔ 已更正')")
        score = Score.objects.get(seat=st.seats[1], performer=p)
        assert score.corrected and score.total == 82
        assert not csp_errors
    finally:
        ctx.close()
