"""The quiz: only after reading, scored at once with explanations, retakes keep the best, completion at
the pass line."""

from datetime import timedelta

import pytest

from reading import services
from reading.errors import BadAnswers, QuizNotOpen
from reading.models import Progress, QuizAttempt
from tests.factories import Tree

from .factories import NOW, make_reading, right_answers

pytestmark = pytest.mark.django_db


def read_fully(user, reading, at=NOW):
    services.progress_save(user=user, reading_id=reading.pk, position=1.0, engaged_s=0, now=at)
    for i in range(1, 30):
        p = services.progress_save(
            user=user, reading_id=reading.pk, position=1.0, engaged_s=15, now=at + timedelta(seconds=15 * i)
        )
        if p.read_at:
            return p
    raise AssertionError("not read")


def submit(user, reading, answers, at=NOW + timedelta(minutes=30)):
    return services.quiz_submit(user=user, reading_id=reading.pk, answers=answers, now=at)


def test_quiz_before_reading_is_refused():
    tree = Tree()
    reading = make_reading(tree.city, minutes=1)
    services.progress_save(user=tree.student_a, reading_id=reading.pk, position=0.3, engaged_s=5, now=NOW)
    with pytest.raises(QuizNotOpen):
        submit(tree.student_a, reading, right_answers(reading))
    assert not QuizAttempt.objects.exists()


def test_scored_at_once_with_the_key_and_explanations():
    tree = Tree()
    reading = make_reading(tree.city, minutes=1)
    read_fully(tree.student_a, reading)
    answers = right_answers(reading)
    links = list(reading.questions.select_related("revision"))
    answers[str(links[2].revision_id)] = ["A"]  # multiple choice half right: no partial credit
    answers.pop(str(links[3].revision_id))  # unanswered
    attempt, review = submit(tree.student_a, reading, answers)
    assert (attempt.score, attempt.max_score, attempt.percent) == (2, 4, 50)
    assert [r["correct"] for r in review] == [True, True, False, False]
    assert review[0]["revision"].explanation == "因为这是正确答案。"


def test_fill_blank_accepts_full_width_and_alternatives():
    tree = Tree()
    reading = make_reading(tree.city, minutes=1)
    read_fully(tree.student_a, reading)
    answers = right_answers(reading)
    fill = reading.questions.select_related("revision").last().revision
    answers[str(fill.pk)] = [" 南通市 "]
    attempt, _ = submit(tree.student_a, reading, answers)
    assert attempt.percent == 100


def test_retakes_keep_the_best_and_completion_needs_the_pass_line():
    tree = Tree()
    reading = make_reading(tree.city, minutes=1, pass_percent=75)
    read_fully(tree.student_a, reading)
    links = list(reading.questions.select_related("revision"))
    good = right_answers(reading)
    half = {str(links[0].revision_id): ["B"], str(links[1].revision_id): True}
    submit(tree.student_a, reading, half)
    p = Progress.objects.get(user=tree.student_a)
    assert (p.best_percent, p.completed_at) == (50, None)
    done_at = NOW + timedelta(minutes=40)
    submit(tree.student_a, reading, good, at=done_at)
    submit(tree.student_a, reading, half, at=done_at + timedelta(minutes=1))
    p.refresh_from_db()
    assert (p.best_percent, p.quiz_attempts, p.completed_at) == (100, 3, done_at)


def test_exactly_the_pass_line_completes():
    tree = Tree()
    reading = make_reading(tree.city, minutes=1, pass_percent=50)
    read_fully(tree.student_a, reading)
    links = list(reading.questions.select_related("revision"))
    submit(tree.student_a, reading, {str(links[0].revision_id): ["B"], str(links[1].revision_id): True})
    assert Progress.objects.get(user=tree.student_a).completed_at is not None


@pytest.mark.parametrize("bad", [["B", "C"], "B", [1]])
def test_malformed_answer_is_refused_and_nothing_is_stored(bad):
    tree = Tree()
    reading = make_reading(tree.city, minutes=1)
    read_fully(tree.student_a, reading)
    first = reading.questions.first().revision_id
    with pytest.raises(BadAnswers):
        submit(tree.student_a, reading, {str(first): bad})
    assert not QuizAttempt.objects.exists()
    assert Progress.objects.get(user=tree.student_a).quiz_attempts == 0
