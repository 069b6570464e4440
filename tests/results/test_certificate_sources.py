import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from results.models import Certificate, CertificateKind, CertificateTemplate
from results.services import CertificateError, certificates_generate
from tests.factories import Tree, make_student

from .factories import make_attempt, make_knowledge_contest, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def contest(tree):
    c = make_knowledge_contest(owner=tree.city)
    extra = make_student(tree.class_a, real_name="王五")
    make_attempt(c, tree.student_a, tree.class_a, 90, time_used_s=900)
    make_attempt(c, tree.student_b, tree.class_b, 90, time_used_s=600)  # same score, faster: ranks first
    make_attempt(c, extra, tree.class_a, 55)
    return c


def test_top_n_award_certificates_follow_the_ranking_key(tree, contest):
    template = make_template(target=contest, org=tree.city, kind=CertificateKind.AWARD, top_n=2)
    certificates_generate(template=template)
    certs = {c.holder_id: c for c in Certificate.objects.filter(template=template)}
    assert set(certs) == {tree.student_a.pk, tree.student_b.pk}
    assert certs[tree.student_b.pk].award_text == "第 1 名"
    assert certs[tree.student_a.pk].award_text == "第 2 名"
    assert certs[tree.student_a.pk].school_name == "如东县实验小学"


def test_participation_certificates_need_the_minimum_score(tree, contest):
    template = make_template(target=contest, org=tree.city, kind=CertificateKind.PARTICIPATION, min_score=60)
    certificates_generate(template=template)
    assert set(Certificate.objects.values_list("holder__real_name", flat=True)) == {"张小明", "李小红"}


def test_generating_twice_keeps_codes(tree, contest):
    template = make_template(target=contest, org=tree.city, kind=CertificateKind.PARTICIPATION)
    certificates_generate(template=template)
    before = dict(Certificate.objects.values_list("holder_id", "code"))
    certificates_generate(template=template)
    assert dict(Certificate.objects.values_list("holder_id", "code")) == before
    assert len(before) == 3


def test_certificates_wait_for_the_contest_to_close(tree):
    open_contest = make_knowledge_contest(owner=tree.city, closes_at=timezone.now() + timedelta(hours=1))
    template = make_template(target=open_contest, org=tree.city, kind=CertificateKind.PARTICIPATION)
    with pytest.raises(CertificateError, match="尚未结束"):
        certificates_generate(template=template)


def test_award_template_without_top_n_is_refused_with_a_message(tree, contest):
    template = make_template(target=contest, org=tree.city, kind=CertificateKind.AWARD)
    with pytest.raises(CertificateError, match="获奖名次"):
        certificates_generate(template=template)


def test_organiser_creates_template_and_generates_from_the_page(
    client, tree, contest, django_capture_on_commit_callbacks
):
    client.force_login(tree.city_organiser)
    listing = client.get(reverse("results:template_list")).content.decode()
    assert contest.title in listing
    url = reverse("results:template_create", args=["competitions.contest", contest.pk, "award"])
    response = client.post(
        url,
        {
            "org": tree.city.pk,
            "title": "荣誉证书",
            "body": "{name} 同学在「{contest}」中荣获{award}。",
            "issuer": "共青团南通市委员会",
            "issue_date": "2026-12-01",
            "top_n": 1,
        },
    )
    template = CertificateTemplate.objects.get()
    assert response.status_code == 302
    assert (template.issue_date, template.top_n, template.contest) == (datetime.date(2026, 12, 1), 1, contest)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:template_generate", args=[template.pk]))
    cert = Certificate.objects.get()
    assert cert.holder == tree.student_b
    status = client.get(reverse("results:template_generation_status", args=[template.pk])).json()
    assert status["status"] == "done"
    assert "新生成 1 张" in status["message"]
    page = client.get(reverse("results:template_detail", args=[template.pk])).content.decode()
    assert "新生成 1 张" in page


def test_generation_is_refused_up_front_while_the_contest_runs_and_never_started_twice(
    client, tree, django_capture_on_commit_callbacks
):
    open_contest = make_knowledge_contest(owner=tree.city, closes_at=timezone.now() + timedelta(hours=1))
    template = make_template(target=open_contest, org=tree.city, kind=CertificateKind.PARTICIPATION)
    client.force_login(tree.city_organiser)
    url = reverse("results:template_generate", args=[template.pk])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url, follow=True)
    assert "竞赛仍在进行中" in response.content.decode()
    assert not queued  # nothing was queued for the worker to fail on later
    template.refresh_from_db()
    assert template.generation_status == "" and not Certificate.objects.exists()
    open_contest.closes_at = timezone.now() - timedelta(minutes=1)
    open_contest.save()
    CertificateTemplate.objects.filter(pk=template.pk).update(
        generation_status="running", generation_started_at=timezone.now()
    )
    response = client.post(url, follow=True)
    assert "证书正在生成中" in response.content.decode()


def test_district_organiser_cannot_generate_city_certificates(client, tree, contest):
    template = make_template(target=contest, org=tree.city, top_n=1)
    client.force_login(tree.organiser_a)
    assert client.post(reverse("results:template_generate", args=[template.pk])).status_code == 403
    assert not Certificate.objects.exists()


def test_template_body_with_an_unknown_placeholder_is_refused(client, tree, contest):
    client.force_login(tree.city_organiser)
    url = reverse("results:template_create", args=["competitions.contest", contest.pk, "award"])
    response = client.post(
        url,
        {"org": tree.city.pk, "title": "荣誉证书", "body": "{姓名}", "issuer": "团市委", "issue_date": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "占位符有误" in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_district_organiser_cannot_create_a_template_owned_by_the_city(client, tree, contest):
    client.force_login(tree.organiser_a)
    url = reverse("results:template_create", args=["competitions.contest", contest.pk, "award"])
    response = client.post(
        url, {"org": tree.city.pk, "title": "荣誉证书", "body": "{name}", "issuer": "x", "issue_date": "2026-12-01"}
    )
    assert response.status_code == 403
    assert not CertificateTemplate.objects.exists()
    assert contest.title not in client.get(reverse("results:template_list")).content.decode()


def test_district_organiser_cannot_certify_another_districts_contest(tree):
    from django.core.exceptions import PermissionDenied

    from accounts.selectors import scope_for
    from results.services import certificate_template_save

    other = make_knowledge_contest(owner=tree.district_b, title="海安市竞赛")
    with pytest.raises(PermissionDenied):
        certificate_template_save(
            actor=tree.organiser_a,
            scope=scope_for(tree.organiser_a),
            contest=other,
            kind=CertificateKind.AWARD,
            title="荣誉证书",
            body="{name}",
            issuer="x",
            issue_date=datetime.date(2026, 12, 1),
        )
    assert not CertificateTemplate.objects.exists()


def test_seal_upload_must_be_an_image(client, tree, contest):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tree.city_organiser)
    url = reverse("results:template_create", args=["competitions.contest", contest.pk, "award"])
    fake = SimpleUploadedFile("seal.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        url,
        {
            "org": tree.city.pk,
            "title": "荣誉证书",
            "body": "{name}",
            "issuer": "x",
            "issue_date": "2026-12-01",
            "seal": fake,
        },
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()


def test_pdf_with_a_seal_image_renders(tree, contest):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from results.pdf import certificate_pdf

    buf = io.BytesIO()
    Image.new("RGBA", (60, 60), (200, 0, 0, 128)).save(buf, "PNG")
    template = make_template(
        target=contest, org=tree.city, top_n=1, seal=SimpleUploadedFile("seal.png", buf.getvalue())
    )
    certificates_generate(template=template)
    data = certificate_pdf(Certificate.objects.get())
    assert b"/Subtype /Image" in data


def test_template_pages_render_for_organiser_and_teacher(client, tree, contest):
    client.force_login(tree.city_organiser)
    url = reverse("results:template_create", args=["competitions.contest", contest.pk, "participation"])
    body = client.get(url).content.decode()
    assert "证书正文" in body and "印章图片" in body and 'type="date"' in body
    template = make_template(target=contest, org=tree.city, kind=CertificateKind.PARTICIPATION)
    assert client.get(url).status_code == 302  # an existing template opens its edit page
    assert client.get(reverse("results:template_edit", args=[template.pk])).status_code == 200
    client.force_login(tree.teacher_a)
    body = client.get(reverse("results:template_list")).content.decode()
    assert contest.title in body
    assert "新建" not in body
    assert client.get(reverse("results:template_edit", args=[template.pk])).status_code == 403
