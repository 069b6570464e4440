import csv
import io

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organization, OrgKind, Role, User

pytestmark = pytest.mark.django_db


def _counts():
    return (User.objects.count(), Organization.objects.count(), Membership.objects.count())


def test_seed_demo_builds_the_real_nantong_districts_and_every_role(tmp_path):
    path = tmp_path / "accounts.csv"
    call_command("seed_demo", "--students", "12", "--accounts-csv", str(path), stdout=io.StringIO())
    districts = set(Organization.objects.filter(kind=OrgKind.DISTRICT).values_list("name", flat=True))
    assert districts == {"崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"}
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {Role.STUDENT, Role.TEACHER, Role.JUDGE, Role.ORGANISER, Role.ADMIN} <= roles
    assert Membership.objects.filter(role=Role.STUDENT).count() == 12
    stages = set(Organization.objects.filter(kind=OrgKind.SCHOOL).values_list("stage", flat=True))
    assert {"primary", "junior", "senior"} <= stages
    assert Organization.objects.filter(kind=OrgKind.STATION).exists()
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0].keys()) == ["role", "username", "password"]
    assert {r["role"] for r in rows} >= {"student", "teacher", "judge", "organiser", "admin"}
    # every printed account really logs in with the printed password
    for row in rows[:5] + rows[-3:]:
        assert User.objects.get(username=row["username"]).check_password(row["password"])


def test_seed_demo_is_idempotent(tmp_path):
    out = io.StringIO()
    call_command("seed_demo", "--students", "10", stdout=out)
    before = _counts()
    call_command("seed_demo", "--students", "10", stdout=out)
    assert _counts() == before


def test_seed_demo_scales_students_and_sets_one_password(tmp_path):
    out = io.StringIO()
    call_command("seed_demo", "--students", "5", stdout=out)
    call_command("seed_demo", "--students", "30", "--password", "Another#Pass9", stdout=out)
    assert Membership.objects.filter(role=Role.STUDENT).count() == 30
    assert User.objects.get(username="stu00001").check_password("Another#Pass9")
    assert User.objects.get(username="city_org").check_password("Another#Pass9")


def test_seed_demo_prints_every_account(capsys):
    call_command("seed_demo", "--students", "3")
    printed = capsys.readouterr().out
    for username in ("admin", "city_org", "district_org", "teacher1", "judge1", "stu00001", "stu00003"):
        assert username in printed
