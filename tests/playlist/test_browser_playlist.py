"""The public playlist on a phone: the video element carries its source, poster and captions track, the
stream answers Range requests through a real server, and starting playback counts one view."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.selectors import scope_for
from playlist.models import VideoStats
from playlist.services import item_set_captions
from tests.conftest import start_daphne
from tests.factories import Tree

from .factories import VIDEO_BYTES, VideoWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n大家好\n".encode()


@pytest.fixture
def media_daphne(django_db_blocker, settings):
    # the test stores files under its own MEDIA_ROOT; the server must read the same directory
    with django_db_blocker.unblock():
        proc, url = start_daphne(env_extra={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


def test_phone_page_has_a_playable_video_with_captions_and_counts_a_play(media_daphne, phone_page):
    page = phone_page
    world = VideoWorld(Tree())
    item_set_captions(
        scope=scope_for(world.t.city_organiser),
        item=world.item,
        upload=SimpleUploadedFile("c.vtt", VTT),
        label="中文字幕",
    )
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{media_daphne}/playlist/{world.playlist.pk}/")
    video = page.locator(f"#v{world.item.pk} video")
    video.wait_for()
    assert page.locator("#playlist video").count() == 1  # hidden items are not on the page
    source = video.locator("source")
    assert source.get_attribute("src") == world.url("video")
    assert source.get_attribute("type") == "video/mp4"
    track = video.locator("track")
    assert track.get_attribute("src") == world.url("captions")
    assert track.get_attribute("kind") == "captions" and track.get_attribute("label") == "中文字幕"
    for attr in ("playsinline", "webkit-playsinline", "controls", "poster"):
        assert video.get_attribute(attr) is not None
    assert video.get_attribute("preload") == "metadata"
    assert page.get_by_role("heading", name="江海新风").is_visible()

    # the same origin the page uses answers Range requests with exactly the asked bytes
    ranged = page.request.get(f"{media_daphne}{world.url('video')}", headers={"Range": "bytes=100-199"})
    assert ranged.status == 206 and ranged.body() == VIDEO_BYTES[100:200]
    assert ranged.headers["content-range"] == f"bytes 100-199/{len(VIDEO_BYTES)}"
    captions = page.request.get(f"{media_daphne}{world.url('captions')}")
    assert captions.headers["content-type"] == "text/vtt; charset=utf-8" and "大家好" in captions.text()

    # keyboard: the table of contents jumps to the video card
    page.get_by_role("link", name="江海新风").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#v{world.item.pk}$"))  # not wait_for_function: CSP forbids its eval

    # starting playback sends one beacon; the page shows the new count, a second start does not count
    video.evaluate("v => v.dispatchEvent(new Event('play'))")
    page.locator(f"#views{world.item.pk}").filter(has_text="1").wait_for()
    video.evaluate("v => v.dispatchEvent(new Event('play'))")
    page.wait_for_timeout(300)
    assert VideoStats.objects.get(entry=world.shown).views == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_errors == []
