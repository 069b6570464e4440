import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.selectors import scope_for
from results.errors import ShowcaseError
from results.models import ShowcaseItem
from results.showcase import showcase_feature, showcase_withdraw
from tests.factories import Tree, make_student

from .factories import award, make_entry, make_submission_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    t = Tree()
    t.contest = make_submission_contest(owner=t.city)
    t.consenting = make_entry(
        t.contest, t.student_a, t.class_a, code="ZW-0001", title="家乡的变化", body="<p>家乡美</p>"
    )
    t.no_consent = make_entry(t.contest, t.student_b, t.class_b, code="ZW-0002", consent=False, title="不公开的作品")
    t.unawarded = make_entry(t.contest, make_student(t.class_a), t.class_a, code="ZW-0003", title="未获奖作品")
    award(t.consenting, "first", 1)
    award(t.no_consent, "second", 2)
    return t


def test_feature_all_shows_only_consenting_award_winners(client, setup):
    t = setup
    n = showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    assert n == 1
    body = client.get(reverse("results:showcase", args=[t.contest.pk])).content.decode()
    assert "家乡的变化" in body and "一等奖" in body and "如东县实验小学" in body
    assert "不公开的作品" not in body
    assert "未获奖作品" not in body
    assert "张小明" not in body  # the author's name is not published


def test_featuring_a_work_without_consent_is_refused(setup):
    t = setup
    with pytest.raises(ShowcaseError, match="未同意公开展示"):
        showcase_feature(
            actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest, entry_ids=[t.no_consent.pk]
        )
    assert not ShowcaseItem.objects.exists()


def test_unpublished_awards_are_not_shown(setup):
    t = setup
    t.consenting.awards.update(published_at=None)
    with pytest.raises(ShowcaseError, match="已公布获奖"):
        showcase_feature(
            actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest, entry_ids=[t.consenting.pk]
        )


def test_withdraw_takes_the_work_off_at_once(client, setup):
    t = setup
    showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    item = ShowcaseItem.objects.get()
    client.force_login(t.city_organiser)
    response = client.post(reverse("results:showcase_withdraw", args=[t.contest.pk, item.pk]), {"reason": "作者要求"})
    assert response.status_code == 302
    client.logout()
    body = client.get(reverse("results:showcase", args=[t.contest.pk])).content.decode()
    assert "家乡的变化" not in body
    item.refresh_from_db()
    assert item.withdrawn_reason == "作者要求" and item.withdrawn_by == t.city_organiser


def test_consent_withdrawn_later_hides_the_work(client, setup):
    t = setup
    showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    t.consenting.consent_public = False
    t.consenting.save()
    assert "家乡的变化" not in client.get(reverse("results:showcase", args=[t.contest.pk])).content.decode()


def test_district_organiser_cannot_feature_or_withdraw_city_contest_works(client, setup):
    from django.core.exceptions import PermissionDenied

    t = setup
    with pytest.raises(PermissionDenied):
        showcase_feature(actor=t.organiser_a, scope=scope_for(t.organiser_a), contest=t.contest)
    showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    item = ShowcaseItem.objects.get()
    with pytest.raises(PermissionDenied):
        showcase_withdraw(actor=t.organiser_a, scope=scope_for(t.organiser_a), item=item)
    client.force_login(t.organiser_a)
    assert client.get(reverse("results:showcase_manage", args=[t.contest.pk])).status_code == 403


def test_showcase_is_paginated_with_constant_queries(client, setup, django_assert_max_num_queries):
    t = setup
    for i in range(25):
        e = make_entry(t.contest, make_student(t.class_a), t.class_a, code=f"ZW-1{i:03d}", title=f"作品{i:02d}")
        award(e, "merit", 10 + i)
    showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    with django_assert_max_num_queries(5):
        first = client.get(reverse("results:showcase", args=[t.contest.pk])).content.decode()
    assert first.count("<article") == 10
    assert "1 / 3" in first
    third = client.get(reverse("results:showcase", args=[t.contest.pk]), {"page": 3}).content.decode()
    assert third.count("<article") == 6


def test_video_work_is_served_only_while_shown(client, setup):
    t = setup
    video = make_entry(
        t.contest, make_student(t.class_b), t.class_b, code="WSP-01", title="微视频", body="", file_type="mp4"
    )
    version = video.versions.get()
    version.file.save("x.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32))
    award(video, "third", 3)
    showcase_feature(actor=t.city_organiser, scope=scope_for(t.city_organiser), contest=t.contest)
    item = ShowcaseItem.objects.get(entry=video)
    url = reverse("results:showcase_media", args=[t.contest.pk, item.pk])
    page = client.get(reverse("results:showcase", args=[t.contest.pk])).content.decode()
    assert url in page and "<video" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    ranged = client.get(url, headers={"range": "bytes=4-11"})  # phones seek: iOS plays only with ranges
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == "bytes 4-11/44"
    assert b"".join(ranged.streaming_content) == b"ftypmp42"
    showcase_withdraw(actor=t.city_organiser, scope=scope_for(t.city_organiser), item=item)
    assert client.get(url).status_code == 404
