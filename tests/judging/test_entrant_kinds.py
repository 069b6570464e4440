"""Who may enter a works contest: students, teachers and staff, 五老 volunteers or units, each by role and
region; one entry per person or per unit; team entries for adults as for students."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from judging import entrants
from judging.models import EntrantKind, Entry, SubmissionContest
from judging.services import JudgingError, team_invitation_accept
from tests.factories import make_member, make_teacher

from .units import UnitWorld, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return UnitWorld()


def test_a_students_contest_still_takes_students_only(w):
    contest = w.contest([])  # contests made before entrant kinds: students
    assert entrants.is_eligible(w.tree.student_a, contest)
    assert not entrants.is_eligible(w.tree.teacher_a, contest)
    assert not entrants.is_eligible(w.staff_1, contest)
    with pytest.raises(JudgingError) as err:
        save(contest, w.tree.teacher_a)
    assert err.value.code == "not_eligible" and err.value.status == 403


def test_teachers_and_volunteers_enter_as_persons_students_do_not(w):
    contest = w.contest([EntrantKind.TEACHER, EntrantKind.VOLUNTEER], title="优秀活动微视频课件")
    assert entrants.person_kind(w.tree.teacher_a, contest) == EntrantKind.TEACHER
    assert entrants.person_kind(w.staff_1, contest) == EntrantKind.VOLUNTEER
    assert entrants.person_kind(w.district_volunteer, contest) == EntrantKind.VOLUNTEER
    assert not entrants.is_eligible(w.tree.student_a, contest)
    entry, version = save(contest, w.district_volunteer, title="老战士讲长征")
    assert (entry.entrant_kind, entry.unit, entry.author) == (EntrantKind.VOLUNTEER, None, w.district_volunteer)
    assert entry.district == w.tree.district_a and entry.school is None
    teacher_entry, _v = save(contest, w.tree.teacher_a)
    assert (teacher_entry.entrant_kind, teacher_entry.school) == (EntrantKind.TEACHER, w.tree.school_a)


def test_volunteers_only_contest_refuses_teachers(w):
    contest = w.contest([EntrantKind.VOLUNTEER])
    assert entrants.is_eligible(w.staff_b, contest)
    assert not entrants.is_eligible(w.tree.teacher_a, contest)


def test_region_limits_adults_as_it_limits_students(w):
    contest = make_district_contest(w, [EntrantKind.VOLUNTEER, EntrantKind.TEACHER])
    assert entrants.is_eligible(w.staff_1, contest)  # station in 如东县
    assert not entrants.is_eligible(w.staff_b, contest)  # station in 海安市
    assert not entrants.is_eligible(w.tree.teacher_b, contest)


def make_district_contest(w, kinds):
    reference = w.unit_contest()
    return SubmissionContest.objects.create(
        title="如东县调研",
        owner_org=w.tree.district_a,
        entrant_kinds=kinds,
        opens_at=reference.opens_at,
        closes_at=reference.closes_at,
        code_prefix="RD",
    )


def test_one_entry_per_person(w):
    contest = w.contest([EntrantKind.VOLUNTEER])
    first, _v1 = save(contest, w.staff_1, title="第一版")
    again, v2 = save(contest, w.staff_1, title="第二版")
    assert first.pk == again.pk and v2.number == 2
    assert Entry.objects.filter(contest=contest).count() == 1


def test_unit_entry_is_one_per_unit_edited_by_any_staff_with_each_version_attributed(w):
    contest = w.unit_contest()
    entry, v1 = save(contest, w.staff_1, title="辅导站调研（初稿）")
    same, v2 = save(contest, w.staff_2, title="辅导站调研（修改稿）")
    assert same.pk == entry.pk and entry.unit == w.station and entry.entrant_kind == EntrantKind.UNIT
    assert (entry.school, entry.district) == (w.station, w.tree.district_a)
    assert [(v.number, v.saved_by) for v in entry.versions.order_by("number")] == [(1, w.staff_1), (2, w.staff_2)]
    other, _v = save(contest, w.staff_b)
    assert other.unit == w.station_b and other.pk != entry.pk
    assert Entry.objects.filter(contest=contest).count() == 2


def test_unit_contests_refuse_students_people_outside_units_and_teams(w):
    contest = w.unit_contest(allow_teams=True)
    teacher_at_school = w.tree.teacher_a  # teaches a class of 如东县实验小学: staff of that school
    assert [u.pk for u in entrants.staffed_units(teacher_at_school, contest)] == [w.tree.school_a.pk]
    assert not entrants.is_eligible(w.tree.student_a, contest)
    assert not entrants.is_eligible(w.district_volunteer, contest)  # a district 关工委 is not a unit
    assert not entrants.is_eligible(w.tree.organiser_a, contest)
    with pytest.raises(JudgingError) as err:
        save(contest, w.staff_1, team_usernames=[w.staff_2.username])
    assert err.value.code == "teams_not_allowed"


def test_staff_of_two_units_choose_and_cannot_enter_for_a_unit_they_do_not_staff(w):
    contest = w.unit_contest()
    both = make_member(Role.VOLUNTEER, w.station, username="wl_both")
    Membership.objects.create(user=both, role=Role.VOLUNTEER, org=w.station_b)
    with pytest.raises(JudgingError) as err:
        save(contest, both)
    assert err.value.code == "unit_required"
    entry, _v = save(contest, both, unit=w.station_b)
    assert entry.unit == w.station_b
    with pytest.raises(JudgingError) as err:
        save(contest, w.staff_1, unit=w.station_b)
    assert err.value.code == "not_unit_staff" and err.value.status == 403


def test_adult_team_entries_invite_adults_of_the_contest_only(w):
    contest = w.contest([EntrantKind.TEACHER, EntrantKind.VOLUNTEER], allow_teams=True)
    colleague = make_teacher(w.tree.school_a, username="tea_colleague")
    entry, _v = save(contest, w.staff_1, team_usernames=[colleague.username])
    team_invitation_accept(student=colleague, contest=contest)
    assert list(entry.team_members.all()) == [colleague]
    with pytest.raises(JudgingError) as err:
        save(contest, w.staff_1, team_usernames=[w.tree.student_a.username])
    assert err.value.code == "team_member_invalid"


def test_contest_form_declares_the_entrant_kinds(client, w):
    client.force_login(w.tree.city_organiser)
    data = {
        "title": "微视频课件征集", "description": "", "kind": "video", "code_prefix": "WK",
        "owner_org": w.tree.city.pk, "entrant_kinds": ["teacher", "volunteer"],
        "opens_at": "2026-03-01T08:00", "closes_at": "2026-04-01T18:00", "min_chars": 0, "max_chars": 0,
        "max_file_mb": 50, "max_team_size": 3, "pledge_text": "原创",
    }  # fmt: skip
    response = client.post(reverse("judging:contest_create"), data)
    assert response.status_code == 302
    assert SubmissionContest.objects.get(code_prefix="WK").entrant_kinds == ["teacher", "volunteer"]
    mixed = client.post(
        reverse("judging:contest_create"), {**data, "code_prefix": "WX", "entrant_kinds": ["unit", "teacher"]}
    )
    assert mixed.status_code == 200 and "单位作品的比赛不能同时接受个人作品" in mixed.content.decode()
    assert not SubmissionContest.objects.filter(code_prefix="WX").exists()


def test_entry_page_works_for_volunteers_and_unit_staff(client, w):
    persons = w.contest([EntrantKind.VOLUNTEER], code_prefix="WL")
    client.force_login(w.staff_1)
    url = reverse("judging:entry_edit", args=[persons.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "老战士讲党史", "body": "正文" * 20, "pledge": "on"})
    assert response.status_code == 302
    assert Entry.objects.get(contest=persons).author == w.staff_1

    unit_contest = w.unit_contest()
    url = reverse("judging:entry_edit", args=[unit_contest.pk])
    client.post(url, {"title": "辅导站调研", "body": "正文" * 20, "pledge": "on"})
    client.force_login(w.staff_2)
    page = client.get(url).content.decode()
    assert w.station.name in page and "周建国" in page  # the colleague's version, attributed
    response = client.post(url, {"title": "辅导站调研（二稿）", "body": "正文" * 30, "pledge": "on"})
    assert response.status_code == 302
    entry = Entry.objects.get(contest=unit_contest)
    assert [v.saved_by for v in entry.versions.order_by("number")] == [w.staff_1, w.staff_2]
    client.force_login(w.tree.student_a)
    assert client.get(url).status_code == 403


def test_the_consent_box_speaks_to_who_enters(client, w):
    persons = w.contest([EntrantKind.STUDENT, EntrantKind.VOLUNTEER], code_prefix="WL")
    url = reverse("judging:entry_edit", args=[persons.pk])
    client.force_login(w.staff_1)
    adult = client.get(url).content.decode()
    assert "本人同意在展示页公开" in adult and "监护人" not in adult
    client.force_login(w.tree.student_a)
    assert "本人及监护人同意在展示页公开" in client.get(url).content.decode()
    client.force_login(w.staff_2)
    unit_page = client.get(reverse("judging:entry_edit", args=[w.unit_contest().pk])).content.decode()
    assert "本单位同意在展示页公开" in unit_page


def test_adults_find_their_collections_on_the_home_page(client, w):
    persons = w.contest([EntrantKind.VOLUNTEER], title="优秀活动微视频课件")
    units = w.unit_contest(title="辅导站调研报告")
    students_only = w.contest([], title="学生征文")
    save(units, w.staff_2)
    client.force_login(w.staff_1)
    home = client.get("/").content.decode()
    assert persons.title in home and units.title in home and students_only.title not in home
    assert "✓" in home  # the station's entry, saved by a colleague, counts as theirs
    client.force_login(w.tree.teacher_b)  # a teacher of 海安市实验小学: the unit contest only
    home = client.get("/").content.decode()
    assert units.title in home and persons.title not in home
