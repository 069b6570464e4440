"""Buzzer fairness with a controlled clock: server receive order, ms after opening, lockout for an early
buzz, the buzz window, jitter."""

import pytest

from stage import services
from stage.errors import LockedOut, NotAllowed, TooLate
from stage.selectors_final import buzz_rows, team_scores

from .final_factories import Final, at

pytestmark = pytest.mark.django_db


def buzz(f, team_index, q, seconds, client=None):
    return services.buzz_record(
        actor=f.devices[team_index], event_id=f.event.pk, question_id=q.pk, now=at(seconds), client_after_open_ms=client
    )


def test_buzzes_rank_in_server_receive_order_with_ms_after_opening_and_jitter():
    f = Final()
    q = f.question(f.buzzer, qtype="oral")
    f.open(q, 0)
    f.step(q, "open", 5)
    buzz(f, 3, q, 5.213, client=200)
    buzz(f, 1, q, 5.2135, client=150)  # the device thought it was faster; the server received it later
    buzz(f, 0, q, 5.4, client=390)
    rows = buzz_rows(q)
    assert [(r["team"], r["after_open_ms"]) for r in rows] == [(4, 213), (2, 213), (1, 400)]
    assert [r["jitter_ms"] for r in rows] == [13, 63, 10]
    assert [r["gap_ms"] for r in rows] == [None, 0, 187]
    from stage.services.final import answering_team

    assert answering_team(q).number == 4


def test_buzz_before_opening_locks_the_team_out_and_costs_the_penalty():
    f = Final()
    q = f.question(f.buzzer, qtype="oral")
    f.open(q, 0)  # shown, read out, buzzing not yet open
    early = buzz(f, 0, q, 4.999)
    assert early.early and early.after_open_ms is None
    f.step(q, "open", 5)
    with pytest.raises(LockedOut):
        buzz(f, 0, q, 5.001)
    buzz(f, 1, q, 5.300)
    rows = buzz_rows(q)
    assert [(r["team"], r["early"]) for r in rows] == [(2, False), (1, True)]
    services.answer_mark(actor=f.host, event_id=f.event.pk, question_id=q.pk, right=True, now=at(9))
    assert {r["team"]: r["score"] for r in team_scores(f.event)} == {1: -10, 2: 10, 3: 0, 4: 0}


def test_buzz_after_the_window_is_refused_at_the_boundary():
    f = Final()
    q = f.question(f.buzzer, qtype="oral")
    f.open(q, 0)
    f.step(q, "open", 1)
    buzz(f, 0, q, 11)  # exactly buzz_window_s after opening: counts
    with pytest.raises(TooLate):
        buzz(f, 1, q, 11.001)


def test_a_device_of_another_event_cannot_buzz():
    f = Final()
    other = Final(tree=f.tree)
    q = f.question(f.buzzer, qtype="oral")
    f.open(q, 0)
    f.step(q, "open", 1)
    with pytest.raises(NotAllowed):
        services.buzz_record(actor=other.devices[0], event_id=f.event.pk, question_id=q.pk, now=at(2))


def test_choice_buzzer_question_is_answered_by_the_first_buzzing_team_only():
    f = Final()
    q = f.question(f.buzzer)
    f.open(q, 0)
    f.step(q, "open", 1)
    buzz(f, 2, q, 1.5)
    buzz(f, 0, q, 1.6)
    with pytest.raises(NotAllowed):
        services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(2))
    services.team_answer(actor=f.devices[2], event_id=f.event.pk, question_id=q.pk, answer=["C"], now=at(3))
    services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(4))
    assert {r["team"]: r["score"] for r in team_scores(f.event)} == {1: 10, 2: 0, 3: -10, 4: 0}
