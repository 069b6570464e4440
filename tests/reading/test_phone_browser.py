"""A student on a phone reads a reading (engaged time counted only while active), takes the quiz and
writes a reflection. A daphne of its own runs with short intervals so the test takes seconds."""

import time

import pytest
from django.utils import timezone

from reading.models import Progress, Reflection
from tests.conftest import start_daphne
from tests.factories import DEFAULT_PASSWORD, Tree

from .factories import make_reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST = {
    "READING_SAVE_INTERVAL_S": "1",
    "READING_IDLE_S": "4",
    "READING_READ_MIN_FRACTION": "0.05",  # 1 minute estimate → 3 s engaged
}


@pytest.fixture
def fast_daphne(django_db_blocker):
    with django_db_blocker.unblock():
        proc, url = start_daphne(env_extra=FAST)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_student_reads_takes_the_quiz_and_writes_a_reflection_on_a_phone(fast_daphne, phone_page):
    page = phone_page
    tree = Tree()
    reading = make_reading(tree.city, month=timezone.localdate().replace(day=1), minutes=1, title="勇敢的心")
    links = list(reading.questions.select_related("revision"))

    page.goto(f"{fast_daphne}/accounts/login/")
    page.get_by_label("用户名").fill("stu_a")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{fast_daphne}/reading/")
    page.get_by_role("link", name="勇敢的心").click()
    page.wait_for_selector("#reading")
    assert page.locator("#quiz").is_hidden()

    # read: scroll down bit by bit, as a reader does, until the page says it is read
    for _ in range(40):
        page.mouse.wheel(0, 120)
        if page.locator("#start-quiz").count():
            break
        page.wait_for_timeout(250)
    page.locator("#start-quiz").wait_for()
    progress = Progress.objects.get(user=tree.student_a, reading=reading)
    assert progress.read_at is not None and progress.max_position >= 0.8
    assert 3 <= progress.engaged_s <= 15
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # a page left open without input stops counting after the idle limit
    before = Progress.objects.get(pk=progress.pk).engaged_s
    started = time.monotonic()
    page.wait_for_timeout(8000)
    idle_gain = Progress.objects.get(pk=progress.pk).engaged_s - before
    assert idle_gain <= 4 + 2, idle_gain
    assert time.monotonic() - started >= 8

    page.locator("#start-quiz").click()
    page.locator("#quiz button[type=submit]").wait_for()
    page.locator(f"input[name=q{links[0].revision_id}][value=B]").check()
    page.locator(f"input[name=q{links[1].revision_id}][value=true]").check()
    page.locator(f"input[name=q{links[2].revision_id}][value=A]").check()
    page.locator(f"input[name=q{links[2].revision_id}][value=C]").check()
    page.get_by_label("第 1 空").fill("南通")
    page.get_by_role("button", name="提交测验").click()
    page.get_by_text("本次得分：100 分").wait_for()
    assert page.get_by_text("已完成本篇阅读").is_visible()
    assert page.get_by_text("因为这是正确答案。").first.is_visible()

    page.get_by_role("link", name="写心得").click()
    page.get_by_label("我的心得").fill("读完以后，我知道了遇到困难要勇敢地说出来。")
    page.get_by_label("我同意老师把这篇心得选入班级优秀心得").check()
    page.get_by_role("button", name="保存心得").click()
    page.get_by_text("心得已保存。").wait_for()
    reflection = Reflection.objects.get(user=tree.student_a, reading=reading)
    assert reflection.share_consent and reflection.text.startswith("读完以后")
    assert Progress.objects.get(pk=progress.pk).completed_at is not None
