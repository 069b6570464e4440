"""Engaged time: the server accepts no more than the clock allows, so a page left open does not count."""

from datetime import timedelta

import pytest

from reading import services
from reading.errors import BadProgress, NotAStudent, ReadingNotFound
from reading.models import Progress, ReadingStatus
from tests.factories import Tree, make_teacher

from .factories import NOW, make_reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def save(user, reading, position, engaged, at):
    return services.progress_save(user=user, reading_id=reading.pk, position=position, engaged_s=engaged, now=at)


def test_increment_is_capped_by_wall_time_since_last_save_plus_slack(settings):
    settings.READING_SAVE_SLACK_S = 5
    assert services.engaged_increment(claimed_s=15, last_saved_at=NOW, now=NOW + timedelta(seconds=15)) == 15
    assert services.engaged_increment(claimed_s=60, last_saved_at=NOW, now=NOW + timedelta(seconds=10)) == 15
    assert services.engaged_increment(claimed_s=15, last_saved_at=NOW, now=NOW) == 5


def test_a_page_left_open_for_an_hour_counts_at_most_one_capped_interval(tree, settings):
    settings.READING_SAVE_CAP_S = 30
    reading = make_reading(tree.city)
    save(tree.student_a, reading, 0.1, 10, NOW)
    progress = save(tree.student_a, reading, 0.1, 3600, NOW + timedelta(hours=1))
    assert progress.engaged_s == 10 + 30


def test_saves_faster_than_the_clock_cannot_inflate_engaged_time(tree):
    reading = make_reading(tree.city)
    at = NOW
    save(tree.student_a, reading, 0, 0, at)
    for _ in range(20):  # a script claiming 15 s every second
        at += timedelta(seconds=1)
        save(tree.student_a, reading, 0.5, 15, at)
    progress = Progress.objects.get(user=tree.student_a)
    assert progress.engaged_s <= 20 * (1 + 5)
    assert progress.engaged_s < 20 * 15


def test_first_save_is_held_to_the_cap(tree, settings):
    settings.READING_SAVE_CAP_S = 30
    reading = make_reading(tree.city)
    assert save(tree.student_a, reading, 0.2, 500, NOW).engaged_s == 30


def test_idle_page_reporting_zero_adds_nothing_and_position_keeps_the_furthest(tree):
    reading = make_reading(tree.city)
    save(tree.student_a, reading, 0.6, 15, NOW)
    p = save(tree.student_a, reading, 0.3, 0, NOW + timedelta(seconds=15))
    assert p.engaged_s == 15 and p.position == 0.3 and p.max_position == 0.6


def test_marked_read_only_when_most_seen_for_a_plausible_time(tree, settings):
    settings.READING_READ_MIN_POSITION = 0.8
    settings.READING_READ_MIN_FRACTION = 0.4  # 5 minutes → 120 s
    reading = make_reading(tree.city, minutes=5)
    at = NOW
    save(tree.student_a, reading, 1.0, 0, at)  # scrolled to the end at once: seen but not read
    for _ in range(7):
        at += timedelta(seconds=15)
        p = save(tree.student_a, reading, 1.0, 15, at)
    assert p.engaged_s == 105 and p.read_at is None
    at += timedelta(seconds=15)
    p = save(tree.student_a, reading, 1.0, 15, at)
    assert p.engaged_s == 120 and p.read_at == at


def test_long_engagement_without_reaching_the_end_is_not_read(tree):
    reading = make_reading(tree.city, minutes=1)
    at = NOW
    for _ in range(20):
        at += timedelta(seconds=15)
        p = save(tree.student_a, reading, 0.5, 15, at)
    assert p.engaged_s >= 60 and p.read_at is None


@pytest.mark.parametrize("position,engaged", [(-0.1, 1), (1.5, 1), (0.5, -1), ("x", 1), (float("nan"), 1)])
def test_bad_numbers_are_refused_without_a_write(tree, position, engaged):
    reading = make_reading(tree.city)
    with pytest.raises(BadProgress):
        save(tree.student_a, reading, position, engaged, NOW)
    assert not Progress.objects.exists()


def test_only_students_in_the_audience_may_save(tree):
    reading = make_reading(tree.district_a)
    with pytest.raises(ReadingNotFound):
        save(tree.student_b, reading, 0.1, 1, NOW)  # other district
    with pytest.raises(NotAStudent):
        save(make_teacher(tree.class_a), reading, 0.1, 1, NOW)
    junior = make_reading(tree.city, bands=["junior"], title="初中篇")
    with pytest.raises(ReadingNotFound):
        save(tree.student_a, junior, 0.1, 1, NOW)  # grade 5 is 小学高段
    draft = make_reading(tree.city, status=ReadingStatus.DRAFT, title="草稿")
    with pytest.raises(ReadingNotFound):
        save(tree.student_a, draft, 0.1, 1, NOW)


def test_a_reading_opens_on_its_day_and_stays_readable(tree):
    reading = make_reading(tree.city)
    reading.opens_on = NOW.date() + timedelta(days=1)
    reading.save()
    with pytest.raises(ReadingNotFound):
        save(tree.student_a, reading, 0.1, 1, NOW)
    assert save(tree.student_a, reading, 0.1, 1, NOW + timedelta(days=400)).saves == 1
