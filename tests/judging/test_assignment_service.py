import pytest

from judging import services
from judging.models import Assignment, JudgeConflict, JudgePairRule, RoundLevel
from judging.services import JudgingError
from tests.factories import make_judge

from .factories import World

pytestmark = pytest.mark.django_db


def test_auto_assignment_gives_k_judges_never_from_the_authors_school():
    w = World(schools=4, judges=5, k=3)
    colleague = make_judge(w.schools[0], username="colleague0")
    w.round.judges.add(colleague)
    w.open_and_assign()
    for entry in w.entries:
        assert Assignment.objects.filter(round=w.round, entry=entry).count() == 3
    assert not Assignment.objects.filter(judge=colleague, entry=w.entries[0]).exists()
    loads = [Assignment.objects.filter(round=w.round, judge=j).count() for j in w.round.judges.all()]
    assert max(loads) - min(loads) <= 1


def test_district_round_keeps_judges_away_from_their_own_district():
    w = World(schools=4, judges=0, k=1, level=RoundLevel.DISTRICT)
    ja = make_judge(w.tree.district_a, username="ja")
    jb = make_judge(w.tree.district_b, username="jb")
    w.round.judges.set([ja, jb])
    w.open_and_assign()
    for a in Assignment.objects.filter(round=w.round).select_related("entry"):
        expected = jb if a.entry.district == w.tree.district_a else ja
        assert a.judge == expected


def test_declared_conflicts_and_judge_pairs_are_honoured():
    w = World(schools=3, judges=4, k=2)
    j0, j1, j2, j3 = w.judges
    JudgeConflict.objects.create(contest=w.contest, judge=j0, entry=w.entries[0], reason="亲属")
    JudgeConflict.objects.create(contest=w.contest, judge=j1, org=w.schools[1], reason="原任职学校")
    JudgePairRule.objects.create(contest=w.contest, judge_a=j2, judge_b=j3)
    w.open_and_assign()
    assert not Assignment.objects.filter(judge=j0, entry=w.entries[0]).exists()
    assert not Assignment.objects.filter(judge=j1, entry=w.entries[1]).exists()
    for e in w.entries:
        judges = set(Assignment.objects.filter(entry=e).values_list("judge_id", flat=True))
        assert not {j2.pk, j3.pk} <= judges


def test_too_small_panel_is_refused_when_judging_starts_and_the_round_stays_in_setup():
    from judging.models import RoundEntry

    w = World(schools=3, judges=2, k=3)
    with pytest.raises(JudgingError, match="评委组只有 2 人") as exc:
        services.round_open(actor=w.organiser, rnd=w.round)
    assert exc.value.code == "round_not_ready"
    assert w.refresh_round().status == "setup"
    assert not Assignment.objects.exists() and not RoundEntry.objects.exists()
    w.contest.rubric.refresh_from_db()
    assert w.contest.rubric.frozen_at is None


def test_a_panel_that_cannot_be_assigned_after_a_late_conflict_still_fails_clearly():
    w = World(schools=3, judges=2, k=2)
    services.round_open(actor=w.organiser, rnd=w.round)
    services.conflict_declare(
        actor=w.organiser, contest=w.contest, judge_id=w.judges[0].pk, entry_code=w.entries[0].code
    )
    with pytest.raises(JudgingError) as exc:
        services.round_assign_auto(actor=w.organiser, rnd=w.round)
    assert exc.value.code == "assignment_infeasible" and w.entries[0].code in exc.value.message
    assert not Assignment.objects.exists()


def test_manual_reassignment_obeys_the_same_conflict_rules():
    w = World(schools=2, judges=3, k=2)
    colleague = make_judge(w.schools[0], username="colleague0")
    w.round.judges.add(colleague)
    w.open_and_assign()
    a = Assignment.objects.filter(entry=w.entries[0]).exclude(judge=colleague).first()
    with pytest.raises(JudgingError, match="同校"):
        services.assignment_reassign(actor=w.organiser, assignment=a, judge_id=colleague.pk)
    other = Assignment.objects.filter(entry=w.entries[0]).exclude(pk=a.pk).first()
    with pytest.raises(JudgingError, match="已分配"):
        services.assignment_reassign(actor=w.organiser, assignment=a, judge_id=other.judge_id)
    free = next(
        j
        for j in w.round.judges.all()
        if j != colleague and not Assignment.objects.filter(entry=w.entries[0], judge=j).exists()
    )
    services.assignment_reassign(actor=w.organiser, assignment=a, judge_id=free.pk)
    a.refresh_from_db()
    assert a.judge == free and a.source == "manual"


def test_another_districts_organiser_cannot_assign():
    w = World(schools=2, judges=3, k=2)
    services.round_open(actor=w.organiser, rnd=w.round)
    with pytest.raises(JudgingError) as exc:
        services.round_assign_auto(actor=w.tree.organiser_a, rnd=w.round)
    assert exc.value.status == 403


def test_judging_cannot_start_before_the_deadline():
    from datetime import timedelta

    from django.utils import timezone

    w = World(schools=2, judges=3, k=2)
    w.contest.closes_at = timezone.now() + timedelta(days=1)
    w.contest.save()
    with pytest.raises(JudgingError, match="尚未截止"):
        services.round_open(actor=w.organiser, rnd=w.round)


def test_an_entry_with_only_an_autosaved_draft_is_not_judged():
    from judging.models import EntryVersion, RoundEntry

    w = World(schools=3, judges=3, k=2)
    EntryVersion.objects.filter(entry=w.entries[0]).update(is_autosave=True)
    w.open_and_assign()
    assert set(RoundEntry.objects.filter(round=w.round).values_list("entry_id", flat=True)) == {
        w.entries[1].pk,
        w.entries[2].pk,
    }


def test_a_conflict_with_a_district_names_the_assigned_entries_from_inside_it():
    w = World(schools=4, judges=2, k=2)
    w.open_and_assign()
    judge = w.judges[0]
    _conflict, codes = services.conflict_declare(
        actor=w.organiser, contest=w.contest, judge_id=judge.pk, org=w.tree.district_a, reason="原任职区"
    )
    inside = sorted(e.code for e in w.entries if e.district_id == w.tree.district_a.pk)
    assert len(inside) == 2 and codes == inside
