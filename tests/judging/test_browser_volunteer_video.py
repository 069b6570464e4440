"""A 五老 volunteer on a phone submits a micro-video to a collection for volunteers: the upload is rebuilt
by the task worker, the volunteer sees the version, and the judge's phone plays the video (a real H.264
file, decoded by Chromium) beside the entry code — never the volunteer's name, account or district."""

import pytest
from django.utils import timezone

from judging import services
from judging.demo_video import demo_mp4
from judging.models import Assignment, ContestKind, EntrantKind, Entry, FileStatus
from tests.conftest import start_daphne
from tests.factories import DEFAULT_PASSWORD, make_judge

from .units import UnitWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


@pytest.fixture
def media_daphne(django_db_blocker, settings):
    # the server stores and serves files from the test's own MEDIA_ROOT
    with django_db_blocker.unblock():
        proc, url = start_daphne(env_extra={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


def _until(page, expression: str, tries: int = 150) -> None:
    """Poll with evaluate (wait_for_function evaluates strings with eval, which the page's CSP forbids)."""
    for _try in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(expression)


def _login(page, base, username):
    page.set_default_timeout(20000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_volunteer_submits_a_video_on_a_phone_and_the_judge_plays_it(media_daphne, chromium_browser):
    w = UnitWorld()
    contest = w.contest(
        [EntrantKind.VOLUNTEER], kind=ContestKind.VIDEO, title="优秀活动微视频课件（五老）", code_prefix="WK"
    )
    video = demo_mp4(variant=2)

    page = chromium_browser.new_context(**PHONE).new_page()
    _login(page, media_daphne, w.district_volunteer.username)
    page.goto(f"{media_daphne}/judging/")
    page.get_by_role("link", name="优秀活动微视频课件（五老）").click()
    page.get_by_label("作品标题").fill("老战士讲长征")
    page.locator("#id_file").set_input_files(
        files=[{"name": "钱老-长征.mp4", "mimeType": "video/mp4", "buffer": video}]
    )
    page.locator("input[name=pledge]").check()
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_selector("text=已提交（作品编号")
    page.reload()  # the worker has run (inline in tests): no version is left processing
    assert "第 1 版" in page.content() and "文件处理中" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()

    entry = Entry.objects.get(contest=contest)
    version = entry.saved_version()
    assert (entry.author, entry.entrant_kind) == (w.district_volunteer, EntrantKind.VOLUNTEER)
    assert (version.file_status, version.file_type, version.saved_by) == (FileStatus.READY, "mp4", w.district_volunteer)

    contest.closes_at = timezone.now()
    contest.save()
    judge = make_judge(w.tree.city, username="judge_video", real_name="评委丙")
    organiser = w.tree.city_organiser
    services.rubric_set(actor=organiser, contest=contest, criteria=[{"name": "主题", "max_points": 100}])
    rnd = services.round_create(actor=organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=organiser, rnd=rnd, judge_ids=[judge.pk])
    services.round_open(actor=organiser, rnd=rnd)
    services.round_assign_auto(actor=organiser, rnd=rnd)
    assignment = Assignment.objects.get(round=rnd)

    page = chromium_browser.new_context(**PHONE).new_page()
    _login(page, media_daphne, judge.username)
    page.goto(f"{media_daphne}/judging/a/{assignment.pk}/")
    player = page.locator("video")
    player.wait_for()
    _until(page, "document.querySelector('video').readyState >= 1")
    size = page.evaluate("[document.querySelector('video').videoWidth, document.querySelector('video').videoHeight]")
    assert size == [160, 96]
    assert page.evaluate("document.querySelector('video').duration") == pytest.approx(3.0, abs=0.3)
    page.evaluate("v => { v.muted = true; return v.play(); }", player.element_handle())
    _until(page, "document.querySelector('video').currentTime > 0.5")
    assert page.evaluate("document.querySelector('video').error") is None
    # the decoded picture is the video's: its blue background (Y 41, Cb 240, Cr 110) at a corner
    r, g, b = page.evaluate(
        """(() => { const v = document.querySelector('video'); const c = document.createElement('canvas');
        c.width = 160; c.height = 96; const g = c.getContext('2d'); g.drawImage(v, 0, 0);
        return Array.from(g.getImageData(5, 5, 1, 1).data).slice(0, 3); })()"""
    )
    assert b > 200 and r < 60 and g < 60
    html = page.content()
    assert entry.code in html and "老战士讲长征" in html
    for secret in ("钱老", "wl_qian", "如东县", "长征.mp4"):
        assert secret not in html, secret
    page.context.close()
