"""axe-core on the main page of every role and on the paper, result, judge and big-screen pages: no serious or
critical violations. Also the teacher's login slips and the public landing page in the browser."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from competitions.models import ReviewPolicy, ScorePolicy
from competitions.services import attempt_finalize, attempt_start
from judging.models import Assignment
from questionbank.models import QuestionType
from tests.competitions.factories import make_contest, make_question, make_topic
from tests.factories import DEFAULT_PASSWORD, make_student
from tests.judging.factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def serious_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def new_page(browser, *, width=390, height=844):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def world(transactional_db):
    w = World(schools=2, judges=2, k=2)
    w.open_and_assign()
    topic = make_topic()
    revs = [
        make_question(topic=topic, qtype=QuestionType.SINGLE),
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["长江"]]),
    ]
    w.quiz = make_contest(
        owner_org=w.tree.city,
        fixed=[(r, "50") for r in revs],
        title="党的二十大精神知识竞赛",
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
    )
    return w


def test_main_pages_of_every_role_have_no_serious_accessibility_violations(live_daphne, chromium_browser, world):
    t = world.tree
    pupil = make_student(t.class_a, username="pupil", real_name="陈小雨")
    done, _created = attempt_start(user=t.student_a, contest_id=world.quiz.pk)
    attempt_finalize(attempt_id=done.pk, reason="submitted")
    running, _created = attempt_start(user=pupil, contest_id=world.quiz.pk)
    assignment = Assignment.objects.filter(judge=world.judges[0]).order_by("pk").first()
    pages = {
        None: ["/", "/accounts/login/", "/verify/"],
        "stu_a": ["/", f"/contests/attempts/{done.pk}/result/", f"/judging/c/{world.contest.pk}/entry/"],
        "pupil": [f"/contests/attempts/{running.pk}/"],
        "tea_a": ["/", f"/accounts/classes/{t.class_a.pk}/"],
        world.judges[0].username: ["/", "/judging/queue/", f"/judging/a/{assignment.pk}/"],
        "org_city": ["/", f"/leaderboards/contests/{world.quiz.pk}/screen/"],
    }
    problems = {}
    for username, urls in pages.items():
        context, page = new_page(chromium_browser)
        if username:
            login(page, live_daphne, username)
        for url in urls:
            page.goto(f"{live_daphne}{url}")
            page.wait_for_load_state("networkidle")
            found = serious_violations(page)
            if found:
                problems[f"{username or '匿名'} {url}"] = found
        context.close()
    assert problems == {}


def test_teacher_prints_login_slips_from_the_class_page(live_daphne, chromium_browser, world):
    t = world.tree
    make_student(t.class_a, username="rdsy50102", real_name="赵小刚")
    context, page = new_page(chromium_browser)
    login(page, live_daphne, "tea_a")
    page.get_by_role("link", name="如东县实验小学 五（1）班").click()
    page.wait_for_selector("#class-students")
    assert page.get_by_role("cell", name="赵小刚").count() == 1
    href = page.get_by_role("link", name="打印本班登录卡（PDF）").get_attribute("href")
    assert href == f"/accounts/classes/{t.class_a.pk}/slips.pdf"
    response = page.request.get(f"{live_daphne}{href}")  # with the teacher's session cookie
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "赵小刚" in text and "rdsy50102" in text
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row", name="赵小刚").get_by_role("button", name="重置密码").click()
    page.wait_for_selector("text=新的初始密码")
    context.close()


def test_anonymous_visitor_sees_the_landing_page_and_reaches_verification(live_daphne, chromium_browser, world):
    context, page = new_page(chromium_browser)
    page.goto(f"{live_daphne}/")
    assert page.url == f"{live_daphne}/"  # no redirect to the login page
    assert page.get_by_text("党的二十大精神知识竞赛").count() == 1
    assert page.get_by_role("link", name="登录").count() >= 1
    page.get_by_role("link", name="证书查验").click()
    page.wait_for_url(f"{live_daphne}/verify/")
    assert page.locator("link[rel=icon]").count() == 1
    context.close()
