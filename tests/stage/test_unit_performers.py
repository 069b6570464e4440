"""A unit's award-winning entry goes on stage as the unit — not as whichever of its staff first submitted it —
and the stage certificate names the unit, beside persons with and without an account."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Organization, OrgKind, Role
from judging.models import Entry, EntryVersion
from results.models import CertificateKind, CertificateTemplate, HolderKind
from results.services import certificates_generate
from stage import services
from stage.models import Performer
from tests.factories import make_member
from tests.results.factories import award, make_entry, make_submission_contest

from .factories import T0, Stage, at
from .test_pages import run_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def st():
    st = Stage(judges=3, performers=0, draw=False)
    t = st.tree
    st.station = Organization.objects.create(name="掘港街道校外教育辅导站", kind=OrgKind.STATION, parent=t.town_a)
    st.first_submitter = make_member(Role.VOLUNTEER, st.station, username="wl_zhou", real_name="周建国")
    st.contest = make_submission_contest(owner=t.city, title="辅导站宣讲稿征集", entrant_kinds=["unit"])
    unit_entry = Entry.objects.create(
        contest=st.contest, code="XJ-0001", author=st.first_submitter, unit=st.station, entrant_kind="unit",
        school=st.station, district=t.district_a,
    )  # fmt: skip
    EntryVersion.objects.create(entry=unit_entry, number=1, title="五老讲党史", saved_by=st.first_submitter)
    award(unit_entry, "first", 1)
    award(make_entry(st.contest, t.student_a, t.class_a, code="XJ-0002", title="我的中国梦"), "second", 2)
    return st


def _from_awards(st) -> dict[str, Performer]:
    added = services.performers_from_awards(
        actor=st.host, event=st.event, contest=st.contest, category="五老组", now=T0
    )
    assert added == 2
    return {p.speech_title: p for p in Performer.objects.filter(event=st.event)}


def test_a_units_winning_entry_goes_on_stage_as_the_unit_not_its_first_submitter(st):
    performers = _from_awards(st)
    unit = performers["五老讲党史"]
    assert (unit.name, unit.unit, unit.unit_org, unit.user) == (st.station.name, st.station.name, st.station, None)
    assert "周建国" not in unit.name
    person = performers["我的中国梦"]
    assert (person.user, person.unit_org) == (st.tree.student_a, st.tree.school_a)


def test_the_unit_on_stage_is_certified_in_the_units_name(st):
    performers = _from_awards(st)
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="测试输入", now=T0)
    services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="123", now=T0)
    st.performers = list(Performer.objects.filter(event=st.event).order_by("running_order"))
    for p in st.performers:
        run_one(st, [36, 36, 36] if p.user is None else [30, 30, 30], p)
    services.event_set_status(actor=st.host, event_id=st.event.pk, status="finished", now=at(9))
    template = CertificateTemplate.objects.create(
        content_type=ContentType.objects.get_for_model(st.event), object_id=st.event.pk, kind=CertificateKind.AWARD,
        org=st.tree.city, title="获奖证书", body="{name}：在 {contest} 中获得 {award}", issuer="南通市关工委",
        issue_date=timezone.localdate(), created_by=st.tree.city_organiser,
    )  # fmt: skip
    certificates_generate(template=template)
    by_kind = {c.holder_kind: c for c in template.certificates.all()}
    assert set(by_kind) == {HolderKind.UNIT, HolderKind.USER}
    unit_cert = by_kind[HolderKind.UNIT]
    assert (unit_cert.holder_name, unit_cert.holder_org, unit_cert.holder) == (st.station.name, st.station, None)
    assert by_kind[HolderKind.USER].holder == st.tree.student_a
    assert unit_cert.org_path == performers["五老讲党史"].unit_org.path  # in the station's and district's zips
