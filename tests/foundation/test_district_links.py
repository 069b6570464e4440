"""A district organiser is shown only links they can open: walk every page reachable from their home
(two clicks deep) with a city contest of each kind and a contest of their own, and find no 403."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from judging.models import SubmissionContest
from tests.factories import Tree
from tests.results.factories import make_knowledge_contest

pytestmark = pytest.mark.django_db

SKIP = ("/accounts/logout", "/admin/", "/static/", "/api/", ".xlsx", ".pdf", "/file/", "/download")


def _links(html: str) -> set[str]:
    return {h for h in re.findall(r'href="(/[^"#?]*)', html) if not any(s in h for s in SKIP)}


def test_district_organiser_meets_no_forbidden_link(client):
    tree = Tree()
    now = timezone.now()
    make_knowledge_contest(owner=tree.city, title="市级知识竞赛")
    make_knowledge_contest(owner=tree.district_a, title="区级知识竞赛")
    for owner, title in ((tree.city, "市级征文"), (tree.district_a, "区级征文")):
        SubmissionContest.objects.create(
            owner_org=owner, title=title, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1)
        )
    client.force_login(tree.organiser_a)
    seen, frontier, forbidden = set(), {"/", "/results/stats/", "/contests/", "/judging/"}, []
    for _depth in range(2):
        nxt = set()
        for url in sorted(frontier - seen):
            seen.add(url)
            response = client.get(url)
            if response.status_code == 403:
                forbidden.append(url)
            elif response.status_code == 200 and "text/html" in response["Content-Type"]:
                nxt |= _links(response.content.decode())
        frontier = nxt
    assert len(seen) > 8
    assert forbidden == []
