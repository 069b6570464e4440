"""Phone-sized browser checks: the zip progress bar follows the background task by polling, and the
public verification page fits a phone."""

import pytest
from playwright.sync_api import expect

from results.models import BatchStatus, CertificateBatch
from results.services import certificate_issue
from tests.factories import DEFAULT_PASSWORD, Tree, make_student

from .factories import make_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_zip_progress_bar_follows_the_background_task(live_daphne, phone_page):
    tree = Tree()
    template = make_template(target=tree.city, org=tree.city)
    for _ in range(3):
        certificate_issue(template=template, holder=make_student(tree.class_a), award_text="三等奖")
    batch = CertificateBatch.objects.create(
        template=template,
        org=tree.school_a,
        requested_by=tree.organiser_a,
        status=BatchStatus.RUNNING,
        total=3,
        done=1,
    )
    _login(phone_page, live_daphne, "org_a")
    phone_page.wait_for_selector("text=退出")
    phone_page.goto(f"{live_daphne}/results/certificates/templates/{template.pk}/")
    bar = phone_page.locator("li.batch .progress")
    assert bar.get_attribute("aria-valuenow") == "33"
    link = phone_page.get_by_role("link", name="下载压缩包")
    assert not link.is_visible()
    # the worker finishes; the page notices by polling, without a reload
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, done=3)
    link.wait_for(state="visible", timeout=10000)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(phone_page.locator("li.batch .batch-count")).to_have_text("3/3")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_verification_page_on_a_phone_shows_the_masked_name(live_daphne, phone_page):
    tree = Tree()
    template = make_template(target=tree.city, org=tree.city)
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    phone_page.goto(f"{live_daphne}/verify/")
    phone_page.get_by_label("输入证书上的验证码").fill(cert.code.lower().replace("-", ""))
    phone_page.get_by_role("button", name="验证").click()
    phone_page.wait_for_selector("#masked-name")
    assert phone_page.locator("#masked-name").inner_text() == "张*明"
    assert "张小明" not in phone_page.content()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
