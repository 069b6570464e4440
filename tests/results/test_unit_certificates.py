"""Certificates whose holder is a unit (its name on the certificate) or a person without an account, beside
those of persons with an account; verification keeps working for all of them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organization, OrgKind, Role
from results.issuing import Eligible, certificates_issue
from results.models import Certificate, CertificateKind, HolderKind
from results.pdf import _body_text
from results.services import certificates_generate
from tests.factories import Tree, make_member

from .factories import award, make_entry, make_submission_contest, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    t = Tree()
    t.station = Organization.objects.create(name="掘港街道校外教育辅导站", kind=OrgKind.STATION, parent=t.town_a)
    t.staff = make_member(Role.VOLUNTEER, t.station, username="wl_zhou", real_name="周建国")
    t.other_staff = make_member(Role.TEACHER, t.school_b, username="tea_other")
    t.contest = make_submission_contest(owner=t.city, title="辅导站调研报告", entrant_kinds=["unit"])
    from judging.models import Entry, EntryVersion

    t.entry = Entry.objects.create(
        contest=t.contest, code="DY-0001", author=t.staff, unit=t.station, entrant_kind="unit",
        school=t.station, district=t.district_a,
    )  # fmt: skip
    EntryVersion.objects.create(entry=t.entry, number=1, title="调研", saved_by=t.staff)
    award(t.entry, "first", 1)
    t.template = make_template(target=t.contest, org=t.city, kind=CertificateKind.AWARD)
    return t


def test_a_units_award_is_certified_to_the_unit_by_name(units):
    result = certificates_generate(template=units.template)
    cert = Certificate.objects.get(template=units.template)
    assert result.created == 1
    assert (cert.holder_kind, cert.holder, cert.holder_org) == (HolderKind.UNIT, None, units.station)
    assert (cert.holder_name, cert.award_text) == ("掘港街道校外教育辅导站", "一等奖")
    assert cert.org_path == units.station.path  # in the district's and the station's zips
    assert "同学" not in _body_text(cert) and _body_text(cert).startswith("掘港街道校外教育辅导站")
    again = certificates_generate(template=units.template)
    assert (again.created, again.unchanged) == (0, 1)
    assert Certificate.objects.get(template=units.template).code == cert.code


def test_unit_and_person_certificates_live_side_by_side(units):
    student_entry = make_entry(units.contest, units.student_a, units.class_a, code="DY-0002")
    award(student_entry, "second", 2)
    certificates_generate(template=units.template)
    kinds = dict(Certificate.objects.values_list("holder_name", "holder_kind"))
    assert kinds == {"掘港街道校外教育辅导站": "unit", "张小明": "user"}


def test_verification_shows_a_units_name_in_full(client, units):
    certificates_generate(template=units.template)
    cert = Certificate.objects.get(template=units.template)
    page = client.get(reverse("verify:certificate", args=[cert.code]))
    assert page.status_code == 200 and "掘港街道校外教育辅导站" in page.content.decode()
    api = client.get(f"/api/v1/verify/{cert.code}")
    assert api.json()["holder"] == "掘港街道校外教育辅导站"


def test_the_units_staff_download_it_and_other_schools_do_not(client, units):
    certificates_generate(template=units.template)
    cert = Certificate.objects.get(template=units.template)
    client.force_login(units.staff)
    assert cert in client.get(reverse("results:my_certificates")).context["certificates"]
    assert client.get(reverse("results:certificate_download", args=[cert.code])).status_code == 200
    client.force_login(units.other_staff)
    assert client.get(reverse("results:certificate_download", args=[cert.code])).status_code in (403, 404)


def test_persons_without_an_account_are_certified_by_name(units):
    eligible = [
        Eligible.for_person("performer:7", "钱老", "老少同台 一等奖", org_id=units.station.pk, rank=1),
        Eligible.for_person("performer:8", "钱老", "老少同台 二等奖", rank=2),  # a namesake stays apart
    ]
    assert certificates_issue(template=units.template, eligible=eligible).created == 2
    certs = list(Certificate.objects.filter(template=units.template).order_by("award_text"))
    assert [(c.holder_kind, c.holder_name, c.school_name) for c in certs] == [
        ("person", "钱老", "掘港街道校外教育辅导站"),
        ("person", "钱老", ""),
    ]
    assert certs[0].code != certs[1].code
    assert certificates_issue(template=units.template, eligible=eligible).unchanged == 2


def test_a_stage_performer_without_an_account_gets_a_certificate_by_name():
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from results.models import CertificateTemplate
    from stage import services
    from stage.access import Actor
    from stage.models import Performer
    from tests.stage.factories import Stage, at
    from tests.stage.test_pages import run_one

    st = Stage(judges=3, performers=2)
    speaker, student = st.performers
    Performer.objects.filter(pk=speaker.pk).update(user=None, name="钱老", unit_org=st.tree.district_a)
    Performer.objects.filter(pk=student.pk).update(user=st.tree.student_a)
    run_one(st, [36, 36, 36], speaker)
    run_one(st, [30, 30, 30], student)
    services.event_set_status(
        actor=Actor(user=st.tree.city_organiser), event_id=st.event.pk, status="finished", now=at(9)
    )
    template = CertificateTemplate.objects.create(
        content_type=ContentType.objects.get_for_model(st.event), object_id=st.event.pk, kind=CertificateKind.AWARD,
        org=st.tree.city, title="获奖证书", body="{name} 同学：在 {contest} 中获得 {award}", issuer="南通市关工委",
        issue_date=timezone.localdate(), created_by=st.tree.city_organiser,
    )  # fmt: skip
    certificates_generate(template=template)
    by_kind = {c.holder_kind: c for c in template.certificates.all()}
    assert by_kind["person"].holder_name == "钱老" and by_kind["person"].holder is None
    assert by_kind["person"].org_path == st.tree.district_a.path
    assert _body_text(by_kind["person"]).startswith("钱老：在") and "同学" not in _body_text(by_kind["person"])
    assert by_kind["user"].holder == st.tree.student_a
