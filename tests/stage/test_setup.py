"""Before the day: performers from an essay contest's winners, declared conflicts, judge seats."""

import pytest
from django.test import Client
from django.urls import reverse

from stage import services
from stage.errors import StageError
from stage.models import AuditAction, AuditEntry, Performer
from stage.selectors import pending_seats
from tests.results.factories import award, make_entry, make_submission_contest
from tests.stage.factories import T0, Stage

pytestmark = pytest.mark.django_db


def test_essay_winners_become_performers_with_school_and_work_title():
    st = Stage(judges=1, performers=0, draw=False)
    contest = make_submission_contest(owner=st.tree.city)
    entry = make_entry(contest, st.tree.student_a, st.tree.class_a, code="ZW001", title="我的中国梦")
    award(entry, "first", 1)
    make_entry(contest, st.tree.student_b, st.tree.class_b, code="ZW002")  # no award: not taken
    client = Client()
    client.force_login(st.tree.city_organiser)
    client.post(
        reverse("stage:manage_action", args=[st.event.pk, "awards"]), {"contest": contest.pk, "category": "小学组"}
    )
    p = Performer.objects.get(event=st.event)
    assert (p.name, p.unit_org, p.user, p.category.name) == ("张小明", st.tree.school_a, st.tree.student_a, "小学组")
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, data__source="judging").exists()
    other = Client()
    other.force_login(st.tree.organiser_b)
    assert (
        other.post(reverse("stage:manage_action", args=[st.event.pk, "awards"]), {"contest": contest.pk}).status_code
        == 403
    )


def test_declared_conflict_removes_the_judge_from_pending_and_is_refused_after_scoring():
    st = Stage(judges=3)
    p = st.performers[1]
    client = Client()
    client.force_login(st.tree.city_organiser)
    client.post(reverse("stage:manage_action", args=[st.event.pk, "conflict"]), {"seat": "2", "code": p.code})
    assert list(st.seats[1].conflicts.all()) == [p]
    assert [s.number for s in pending_seats(p)] == [1, 3]
    q = st.performers[2]
    st.open(q)
    services.score_submit(seat=st.seats[0], performer_id=q.pk, points=st.points(30), now=T0)
    with pytest.raises(StageError):
        services.conflict_declare(actor=st.host, seat=st.seats[0], performer=q, now=T0)


def test_seat_with_a_school_unit_conflicts_with_that_schools_performers():
    st = Stage(judges=1)
    client = Client()
    client.force_login(st.tree.city_organiser)
    client.post(
        reverse("stage:manage_action", args=[st.event.pk, "seat"]),
        {"number": "9", "name": "赵老师", "unit": st.tree.school_a.name},
    )
    seat = st.event.seats.get(number=9)
    assert seat.unit_org == st.tree.school_a
    first = next(p for p in st.performers if p.name == "选手1")
    assert seat.pk not in {s.pk for s in pending_seats(first)}
