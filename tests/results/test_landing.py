"""Anonymous visitors get a public landing page: current contests, the verify page and the showcase."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import ContestKind
from tests.competitions.factories import make_contest as make_quiz
from tests.factories import Tree
from tests.judging.factories import make_contest as make_collection

pytestmark = pytest.mark.django_db


def test_landing_lists_running_contests_and_collections_but_not_drafts_or_past_ones(client):
    tree = Tree()
    make_quiz(owner_org=tree.city, title="党的二十大精神知识竞赛")
    make_quiz(owner_org=tree.city, title="法学苑", kind=ContestKind.PRACTICE)
    make_quiz(owner_org=tree.city, title="尚未发布的竞赛", publish=False)
    long_ago = timezone.now() - timedelta(days=60)
    make_quiz(owner_org=tree.city, title="去年的竞赛", opens_at=long_ago - timedelta(days=1), closes_at=long_ago)
    make_collection(tree, open_now=True, title="喜迎二十大征文")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("党的二十大精神知识竞赛", "法学苑", "练习竞赛", "喜迎二十大征文"):
        assert shown in html
    assert "尚未发布的竞赛" not in html and "去年的竞赛" not in html
    assert reverse("verify:form") in html and reverse("accounts:login") in html
    assert "南通市关心下一代工作委员会" in html


def test_landing_links_showcases_with_published_awards():
    from results.landing import public_landing
    from results.models import ShowcaseItem
    from tests.judging.factories import World

    w = World(schools=1, judges=1, k=1)
    w.contest.awards_published_at = timezone.now()
    w.contest.save()
    entry = w.entries[0]
    entry.consent_public = True
    entry.save()
    ShowcaseItem.objects.create(contest=w.contest, entry=entry, featured_by=w.organiser)
    assert public_landing()["showcases"] == [w.contest]
    entry.consent_public = False
    entry.save()
    assert public_landing()["showcases"] == []
