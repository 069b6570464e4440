"""A teacher prints the class's family codes once from the management pages."""

import pytest

from honours.models import VoteCode

from .factories import build_world, make_campaign

pytestmark = pytest.mark.django_db


def test_a_teacher_prints_the_class_codes_once_and_only_for_own_class(client):
    w = build_world()
    campaign = make_campaign(w)
    url = f"/honours/{campaign.pk}/manage/codes/"
    client.force_login(w.students[w.classes[0].pk][0])
    assert client.get(url).status_code == 403
    client.force_login(w.teachers[0])
    page = client.get(url).content.decode()
    assert w.classes[0].name in page and w.schools[1].name not in page
    assert "家庭投票码" in client.get(f"/honours/{campaign.pk}/manage/").content.decode()
    asked = client.post(url, {"class_id": w.classes[0].pk})
    assert asked.status_code == 200 and "确认生成" in asked.content.decode() and not VoteCode.objects.exists()
    pdf = client.post(url, {"class_id": w.classes[0].pk, "confirmed": "1"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "no-store"
    assert VoteCode.objects.filter(campaign=campaign).count() == len(w.students[w.classes[0].pk])
    again = client.post(url, {"class_id": w.classes[0].pk, "confirmed": "1"}, follow=True)
    assert "已发放过投票码" in again.content.decode()
    assert VoteCode.objects.filter(campaign=campaign).count() == len(w.students[w.classes[0].pk])
    assert client.post(url, {"class_id": w.classes[1].pk, "confirmed": "1"}).status_code == 403
    assert "已于" in client.get(url).content.decode()
