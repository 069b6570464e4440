import io

import pytest

from accounts.demo import seed_organisations_and_people
from judging import demo, demo_units
from judging.models import Assignment, Entry, RoundStatus, SubmissionContest

pytestmark = pytest.mark.django_db


def test_demo_essay_contest_is_in_judging_with_assignments_and_is_idempotent():
    counts = []
    for _run in range(2):
        ctx = seed_organisations_and_people(password="Demo@2026x", students=30, reset_passwords=False)
        demo.seed(ctx, io.StringIO())
        counts.append(
            (
                Entry.objects.filter(contest__title=demo.TITLE).count(),
                Assignment.objects.filter(round__contest__title=demo.TITLE).count(),
            )
        )
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
    collections = SubmissionContest.objects.exclude(title__in=[demo.TITLE, demo_units.REPORT, demo_units.VIDEO])
    kinds = {c.kind: c for c in collections}
    assert set(kinds) == {"video", "document"} and SubmissionContest.objects.count() == 5
    assert "微视频课件" in kinds["video"].title and "调研报告" in kinds["document"].title
    assert all(c.rubric.criteria.count() == 4 for c in kinds.values())
    open_titles = {c.title for c in submission_contests_open_for_student(User.objects.get(username="stu00001"))}
    assert {kinds["video"].title, kinds["document"].title} <= open_titles
    assert "二十大" in demo.TITLE


def test_demo_adds_unit_and_adult_collections_each_with_a_judged_round():
    from judging.models import Award, EntrantKind, ScoreStatus

    for _run in range(2):
        ctx = seed_organisations_and_people(password="Demo@2026x", students=4, reset_passwords=False)
        demo.seed(ctx, io.StringIO())
    report = SubmissionContest.objects.get(title=demo_units.REPORT)
    assert report.entrant_kinds == [EntrantKind.UNIT]
    units = list(report.entries.select_related("unit"))
    assert len(units) == 3 and all(e.unit.kind == "station" for e in units)
    assert len({e.unit_id for e in units}) == 3
    revised = [e for e in units if e.versions.count() == 2]
    assert revised and len({v.saved_by_id for v in revised[0].versions.all()}) == 2  # two staff members
    assert all(e.saved_version().file_type == "pdf" for e in units)
    video = SubmissionContest.objects.get(title=demo_units.VIDEO)
    assert set(video.entries.values_list("entrant_kind", flat=True)) == {EntrantKind.TEACHER, EntrantKind.VOLUNTEER}
    for contest in (report, video):
        rnd = contest.rounds.get()
        assert rnd.status == RoundStatus.CLOSED
        assert not Assignment.objects.filter(round=rnd).exclude(score__status=ScoreStatus.SUBMITTED).exists()
        assert Award.objects.filter(contest=contest, published_at__isnull=False).count() == 3
        for a in Assignment.objects.filter(round=rnd).select_related("entry"):
            assert a.entry.unit_id is None or not a.judge.memberships.filter(org_id=a.entry.unit_id).exists()
