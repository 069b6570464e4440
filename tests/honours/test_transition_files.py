"""Reviewers attach files to a return / approval / rejection, checked and stripped like judging's uploads;
objection cases get an investigator, findings and an outcome with attachments; every step is in the
candidate's history for those who may see it, and nobody else can fetch the files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.selectors import scope_for
from honours.models import CandidateStatus, ObjectionOutcome, Transition, TransitionFile
from honours.services import review
from honours.services.notice import notice_publish, objection_lodge

from .factories import NOW, approve_to, build_world, make_campaign, nominate

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (16, 16), (10, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = "王老师"  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), comment=b"author: wang")
    return out.getvalue()


@pytest.fixture
def world():
    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    return w, campaign, cand


def url(campaign, cand):
    return f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/"


def test_a_reviewer_returns_with_an_attachment_stripped_of_metadata(world, client):
    w, campaign, cand = world
    data = jpeg_with_exif()
    assert b"PhoneMaker" in data
    client.force_login(w.school_orgs[0])
    resp = client.post(
        url(campaign, cand),
        {"action": "return", "reason": "请补充获奖证书扫描件", "attachments": [SimpleUploadedFile("意见.jpg", data)]},
    )
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.RETURNED
    t = cand.transitions.get(action="return")
    assert t.actor == w.school_orgs[0] and t.reason == "请补充获奖证书扫描件"
    assert (t.from_status, t.to_status) == ("pending", "returned")
    stored = t.files.get()
    body = stored.file.read()
    assert stored.kind == "jpeg" and body.startswith(b"\xff\xd8\xff")
    assert b"PhoneMaker" not in body and "王老师".encode() not in body and b"author" not in body
    assert Image.open(io.BytesIO(body)).getexif().get(0x013B) is None
    # the teacher sees the history with the attachment and can fetch it
    client.force_login(w.teachers[0])
    page = client.get(url(campaign, cand)).content.decode()
    assert "退回补充材料" in page and "请补充获奖证书扫描件" in page
    file_url = f"/honours/{campaign.pk}/manage/files/{stored.pk}/"
    assert file_url in page
    got = client.get(file_url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg" and got["X-Content-Type-Options"] == "nosniff"
    # another district's organiser sees neither the candidate nor the file
    client.force_login(w.district_orgs[1])
    assert client.get(url(campaign, cand)).status_code == 403
    assert client.get(file_url).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ\x90\x00" + b"\x00" * 100, "文件类型不符合要求"),
        ("a.pdf", b"%PDF-1.4 broken", ""),
        ("a.png", jpeg_with_exif(), "扩展名与文件内容不一致"),
        ("big.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "文件过大"),
    ],
)
def test_a_bad_attachment_refuses_the_whole_transition(world, client, name, content, message):
    w, campaign, cand = world
    client.force_login(w.school_orgs[0])
    resp = client.post(
        url(campaign, cand),
        {"action": "reject", "reason": "材料不实", "attachments": [SimpleUploadedFile(name, content)]},
        follow=True,
    )
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.PENDING
    assert not Transition.objects.filter(action="reject").exists() and not TransitionFile.objects.exists()
    assert message in resp.content.decode()


def test_more_than_five_attachments_are_refused(world, client):
    w, campaign, cand = world
    client.force_login(w.school_orgs[0])
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_exif()) for i in range(6)]
    resp = client.post(url(campaign, cand), {"action": "approve", "attachments": files}, follow=True)
    assert "最多上传 5 个附件" in resp.content.decode()
    cand.refresh_from_db()
    assert cand.level.kind == "school"


def test_upper_level_reviewers_keep_seeing_the_history_after_sending_it_on(world, client):
    w, campaign, cand = world
    client.force_login(w.school_orgs[0])
    client.post(
        url(campaign, cand),
        {"action": "approve", "reason": "同意", "attachments": [SimpleUploadedFile("a.jpg", jpeg_with_exif())]},
    )
    client.force_login(w.district_orgs[0])
    client.post(url(campaign, cand), {"action": "approve", "reason": "区级同意"})
    cand.refresh_from_db()
    assert cand.level.kind == "city"
    page = client.get(url(campaign, cand))
    assert page.status_code == 200 and "区级同意" in page.content.decode()
    f = TransitionFile.objects.get()
    assert client.get(f"/honours/{campaign.pk}/manage/files/{f.pk}/").status_code == 200


def test_an_objection_case_is_investigated_and_decided_with_every_step_in_the_history(world, client):
    w, campaign, cand = world
    org = w.city_org
    cand = approve_to(cand, "final", w)
    notice = notice_publish(
        actor=org, scope=scope_for(org), level=campaign.levels.get(kind="city"), unit=w.city, now=NOW
    )
    objection = objection_lodge(notice=notice, candidate=cand, text="获奖证书系伪造", now=NOW)
    case = f"/honours/{campaign.pk}/manage/objections/{objection.pk}/"
    investigator = w.district_orgs[0]
    client.force_login(investigator)
    assert client.get(case).status_code == 403  # not yet involved: a district does not handle city cases
    client.force_login(org)
    page = client.get(case).content.decode()
    assert investigator.display_name in page and w.school_orgs[0].display_name not in page  # conflict excluded
    client.post(case, {"action": "assign", "investigator": investigator.pk})
    objection.refresh_from_db()
    assert objection.investigator == investigator
    client.force_login(investigator)
    assert "获奖证书系伪造" in client.get(case).content.decode()
    client.post(case, {"action": "findings", "findings": "经核实，证书编号查无此证。"})
    assert client.post(case, {"action": "decide", "outcome": "dismissed", "reason": "x"}).status_code == 403
    objection.refresh_from_db()
    assert objection.findings == "经核实，证书编号查无此证。" and objection.outcome == ObjectionOutcome.OPEN
    client.force_login(org)
    resp = client.post(case, {"action": "decide", "outcome": "upheld", "reason": "证书不实"}, follow=True)
    assert "请勾选确认" in resp.content.decode()
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.OPEN
    report = SimpleUploadedFile("调查报告.jpg", jpeg_with_exif())
    client.post(
        case,
        {
            "action": "decide",
            "outcome": "upheld",
            "reason": "证书不实",
            "confirm_withdraw": "1",
            "attachments": [report],
        },
    )
    objection.refresh_from_db()
    cand.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.UPHELD and objection.closed_by == org
    assert cand.status == CandidateStatus.WITHDRAWN
    actions = list(cand.transitions.values_list("action", flat=True))
    assert actions == ["nominate", "approve", "approve", "approve", "investigate", "withdraw"]
    withdraw = cand.transitions.get(action="withdraw")
    assert withdraw.files.count() == 1 and withdraw.actor == org
    history = client.get(url(campaign, cand)).content.decode()
    assert "指定异议调查人" in history and "异议成立，撤销" in history and "证书不实" in history


def test_a_dismissed_objection_is_recorded_in_the_history(world, client):
    w, campaign, cand = world
    org = w.school_orgs[0]
    review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW)
    notice = notice_publish(
        actor=w.city_org,
        scope=scope_for(w.city_org),
        level=campaign.levels.get(kind="school"),
        unit=cand.school,
        now=NOW,
    )
    objection = objection_lodge(notice=notice, candidate=cand, text="请核查", now=NOW)
    client.force_login(org)
    client.post(
        f"/honours/{campaign.pk}/manage/objections/{objection.pk}/",
        {"action": "decide", "outcome": "dismissed", "reason": "经核查属实，异议不成立"},
    )
    t = cand.transitions.get(action="dismiss")
    assert "经核查属实" in t.reason and t.from_status == t.to_status


def test_candidate_photos_lose_their_metadata_too(world, client):
    w, campaign, cand = world
    client.force_login(w.teachers[0])
    client.post(
        url(campaign, cand),
        {"action": "upload", "purpose": "photo", "file": SimpleUploadedFile("p.jpg", jpeg_with_exif())},
    )
    body = cand.files.get().file.read()
    assert b"PhoneMaker" not in body and body.startswith(b"\xff\xd8\xff")
