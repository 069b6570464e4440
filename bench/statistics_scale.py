"""Statistics dashboard at scale: a city of 7 districts × 60 schools × 4 classes and --attempts counted
attempts (default 100,000), then the city organiser's page, a district organiser's page and the district
xlsx, each timed against a bare baseline in the same run: one aggregate over the same attempts (the least
any page showing them could ask of the database).

    .venv/bin/python bench/statistics_scale.py --attempts 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/statistics_scale.py

Prints milliseconds and the ratios to the baseline. The test suite checks the algorithmic side instead
(tests/results/test_statistics_scale.py: the query count does not grow with the city)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")


def build_city(n_attempts: int):
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organization, OrgKind, Role, User
    from competitions.models import Attempt, AttemptState, Contest, ContestStatus

    city = Organization.objects.create(name="规模测试市", kind=OrgKind.CITY)
    classes = []
    for d in range(7):
        district = Organization.objects.create(name=f"区{d}", kind=OrgKind.DISTRICT, parent=city)
        for s in range(60):
            school = Organization.objects.create(name=f"区{d}学校{s:02d}", kind=OrgKind.SCHOOL, parent=district)
            for c in range(4):
                classes.append(Organization.objects.create(name=f"{c}班", kind=OrgKind.CLASS, parent=school, grade=5))
    n_students = int(n_attempts * 1.25)  # 80% participation
    users = User.objects.bulk_create(
        [User(username=f"scale{i}", password="!", real_name=f"学生{i}") for i in range(n_students)], batch_size=5000
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.STUDENT, org=classes[i % len(classes)]) for i, u in enumerate(users)],
        batch_size=5000,
    )
    now = timezone.now()
    contest = Contest.objects.create(
        title="规模测试竞赛",
        owner_org=city,
        status=ContestStatus.PUBLISHED,
        opens_at=now - timedelta(hours=5),
        closes_at=now - timedelta(minutes=1),
    )
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
                started_at=start + timedelta(seconds=i % 14000),
                deadline=start + timedelta(seconds=i % 14000 + 1800),
                finished_at=start + timedelta(seconds=i % 14000 + 900),
                score=Decimal(i * 37 % 101),
                max_score=Decimal(100),
                time_used_s=900,
                counts=True,
            )
            for i, u in enumerate(users[:n_attempts])
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in ("accounts_organization", "accounts_membership", "competitions_attempt"):
                cur.execute(f"ANALYZE {table}")
    return city, contest


def median_ms(fn, reps: int) -> float:
    fn()  # warm caches (ContentType, templates)
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Membership, Role, User
    from competitions.models import Attempt

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    t0 = time.perf_counter()
    city, contest = build_city(args.attempts)
    print(f"built {args.attempts} attempts / 420 schools in {time.perf_counter() - t0:.1f} s ({connection.vendor})")

    def organiser(org, name):
        user = User.objects.create(username=name, password="!", real_name=name, is_staff=True)
        Membership.objects.create(user=user, role=Role.ORGANISER, org=org)
        client = Client()
        client.force_login(user)
        return client

    city_client = organiser(city, "city-organiser")
    district_client = organiser(city.children.order_by("pk").first(), "district-organiser")
    page = reverse("results:stats_contest", args=["knowledge", contest.pk])
    xlsx = reverse("results:stats_contest_xlsx", args=["knowledge", contest.pk])

    def baseline():
        Attempt.objects.filter(contest=contest, counts=True).aggregate(n=Count("id"), s=Sum("score"))

    def get(client, url):
        def run():
            assert client.get(url).status_code == 200

        return run

    bare = median_ms(baseline, args.reps)
    results = {
        "city page": median_ms(get(city_client, page), args.reps),
        "district page": median_ms(get(district_client, page), args.reps),
        "district xlsx": median_ms(get(district_client, xlsx), args.reps),
    }
    print(f"{'bare aggregate (baseline)':28} {bare:9.1f} ms")
    for name, ms in results.items():
        print(f"{name:28} {ms:9.1f} ms   ratio {ms / bare:6.1f}")


if __name__ == "__main__":
    main()
