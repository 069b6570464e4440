from collections import Counter

import pytest

from competitions.errors import PaperUnsatisfiable
from competitions.models import PaperMode
from competitions.paper import paper_draw, paper_shortfalls
from competitions.services import attempt_start, contest_publish
from questionbank.models import QuestionStatus, QuestionType
from tests.factories import make_student

from .factories import make_contest, make_question, make_topic


@pytest.fixture
def bank(topic):
    singles = [make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy") for _ in range(8)]
    tfs = [make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, difficulty="hard") for _ in range(5)]
    # wrong band, draft and wrong difficulty must never be drawn
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy", grade_bands=["senior"])
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy", status=QuestionStatus.DRAFT)
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="hard")
    return singles, tfs


def test_rules_are_honoured_for_type_difficulty_band_and_points(tree, topic, bank):
    singles, tfs = bank
    contest = make_contest(
        owner_org=tree.city,
        rules=[(topic, QuestionType.SINGLE, "easy", 5, "2"), (topic, QuestionType.TRUE_FALSE, "hard", 3, "1.5")],
    )
    slots = paper_draw(contest=contest, grade_band="primary_upper", seed=42)
    assert len(slots) == 8
    allowed_single = {r.pk for r in singles}
    allowed_tf = {r.pk for r in tfs}
    by_type = Counter(s.revision.qtype for s in slots)
    assert by_type == {QuestionType.SINGLE: 5, QuestionType.TRUE_FALSE: 3}
    for s in slots:
        if s.revision.qtype == QuestionType.SINGLE:
            assert s.revision.pk in allowed_single and str(s.points) == "2.00"
        else:
            assert s.revision.pk in allowed_tf and str(s.points) == "1.50"
    assert len({s.revision.question_id for s in slots}) == 8


def test_paper_is_reproducible_from_the_stored_seed(tree, topic, bank):
    contest = make_contest(owner_org=tree.city, rules=[(topic, QuestionType.SINGLE, "easy", 5, "2")])
    student = make_student(tree.class_a)
    attempt, _ = attempt_start(user=student, contest_id=contest.pk)
    frozen = [(i.revision_id, i.option_order) for i in attempt.items.order_by("position")]
    again = paper_draw(contest=contest, grade_band=attempt.grade_band, seed=attempt.seed)
    assert [(s.revision.pk, s.option_order) for s in again] == frozen


def test_question_and_option_order_differ_between_students(tree, topic, bank):
    contest = make_contest(owner_org=tree.city, rules=[(topic, QuestionType.SINGLE, "easy", 8, "1")])
    papers = set()
    for _ in range(6):
        attempt, _ = attempt_start(user=make_student(tree.class_a), contest_id=contest.pk)
        papers.add(tuple((i.revision_id, tuple(i.option_order)) for i in attempt.items.order_by("position")))
    assert len(papers) > 1
    orders = {p[0][1] for p in papers}
    assert len(orders) > 1, "option order should be shuffled per student"


def test_unsatisfiable_rule_is_refused_on_publish_with_shortfall_named(tree, topic, bank):
    contest = make_contest(owner_org=tree.city, rules=[(topic, QuestionType.TRUE_FALSE, "hard", 9, "1")], publish=False)
    contest.grade_bands = ["primary_upper"]
    contest.save()
    with pytest.raises(PaperUnsatisfiable) as exc:
        contest_publish(actor=tree.city_organiser, contest=contest)
    assert "还差 4 道" in exc.value.message and "判断题" in exc.value.message
    contest.refresh_from_db()
    assert contest.status == "draft"


def test_rule_satisfied_only_in_one_band_names_the_other_band(tree, topic, bank):
    contest = make_contest(owner_org=tree.city, rules=[(topic, QuestionType.SINGLE, "easy", 2, "1")], publish=False)
    contest.grade_bands = ["primary_upper", "senior"]
    contest.save()
    problems = paper_shortfalls(contest)
    assert len(problems) == 1 and "高中" in problems[0] and "只有 1 道" in problems[0]


def test_fixed_paper_uses_exactly_the_pinned_revisions(tree, topic):
    revs = [make_question(topic=topic) for _ in range(3)]
    contest = make_contest(owner_org=tree.city, fixed=[(r, "5") for r in revs])
    assert contest.paper_mode == PaperMode.FIXED
    slots = paper_draw(contest=contest, grade_band="junior", seed=1)
    assert {s.revision.pk for s in slots} == {r.pk for r in revs}


def test_overlapping_rules_never_repeat_a_question(tree, topic):
    other = make_topic("交通安全")
    for _ in range(4):
        make_question(topic=topic, difficulty="easy")
    contest = make_contest(
        owner_org=tree.city,
        rules=[(topic, QuestionType.SINGLE, "easy", 3, "1"), (topic, QuestionType.SINGLE, "", 2, "1")],
    )
    with pytest.raises(PaperUnsatisfiable):
        paper_draw(contest=contest, grade_band="primary_upper", seed=3)
    assert other.pk
