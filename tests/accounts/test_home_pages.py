"""Each role's home page leads into that role's work."""

import pytest
from django.urls import reverse

from tests.factories import Tree
from tests.judging.factories import make_contest

pytestmark = pytest.mark.django_db


def test_student_home_lists_open_and_recently_closed_essay_contests_with_their_state(client):
    from datetime import timedelta

    from django.utils import timezone

    tree = Tree()
    open_contest = make_contest(tree, open_now=True, title="青春心向党征文")
    make_contest(tree, open_now=False, title="刚截止的征文")
    long_ago = timezone.now() - timedelta(days=40)
    make_contest(tree, title="去年的征文", opens_at=long_ago - timedelta(days=10), closes_at=long_ago)
    client.force_login(tree.student_a)
    html = client.get(reverse("home")).content.decode()
    assert "青春心向党征文" in html
    assert reverse("judging:entry_edit", args=[open_contest.pk]) in html
    closed = html.split("刚截止的征文")[1].split("</li>")[0]
    assert "已截止" in closed
    assert "去年的征文" not in html


def test_judge_home_links_to_the_scoring_queue(client):
    tree = Tree()
    client.force_login(tree.judge)
    html = client.get(reverse("home")).content.decode()
    assert reverse("judging:judge_queue") in html
    assert "已评 0 / 共 0 份" in html
