"""Narration uploads pass judging's file checks; streaks count consecutive months."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reading import selectors
from reading.models import Progress, Reading
from tests.competitions.factories import make_question, make_topic
from tests.factories import Tree
from tests.judging.hostile_media import mp3_frames

from .factories import NOW, make_reading

pytestmark = pytest.mark.django_db

FRAME = mp3_frames()  # judging's sample: real MPEG frames (its checks parse them)


def _form(topic, **extra):
    data = {
        "title": "有声阅读",
        "owner_org": "",
        "month": "2026-11-01",
        "body": "<p>正文</p>",
        "reading_minutes": 3,
        "topic": topic.pk,
        "pass_percent": 60,
    }
    data.update(extra)
    return data


def test_narration_upload_is_type_checked_and_stripped(client):
    tree = Tree()
    topic = make_topic("有声专题")
    make_question(topic=topic)
    client.force_login(tree.organiser_a)
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0cTPE1\x00\x00\x00\x02\x00\x00\x03X"
    response = client.post(
        reverse("reading:manage_new"),
        _form(topic, owner_org=tree.district_a.pk, audio=SimpleUploadedFile("n.mp3", tag + FRAME)),
    )
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert reading.audio_type == "mp3"
    reading.audio.open("rb")
    assert reading.audio.read() == FRAME  # the ID3 tag (author names etc.) is gone
    response = client.post(
        reverse("reading:manage_new"),
        _form(topic, owner_org=tree.district_a.pk, audio=SimpleUploadedFile("x.mp3", b"%PDF-1.4 not audio")),
    )
    assert response.status_code == 200 and "文件类型不符合要求" in response.content.decode()
    assert Reading.objects.count() == 1


def test_oversized_narration_is_refused_before_anything_is_stored(client, settings):
    settings.READING_AUDIO_MAX_MB = 1
    tree = Tree()
    topic = make_topic("有声专题")
    client.force_login(tree.organiser_a)
    big = SimpleUploadedFile("n.mp3", FRAME * (2 * 1024 * 1024 // len(FRAME)))
    response = client.post(reverse("reading:manage_new"), _form(topic, owner_org=tree.district_a.pk, audio=big))
    assert "文件过大" in response.content.decode() and not Reading.objects.exists()


def _complete(user, reading):
    Progress.objects.create(
        reading=reading,
        user=user,
        started_at=NOW,
        last_saved_at=NOW,
        saves=1,
        completed_at=NOW,
        best_percent=100,
    )


def test_streak_counts_consecutive_completed_months_and_a_gap_breaks_it():
    tree = Tree()
    months = [date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1), date(2026, 7, 1)]
    for i, m in enumerate(months):
        _complete(tree.student_a, make_reading(tree.city, month=m, title=f"第{i}篇"))
    assert selectors.streak_months(tree.student_a, NOW) == 3
    # the current month still open does not break the streak
    assert selectors.streak_months(tree.student_a, NOW + timedelta(days=15)) == 3
    assert selectors.streak_months(tree.student_a, NOW + timedelta(days=45)) == 0
    assert selectors.streak_months(tree.student_b, NOW) == 0


def _png(w, h) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (w, h), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_illustration_is_reencoded_and_only_our_own_images_survive(client):
    tree = Tree()
    topic = make_topic("插图专题")
    client.force_login(tree.organiser_a)
    body = '<p>正文</p><img src="https://tracker.example/p.gif"><img src="/media/../secret">'
    response = client.post(
        reverse("reading:manage_new"),
        _form(topic, owner_org=tree.district_a.pk, body=body, image=SimpleUploadedFile("a.png", _png(2400, 1200))),
    )
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert "tracker.example" not in reading.body and "secret" not in reading.body
    assert reading.body.count("<img") == 1 and '<img src="/media/reading_images/' in reading.body
    from PIL import Image

    path = reading.body.split('src="/media/')[1].split('"')[0]
    from django.core.files.storage import default_storage

    with default_storage.open(path) as fh, Image.open(fh) as img:
        assert img.format == "JPEG" and img.size == (1600, 800)


def test_a_pixel_bomb_or_a_non_image_is_refused(client):
    tree = Tree()
    topic = make_topic("插图专题")
    client.force_login(tree.organiser_a)
    for name, data in (("a.png", _png(4100, 4100)), ("a.png", b"<svg onload=alert(1)>"), ("a.png", _png(2100, 100))):
        response = client.post(
            reverse("reading:manage_new"),
            _form(topic, owner_org=tree.district_a.pk, image=SimpleUploadedFile(name, data)),
        )
        assert response.status_code == 200, name
    assert not Reading.objects.exists()
