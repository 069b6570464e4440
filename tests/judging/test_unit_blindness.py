"""Judging stays blind for units and adults: a unit's name is identity. Judges see the entry code only —
never the unit, the submitter or the district — on pages, in files, in the API; and a judge who works at
or for the entering unit (or in its district, for a district round) or who wrote it is never assigned."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tokens import token_issue
from judging import services
from judging.models import Assignment, ContestKind, FileStatus, RoundLevel
from judging.services import JudgingError
from tests.factories import make_judge, make_member

from .hostile_files import hostile_docx
from .identity import leaks
from .units import UnitWorld, save, upload

pytestmark = pytest.mark.django_db

RUBRIC = [{"name": "内容", "max_points": 100}]


def _judged(w, contest, judges, *, level=RoundLevel.CITY, k=1):
    contest.closes_at = timezone.now()
    contest.save()
    services.rubric_set(actor=w.tree.city_organiser, contest=contest, criteria=RUBRIC)
    rnd = services.round_create(
        actor=w.tree.city_organiser, contest=contest, name="初评", level=level, judges_per_entry=k
    )
    services.round_set_panel(actor=w.tree.city_organiser, rnd=rnd, judge_ids=[j.pk for j in judges])
    services.round_open(actor=w.tree.city_organiser, rnd=rnd)
    services.round_assign_auto(actor=w.tree.city_organiser, rnd=rnd)
    return rnd


def _identity(w):
    return (w.station.name, "掘港", w.staff_1.real_name, w.staff_2.real_name, w.staff_1.username, "如东县")


@pytest.fixture
def judged_unit_entry():
    w = UnitWorld()
    contest = w.unit_contest(kind=ContestKind.DOCUMENT, title="调研报告征集")
    save(
        contest,
        w.staff_1,
        title="关于辅导站课后服务的调研",
        body="",
        upload=upload("掘港街道校外教育辅导站.docx", hostile_docx()),
    )
    entry, version = save(contest, w.staff_2, title="关于辅导站课后服务的调研", body="")
    assert version.file_status == FileStatus.READY
    judge = make_judge(w.tree.city, username="judge_blind", real_name="评委甲")
    rnd = _judged(w, contest, [judge])
    return w, entry, Assignment.objects.get(round=rnd)


def test_the_judges_page_shows_the_code_and_nothing_of_the_unit(client, judged_unit_entry):
    w, entry, assignment = judged_unit_entry
    client.force_login(assignment.judge)
    for url in (reverse("judging:judge_queue"), reverse("judging:judge_score", args=[assignment.pk])):
        page = client.get(url).content.decode()
        assert entry.code in page
        for secret in _identity(w):
            assert secret not in page, (url, secret)


def test_the_judges_api_shows_the_code_and_nothing_of_the_unit(judged_unit_entry):
    w, entry, assignment = judged_unit_entry
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=assignment.judge)}")
    for path in ("/api/v1/judging/queue", f"/api/v1/judging/assignments/{assignment.pk}"):
        response = api.get(path)
        assert response.status_code == 200
        text = json.dumps(response.json(), ensure_ascii=False)
        assert entry.code in text
        for secret in _identity(w):
            assert secret not in text, (path, secret)


def test_the_judged_file_is_rebuilt_without_the_unit_or_the_authors(client, judged_unit_entry):
    w, entry, assignment = judged_unit_entry
    client.force_login(assignment.judge)
    response = client.get(reverse("judging:judge_file", args=[assignment.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert leaks(body) == []  # the names the hostile document hides in its metadata
    assert leaks(body, identity=_identity(w)) == []
    assert entry.code in response["Content-Disposition"] and "辅导站" not in response["Content-Disposition"]


def test_the_organisers_still_see_who_entered(client, judged_unit_entry):
    w, entry, assignment = judged_unit_entry
    client.force_login(w.tree.city_organiser)
    page = client.get(reverse("judging:dashboard", args=[entry.contest.pk])).content.decode()
    assert w.station.name in page


# --- conflicts ------------------------------------------------------------------------------------------


def test_a_judge_working_at_the_unit_or_having_written_for_it_is_never_assigned():
    w = UnitWorld()
    contest = w.unit_contest()
    save(contest, w.staff_1)
    entry, _v = save(contest, w.staff_2)
    at_station = make_judge(w.tree.city, username="judge_station")
    Membership.objects.create(user=at_station, role=Role.VOLUNTEER, org=w.station)  # works for the station
    submitter = w.staff_1
    Membership.objects.create(user=submitter, role=Role.JUDGE, org=w.tree.city)  # also a judge
    outsider = make_judge(w.tree.city, username="judge_out")
    rnd = _judged(w, contest, [at_station, submitter, outsider])
    assert list(Assignment.objects.filter(round=rnd).values_list("judge_id", flat=True)) == [outsider.pk]
    assignment = Assignment.objects.get(round=rnd)
    for judge in (at_station, submitter):
        with pytest.raises(JudgingError) as err:
            services.assignment_reassign(actor=w.tree.city_organiser, assignment=assignment, judge_id=judge.pk)
        assert err.value.code == "conflict"


def test_a_judge_teaching_at_the_entering_school_is_never_assigned():
    w = UnitWorld()
    contest = w.unit_contest()
    entry, _v = save(contest, w.tree.teacher_a)  # 如东县实验小学 enters as itself
    assert entry.unit == w.tree.school_a
    colleague = make_member(Role.TEACHER, w.tree.school_a, username="judge_colleague")
    Membership.objects.create(user=colleague, role=Role.JUDGE, org=w.tree.city)
    outsider = make_judge(w.tree.city, username="judge_out")
    with pytest.raises(JudgingError) as err:
        _judged(w, contest, [colleague], k=1)
    assert err.value.code == "round_not_ready"  # refused before opening: nobody may judge the entry
    contest.rounds.all().delete()
    rnd = _judged(w, contest, [colleague, outsider])
    assert Assignment.objects.get(round=rnd).judge == outsider


def test_in_a_district_round_no_judge_from_the_units_district():
    w = UnitWorld()
    contest = w.unit_contest()
    entry, _v = save(contest, w.staff_1)  # 如东县 station
    same_district = make_judge(w.tree.town_a, username="judge_rudong")  # another town org, same district
    volunteer_there = make_judge(w.tree.city, username="judge_rudong_volunteer")
    Membership.objects.create(user=volunteer_there, role=Role.VOLUNTEER, org=w.tree.district_a)
    other_district = make_judge(w.tree.town_b, username="judge_haian")
    rnd = _judged(w, contest, [same_district, volunteer_there, other_district], level=RoundLevel.DISTRICT)
    assert Assignment.objects.get(round=rnd, entry=entry).judge == other_district


def test_the_export_with_identities_is_never_given_to_a_judge(client, judged_unit_entry):
    w, entry, assignment = judged_unit_entry
    client.force_login(assignment.judge)
    assert client.get(reverse("judging:export_xlsx", args=[entry.contest.pk])).status_code == 403
    assert client.get(reverse("judging:entry_file", args=[entry.pk])).status_code == 403
