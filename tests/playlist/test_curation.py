"""Organisers curate playlists of their own region from awarded, consented videos."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.selectors import scope_for
from playlist.errors import PlaylistError
from playlist.models import Playlist, PlaylistItem
from playlist.selectors import candidates
from playlist.services import consent_grant, item_add, item_move, playlist_create

from .factories import make_video_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty(world):
    PlaylistItem.objects.all().delete()
    return world


def test_candidates_are_awarded_and_consented_only(empty):
    assert list(candidates(empty.playlist)) == [empty.shown]
    consent_grant(actor=empty.t.student_b, entry=empty.no_consent, show_name=False, show_school=False)
    assert list(candidates(empty.playlist)) == [empty.shown, empty.no_consent]


def test_adding_a_video_without_consent_or_award_is_refused(empty):
    t = empty.t
    scope = scope_for(t.city_organiser)
    for entry in (empty.no_consent, empty.unawarded):
        with pytest.raises(PlaylistError):
            item_add(actor=t.city_organiser, scope=scope, playlist=empty.playlist, entry_id=entry.pk)
    item = item_add(actor=t.city_organiser, scope=scope, playlist=empty.playlist, entry_id=empty.shown.pk)
    assert item.position == 1
    with pytest.raises(PlaylistError, match="已在列表中|只能加入"):
        item_add(actor=t.city_organiser, scope=scope, playlist=empty.playlist, entry_id=empty.shown.pk)


def test_district_organiser_curates_only_their_region(empty):
    t = empty.t
    scope_a = scope_for(t.organiser_a)
    with pytest.raises(PermissionDenied):
        playlist_create(actor=t.organiser_a, scope=scope_a, title="全市", description="", owner_org=t.city)
    district = playlist_create(
        actor=t.organiser_a, scope=scope_a, title="如东县展播", description="", owner_org=t.district_a
    )
    # district B's winner is not in district A's region
    consent_grant(actor=t.student_b, entry=empty.no_consent, show_name=False, show_school=False)
    assert list(candidates(district)) == [empty.shown]
    with pytest.raises(PlaylistError):
        item_add(actor=t.organiser_a, scope=scope_a, playlist=district, entry_id=empty.no_consent.pk)
    with pytest.raises(PermissionDenied):
        item_add(actor=t.organiser_b, scope=scope_for(t.organiser_b), playlist=district, entry_id=empty.shown.pk)


def test_manage_pages_are_scoped(client, empty):
    t = empty.t
    client.force_login(t.organiser_b)
    assert client.get(reverse("playlist:manage", args=[empty.playlist.pk])).status_code == 403
    client.force_login(t.city_organiser)
    html = client.get(reverse("playlist:manage", args=[empty.playlist.pk])).content.decode()
    assert "SP-0001" in html and "SP-0002" not in html
    client.force_login(t.student_a)
    assert client.get(reverse("playlist:manage_index")).status_code == 403


def test_create_add_reorder_and_publish_through_the_pages(client, empty):
    t = empty.t
    second = make_video_entry(empty.contest, t.teacher_a, t.class_a, code="SP-0009", title="第二部")
    from tests.results.factories import award

    award(second, "third", 3)
    consent_grant(actor=t.teacher_a, entry=second, show_name=True, show_school=True)
    client.force_login(t.city_organiser)
    response = client.post(
        reverse("playlist:manage_index"), {"title": "新列表", "description": "", "owner_org": t.city.pk}
    )
    playlist = Playlist.objects.get(title="新列表")
    assert response.status_code == 302 and not playlist.is_public
    for entry in (empty.shown, second):
        client.post(reverse("playlist:item_add", args=[playlist.pk]), {"entry": entry.pk})
    first, last = PlaylistItem.objects.filter(playlist=playlist).order_by("position")
    assert (first.entry, last.entry) == (empty.shown, second)
    client.post(reverse("playlist:item_move", args=[playlist.pk, last.pk]), {"direction": "up"})
    order = list(PlaylistItem.objects.filter(playlist=playlist).order_by("position").values_list("entry", flat=True))
    assert order == [second.pk, empty.shown.pk]
    client.post(reverse("playlist:publish", args=[playlist.pk]), {"public": "1"})
    html = client.get(reverse("playlist:page", args=[playlist.pk])).content.decode()
    assert html.index("第二部") < html.index("江海新风")


def test_moving_past_the_ends_changes_nothing(empty):
    t = empty.t
    scope = scope_for(t.city_organiser)
    item = item_add(actor=t.city_organiser, scope=scope, playlist=empty.playlist, entry_id=empty.shown.pk)
    item_move(scope=scope, item=item, step=-1)
    item.refresh_from_db()
    assert item.position == 1


def test_poster_and_captions_uploads_through_the_manage_page(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_poster import jpeg_with_exif

    client.force_login(world.t.city_organiser)
    poster_url = reverse("playlist:item_poster", args=[world.playlist.pk, world.item.pk])
    captions_url = reverse("playlist:item_captions", args=[world.playlist.pk, world.item.pk])
    response = client.post(poster_url, {"poster": SimpleUploadedFile("x.jpg", b"not a picture")}, follow=True)
    assert "无法识别的图片文件" in response.content.decode()
    client.post(poster_url, {"poster": SimpleUploadedFile("x.jpg", jpeg_with_exif())})
    vtt = SimpleUploadedFile("c.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n")
    client.post(captions_url, {"captions": vtt, "label": "普通话"})
    world.item.refresh_from_db()
    assert world.item.poster.name.endswith(".jpg") and world.item.captions_label == "普通话"
    client.post(captions_url, {"clear": "1"})
    world.item.refresh_from_db()
    assert not world.item.captions
    client.force_login(world.t.organiser_b)
    assert client.post(poster_url, {"clear": "1"}).status_code == 403
