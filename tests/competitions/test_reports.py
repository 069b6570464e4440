import pytest

from competitions.reports import item_analysis, results_by_org
from competitions.services import answer_save, attempt_start, attempt_submit
from questionbank.models import QuestionType
from tests.factories import make_student

from .factories import make_contest, make_question

# Answers of ten students to five true/false questions worth 8, 4, 2, 1, 1 points (1 = right).
# Totals are 15, 14, 13, 11, 10, 9, 7, 6, 5, 3 (max 16), so the upper 27% (round(2.7) = 3) are the
# first three rows and the lower 27% the last three.
PATTERNS = ["11110", "11100", "11010", "10110", "10100", "10010", "01110", "01100", "01010", "00110"]


@pytest.fixture
def finished(tree, topic):
    revs = [make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True) for _ in range(5)]
    contest = make_contest(
        owner_org=tree.city,
        fixed=list(zip(revs, ["8", "4", "2", "1", "1"])),
        shuffle_questions=False,
        excellence_percent=85,
    )
    for pattern in PATTERNS:
        student = make_student(tree.class_a)
        attempt, _ = attempt_start(user=student, contest_id=contest.pk)
        for rev, bit in zip(revs, pattern):
            answer_save(user=student, attempt_id=attempt.pk, question_id=rev.pk, answer=bit == "1")
        attempt_submit(user=student, attempt_id=attempt.pk)
    return contest, revs


def test_item_analysis_matches_hand_computed_facility_and_discrimination(finished):
    contest, revs = finished
    stats = {s.revision_id: s for s in item_analysis(contest=contest)}
    got = [(stats[r.pk].facility, stats[r.pk].discrimination) for r in revs]
    # Q1: 6/10 right; upper 3/3, lower 0/3 → D = 1
    # Q2: 6/10; upper 3/3, lower 2/3 → D = 0.3333
    # Q3: 7/10; upper 2/3, lower 2/3 → D = 0 (flagged)
    # Q4: 7/10; upper 2/3, lower 2/3 → D = 0 (flagged)
    # Q5: 0/10 → facility 0 (flagged too hard), D = 0
    assert got == [(0.6, 1.0), (0.6, 0.3333), (0.7, 0.0), (0.7, 0.0), (0.0, 0.0)]
    assert [stats[r.pk].looks_broken for r in revs] == [False, False, True, True, True]
    assert "过难" in stats[revs[4].pk].flags


def test_results_by_school_participation_average_and_excellence(tree, finished):
    contest, _ = finished
    rows, total = results_by_org(contest=contest, user=tree.city_organiser, level="school")
    by_name = {r.name: r for r in rows}
    school = by_name["如东县实验小学"]
    # class_a has stu_a plus the ten who took part
    assert (school.participants, school.enrolled) == (10, 11)
    assert school.participation_rate == round(10 / 11, 4)
    assert school.average_score == 9.3
    # 85% of 16 = 13.6: only 15 and 14 are excellent
    assert school.excellence_rate == 0.2
    assert by_name["海安市实验小学"].participants == 0
    assert total.enrolled == 12 and total.participants == 10
    assert sum(total.histogram) == 10


def test_district_organiser_sees_only_their_region(tree, finished):
    contest, _ = finished
    rows, total = results_by_org(contest=contest, user=tree.organiser_b, level="school")
    assert [r.name for r in rows] == ["海安市实验小学"]
    assert total.participants == 0
