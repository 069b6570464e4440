import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from competitions import errors
from competitions.models import Attempt, AttemptItem, AttemptState, CountingRule, FinishReason
from competitions.services import (
    answer_save,
    attempt_finalize,
    attempt_for_user,
    attempt_start,
    attempt_submit,
    attempts_finalize_expired,
)
from competitions.signals import attempt_scored
from competitions.tasks import finalize_expired_attempts
from questionbank.models import QuestionType
from tests.factories import make_student

from .factories import make_contest, make_question


@pytest.fixture
def contest(tree, topic):
    for _ in range(4):
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True)
    return make_contest(owner_org=tree.city, rules=[(topic, QuestionType.TRUE_FALSE, "", 4, "25")], time_limit_s=600)


def first_item(attempt) -> AttemptItem:
    return attempt.items.order_by("position").first()


def test_second_start_returns_the_same_active_attempt(tree, contest):
    a1, created1 = attempt_start(user=tree.student_a, contest_id=contest.pk)
    a2, created2 = attempt_start(user=tree.student_a, contest_id=contest.pk)
    assert (created1, created2) == (True, False)
    assert a1.pk == a2.pk
    assert Attempt.objects.filter(contest=contest, user=tree.student_a).count() == 1


def test_deadline_is_start_plus_limit_capped_by_close(tree, topic, contest):
    now = timezone.now()
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk, now=now)
    assert attempt.deadline == now + timedelta(seconds=600)
    late = contest.closes_at - timedelta(seconds=60)
    attempt_b, _ = attempt_start(user=tree.student_b, contest_id=contest.pk, now=late)
    assert attempt_b.deadline == contest.closes_at


def test_answer_just_before_deadline_is_stored_and_at_deadline_rejected(tree, contest):
    start = timezone.now()
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk, now=start)
    items = list(attempt.items.order_by("position"))
    just_before = attempt.deadline - timedelta(milliseconds=1)
    assert (
        answer_save(
            user=tree.student_a, attempt_id=attempt.pk, question_id=items[0].revision_id, answer=True, now=just_before
        )
        == 0
    )
    with pytest.raises(errors.DeadlinePassed):
        answer_save(
            user=tree.student_a,
            attempt_id=attempt.pk,
            question_id=items[1].revision_id,
            answer=True,
            now=attempt.deadline,
        )
    items[1].refresh_from_db()
    assert items[1].answer is None
    attempt.refresh_from_db()
    # the late request also finalised the attempt from what was saved
    assert attempt.state == AttemptState.FINALISED
    assert attempt.score == Decimal("25")
    assert attempt.finish_reason == FinishReason.TIMEOUT


def test_expired_attempt_is_finalised_by_the_sweep_without_the_student(
    tree, contest, django_capture_on_commit_callbacks
):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    item = first_item(attempt)
    answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=item.revision_id, answer=True)
    received = []

    def on_scored(sender, **kwargs):
        received.append(kwargs)

    attempt_scored.connect(on_scored)
    try:
        assert attempts_finalize_expired(now=attempt.deadline - timedelta(seconds=1)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert attempts_finalize_expired(now=attempt.deadline + timedelta(seconds=5)) == 1
    finally:
        attempt_scored.disconnect(on_scored)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINALISED
    assert attempt.score == Decimal("25")
    assert attempt.time_used_s == 600
    assert attempt.finished_at == attempt.deadline
    assert attempt.counts
    assert received == [
        {"signal": attempt_scored, "contest_id": contest.pk, "attempt_id": attempt.pk, "user_id": tree.student_a.pk}
    ]


def test_sweep_command_and_task_finalise_expired_attempts(tree, contest):
    past = timezone.now() - timedelta(minutes=30)
    a, _ = attempt_start(user=tree.student_a, contest_id=contest.pk, now=past)
    Attempt.objects.filter(pk=a.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    call_command("finalize_expired_attempts")
    a.refresh_from_db()
    assert a.state == AttemptState.FINALISED
    b, _ = attempt_start(user=tree.student_b, contest_id=contest.pk, now=past)
    Attempt.objects.filter(pk=b.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    finalize_expired_attempts.enqueue()
    b.refresh_from_db()
    assert b.state == AttemptState.FINALISED


def test_expired_attempt_is_finalised_on_next_access(tree, contest):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    again = attempt_for_user(user=tree.student_a, attempt_id=attempt.pk, now=attempt.deadline)
    assert again.state == AttemptState.FINALISED


def test_resume_returns_saved_answers_and_true_remaining_time(tree, contest):
    start = timezone.now()
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk, now=start)
    item = first_item(attempt)
    answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=item.revision_id, answer=False, now=start)
    resumed, created = attempt_start(user=tree.student_a, contest_id=contest.pk, now=start + timedelta(seconds=100))
    assert not created
    assert resumed.remaining_s(start + timedelta(seconds=100)) == 500
    assert AttemptItem.objects.get(pk=item.pk).answer is False


def test_answer_save_is_idempotent(tree, contest):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    item = first_item(attempt)
    for _ in range(3):
        answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=item.revision_id, answer=True)
    assert AttemptItem.objects.filter(attempt=attempt).exclude(answer=None).count() == 1


def test_answers_after_submit_are_refused(tree, contest):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    attempt_submit(user=tree.student_a, attempt_id=attempt.pk)
    with pytest.raises(errors.AttemptFinished):
        answer_save(
            user=tree.student_a, attempt_id=attempt.pk, question_id=first_item(attempt).revision_id, answer=True
        )


def test_attempt_limit_and_best_attempt_counts(tree, topic, contest):
    contest.attempts_allowed = 2
    contest.counting = CountingRule.BEST
    contest.save()
    first, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    for item in first.items.all():
        answer_save(user=tree.student_a, attempt_id=first.pk, question_id=item.revision_id, answer=True)
    attempt_submit(user=tree.student_a, attempt_id=first.pk)
    second, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    attempt_submit(user=tree.student_a, attempt_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.counts, second.counts) == (True, False)
    with pytest.raises(errors.NoAttemptsLeft):
        attempt_start(user=tree.student_a, contest_id=contest.pk)


def test_finalise_is_idempotent(tree, contest):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    one = attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.SUBMITTED)
    two = attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.TIMEOUT)
    assert one.finished_at == two.finished_at and two.finish_reason == FinishReason.SUBMITTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_from_two_devices_get_one_attempt(topic):
    from tests.factories import Tree

    tree = Tree()
    for _ in range(4):
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE)
    contest = make_contest(owner_org=tree.city, rules=[(topic, QuestionType.TRUE_FALSE, "", 4, "1")])
    student = make_student(tree.class_a)
    barrier = threading.Barrier(6)
    results, failures = [], []

    def start():
        try:
            barrier.wait()
            results.append(attempt_start(user=student, contest_id=contest.pk)[0].pk)
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(set(results)) == 1
    assert Attempt.objects.filter(contest=contest, user=student).count() == 1


def test_each_new_attempt_gets_a_deferred_finalisation_at_its_deadline(
    tree, contest, settings, django_capture_on_commit_callbacks
):
    from competitions.tasks import finalize_attempt_at_deadline

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = finalize_attempt_at_deadline.get_backend()
    backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    [result] = backend.results
    assert result.task.run_after == attempt.deadline + timedelta(seconds=1)
    assert result.kwargs == {"attempt_id": attempt.pk}
    # run early it does nothing; at the deadline it finalises
    assert finalize_attempt_at_deadline.call(attempt_id=attempt.pk) is False
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert finalize_attempt_at_deadline.call(attempt_id=attempt.pk) is True
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINALISED
