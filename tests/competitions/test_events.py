"""The contest engine tells the rest of the site through core.events, after commit, exactly once per
change: a started attempt schedules its deadline task, a submitted one is scored once, and nothing is
sent for work that rolls back."""

import pytest
from django.db import transaction

from competitions.models import Attempt
from competitions.services import attempt_start, attempt_submit
from competitions.signals import attempt_scored
from questionbank.models import QuestionType
from tests.events import capture_events

from .factories import make_contest, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree, topic):
    for _ in range(2):
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)
    return make_contest(owner_org=tree.city, rules=[(topic, QuestionType.TRUE_FALSE, "", 2, "50")], time_limit_s=600)


def test_submit_sends_one_attempt_scored_event_after_commit(tree, contest, django_capture_on_commit_callbacks):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    with capture_events(expected=1) as sent, django_capture_on_commit_callbacks(execute=True):
        attempt_submit(user=tree.student_a, attempt_id=attempt.pk)
    ((signal, sender, kwargs),) = sent
    assert (signal, sender) == (attempt_scored, Attempt)
    assert kwargs == {"contest_id": contest.pk, "attempt_id": attempt.pk, "user_id": tree.student_a.pk}


def test_start_schedules_once_and_a_rolled_back_start_sends_nothing(tree, contest, django_capture_on_commit_callbacks):
    with capture_events(expected=1), django_capture_on_commit_callbacks(execute=True):
        attempt_start(user=tree.student_a, contest_id=contest.pk)

    class Abort(Exception):
        pass

    with (
        capture_events(expected=0),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        attempt_start(user=tree.student_b, contest_id=contest.pk)
        raise Abort
