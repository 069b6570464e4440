"""在册学生 of a closed contest is frozen: importing students afterwards changes no report, export or
board, and every place that shows it (competitions.reports, results.statistics, leaderboards) agrees."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.enrolment import enrolment_by_class
from accounts.models import EnrolmentSnapshot
from accounts.selectors import scope_for
from competitions.reports import results_by_org
from competitions.services import contests_snapshot_enrolment
from leaderboards.source import enrolled_counts
from results.statistics import knowledge_contest_stats, submission_contest_stats
from tests.factories import make_student

from .factories import make_submission_contest
from .test_statistics import city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _figures(contest, organiser, city_tree):
    _rows, report_total = results_by_org(contest=contest, user=organiser, level="district")
    stats = knowledge_contest_stats(contest, scope_for(organiser))
    board = enrolled_counts(contest.pk)
    board_total = board.get(city_tree.district_a.pk, 0) + board.get(city_tree.district_b.pk, 0)
    return report_total.enrolled, stats.total.enrolled, board_total, stats.total.participation_rate


def test_every_place_agrees_and_a_roster_import_after_closing_changes_nothing(city):  # noqa: F811
    before = _figures(city.contest, city.city_organiser, city)
    assert before[:3] == (8, 8, 8) and before[3] == pytest.approx(0.5)
    for _ in range(10):  # next week's roster import
        make_student(city.class_a)
    after = _figures(city.contest, city.city_organiser, city)
    assert after == before
    assert EnrolmentSnapshot.objects.count() == 1


def test_an_open_contest_follows_the_roster_until_it_closes(city):  # noqa: F811
    contest = city.contest
    contest.closes_at = timezone.now() + timedelta(days=1)
    contest.save()
    assert sum(enrolment_by_class(contest).values()) == 8
    make_student(city.class_a)
    assert sum(enrolment_by_class(contest).values()) == 9
    assert not EnrolmentSnapshot.objects.exists()
    closing = contest.closes_at + timedelta(seconds=1)
    assert contests_snapshot_enrolment(now=closing) == 1
    make_student(city.class_a)
    assert sum(enrolment_by_class(contest, now=closing).values()) == 9


def test_the_sweep_freezes_at_closing_time_even_if_nobody_looked(city):  # noqa: F811
    assert contests_snapshot_enrolment() == 1
    assert contests_snapshot_enrolment() == 0  # idempotent
    make_student(city.class_a)
    assert _figures(city.contest, city.city_organiser, city)[:3] == (8, 8, 8)


def test_essay_contest_statistics_use_the_frozen_enrolment_too(city):  # noqa: F811
    contest = make_submission_contest(owner=city.city)
    first = submission_contest_stats(contest, scope_for(city.city_organiser)).total.enrolled
    make_student(city.class_a)
    assert submission_contest_stats(contest, scope_for(city.city_organiser)).total.enrolled == first
