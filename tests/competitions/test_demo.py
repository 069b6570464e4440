from django.core.management import call_command

from accounts.models import User
from competitions import demo
from competitions.models import Contest
from competitions.paper import paper_shortfalls
from competitions.selectors import contests_open_for_student
from questionbank.selectors import topic_descendant_ids

TITLES = [demo.PARTY_TITLE, demo.LAW_TITLE, demo.PRACTICE_TITLE]


def test_seed_demo_adds_the_missions_contests_for_every_student_from_the_demo_bank(db):
    for _ in range(2):  # idempotent
        call_command("seed_demo", students=4, quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    contests = {c.title: c for c in Contest.objects.filter(title__in=TITLES)}
    assert len(contests) == 3 and Contest.objects.filter(title__in=TITLES).count() == 3
    assert contests[demo.PARTY_TITLE].kind == "formal" and contests[demo.LAW_TITLE].kind == "formal"
    assert contests[demo.PRACTICE_TITLE].kind == "practice"
    assert {r.topic.name for r in contests[demo.PARTY_TITLE].rules.all()} == {"党的二十大精神"}
    for title in (demo.LAW_TITLE, demo.PRACTICE_TITLE):
        assert {r.topic.name for r in contests[title].rules.all()} == {"法治教育"}
    for contest in contests.values():
        assert paper_shortfalls(contest) == []  # a full paper for every grade band
    assert not Contest.objects.filter(title__contains="安全").exclude(title__startswith="往期").exists()
    for username in ("stu00001", "stu00002", "stu00003", "stu00004"):  # grades 2, 5, 8 and 11
        titles = {c.title for c in contests_open_for_student(User.objects.get(username=username))}
        assert set(TITLES) <= titles
    law_topics = set(topic_descendant_ids([contests[demo.LAW_TITLE].rules.first().topic_id]))
    assert len(law_topics) >= 6  # 法治教育 and its five laws
