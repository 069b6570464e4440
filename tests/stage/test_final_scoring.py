"""Scoring of the knowledge final: every round type, recorded actions only, undo of the last action."""

import pytest

from stage import services
from stage.errors import AlreadyDone, NotAllowed, NothingToUndo, TooLate, WrongState
from stage.models import AuditEntry, ScoreAction
from stage.selectors_final import team_scores

from .final_factories import Final, at

pytestmark = pytest.mark.django_db


def scores(final: Final) -> dict[int, int]:
    return {r["team"]: r["score"] for r in team_scores(final.event)}


def test_required_question_right_choice_scores_round_points_and_wrong_scores_nothing():
    f = Final()
    q1 = f.question(f.required, team=f.teams[0])
    q2 = f.question(f.required, team=f.teams[1])
    f.open(q1)
    services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q1.pk, answer=["A"], now=at(5))
    f.open(q2, 60)
    services.team_answer(actor=f.devices[1], event_id=f.event.pk, question_id=q2.pk, answer=["B"], now=at(65))
    assert scores(f) == {1: 10, 2: 0, 3: 0, 4: 0}
    with pytest.raises(AlreadyDone):
        services.team_answer(actor=f.devices[1], event_id=f.event.pk, question_id=q2.pk, answer=["A"], now=at(66))


def test_required_answer_after_answer_time_is_refused_and_not_scored():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    f.open(q)
    with pytest.raises(TooLate):
        services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(30.001))
    assert ScoreAction.objects.count() == 0
    services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(30))
    assert scores(f)[1] == 10


def test_another_team_cannot_answer_a_required_question():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    f.open(q)
    with pytest.raises(NotAllowed):
        services.team_answer(actor=f.devices[1], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(1))
    assert ScoreAction.objects.count() == 0


def test_buzzer_right_adds_points_wrong_deducts_penalty_and_passes_to_next_buzz():
    f = Final()
    q = f.question(f.buzzer, qtype="oral")
    f.open(q)
    f.step(q, "open", 10)
    services.buzz_record(actor=f.devices[2], event_id=f.event.pk, question_id=q.pk, now=at(10.120))
    services.buzz_record(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, now=at(10.180))
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q.pk, right=False, now=at(15))
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q.pk, right=True, now=at(20))
    assert scores(f) == {1: 10, 2: 0, 3: -10, 4: 0}


def test_risk_question_wins_or_loses_the_chosen_points():
    f = Final()
    q1 = f.question(f.risk, team=f.teams[0])
    q2 = f.question(f.risk, team=f.teams[1])
    f.step(q1, "select")
    with pytest.raises(WrongState):
        f.step(q1, "open")  # no stake chosen yet
    services.risk_choose(actor=f.devices[0], event_id=f.event.pk, question_id=q1.pk, points=30, now=at(1))
    f.step(q1, "open", 2)
    services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q1.pk, answer=["A"], now=at(3))
    f.step(q2, "select", 10)
    with pytest.raises(NotAllowed):
        services.risk_choose(actor=f.devices[0], event_id=f.event.pk, question_id=q2.pk, points=10, now=at(11))
    services.risk_choose(actor=f.devices[1], event_id=f.event.pk, question_id=q2.pk, points=20, now=at(11))
    f.step(q2, "open", 12)
    with pytest.raises(WrongState):
        services.risk_choose(actor=f.devices[1], event_id=f.event.pk, question_id=q2.pk, points=10, now=at(13))
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q2.pk, right=False, now=at(20))
    assert scores(f) == {1: 30, 2: -20, 3: 0, 4: 0}


def test_risk_stake_outside_the_rounds_choices_is_refused():
    from stage.errors import InvalidQuestion

    f = Final()
    q = f.question(f.risk, team=f.teams[0])
    f.step(q, "select")
    with pytest.raises(InvalidQuestion):
        services.risk_choose(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, points=25, now=at(1))


def test_host_undoes_the_last_action_and_it_is_logged():
    f = Final()
    q = f.question(f.required, team=f.teams[0], qtype="oral")
    f.open(q)
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q.pk, right=True, now=at(5))
    assert scores(f)[1] == 10
    undone = services.action_undo(actor=f.host, event_id=f.event.pk, now=at(6))
    assert scores(f)[1] == 0 and undone.undone_at == at(6)
    assert AuditEntry.objects.filter(event=f.event, action="undo").count() == 1
    # the host can now mark again (e.g. the click was on the wrong button)
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q.pk, right=False, now=at(7))
    assert scores(f)[1] == 0
    services.action_undo(actor=f.host, event_id=f.event.pk, now=at(8))
    with pytest.raises(NothingToUndo):
        services.action_undo(actor=f.host, event_id=f.event.pk, now=at(9))


def test_team_device_cannot_act_as_host():
    f = Final()
    q = f.question(f.required, team=f.teams[0], qtype="oral")
    with pytest.raises(NotAllowed):
        services.question_step(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, step="select", now=at(0))
    f.open(q)
    with pytest.raises(NotAllowed):
        services.answer_mark(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, right=True, now=at(1))
    with pytest.raises(NotAllowed):
        services.action_undo(actor=f.devices[0], event_id=f.event.pk, now=at(1))
    assert ScoreAction.objects.count() == 0


def test_bank_question_is_reserved_for_one_final_only_and_hidden_until_shown():
    from stage.errors import InvalidQuestion
    from stage.models import StageEvent
    from stage.selectors_final import final_part
    from tests.competitions.factories import make_question

    f = Final()
    revision = make_question()
    q = services.question_reserve(actor=f.host, round_=f.required, question=revision.question, team=f.teams[0])
    other = Final(tree=f.tree)
    with pytest.raises(InvalidQuestion):
        services.question_reserve(
            actor=other.host, round_=other.required, question=revision.question, team=other.teams[0]
        )
    f.step(q, "select")
    event = StageEvent.objects.get(pk=f.event.pk)
    seen = final_part(event, host=False)["question"]
    assert seen["stem"] is None and seen["options"] == [] and "answer" not in seen
    f.step(q, "open", 1)
    event.refresh_from_db()
    seen = final_part(event, host=False)["question"]
    assert seen["stem"] == revision.stem and "answer" not in seen
    from questionbank.secrecy import reservations

    assert [r.holder for r in reservations(question_ids=[revision.question_id])[revision.question_id]] == [
        f"stage.event:{f.event.pk}"
    ]  # the bank withholds its key everywhere until the reveal
    f.step(q, "reveal", 20)
    assert final_part(event, host=False)["question"]["answer"] == ["A"]
    assert reservations(question_ids=[revision.question_id]) == {}
