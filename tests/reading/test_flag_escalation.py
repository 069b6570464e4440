"""The 底线: a distress flag always reaches someone in the chain school → district → city, goes up when
nobody opens it in time (injected clock), and is seen by nobody outside that chain."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import scope_for
from reading import selectors, services
from reading.errors import NotAllowed
from reading.models import DistressFlag, FlagLevel, FlagState
from reading.signals import distress_escalated
from tests.events import capture_events
from tests.factories import ClassFactory, Tree, make_member, make_organiser, make_student, make_teacher

from .factories import NOW, add_phrases, make_counsellor, make_reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    add_phrases()
    t = Tree()
    t.reading = make_reading(t.city)
    return t


def raise_flag(tree, at=NOW) -> DistressFlag:
    services.reflection_save(
        user=tree.student_a, reading_id=tree.reading.pk, text="我被欺负了，没有希望", share_consent=False, now=at
    )
    return DistressFlag.objects.get()


def sees(user, flag) -> bool:
    return selectors.flags_visible(scope_for(user)).filter(pk=flag.pk).exists()


def outsiders(tree):
    """People who must never see a flag of 如东县实验小学, whatever its level."""
    return [
        make_counsellor(tree.school_b),
        make_organiser(tree.school_b),
        make_counsellor(tree.district_b),
        tree.organiser_b,
        make_organiser(tree.town_a),  # a town is not in the chain
        tree.teacher_a,
        make_teacher(tree.school_a),
        make_member(Role.ADMIN, tree.city, is_superuser=True, is_staff=True),
        make_student(tree.class_a),
        tree.student_a,
        tree.judge,
    ]


def test_a_school_without_counsellor_or_organiser_sends_the_flag_to_the_district(tree):
    district_counsellor = make_counsellor(tree.district_a)
    flag = raise_flag(tree)
    assert (flag.level, flag.level_since) == (FlagLevel.DISTRICT, NOW)
    assert sees(tree.organiser_a, flag) and sees(district_counsellor, flag)
    assert not sees(tree.city_organiser, flag)
    for outsider in outsiders(tree):
        assert not sees(outsider, flag), outsider
        with pytest.raises(NotAllowed):
            services.flag_update(actor=outsider, flag_id=flag.pk, state=FlagState.CLOSED, note="x")
    # a counsellor named at the school later sees the school's flags too
    assert sees(make_counsellor(tree.school_a), flag)


def test_with_nobody_at_school_or_district_the_city_receives_it(tree):
    tree.organiser_a.is_active = False  # the district's only organiser has left
    tree.organiser_a.save()
    flag = raise_flag(tree)
    assert flag.level == FlagLevel.CITY
    assert sees(tree.city_organiser, flag)
    city_counsellor = make_counsellor(tree.city)
    assert sees(city_counsellor, flag)
    assert not sees(tree.organiser_b, flag)


def test_a_school_with_a_counsellor_keeps_the_flag_until_the_time_runs_out(
    tree, settings, django_capture_on_commit_callbacks
):
    settings.READING_FLAG_ESCALATE_HOURS = 12
    make_counsellor(tree.school_a)
    flag = raise_flag(tree)
    assert flag.level == FlagLevel.SCHOOL and not sees(tree.organiser_a, flag)
    assert services.flags_escalate(now=NOW + timedelta(hours=11, minutes=59)) == 0
    with capture_events(expected=1) as events, django_capture_on_commit_callbacks(execute=True):
        assert services.flags_escalate(now=NOW + timedelta(hours=12)) == 1
    assert events[0][0] is distress_escalated
    flag.refresh_from_db()
    assert (flag.level, flag.level_since, flag.state) == (FlagLevel.DISTRICT, NOW + timedelta(hours=12), "new")
    assert sees(tree.organiser_a, flag) and not sees(tree.city_organiser, flag)
    assert [(n.author, n.text) for n in flag.notes.all()] == [(None, "12 小时内无人查看，已上报区县（如东县）。")]
    assert services.flags_escalate(now=NOW + timedelta(hours=23)) == 0  # the clock restarted at the district
    assert services.flags_escalate(now=NOW + timedelta(hours=24)) == 1
    flag.refresh_from_db()
    assert flag.level == FlagLevel.CITY and sees(tree.city_organiser, flag)
    assert sees(tree.organiser_a, flag)  # lower levels keep it
    assert services.flags_escalate(now=NOW + timedelta(days=30)) == 0  # the city is the top


def test_a_flag_opened_by_the_counsellor_does_not_escalate(tree):
    counsellor = make_counsellor(tree.school_a)
    flag = raise_flag(tree)
    services.flag_open(actor=counsellor, flag_id=flag.pk, now=NOW + timedelta(hours=1))
    assert services.flags_escalate(now=NOW + timedelta(days=3)) == 0
    flag.refresh_from_db()
    assert flag.level == FlagLevel.SCHOOL and flag.state == FlagState.SEEN


def test_the_school_organiser_acknowledges_only_when_the_school_has_no_counsellor(tree):
    organiser = make_organiser(tree.school_a)
    counsellor = make_counsellor(tree.school_a)
    flag = raise_flag(tree)
    services.flag_open(actor=organiser, flag_id=flag.pk, now=NOW)
    flag.refresh_from_db()
    assert flag.state == FlagState.NEW  # the counsellor is the one responsible
    counsellor.memberships.all().delete()
    services.flag_open(actor=organiser, flag_id=flag.pk, now=NOW)
    flag.refresh_from_db()
    assert flag.state == FlagState.SEEN


def test_district_handler_acknowledges_and_works_the_case_after_escalation(tree):
    flag = raise_flag(tree)  # straight to the district: the school has nobody
    opened = services.flag_open(actor=tree.organiser_a, flag_id=flag.pk, now=NOW + timedelta(hours=2))
    assert opened.state == FlagState.SEEN
    services.flag_update(
        actor=tree.organiser_a, flag_id=flag.pk, state=FlagState.CONTACTED, note="已联系学校与家长", now=NOW
    )
    assert services.flags_escalate(now=NOW + timedelta(days=5)) == 0
    assert DistressFlag.objects.get().state == FlagState.CONTACTED


def test_escalated_cases_reach_the_district_pages_and_nobody_else(client, tree):
    make_counsellor(tree.school_a)
    flag = raise_flag(tree)
    client.force_login(tree.organiser_a)
    assert client.get(reverse("reading:case", args=[flag.pk])).status_code == 403
    assert "我被欺负了" not in client.get(reverse("reading:cases")).content.decode()
    services.flags_escalate(now=NOW + timedelta(days=2))
    html = client.get(reverse("reading:cases")).content.decode()
    assert reverse("reading:case", args=[flag.pk]) in html and "已上报区县" in html
    page = client.get(reverse("reading:case", args=[flag.pk])).content.decode()
    assert "我被欺负了" in page and "系统" in page
    client.force_login(tree.organiser_b)
    assert client.get(reverse("reading:case", args=[flag.pk])).status_code == 403


def test_escalate_command_moves_overdue_flags(tree, settings):
    settings.READING_FLAG_ESCALATE_HOURS = 6
    make_counsellor(tree.school_a)
    other = ClassFactory(parent=tree.school_a, grade=5)
    fresh_student = make_student(other)
    overdue = raise_flag(tree, at=timezone.now() - timedelta(hours=7))
    services.reflection_save(
        user=fresh_student, reading_id=tree.reading.pk, text="不想活了", share_consent=False, now=timezone.now()
    )
    out = io.StringIO()
    call_command("reading_escalate_flags", stdout=out)
    assert "已上报 1 条超过 6 小时" in out.getvalue()
    levels = dict(DistressFlag.objects.values_list("pk", "level"))
    assert levels[overdue.pk] == FlagLevel.DISTRICT
    assert sorted(levels.values()) == [FlagLevel.SCHOOL, FlagLevel.DISTRICT]


def test_home_page_tells_the_chain_privately_how_many_flags_wait(client, tree):
    counsellor = make_counsellor(tree.school_a)
    raise_flag(tree)
    client.force_login(counsellor)
    assert 'id="flags-waiting"' in client.get("/").content.decode()
    client.force_login(tree.organiser_a)
    assert 'id="counsellor-home"' not in client.get("/").content.decode()  # not theirs yet
    services.flags_escalate(now=NOW + timedelta(days=2))
    html = client.get("/").content.decode()
    assert 'id="flags-waiting"' in html and "有 1 条心理关注提示待查看" in html
    for outsider in (tree.organiser_b, tree.teacher_a, tree.city_organiser):
        client.force_login(outsider)
        assert 'id="counsellor-home"' not in client.get("/").content.decode()
