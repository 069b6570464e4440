"""The awards page explains an empty round list, says why computing did nothing, and keeps its values."""

import pytest
from django.urls import reverse

from judging.models import Assignment

from .factories import World

pytestmark = pytest.mark.django_db


def test_without_a_closed_round_the_page_says_why_and_links_the_round(client):
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    client.force_login(w.organiser)
    html = client.get(reverse("judging:awards", args=[w.contest.pk])).content.decode()
    assert "奖项只能依据已结束的评审轮次评定" in html and "结束本轮评审" in html
    assert reverse("judging:round_detail", args=[w.round.pk]) in html
    assert 'value="compute" class="button primary" disabled' in html


def _closed_world():
    w = World(schools=4, judges=3, k=2)
    w.open_and_assign()
    for i, e in enumerate(w.entries):
        for a in Assignment.objects.filter(entry=e):
            w.score(a, [20 + i, 20, 10, 10])
    from judging import services

    services.round_close(actor=w.organiser, rnd=w.round)
    return w


def test_computing_without_any_tier_says_what_is_missing(client):
    w = _closed_world()
    client.force_login(w.organiser)
    resp = client.post(reverse("judging:awards", args=[w.contest.pk]), {"action": "compute", "round": w.round.pk})
    assert "请至少设置一个奖项的名额" in resp.content.decode()
    resp = client.post(reverse("judging:awards", args=[w.contest.pk]), {"action": "compute", "first_count": 1})
    assert "依据轮次" in resp.content.decode()  # the missing field is named


def test_values_are_kept_after_computing(client):
    w = _closed_world()
    client.force_login(w.organiser)
    url = reverse("judging:awards", args=[w.contest.pk])
    client.post(url, {"action": "compute", "round": w.round.pk, "first_count": 1, "second_percent": "50"})
    html = client.get(url).content.decode()
    assert 'name="first_count" value="1"' in html
    assert 'name="second_percent" value="50"' in html
    assert f'<option value="{w.round.pk}" selected>' in html
