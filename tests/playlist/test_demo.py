"""seed_demo's playlist: the winning 微视频课件 of teachers and 五老 volunteers, each with its entrant's recorded
consent, a poster and a real video that answers Range requests; captions on the first. Idempotent."""

from __future__ import annotations

import io

import pytest

from accounts.demo import seed_organisations_and_people
from judging import demo as judging_demo
from judging.demo_units import VIDEO
from judging.models import Award, SubmissionContest
from playlist import demo
from playlist.models import ConsentRecord, ConsentRole, Playlist
from playlist.selectors import visible_items

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _seed():
    for _run in range(2):
        ctx = seed_organisations_and_people(password="Demo@2026x", students=4, reset_passwords=False)
        judging_demo.seed(ctx, io.StringIO())
        demo.seed(ctx, io.StringIO())


def test_the_demo_playlist_shows_every_winning_video_with_consent_and_poster():
    _seed()
    playlist = Playlist.objects.get(title=demo.TITLE)
    contest = SubmissionContest.objects.get(title=VIDEO)
    winners = set(Award.objects.filter(contest=contest, published_at__isnull=False).values_list("entry_id", flat=True))
    items = list(visible_items(playlist))
    assert playlist.is_public and len(winners) == 3
    assert {i.entry_id for i in items} == winners and playlist.items.count() == 3  # not doubled by a rerun
    assert all(i.poster for i in items) and [bool(i.captions) for i in items] == [True, False, False]
    records = ConsentRecord.objects.filter(entry_id__in=winners)
    assert records.count() == 3 and {r.actor_id for r in records} == {i.entry.author_id for i in items}
    assert {r.actor_role for r in records} == {ConsentRole.ENTRANT}


def test_the_demo_videos_play_from_the_public_page_with_ranges(client):
    _seed()
    playlist = Playlist.objects.get(title=demo.TITLE)
    item = visible_items(playlist).first()
    page = client.get(f"/playlist/{playlist.pk}/")
    assert page.status_code == 200 and page.content.decode().count("<video") == 3
    url = f"/playlist/{playlist.pk}/v/{item.pk}/video"
    whole = _body(client.get(url))
    assert whole[4:8] == b"ftyp" and len(whole) > 100_000
    ranged = client.get(url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and _body(ranged) == whole[:100]
    poster = client.get(f"/playlist/{playlist.pk}/v/{item.pk}/poster.jpg")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    captions = client.get(f"/playlist/{playlist.pk}/v/{item.pk}/captions.vtt")
    assert captions.status_code == 200 and "同学们好" in _body(captions).decode()
