"""A student on a phone logs in and sees the Chinese home page; a locked-out login shows the lockout message."""

import pytest

from tests.factories import DEFAULT_PASSWORD, Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_student_logs_in_on_a_phone_and_sees_the_chinese_home_page(live_daphne, phone_page):
    tree = Tree()
    _login(phone_page, live_daphne, "stu_a", DEFAULT_PASSWORD)
    phone_page.wait_for_selector("#student-home")
    assert phone_page.locator("h1.greeting").inner_text().startswith("你好")
    assert tree.student_a.real_name in phone_page.content()
    assert phone_page.get_by_role("heading", name="我的竞赛").is_visible()
    # nothing overflows a 390 px wide screen
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_locked_out_login_shows_the_chinese_lockout_message(live_daphne, phone_page):
    Tree()
    for _ in range(3):  # AXES_FAILURE_LIMIT in test settings
        _login(phone_page, live_daphne, "stu_b", "wrong-password")
    _login(phone_page, live_daphne, "stu_b", DEFAULT_PASSWORD)
    assert phone_page.get_by_text("账号已暂时锁定").is_visible()
    assert "登录失败次数过多" in phone_page.content()
