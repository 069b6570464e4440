import io
import zipfile

import pypdf
import pytest
from django.urls import reverse

from accounts.selectors import scope_for
from results.masking import mask_name
from results.models import BatchStatus, Certificate, CertificateBatch, RevocationLog
from results.pdf import certificate_pdf
from results.services import (
    CertificateError,
    Eligible,
    certificate_batch_start,
    certificate_issue,
    certificate_revoke,
    certificates_issue,
)
from tests.factories import Tree, make_student

from .factories import make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def template(tree):
    # the contest target does not matter for certificate mechanics; the city node stands in for it
    return make_template(target=tree.city, org=tree.city)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张小明", "张*明"), ("张三", "张*"), ("欧阳小明", "欧**明"), ("张", "*"), ("", "*"), ("Tom", "T*m")],
)
def test_holder_name_is_masked_keeping_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_pdf_contains_the_chinese_name_contest_award_and_verification_code(tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    data = certificate_pdf(cert)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = pdf_text(data)
    assert "张小明" in text
    assert "一等奖" in text
    assert "荣 誉 证 书" in text
    assert "如东县实验小学" in text
    assert cert.code in text


def test_regenerating_gives_the_same_code_and_keeps_one_row(tree, template):
    first = certificate_issue(template=template, holder=tree.student_a, award_text="二等奖")
    again = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    assert again.pk == first.pk
    assert again.code == first.code
    assert again.award_text == "一等奖"
    Certificate.objects.all().delete()
    recreated = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    assert recreated.code == first.code  # derived from (template, holder, kind), not random
    assert Certificate.objects.count() == 1


def test_codes_differ_between_holders_and_kinds(tree, template):
    participation = make_template(target=tree.city, org=tree.city, kind="participation")
    a = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    b = certificate_issue(template=template, holder=tree.student_b, award_text="一等奖")
    c = certificate_issue(template=participation, holder=tree.student_a, award_text="参与")
    assert len({a.code, b.code, c.code}) == 3


def test_issuing_many_uses_a_constant_number_of_queries(tree, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")  # warm the ContentType cache
    counts = []
    for n in (5, 50):
        students = [make_student(tree.class_a) for _ in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            result = certificates_issue(template=template, eligible=[Eligible(s.pk, "优秀奖") for s in students])
        assert result.created == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12
    assert Certificate.objects.filter(template=template).count() == 56


def test_regenerating_unchanged_certificates_writes_nothing(tree, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    eligible = [Eligible(tree.student_a.pk, "一等奖"), Eligible(tree.student_b.pk, "二等奖")]
    certificates_issue(template=template, eligible=eligible)
    with CaptureQueriesContext(connection) as ctx:
        result = certificates_issue(template=template, eligible=eligible)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    result = certificates_issue(template=template, eligible=[Eligible(tree.student_a.pk, "特等奖")])
    assert (result.created, result.updated) == (0, 1)
    assert Certificate.objects.get(holder=tree.student_a).award_text == "特等奖"


def test_verification_page_shows_masked_name_contest_and_award_only(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    response = client.get(f"/verify/{cert.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "证书真实有效" in body
    assert "张*明" in body
    assert "一等奖" in body
    assert template.contest_title in body
    assert "张小明" not in body
    assert "如东县实验小学" not in body  # the school is not shown publicly
    assert "五（1）班" not in body


def test_verification_accepts_lowercase_code_without_dashes(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    response = client.get(reverse("verify:form"), {"code": cert.code.replace("-", "").lower()})
    assert response.status_code == 200
    assert "张*明" in response.content.decode()


def test_unknown_code_shows_not_found_page(client):
    response = client.get("/verify/ABCD-EFGH-JKLM/")
    assert response.status_code == 404
    assert "未找到该证书" in response.content.decode()


def test_revoked_code_shows_revoked_page_and_is_logged(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    certificate_revoke(
        actor=tree.city_organiser, scope=scope_for(tree.city_organiser), certificate=cert, reason="成绩作废"
    )
    response = client.get(f"/verify/{cert.code}/")
    body = response.content.decode()
    assert response.status_code == 410
    assert "该证书已被撤销" in body
    assert "张*明" not in body
    log = RevocationLog.objects.get(certificate=cert)
    assert (log.action, log.reason, log.actor) == ("revoke", "成绩作废", tree.city_organiser)


def test_regeneration_does_not_unrevoke(tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    certificate_revoke(actor=tree.city_organiser, scope=scope_for(tree.city_organiser), certificate=cert, reason="x")
    again = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    assert again.is_revoked


def test_district_organiser_cannot_revoke_a_city_certificate(tree, template):
    from django.core.exceptions import PermissionDenied

    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=tree.organiser_a, scope=scope_for(tree.organiser_a), certificate=cert, reason="x")
    assert not Certificate.objects.get(pk=cert.pk).is_revoked


def test_revocation_needs_a_reason(tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    with pytest.raises(CertificateError, match="撤销原因"):
        certificate_revoke(
            actor=tree.city_organiser, scope=scope_for(tree.city_organiser), certificate=cert, reason="  "
        )


def test_revoke_via_page_then_verification_says_revoked(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    client.force_login(tree.city_organiser)
    response = client.post(reverse("results:certificate_revoke", args=[cert.code]), {"reason": "重复颁发"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=cert.pk).revoked_reason == "重复颁发"


def test_student_downloads_own_certificate_but_not_anothers(client, tree, template):
    mine = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    theirs = certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.student_a)
    ok = client.get(reverse("results:certificate_download", args=[mine.code]))
    assert ok.status_code == 200
    assert ok["Content-Type"] == "application/pdf"
    assert "张小明" in pdf_text(ok.content)
    refused = client.get(reverse("results:certificate_download", args=[theirs.code]))
    assert refused.status_code == 404
    assert b"%PDF" not in refused.content
    assert "李小红" not in refused.content.decode()


def test_my_certificates_lists_only_own(client, tree, template):
    certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    other = certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.student_a)
    body = client.get(reverse("results:my_certificates")).content.decode()
    assert "一等奖" in body
    assert other.code not in body


def test_teacher_downloads_own_class_certificate_but_not_another_class(client, tree, template):
    a = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    b = certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.teacher_a)
    assert client.get(reverse("results:certificate_download", args=[a.code])).status_code == 200
    assert client.get(reverse("results:certificate_download", args=[b.code])).status_code == 404


def test_revoked_certificate_cannot_be_downloaded(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    certificate_revoke(actor=tree.city_organiser, scope=scope_for(tree.city_organiser), certificate=cert, reason="x")
    client.force_login(tree.student_a)
    response = client.get(reverse("results:certificate_download", args=[cert.code]))
    assert response.status_code == 410
    assert "已撤销" in response.content.decode()


def test_school_zip_is_built_in_background_with_progress_and_only_that_school(
    client, tree, template, django_capture_on_commit_callbacks
):
    for _ in range(3):
        certificate_issue(template=template, holder=make_student(tree.class_a), award_text="三等奖")
    certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.organiser_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:batch_start", args=[template.pk]), {"org": tree.school_a.pk})
    assert response.status_code == 302
    batch = CertificateBatch.objects.get()
    status = client.get(reverse("results:batch_status", args=[batch.pk])).json()
    assert status["status"] == BatchStatus.DONE
    assert (status["done"], status["total"], status["percent"]) == (3, 3, 100)
    download = client.get(status["download_url"])
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as zf:
        names = zf.namelist()
        assert len(names) == 3
        assert all(n.startswith("如东县实验小学-") for n in names)
        assert "如东县实验小学" in pdf_text(zf.read(names[0]))


def test_zip_outside_region_is_refused(client, tree, template):
    certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.organiser_a)
    response = client.post(reverse("results:batch_start", args=[template.pk]), {"org": tree.school_b.pk}, follow=True)
    assert "请选择您有权限的" in response.content.decode()
    assert not CertificateBatch.objects.exists()


def test_teacher_may_not_zip_another_class(tree, template):
    from django.core.exceptions import PermissionDenied

    certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    with pytest.raises(PermissionDenied):
        certificate_batch_start(
            actor=tree.teacher_a, scope=scope_for(tree.teacher_a), template=template, org=tree.class_b
        )


def test_batch_status_of_someone_elses_batch_is_not_found(client, tree, template, django_capture_on_commit_callbacks):
    certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(
            actor=tree.teacher_a, scope=scope_for(tree.teacher_a), template=template, org=tree.class_a
        )
    client.force_login(tree.organiser_b)
    assert client.get(reverse("results:batch_status", args=[batch.pk])).status_code == 404
    assert client.get(reverse("results:batch_download", args=[batch.pk])).status_code == 404


def test_verification_page_needs_no_login_even_for_must_change_password_users(client, tree, template):
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    tree.student_b.must_change_password = True
    tree.student_b.save()
    client.force_login(tree.student_b)
    assert client.get(reverse("results:my_certificates")).status_code == 302  # forced to change password
    assert client.get(f"/verify/{cert.code}/").status_code == 200


def test_template_page_lists_certificates_for_organiser_and_only_own_class_for_teacher(client, tree, template):
    certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    certificate_issue(template=template, holder=tree.student_b, award_text="二等奖")
    client.force_login(tree.city_organiser)
    body = client.get(reverse("results:template_detail", args=[template.pk])).content.decode()
    assert "张小明" in body and "李小红" in body and "撤销" in body
    client.force_login(tree.teacher_a)
    body = client.get(reverse("results:template_detail", args=[template.pk])).content.decode()
    assert "张小明" in body
    assert "李小红" not in body
    assert "生成 / 更新证书" not in body


def test_students_cannot_open_certificate_management(client, tree, template):
    client.force_login(tree.student_a)
    assert client.get(reverse("results:template_list")).status_code == 403
    assert client.get(reverse("results:template_detail", args=[template.pk])).status_code == 403


def test_malformed_zip_scope_is_refused_with_a_message(client, tree, template):
    client.force_login(tree.city_organiser)
    for bad in ("abc", "", "99999"):
        response = client.post(reverse("results:batch_start", args=[template.pk]), {"org": bad}, follow=True)
        assert response.status_code == 200
        assert "请选择您有权限的" in response.content.decode()


def test_pdf_does_not_fail_on_rare_characters_or_placeholder_typos(tree, template):
    tree.student_a.real_name = "𠮷野 Zoë 😀"
    tree.student_a.save()
    template.body = "{name} 同学 {unknown}"
    template.save()
    cert = certificate_issue(template=template, holder=tree.student_a, award_text="一等奖")
    data = certificate_pdf(cert)
    assert cert.code in pdf_text(data)


def test_chart_labels_are_escaped():
    from results.charts import horizontal_bars, vertical_bars

    svg = horizontal_bars([("<script>x</script>", 0.5)], title="<b>t</b>") + vertical_bars([("<img>", 3)], title="a&b")
    assert "<script>" not in svg and "<img>" not in svg and "<b>" not in svg
    assert "&lt;scrip" in svg
