"""Statistics against a hand-computed small city.

如东县 (district A)
  如东县实验小学: 五（1）班 grade 5 — 4 students; counted scores 90, 60, 50 (one student absent)
  如东县第二小学: 五（3）班 grade 5 — 2 students, nobody took part; 初二班 grade 8 — 1 student (not in
                 the contest's grade band, so not enrolled)
海安市 (district B)
  海安市实验小学: 五（2）班 grade 5 — 2 students; counted score 85 (exactly the 85% excellence line)

District A: enrolled 6, participants 3 (50%), average 66.67, excellent 1/3, passed 2/3
District B: enrolled 2, participants 1 (50%), average 85, excellent 1/1, passed 1/1
City:       enrolled 8, participants 4 (50%), average 71.25, excellent 2/4, passed 3/4
"""

import pytest

from accounts.selectors import scope_for
from results.statistics import OutOfScope, knowledge_contest_stats
from tests.factories import ClassFactory, SchoolFactory, Tree, make_student

from .factories import make_attempt, make_knowledge_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    t = Tree()
    t.school_a2 = SchoolFactory(name="如东县第二小学", parent=t.town_a)
    t.class_a2 = ClassFactory(name="五（3）班", parent=t.school_a2, grade=5)
    t.class_a2_junior = ClassFactory(name="初二班", parent=t.school_a2, grade=8)
    a_students = [t.student_a] + [make_student(t.class_a) for _ in range(3)]
    for _ in range(2):
        make_student(t.class_a2)
    make_student(t.class_a2_junior)
    b_students = [t.student_b, make_student(t.class_b)]
    t.contest = make_knowledge_contest(owner=t.city, grade_bands=["primary_upper"])
    make_attempt(t.contest, a_students[0], t.class_a, 90)
    make_attempt(t.contest, a_students[1], t.class_a, 60)
    make_attempt(t.contest, a_students[2], t.class_a, 50)
    # an earlier attempt that does not count, and an unfinished one: both ignored
    make_attempt(t.contest, a_students[2], t.class_a, 100, counts=False, number=2)
    make_attempt(t.contest, a_students[3], t.class_a, 0, counts=False, finalised=False)
    make_attempt(t.contest, b_students[0], t.class_b, 85)
    return t


def _by_name(stats):
    out = {}
    for d in stats.districts:
        out[d.total.name] = d.total
        for s in d.schools:
            out[s.name] = s
    out["合计"] = stats.total
    return out


def test_city_statistics_match_hand_computed_numbers(city):
    stats = knowledge_contest_stats(city.contest, scope_for(city.city_organiser))
    rows = _by_name(stats)
    a, b, total = rows["如东县"], rows["海安市"], rows["合计"]
    assert (a.enrolled, a.participants, a.excellent, a.passed) == (6, 3, 1, 2)
    assert a.participation_rate == pytest.approx(0.5)
    assert a.average == pytest.approx(66.6667, abs=1e-3)
    assert (b.enrolled, b.participants, b.excellent, b.passed) == (2, 1, 1, 1)
    assert b.average == pytest.approx(85)
    assert (total.enrolled, total.participants, total.excellent, total.passed) == (8, 4, 2, 3)
    assert total.average == pytest.approx(71.25)
    assert total.excellence_rate == pytest.approx(0.5)
    assert total.pass_rate == pytest.approx(0.75)
    second = rows["如东县第二小学"]
    assert (second.enrolled, second.participants, second.participation_rate, second.average) == (2, 0, 0.0, None)
    assert [d.total.name for d in stats.districts] == ["如东县", "海安市"]


def test_histogram_and_timeline_count_counted_attempts(city):
    stats = knowledge_contest_stats(city.contest, scope_for(city.city_organiser))
    hist = dict(stats.histogram)
    assert sum(hist.values()) == 4
    assert hist["90–100%"] == 1
    assert hist["80–89%"] == 1
    assert hist["60–69%"] == 1
    assert hist["50–59%"] == 1
    assert sum(n for _t, n in stats.timeline) == 4


def test_district_organiser_sees_only_their_district(city):
    stats = knowledge_contest_stats(city.contest, scope_for(city.organiser_a))
    names = [d.total.name for d in stats.districts]
    assert names == ["如东县"]
    assert (stats.total.enrolled, stats.total.participants) == (6, 3)


def test_organiser_outside_the_audience_is_refused(city):
    contest = make_knowledge_contest(owner=city.district_b, title="海安市竞赛")
    with pytest.raises(OutOfScope):
        knowledge_contest_stats(contest, scope_for(city.organiser_a))


def test_excellence_threshold_follows_the_contest(city):
    city.contest.excellence_percent = 90
    city.contest.save()
    stats = knowledge_contest_stats(city.contest, scope_for(city.city_organiser))
    assert stats.total.excellent == 1  # 85 is no longer excellent


def test_pass_threshold_is_configurable(city, settings):
    settings.RESULTS_PASS_PERCENT = 50
    stats = knowledge_contest_stats(city.contest, scope_for(city.city_organiser))
    assert stats.total.passed == 4
