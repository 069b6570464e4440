"""In a real browser on a phone: the city organiser creates a campaign on the organiser pages and
publishes it after the confirmation dialog; a school reviewer returns a candidate with an attachment."""

import io

import pytest
from PIL import Image

from honours.models import Campaign, CandidateStatus, Quota
from honours.selectors import panel_criteria

from .factories import build_world, make_campaign, nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("x")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_city_organiser_creates_and_publishes_a_campaign_on_a_phone(live_daphne, phone_page):
    w = build_world()
    page = phone_page
    _login(page, live_daphne, w.city_org)
    page.goto(f"{live_daphne}/honours/manage/")
    page.get_by_role("link", name="新建评选活动").click()
    page.get_by_label("名称").fill("2027年度南通市三好标兵评选")
    page.get_by_label("年度").fill("2027")
    page.get_by_label("小学高段").check()
    page.get_by_label("初中").check()
    page.get_by_label("评选规则").fill("公平公正公开，自下而上层层推荐。")
    # school → district → city are ticked by default; the town level stays skipped
    assert not page.locator("#id_town-included").is_checked()
    page.locator("#id_school-quota_fixed").fill("2")
    page.locator("#id_district-quota_fixed").fill("3")
    page.locator("#id_city-quota_fixed").fill("20")
    page.locator("#id_city-nomination_closes_at").fill("2027-04-30T18:00")
    # the panel's rubric: judging's criterion rows (name, description, max points, weight)
    page.locator("#id_criteria-0-name").fill("思想品德")
    page.locator("#id_criteria-0-description").fill("理想信念、遵纪守法")
    page.locator("#id_criteria-0-max_points").fill("40")
    # a mistake first: voting before the city level's nominations close
    page.get_by_label("投票开始").fill("2027-04-01T08:00")
    page.get_by_label("投票结束").fill("2027-05-10T20:00")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("投票须在投票层级的推荐截止之后开始。").wait_for()
    assert not Campaign.objects.exists()
    page.get_by_label("投票开始").fill("2027-05-01T08:00")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name="2027年度南通市三好标兵评选 · 名额与发布").wait_for()
    campaign = Campaign.objects.get()
    assert campaign.draft and [lv.kind for lv in campaign.levels.order_by("order")] == ["school", "district", "city"]
    assert [(c.name, c.description, c.max_points) for c in panel_criteria(campaign)] == [
        ("思想品德", "理想信念、遵纪守法", 40)
    ]  # kept through the page that showed the mistake
    assert page.locator(f'[data-unit="{w.schools[0].pk}"] [data-limit]').inner_text() == "2"

    # publishing asks first; cancelling (keyboard) leaves the draft alone
    page.get_by_role("button", name="发布活动并锁定名额").click()
    page.locator("#confirm-dialog").wait_for()
    assert page.evaluate("document.activeElement.id") == "confirm-dialog-cancel"
    page.keyboard.press("Enter")
    campaign.refresh_from_db()
    assert campaign.draft
    page.get_by_role("button", name="发布活动并锁定名额").click()
    page.locator("#confirm-dialog-ok").click()
    page.get_by_text("活动已发布，名额已锁定。").wait_for()
    campaign.refresh_from_db()
    assert not campaign.draft
    assert Quota.objects.filter(level__campaign=campaign, level__kind="school").count() == len(w.schools)
    assert page.get_by_role("link", name="编辑设置").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways on the phone


def test_school_reviewer_returns_a_candidate_with_an_attachment(live_daphne, phone_page):
    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    picture = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 90, 160)).save(picture, format="JPEG")

    page = phone_page
    _login(page, live_daphne, w.school_orgs[0])
    page.goto(f"{live_daphne}/honours/{campaign.pk}/manage/candidates/{cand.pk}/")
    page.get_by_label("意见/原因").fill("请补充社区服务证明")
    page.get_by_label("附件（可多选）").set_input_files(
        [{"name": "审核意见.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()}]
    )
    page.get_by_role("button", name="退回补充材料").click()
    page.get_by_text("已保存。").wait_for()
    history = page.locator("#history")
    assert "退回补充材料" in history.inner_text() and "请补充社区服务证明" in history.inner_text()
    link = history.get_by_role("link", name="附件 1（JPEG")
    assert link.is_visible()
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.RETURNED
    t = cand.transitions.get(action="return")
    assert t.actor == w.school_orgs[0] and t.files.count() == 1
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".jpg")
