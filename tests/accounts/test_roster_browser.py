"""On a phone: an organiser imports a roster, downloads the accounts, and a new student's first login
forces a password change. Real daphne, real chromium."""

import pytest

from accounts.models import User
from tests.accounts.factories import read_xlsx, xlsx_bytes
from tests.factories import DEFAULT_PASSWORD, Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_organiser_imports_a_roster_on_a_phone_and_the_student_must_change_password(live_daphne, phone_page):
    Tree()
    page = phone_page
    _login(page, live_daphne, "org_a", DEFAULT_PASSWORD)
    page.get_by_role("link", name="导入学生").click()
    page.wait_for_url("**/accounts/roster/import/")
    assert _fits_the_phone(page)

    rows = [
        ["吴小雨", "1100001", "如东县实验小学", "五年级", "1班", "女", ""],
        ["", "1100002", "如东县实验小学", "五年级", "1班", "", ""],
    ]
    page.get_by_label("名单文件（xlsx 或 csv）").set_input_files(
        {"name": "名单.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(rows)}
    )
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("text=导入预览")
    assert page.get_by_text("第 3 行 · “姓名”列：不能为空。").is_visible()
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert _fits_the_phone(page)  # the wide table scrolls inside its own box

    page.get_by_role("link", name="重新上传").first.click()
    page.get_by_label("名单文件（xlsx 或 csv）").set_input_files(
        {"name": "名单.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(rows[:1])}
    )
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("button", name="确认导入 1 名学生").click()
    page.wait_for_selector("text=导入完成")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载账号和初始密码（xlsx）").click()
    with open(download_info.value.path(), "rb") as handle:
        header, (name, _no, _school, _class, username, password) = read_xlsx(handle.read())
    assert name == "吴小雨" and header[-1] == "初始密码"

    page.get_by_role("button", name="退出").click()
    _login(page, live_daphne, username, password)
    page.wait_for_url("**/accounts/password/")
    assert page.get_by_text("这是您第一次登录，请先设置自己的新密码。").is_visible()
    page.locator("input[name=new_password1]").fill("Rudong-2026-new")
    page.locator("input[name=new_password2]").fill("Rudong-2026-new")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_selector("#student-home")
    assert not User.objects.get(username=username).must_change_password
