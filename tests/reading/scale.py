"""Bulk data for the statistics scale check: 7 districts × 60 schools × 4 classes (420 schools), N
students, progress rows for 80% of them on one reading. Used by test_statistics_scale and bench/reading.py."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Organization, OrgKind, Role, User
from questionbank.models import Topic
from reading.models import Progress, Reading, ReadingStatus


def build_city(n_students: int, *, prefix: str = "rscale") -> tuple[Organization, Reading]:
    city = Organization.objects.create(name=f"{prefix}市", kind=OrgKind.CITY)
    classes = []
    for d in range(7):
        district = Organization.objects.create(name=f"{prefix}区{d}", kind=OrgKind.DISTRICT, parent=city)
        for s in range(60):
            school = Organization.objects.create(name=f"区{d}学校{s:02d}", kind=OrgKind.SCHOOL, parent=district)
            for c in range(4):
                classes.append(
                    Organization.objects.create(name=f"{c + 1}班", kind=OrgKind.CLASS, parent=school, grade=4 + c)
                )
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", password="!", real_name=f"学生{i}") for i in range(n_students)], batch_size=5000
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.STUDENT, org=classes[i % len(classes)]) for i, u in enumerate(users)],
        batch_size=5000,
    )
    topic = Topic.objects.create(name=f"{prefix}专题")
    month = date.today().replace(day=1)
    reading = Reading.objects.create(
        owner_org=city,
        title="规模测试阅读",
        month=month,
        opens_on=month,
        body="<p>正文</p>",
        topic=topic,
        status=ReadingStatus.PUBLISHED,
        grade_bands=["primary_upper"],  # grades 4–6: three of the four classes
    )
    now = timezone.now()
    Progress.objects.bulk_create(
        [
            Progress(
                reading=reading,
                user=u,
                class_org=classes[i % len(classes)],
                position=1,
                max_position=1,
                engaged_s=60 + i % 600,
                saves=5,
                started_at=now - timedelta(hours=2),
                last_saved_at=now - timedelta(minutes=i % 90),
                read_at=now if i % 5 else None,
                quiz_attempts=1 if i % 5 else 0,
                best_percent=(i * 37 % 101) if i % 5 else None,
                completed_at=now if i % 5 and (i * 37 % 101) >= 60 else None,
            )
            for i, u in enumerate(users)
            if i % 5 != 4  # 80% opened it
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in ("accounts_organization", "accounts_membership", "reading_progress"):
                cur.execute(f"ANALYZE {table}")
    return city, reading


def add_junior_reading(city: Organization, reading: Reading) -> Reading:
    """A second reading in the same month for 初中 (the grade-7 classes, outside the first one's bands),
    read by half of those students: the monthly statistics then cover all four classes of every school."""
    junior = Reading.objects.create(
        owner_org=city,
        title="规模测试阅读·初中",
        month=reading.month,
        opens_on=reading.month,
        body="<p>正文</p>",
        topic=reading.topic,
        status=ReadingStatus.PUBLISHED,
        grade_bands=["junior"],
    )
    now = timezone.now()
    members = Membership.objects.filter(
        role=Role.STUDENT, org__kind=OrgKind.CLASS, org__grade=7, org__path__startswith=city.path
    ).values_list("user_id", "org_id")
    Progress.objects.bulk_create(
        [
            Progress(
                reading=junior,
                user_id=user_id,
                class_org_id=org_id,
                position=1,
                max_position=1,
                engaged_s=120,
                saves=4,
                started_at=now - timedelta(hours=1),
                last_saved_at=now,
                read_at=now,
                quiz_attempts=1,
                best_percent=80,
                completed_at=now,
            )
            for i, (user_id, org_id) in enumerate(members)
            if i % 2 == 0
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE reading_progress")
    return junior
