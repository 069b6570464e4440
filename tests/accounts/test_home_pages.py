"""Each role's home page leads into that role's work."""

import pytest
from django.urls import reverse

from tests.factories import Tree
from tests.judging.factories import make_contest

pytestmark = pytest.mark.django_db


def test_student_home_lists_open_essay_contests_but_not_closed_ones(client):
    tree = Tree()
    open_contest = make_contest(tree, open_now=True, title="青春心向党征文")
    make_contest(tree, open_now=False, title="已截止的征文")
    client.force_login(tree.student_a)
    html = client.get(reverse("home")).content.decode()
    assert "青春心向党征文" in html
    assert reverse("judging:entry_edit", args=[open_contest.pk]) in html
    assert "已截止的征文" not in html


def test_judge_home_links_to_the_scoring_queue(client):
    tree = Tree()
    client.force_login(tree.judge)
    html = client.get(reverse("home")).content.decode()
    assert reverse("judging:judge_queue") in html
    assert "已评 0 / 共 0 份" in html
