"""A start writes the attempt and its frozen paper exactly as drawn (one statement on PostgreSQL, the ORM
elsewhere), and a refused write leaves nothing behind."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from competitions.attempt_insert_pg import insert_attempt_with_items
from competitions.models import Attempt, AttemptItem, AttemptState
from competitions.paper import paper_draw
from competitions.services import attempt_start
from questionbank.models import QuestionType

from .factories import make_contest, make_question


@pytest.fixture
def shuffled_contest(tree, topic):
    for _ in range(6):
        make_question(topic=topic, qtype=QuestionType.SINGLE)
    for _ in range(3):
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["甲"]])
    return make_contest(
        owner_org=tree.city,
        rules=[(topic, QuestionType.SINGLE, "", 5, "4"), (topic, QuestionType.FILL_BLANK, "", 2, "2.5")],
        shuffle_questions=True,
        shuffle_options=True,
        time_limit_s=900,
    )


def test_the_stored_paper_is_the_one_its_seed_draws(tree, shuffled_contest):
    attempt, created = attempt_start(user=tree.student_a, contest_id=shuffled_contest.pk)

    stored = Attempt.objects.get(pk=attempt.pk)
    assert created and stored.state == AttemptState.ACTIVE and stored.number == 1
    assert (stored.class_org_id, stored.grade_band) == (tree.class_a.pk, tree.class_a.grade_band)
    assert stored.deadline == attempt.deadline and stored.max_score == Decimal("25.00")
    assert (stored.score, stored.time_used_s, stored.counts, stored.finished_at) == (0, 0, False, None)
    drawn = paper_draw(contest=shuffled_contest, grade_band=stored.grade_band, seed=stored.seed)
    items = list(AttemptItem.objects.filter(attempt=stored).order_by("position"))
    assert [(i.position, i.revision_id, i.option_order, i.points) for i in items] == [
        (n, slot.revision.pk, slot.option_order, slot.points) for n, slot in enumerate(drawn, start=1)
    ]
    assert all(i.answer is None and i.saved_at is None and i.score is None for i in items)
    assert any(i.option_order != sorted(i.option_order) for i in items if len(i.option_order) > 1)


@pytest.mark.postgres
def test_an_item_the_database_refuses_leaves_no_attempt(tree, shuffled_contest):
    first, _ = attempt_start(user=tree.student_a, contest_id=shuffled_contest.pk)
    revision = first.items.first().revision
    attempt = Attempt(
        contest=shuffled_contest,
        user=tree.student_b,
        class_org=tree.class_a,
        seed=1,
        started_at=first.started_at,
        deadline=first.deadline,
    )
    twice = [AttemptItem(revision=revision, position=n, points=Decimal(1)) for n in (1, 2)]

    with pytest.raises(IntegrityError):
        insert_attempt_with_items(attempt, twice)

    assert not Attempt.objects.filter(contest=shuffled_contest, user=tree.student_b).exists()
    assert attempt_start(user=tree.student_b, contest_id=shuffled_contest.pk)[1] is True
