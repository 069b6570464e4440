from django.core.management import call_command

from accounts.models import User
from competitions.models import Contest
from competitions.paper import paper_shortfalls
from competitions.selectors import contests_open_for_student


def test_seed_demo_adds_open_formal_and_practice_contests_for_every_student(db):
    for _ in range(2):  # idempotent
        call_command("seed_demo", students=3, quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    contests = Contest.objects.filter(title__in=["南通市青少年安全知识竞赛", "安全知识练习场"])
    assert sorted(c.kind for c in contests) == ["formal", "practice"]
    for contest in contests:
        assert paper_shortfalls(contest) == []
    for username in ("stu00001", "stu00002", "stu00003"):
        titles = {c.title for c in contests_open_for_student(User.objects.get(username=username))}
        assert {"南通市青少年安全知识竞赛", "安全知识练习场"} <= titles
