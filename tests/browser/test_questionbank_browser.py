"""A teacher on a phone writes a question with a preview, submits it for review, and imports a
spreadsheet through the upload → preview → confirm page."""

import pytest

from questionbank.models import Question
from tests.factories import DEFAULT_PASSWORD, Tree
from tests.questionbank.factories import sheet_rows, topic, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_teacher_writes_previews_and_submits_a_question_on_a_phone(live_daphne, phone_page):
    Tree()
    constitution = topic("法治教育/宪法")  # transactional tests flush the migration-seeded topics
    page = phone_page
    _login(page, live_daphne, "tea_a")
    page.get_by_role("link", name="题库").first.click()
    page.get_by_role("link", name="新建题目").click()
    page.get_by_label("专题", exact=True).select_option(str(constitution.pk))
    page.get_by_label("题型").select_option("single")
    page.get_by_label("题干").fill("宪法规定，中华人民共和国的一切权力属于（  ）。")
    page.get_by_label("选项A").fill("人民")
    page.get_by_label("选项B").fill("政府")
    page.get_by_label("答案").fill("A")
    page.get_by_label("解析").fill("宪法第二条第一款。")
    page.get_by_label("初中").check()
    page.get_by_role("button", name="预览").click()
    assert page.get_by_role("heading", name="预览（学生看到的样子）").is_visible()
    assert page.locator(".question-preview").get_by_text("A. 人民").is_visible()
    assert not Question.objects.exists()
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交审核").click()
    assert page.get_by_text("已提交审核").is_visible()
    assert Question.objects.get().status == "pending"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_teacher_imports_a_spreadsheet_with_preview_and_confirmation(live_daphne, phone_page, tmp_path):
    Tree()
    topic("法治教育/宪法")
    rows = sheet_rows()
    rows[1][6] = "Z"
    path = tmp_path / "题目.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    page = phone_page
    _login(page, live_daphne, "tea_a")
    page.goto(f"{live_daphne}/questions/import/")
    page.get_by_label("题目文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("text=逐行检查结果")
    assert page.locator("tr.row-error").count() == 1
    assert "【答案】" in page.locator("tr.row-error").inner_text()
    page.get_by_role("button", name="只导入无误的行").click()
    page.wait_for_selector("text=导入完成")
    assert Question.objects.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
