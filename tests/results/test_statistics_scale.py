"""The statistics dashboard's database work does not grow with the city: a fixed handful of GROUP BY
queries (one per measure, never one per school, class or attempt), so the page, the district view and
the xlsx send the same number of queries for a city of 2 schools as for one of 24 schools with ten times
the attempts. Counted queries, not wall-clock time (flaky on a loaded machine); the timing at 100,000
attempts, as a ratio to a bare aggregate, is bench/statistics_scale.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, OrgKind, Role, User
from competitions.models import Attempt, AttemptState
from tests.factories import make_organiser

from .factories import make_knowledge_contest

pytestmark = pytest.mark.django_db


def _bulk_city(name: str, *, districts: int, schools: int, attempts: int):
    city = Organization.objects.create(name=name, kind=OrgKind.CITY)
    classes = []
    for d in range(districts):
        district = Organization.objects.create(name=f"{name}区{d}", kind=OrgKind.DISTRICT, parent=city)
        for s in range(schools):
            school = Organization.objects.create(name=f"{name}区{d}学校{s:02d}", kind=OrgKind.SCHOOL, parent=district)
            for c in range(2):
                classes.append(Organization.objects.create(name=f"{c}班", kind=OrgKind.CLASS, parent=school, grade=5))
    users = User.objects.bulk_create(
        [User(username=f"{name}-{i}", password="!", real_name=f"学生{i}") for i in range(int(attempts * 1.25))]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.STUDENT, org=classes[i % len(classes)]) for i, u in enumerate(users)]
    )
    contest = make_knowledge_contest(owner=city, title=f"{name}竞赛", closes_at=timezone.now() - timedelta(minutes=1))
    start = contest.opens_at
    Attempt.objects.bulk_create(
        [
            Attempt(
                contest=contest,
                user=u,
                number=1,
                state=AttemptState.FINALISED,
                class_org=classes[i % len(classes)],
                seed=i,
                started_at=start + timedelta(seconds=i * 7),
                deadline=start + timedelta(seconds=i * 7 + 1800),
                finished_at=start + timedelta(seconds=i * 7 + 900),
                score=Decimal(i * 37 % 101),
                max_score=Decimal(100),
                time_used_s=900,
                counts=True,
            )
            for i, u in enumerate(users[:attempts])
        ]
    )
    return city, contest


def _queries(client, url) -> int:
    client.get(url)  # caches (ContentType, session) warmed once, as on any busy server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _costs(client, city, contest) -> tuple[int, int, int]:
    page = reverse("results:stats_contest", args=["knowledge", contest.pk])
    xlsx = reverse("results:stats_contest_xlsx", args=["knowledge", contest.pk])
    client.force_login(make_organiser(city))
    city_page = _queries(client, page)
    client.force_login(make_organiser(city.children.order_by("pk").first()))
    return city_page, _queries(client, page), _queries(client, xlsx)


def test_dashboard_queries_do_not_grow_with_schools_classes_or_attempts(client):
    small_city, small_contest = _bulk_city("小市", districts=1, schools=2, attempts=30)
    large_city, large_contest = _bulk_city("大市", districts=3, schools=8, attempts=300)
    small = _costs(client, small_city, small_contest)
    large = _costs(client, large_city, large_contest)
    assert small == large, f"queries (city page, district page, district xlsx): {small} vs {large}"
    assert max(large) < 40  # a handful per measure, not one per school (24) or attempt (300)
