"""Organiser / school / committee pages: permissions per role and region, review actions, uploads,
statistics and the xlsx export, and the printable code slips."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from honours.models import CandidateStatus, VoteCode

from .factories import build_world, make_campaign, nominate

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def world():
    w = build_world()
    return w, make_campaign(w)


def test_school_organiser_approves_on_the_page_and_the_other_district_cannot_open_it(world, client):
    w, campaign = world
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    url = f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/"
    client.force_login(w.district_orgs[1])
    assert client.get(url).status_code == 403
    client.force_login(w.school_orgs[0])
    page = client.get(url)
    assert page.status_code == 200 and "通过并上报" in page.content.decode()
    client.post(url, {"action": "approve", "reason": "同意推荐"})
    cand.refresh_from_db()
    assert cand.level.kind == "district"
    manage = client.get(f"/honours/{campaign.pk}/manage/").content.decode()
    assert cand.name in manage


def test_students_cannot_reach_management_pages(world, client):
    w, campaign = world
    client.force_login(w.students[w.classes[0].pk][0])
    assert client.get(f"/honours/{campaign.pk}/manage/").status_code == 403
    assert client.get(f"/honours/{campaign.pk}/manage/stats/").status_code == 403


def test_teacher_nominates_through_the_form_and_uploads_checked_files(world, client):
    w, campaign = world
    client.force_login(w.teachers[0])
    form = client.get(f"/honours/{campaign.pk}/manage/nominate/").content.decode()
    student = w.students[w.classes[0].pk][1]
    assert student.real_name in form and w.students[w.classes[1].pk][0].real_name not in form
    r = client.post(
        f"/honours/{campaign.pk}/manage/nominate/",
        {"student_id": student.pk, "summary": "热心公益", "deeds": "长期参加社区志愿服务。", "showcase_consent": "on"},
    )
    cand = campaign.candidates.get(student=student)
    assert r.status_code == 302 and cand.showcase_consent
    url = f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/"
    client.post(url, {"action": "upload", "purpose": "photo", "file": SimpleUploadedFile("a.png", PNG)})
    client.post(url, {"action": "upload", "purpose": "photo", "file": SimpleUploadedFile("a.png", b"MZ\x90\x00evil")})
    client.post(url, {"action": "upload", "purpose": "document", "file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert list(cand.files.values_list("kind", flat=True)) == ["png"]
    client.post(url, {"action": "endorse", "party": "family", "statement": "孝顺懂事", "given_by": "母亲"})
    client.post(url, {"action": "attest", "excellent": "on", "no_discipline": "on"})
    cand.refresh_from_db()
    assert cand.attested_by == w.teachers[0] and cand.endorsements.get().given_by == "母亲"


def test_stats_page_and_export_escape_formulas(world, client):
    w, campaign = world
    student = w.students[w.classes[0].pk][0]
    student.real_name = "=HYPERLINK(1)"
    student.save()
    cand = nominate(campaign, student, actor=w.teachers[0])
    assert cand.status == CandidateStatus.PENDING
    client.force_login(w.city_org)
    assert client.get(f"/honours/{campaign.pk}/manage/stats/").status_code == 200
    data = client.get(f"/honours/{campaign.pk}/manage/stats.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["推荐与名额"]["B2"].value == w.schools[0].name
    names = [row[1] for row in book["综合排名"].iter_rows(values_only=True)]
    assert all(not (isinstance(n, str) and n.startswith("=")) for n in names)
    # a district organiser gets their district's figures (tests/honours/test_statistics_scope.py); a
    # teacher has no organiser role in the tree
    client.force_login(w.district_orgs[0])
    assert client.get(f"/honours/{campaign.pk}/manage/stats.xlsx").status_code == 200
    client.force_login(w.teachers[0])
    assert client.get(f"/honours/{campaign.pk}/manage/stats.xlsx").status_code == 403


def test_issue_vote_codes_writes_a_slip_pdf_per_school(world, tmp_path):
    w, campaign = world
    out = tmp_path / "slips.pdf"
    call_command("issue_vote_codes", str(campaign.pk), "--school", str(w.schools[0].pk), "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert VoteCode.objects.filter(campaign=campaign).count() == len(w.students[w.classes[0].pk])
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("issue_vote_codes", str(campaign.pk), "--class", str(w.schools[0].pk), "--out", str(out))
