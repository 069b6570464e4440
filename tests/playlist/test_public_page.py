"""What the public sees: only awarded videos whose consent stands, named only as far as consent allows."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from playlist.models import PlaylistItem, VideoConsent
from playlist.services import consent_withdraw

pytestmark = pytest.mark.django_db


def page(client, world):
    response = client.get(reverse("playlist:page", args=[world.playlist.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_the_awarded_consented_video_with_its_award(client, world):
    html = page(client, world)
    assert "江海新风" in html and "一等奖" in html and "优秀活动微视频" in html
    assert world.url("video") in html
    assert "不公开" not in html and "未获奖" not in html


def test_the_video_element_plays_inline_on_phones(client, world):
    html = page(client, world)
    for attr in ("playsinline", "webkit-playsinline", 'preload="metadata"', "controls", "poster="):
        assert attr in html
    assert "playlist/poster.svg" in html  # no poster uploaded: the neutral placeholder
    assert "<script>" not in html and "<style" not in html  # CSP: our static files only


def test_author_name_only_with_consent_school_as_consented(client, world):
    html = page(client, world)
    assert "张小明" not in html
    assert "如东县实验小学" in html
    VideoConsent.objects.filter(entry=world.shown).update(show_name=True, show_school=False)
    html = page(client, world)
    assert "张小明" in html and "如东县实验小学" not in html


@pytest.mark.parametrize("name", ["video", "poster", "captions", "play"])
def test_hidden_videos_answer_404_everywhere(client, world, name):
    for item in (world.item, world.item_no_consent, world.item_unawarded):
        item.poster.save("p.jpg", ContentFile(b"\xff\xd8jpeg"), save=False)
        item.captions.save("c.vtt", ContentFile(b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n"), save=True)
    method = client.post if name == "play" else client.get
    assert method(world.url(name)).status_code == 200  # the visible one, for contrast
    for item in (world.item_no_consent, world.item_unawarded):
        assert method(world.url(name, item)).status_code == 404


def test_unpublished_award_or_private_playlist_hides_the_video(client, world):
    world.shown.awards.update(published_at=None)
    assert client.get(world.url("video")).status_code == 404
    world.shown.awards.update(published_at="2026-01-01T00:00:00Z")
    assert client.get(world.url("video")).status_code == 200
    world.playlist.is_public = False
    world.playlist.save()
    assert client.get(world.url("video")).status_code == 404
    assert client.get(reverse("playlist:page", args=[world.playlist.pk])).status_code == 404


def test_a_document_in_place_of_a_video_is_never_streamed(client, world):
    world.shown.versions.update(file_type="pdf")
    assert client.get(world.url("video")).status_code == 404


def test_withdrawal_stops_playing_at_once_and_takes_it_off_the_list(client, world):
    assert client.get(world.url("video"), HTTP_RANGE="bytes=0-9").status_code == 206
    consent_withdraw(actor=world.t.student_a, entry=world.shown)
    assert client.get(world.url("video"), HTTP_RANGE="bytes=10-19").status_code == 404
    assert not PlaylistItem.objects.filter(entry=world.shown).exists()
    assert "江海新风" not in page(client, world)


def test_a_lapsed_consent_hides_even_if_the_item_remains(client, world):
    VideoConsent.objects.filter(entry=world.shown).update(granted=False)
    assert client.get(world.url("video")).status_code == 404
    assert "江海新风" not in page(client, world)


def test_index_lists_public_playlists_only(client, world):
    from playlist.models import Playlist

    Playlist.objects.create(title="内部草稿", owner_org=world.t.city, created_by=world.t.city_organiser)
    html = client.get(reverse("playlist:index")).content.decode()
    assert "2026 优秀微视频" in html and "内部草稿" not in html
