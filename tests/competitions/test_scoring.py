from decimal import Decimal

import pytest

from competitions.models import AttemptItem
from competitions.paper import LETTERS
from competitions.services import answer_save, attempt_start, attempt_submit
from questionbank.models import QuestionType

from .factories import make_contest, make_question


def display_for(item: AttemptItem, original_keys: list[str]) -> list[str]:
    return sorted(LETTERS[item.option_order.index(k)] for k in original_keys)


@pytest.fixture
def mixed(tree, topic):
    revs = {
        "single": make_question(topic=topic, qtype=QuestionType.SINGLE, answer=["B"]),
        "multiple": make_question(topic=topic, qtype=QuestionType.MULTIPLE, answer=["A", "C", "D"]),
        "tf": make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=False),
        "fill": make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["南通", "南通市"], ["濠河"]]),
    }
    return revs


def take(tree, contest, answers_by_rev):
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    items = {i.revision_id: i for i in attempt.items.all()}
    for rev_id, make_answer in answers_by_rev.items():
        answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=rev_id, answer=make_answer(items[rev_id]))
    return attempt_submit(user=tree.student_a, attempt_id=attempt.pk)


def test_every_type_scores_through_the_shuffled_option_labels(tree, mixed):
    contest = make_contest(owner_org=tree.city, fixed=[(r, "10") for r in mixed.values()])
    done = take(
        tree,
        contest,
        {
            mixed["single"].pk: lambda i: display_for(i, ["B"]),
            mixed["multiple"].pk: lambda i: display_for(i, ["D", "A", "C"]),
            mixed["tf"].pk: lambda i: False,
            mixed["fill"].pk: lambda i: ["  南通市 ", "濠河"],
        },
    )
    assert done.score == Decimal("40.00")
    assert done.max_score == Decimal("40.00")


def test_wrong_answers_and_unanswered_score_zero(tree, mixed):
    contest = make_contest(owner_org=tree.city, fixed=[(r, "10") for r in mixed.values()])
    done = take(
        tree,
        contest,
        {
            mixed["single"].pk: lambda i: display_for(i, ["A"]),
            mixed["tf"].pk: lambda i: True,
            mixed["fill"].pk: lambda i: ["南京", "濠河"],
        },
    )
    assert done.score == Decimal("0.00")


@pytest.mark.parametrize(("partial", "expected"), [(False, "0.00"), (True, "6.67")])
def test_multiple_choice_all_or_nothing_versus_partial_credit(tree, mixed, partial, expected):
    contest = make_contest(owner_org=tree.city, fixed=[(mixed["multiple"], "10")], partial_credit=partial)
    done = take(tree, contest, {mixed["multiple"].pk: lambda i: display_for(i, ["A", "C"])})
    assert done.score == Decimal(expected)


def test_partial_credit_never_rewards_a_wrong_option(tree, mixed):
    contest = make_contest(owner_org=tree.city, fixed=[(mixed["multiple"], "10")], partial_credit=True)
    done = take(tree, contest, {mixed["multiple"].pk: lambda i: display_for(i, ["A", "B"])})
    assert done.score == Decimal("0.00")


def test_fill_blank_partial_credit_counts_right_blanks(tree, mixed):
    contest = make_contest(owner_org=tree.city, fixed=[(mixed["fill"], "10")], partial_credit=True)
    done = take(tree, contest, {mixed["fill"].pk: lambda i: ["南通", "长江"]})
    assert done.score == Decimal("5.00")
