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
