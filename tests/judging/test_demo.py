import io

import pytest

from accounts.demo import seed_organisations_and_people
from judging import demo
from judging.models import Assignment, Entry, RoundStatus, SubmissionContest

pytestmark = pytest.mark.django_db


def test_demo_essay_contest_is_in_judging_with_assignments_and_is_idempotent():
    counts = []
    for _run in range(2):
        ctx = seed_organisations_and_people(password="Demo@2026x", students=30, reset_passwords=False)
        demo.seed(ctx, io.StringIO())
        counts.append((Entry.objects.count(), Assignment.objects.count()))
    assert counts[0] == counts[1] == (demo.ENTRY_COUNT, demo.ENTRY_COUNT * 3)
    contest = SubmissionContest.objects.get(title=demo.TITLE)
    assert Entry.objects.filter(contest=contest).count() == demo.ENTRY_COUNT
    rnd = contest.rounds.get()
    assert rnd.status == RoundStatus.JUDGING and contest.rubric.is_frozen
    assert Assignment.objects.filter(round=rnd).count() == demo.ENTRY_COUNT * 3
    loads = [Assignment.objects.filter(round=rnd, judge=j).count() for j in rnd.judges.all()]
    assert len(loads) == 8 and max(loads) - min(loads) <= 1
    for a in Assignment.objects.filter(round=rnd).select_related("entry"):
        assert a.entry.school_id != a.judge.memberships.get(role="judge").org_id


def test_demo_opens_a_micro_video_and_a_research_report_collection_for_students():
    from accounts.models import User
    from judging.selectors import submission_contests_open_for_student

    for _run in range(2):
        ctx = seed_organisations_and_people(password="Demo@2026x", students=4, reset_passwords=False)
        demo.seed(ctx, io.StringIO())
    kinds = {c.kind: c for c in SubmissionContest.objects.exclude(title=demo.TITLE)}
    assert set(kinds) == {"video", "document"} and SubmissionContest.objects.count() == 3
    assert "微视频课件" in kinds["video"].title and "调研报告" in kinds["document"].title
    assert all(c.rubric.criteria.count() == 4 for c in kinds.values())
    open_titles = {c.title for c in submission_contests_open_for_student(User.objects.get(username="stu00001"))}
    assert {kinds["video"].title, kinds["document"].title} <= open_titles
    assert "二十大" in demo.TITLE
