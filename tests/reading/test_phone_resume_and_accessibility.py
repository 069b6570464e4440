"""On a phone: a student who stopped halfway through a reading goes back to that place with one tap, and
the reading pages of every role pass axe-core with no serious or critical violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from reading import services
from reading.models import Progress
from tests.factories import DEFAULT_PASSWORD, Tree

from .factories import make_counsellor, make_reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSITION_JS = """() => { const r = document.getElementById('reading').getBoundingClientRect();
  return (window.innerHeight - r.top) / r.height; }"""


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def serious_violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_student_goes_back_to_where_they_stopped_and_reading_pages_are_accessible(live_daphne, chromium_browser):
    tree = Tree()
    make_counsellor(tree.school_a, username="couns_a")
    reading = make_reading(tree.city, month=timezone.localdate().replace(day=1), title="勇敢的心")
    reading.body = "<p>" + "少年心向党，成长正当时。" * 1200 + "</p>"
    reading.save()
    services.progress_save(user=tree.student_a, reading_id=reading.pk, position=0.6, engaged_s=10)

    problems = {}
    for username, urls in {
        "stu_a": ["/", "/reading/", f"/reading/{reading.pk}/", "/reading/record/"],
        "tea_a": ["/reading/class/", "/reading/stats/"],
        "org_city": [
            "/reading/manage/",
            f"/reading/stats/{reading.pk}/",
            f"/reading/stats/month/{reading.month:%Y-%m}/",
        ],
        "couns_a": ["/reading/cases/"],
    }.items():
        context = chromium_browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_daphne, username)
        for url in urls:
            page.goto(f"{live_daphne}{url}")
            found = serious_violations(page)
            if found:
                problems[f"{username} {url}"] = found
        if username == "stu_a":
            # opening the reading above and leaving it without scrolling kept the place (the page saves
            # when it is hidden), and the engaged time did count
            progress = Progress.objects.get(user=tree.student_a, reading=reading)
            assert progress.position == 0.6 and progress.saves > 1
            page.goto(f"{live_daphne}/reading/{reading.pk}/")
            page.wait_for_load_state("networkidle")  # the browser's own scroll restoration is done
            assert page.evaluate(POSITION_JS) < 0.2  # opens at the top
            page.get_by_role("button", name=re.compile("从上次读到的地方继续")).click()
            expect(page.locator("#resume")).to_be_hidden()
            for _try in range(50):  # polled: the page's CSP forbids wait_for_function's eval
                if page.evaluate("() => window.scrollY > 0"):
                    break
                page.wait_for_timeout(100)
            assert abs(page.evaluate(POSITION_JS) - 0.6) < 0.03
        context.close()
    assert problems == {}
