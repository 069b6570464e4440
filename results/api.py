"""Certificates in the JSON API (/api/v1/) for mobile and mini-program clients: a student's own
certificates and their PDFs, and the public verification lookup."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from accounts.api import api_auth
from accounts.selectors import scope_for

from . import selectors
from .masking import public_holder_name
from .pdf import certificate_pdf, verification_url

router = Router(tags=["certificates"])


class CertificateOut(Schema):
    code: str
    kind: str
    contest: str
    award: str
    revoked: bool
    pdf_url: str | None
    verify_url: str


class VerificationOut(Schema):
    status: str  # "valid" | "revoked"
    holder: str | None
    contest: str | None
    award: str | None


@router.get("/certificates", response=list[CertificateOut], auth=api_auth, summary="我的证书")
def my_certificates(request):
    return [
        {
            "code": c.code,
            "kind": c.kind,
            "contest": c.contest_title,
            "award": c.award_text,
            "revoked": c.is_revoked,
            "pdf_url": None if c.is_revoked else reverse("api:certificate_pdf", args=[c.code]),
            "verify_url": verification_url(c.code, request),
        }
        for c in selectors.certificates_for_holder(request.user)
    ]


@router.get("/certificates/{code}/pdf", auth=api_auth, url_name="certificate_pdf", summary="下载证书 PDF")
def certificate_pdf_download(request, code: str):
    cert = selectors.certificate_by_code(code)
    # someone else's certificate answers like an unknown code
    if cert is None or not selectors.can_download(scope_for(request.user), cert) or cert.is_revoked:
        raise Http404
    response = HttpResponse(certificate_pdf(cert, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.code}.pdf"'
    return response


@router.get("/verify/{code}", response=VerificationOut, auth=None, summary="公开验证证书（姓名已打码）")
def verify(request, code: str):
    cert = selectors.certificate_by_code(code)
    if cert is None:
        raise Http404
    if cert.is_revoked:
        return {"status": "revoked", "holder": None, "contest": None, "award": None}
    return {
        "status": "valid",
        "holder": public_holder_name(cert),
        "contest": cert.contest_title,
        "award": cert.award_text,
    }
