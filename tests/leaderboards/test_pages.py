"""Board pages: the big screen on its secret link, the organiser's controls, reveal only after close."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leaderboards.models import BoardState
from tests.factories import Tree
from tests.leaderboards.factories import make_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def test_big_screen_opens_with_the_display_link_and_not_without_it(client, tree):
    contest = make_contest(tree.city)
    url = reverse("leaderboards:screen", args=[contest.pk])
    page = client.get(url, {"display": contest.display_token})
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "实时排行榜" in page.content.decode() and "leaderboard-client.js" in page.content.decode()
    assert client.get(url, {"display": "guess"}).status_code == 403
    assert client.get(url).status_code == 403


def test_organiser_sees_display_link_and_student_may_not(client, tree):
    contest = make_contest(tree.city, freeze_minutes=15)
    url = reverse("leaderboards:manage", args=[contest.pk])
    client.force_login(tree.student_a)
    assert client.get(url).status_code == 403
    client.force_login(tree.city_organiser)
    page = client.get(url)
    assert page.status_code == 200 and contest.display_token in page.content.decode()


def test_reveal_is_refused_while_open_and_recorded_after_close(client, tree):
    contest = make_contest(tree.city, freeze_minutes=15)
    client.force_login(tree.city_organiser)
    url = reverse("leaderboards:reveal", args=[contest.pk])
    page = client.post(url, follow=True)
    assert "竞赛尚未结束" in page.content.decode()
    assert not BoardState.objects.filter(contest=contest, revealed_at__isnull=False).exists()
    type(contest).objects.filter(pk=contest.pk).update(
        opens_at=timezone.now() - timedelta(hours=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    client.post(url)
    assert BoardState.objects.get(contest=contest).revealed_by == tree.city_organiser


def test_student_of_the_region_sees_the_board_page(client, tree):
    contest = make_contest(tree.city)
    client.force_login(tree.student_a)
    page = client.get(reverse("leaderboards:board", args=[contest.pk]), {"scope": "school"})
    assert page.status_code == 200
    assert "学校榜" in page.content.decode()


def test_my_rank_snippet_points_at_the_contest_board(tree):
    from django.template.loader import render_to_string

    contest = make_contest(tree.city)
    html = render_to_string("leaderboards/_my_rank.html", {"contest_id": contest.pk})
    assert f'data-ws="/ws/contests/{contest.pk}/leaderboard/?scope=individual"' in html
    assert "leaderboard-myrank.js" in html and "我的排名" in html
