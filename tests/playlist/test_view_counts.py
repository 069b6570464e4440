"""View counts: once per viewer per video per day, not per Range request, not inflatable by dropping cookies."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playlist.models import VideoStats, VideoViewMark
from playlist.services import prune_view_marks, record_play
from playlist.viewers import COOKIE

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


def views(entry) -> int:
    stats = VideoStats.objects.filter(entry=entry).first()
    return stats.views if stats else 0


def play(world, **kw):
    return record_play(entry_id=world.shown.pk, **{"viewer": "v1", "address": "a1", "capped": False, "now": NOON, **kw})


def test_one_viewer_counts_once_a_day(world):
    assert play(world) is True
    assert play(world) is False
    assert play(world, now=NOON + dt.timedelta(hours=11)) is False  # 23:00 the same local day
    assert play(world, now=NOON + dt.timedelta(hours=13)) is True  # 01:00 the next day
    assert views(world.shown) == 2


def test_a_repeat_is_a_cache_hit_without_database_queries(world):
    play(world)
    with CaptureQueriesContext(connection) as queries:
        assert play(world) is False
    assert len(queries) == 0


def test_the_database_still_deduplicates_when_the_cache_forgot(world):
    play(world)
    cache.clear()
    assert play(world) is False
    assert views(world.shown) == 1


def test_throw_away_cookies_are_capped_per_address(world, settings):
    settings.PLAYLIST_VIEWERS_PER_ADDRESS = 3
    counted = [play(world, viewer=f"cookie{i}", capped=True) for i in range(10)]
    assert counted == [True] * 3 + [False] * 7
    # other addresses and signed-in viewers are not held back by that address
    assert play(world, viewer="cookie-x", address="a2", capped=True) is True
    assert play(world, viewer="user-1", capped=False) is True
    assert views(world.shown) == 5


def test_old_marks_are_pruned_without_touching_counts(world):
    play(world)
    play(world, now=NOON + dt.timedelta(days=5))
    assert prune_view_marks(now=NOON + dt.timedelta(days=5)) == 1
    assert VideoViewMark.objects.count() == 1 and views(world.shown) == 2


def test_play_beacon_counts_a_visitor_once_and_sets_a_viewer_cookie(client, world):
    url = world.url("play")
    first = client.post(url)
    assert first.status_code == 200 and first.json() == {"counted": True, "views": 1}
    assert COOKIE in first.cookies
    second = client.post(url)
    assert second.json() == {"counted": False, "views": 1}


def test_range_requests_never_count(client, world):
    for header in ("bytes=0-", "bytes=0-99", "bytes=100-"):
        client.get(world.url("video"), HTTP_RANGE=header)
    assert views(world.shown) == 0


def test_dropping_the_cookie_from_one_address_is_capped(client, world, settings):
    settings.PLAYLIST_VIEWERS_PER_ADDRESS = 2
    for _ in range(5):
        client.cookies.clear()
        client.post(world.url("play"), REMOTE_ADDR="203.0.113.9")
    assert views(world.shown) == 2


def test_page_shows_the_count(client, world):
    VideoStats.objects.create(entry=world.shown, views=1234)
    html = client.get(reverse("playlist:page", args=[world.playlist.pk])).content.decode()
    assert f'<span id="views{world.item.pk}">1234</span>' in html


def test_the_beacon_needs_the_csrf_token(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(world.url("play")).status_code == 403
    assert views(world.shown) == 0


def test_public_page_and_organiser_page_show_the_same_count(client, world):
    record_play(entry_id=world.shown.pk, viewer="v", address="a", capped=False, now=NOON)
    public = client.get(reverse("playlist:page", args=[world.playlist.pk])).content.decode()
    client.force_login(world.t.city_organiser)
    manage = client.get(reverse("playlist:manage", args=[world.playlist.pk])).content.decode()
    assert f'<span id="views{world.item.pk}">1</span>' in public
    assert '<span class="views">1 次观看</span>' in manage
