"""Certificate pages: public verification, students' own downloads, organisers' templates,
generation, revocation and background zips. Thin: every rule lives in services/selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization, Role
from accounts.permissions import request_scope, role_required

from .. import selectors, services, sources
from ..forms import CertificateTemplateForm, ReasonForm
from ..masking import public_holder_name
from ..models import BatchStatus, CertificateBatch, CertificateKind, CertificateTemplate
from ..pdf import certificate_filename, certificate_pdf

STAFF_ROLES = (Role.ORGANISER, Role.TEACHER)


# --- public ----------------------------------------------------------------------------------


def verify(request, code: str | None = None):
    """Public: the masked name, the contest and the award — nothing else."""
    code = code if code is not None else request.GET.get("code", "")
    cert = selectors.certificate_by_code(code) if code else None
    context = {"code": code, "searched": bool(code)}
    status = 200
    if cert is None and code:
        context["state"] = "not_found"
        status = 404
    elif cert is not None and cert.is_revoked:
        context["state"] = "revoked"
        context["revoked_on"] = cert.revoked_at
        status = 410
    elif cert is not None:
        context["state"] = "valid"
        context["masked_name"] = public_holder_name(cert)
        context["contest_title"] = cert.contest_title
        context["award_text"] = cert.award_text
        context["issuer"] = cert.template.issuer
        context["issue_date"] = cert.template.issue_date
    response = render(request, "results/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- students ----------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    certs = selectors.certificates_for_holder(request.user)
    return render(request, "results/my_certificates.html", {"certificates": certs})


@login_required
def certificate_download(request, code: str):
    cert = selectors.certificate_by_code(code)
    # someone else's certificate answers exactly like an unknown one: nothing leaks
    if cert is None or not selectors.can_download(request_scope(request), cert):
        raise Http404
    if cert.is_revoked:
        return render(request, "results/revoked_download.html", {"cert": cert}, status=410)
    response = HttpResponse(certificate_pdf(cert, request), content_type="application/pdf")
    response["Content-Disposition"] = _content_disposition(certificate_filename(cert))
    return response


def _content_disposition(filename: str, attachment: bool = True) -> str:
    from urllib.parse import quote

    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"certificate.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


# --- organisers and teachers --------------------------------------------------------------------


def _contest_choices(scope):
    """Contests of both kinds owned by the organiser's region, newest first."""
    rows = []
    for label in sources.CONTEST_MODELS:
        model = sources.contest_model(label)
        if model is None:
            continue
        owned = (
            model.objects.all()
            if scope.is_admin
            else model.objects.filter(scope.orgs_q("owner_org", roles=(Role.ORGANISER,)))
        )
        for contest in owned.order_by("-pk")[:50]:
            rows.append({"label": label, "contest": contest, "kinds": sources.default_kinds(contest)})
    return rows


@role_required(*STAFF_ROLES)
def template_list(request):
    scope = request_scope(request)
    templates = selectors.templates_visible(scope).select_related("org", "content_type").order_by("-created_at")
    existing = {(t.content_type_id, t.object_id, t.kind) for t in templates}
    contests = []
    if scope.managed_paths or scope.is_admin:
        for row in _contest_choices(scope):
            ct = ContentType.objects.get_for_model(row["contest"])
            row["missing"] = [
                (k, CertificateKind(k).label) for k in row["kinds"] if (ct.pk, row["contest"].pk, k) not in existing
            ]
            if row["missing"]:
                contests.append(row)
    return render(request, "results/template_list.html", {"templates": templates, "contests": contests})


def _contest_or_404(label: str, pk: int):
    if label not in sources.CONTEST_MODELS:
        raise Http404
    model = sources.contest_model(label)
    if model is None:
        raise Http404
    return get_object_or_404(model, pk=pk)


@role_required(Role.ORGANISER)
def template_edit(request, label: str | None = None, pk: int | None = None, kind: str | None = None, tid=None):
    scope = request_scope(request)
    if tid is not None:
        instance = get_object_or_404(selectors.templates_visible(scope), pk=tid)
        if not scope.manages(instance.org):
            raise PermissionDenied
        contest, kind = instance.contest, instance.kind
    else:
        contest = _contest_or_404(label, pk)
        if kind not in CertificateKind.values:
            raise Http404
        if not scope.manages(contest.owner_org):
            raise PermissionDenied
        ct = ContentType.objects.get_for_model(contest)
        instance = CertificateTemplate.objects.filter(content_type=ct, object_id=contest.pk, kind=kind).first()
        if instance is not None:
            return redirect("results:template_edit", tid=instance.pk)
    form = CertificateTemplateForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.certificate_template_save(
                actor=request.user,
                scope=scope,
                contest=contest,
                kind=kind,
                title=data["title"],
                body=data["body"],
                issuer=data["issuer"],
                issue_date=data["issue_date"],
                seal=_seal_change(request, data.get("seal")),
                min_score=data["min_score"],
                top_n=data["top_n"],
            )
        except services.CertificateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("证书模板已保存。"))
            return redirect("results:template_detail", pk=template.pk)
    return render(
        request,
        "results/template_edit.html",
        {"form": form, "contest": contest, "kind_label": CertificateKind(kind).label, "instance": instance},
    )


def _seal_change(request, value):
    """None = keep the current seal, "" = remove it (the clear checkbox), a file = replace it."""
    if value is False:
        return ""
    if "seal" in request.FILES:
        return value
    return None


@role_required(*STAFF_ROLES)
def template_detail(request, pk: int):
    scope = request_scope(request)
    template = get_object_or_404(selectors.templates_visible(scope).select_related("org"), pk=pk)
    certs = selectors.certificates_in_scope(scope, template)
    page = Paginator(certs, 50).get_page(request.GET.get("page"))
    batch_orgs = scope.visible_orgs().filter(depth__gte=1).order_by("path")[:300]
    return render(
        request,
        "results/template_detail.html",
        {
            "template": template,
            "page": page,
            "can_manage": scope.manages(template.org),
            "batch_orgs": batch_orgs,
            "batches": selectors.batches_for(scope, template),
            "total": certs.count(),
        },
    )


@require_POST
@role_required(Role.ORGANISER)
def template_generate(request, pk: int):
    scope = request_scope(request)
    template = get_object_or_404(selectors.templates_visible(scope), pk=pk)
    try:
        services.certificates_generate_start(scope=scope, template=template)
    except services.CertificateError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始在后台生成证书，完成后本页会自动刷新。"))
    return redirect("results:template_detail", pk=template.pk)


@role_required(*STAFF_ROLES)
def template_generation_status(request, pk: int):
    template = get_object_or_404(selectors.templates_visible(request_scope(request)), pk=pk)
    return JsonResponse(
        {
            "status": template.generation_status,
            "status_label": template.get_generation_status_display(),
            "message": template.generation_message,
        }
    )


@require_POST
@role_required(Role.ORGANISER)
def certificate_revoke(request, code: str):
    scope = request_scope(request)
    cert = selectors.certificate_by_code(code)
    if cert is None or not scope.manages(cert.template.org):
        raise Http404
    form = ReasonForm(request.POST)
    restore = request.POST.get("action") == "restore"
    if not form.is_valid():
        messages.error(request, _("请填写原因（不超过 200 字）。"))
    else:
        try:
            service = services.certificate_restore if restore else services.certificate_revoke
            service(actor=request.user, scope=scope, certificate=cert, reason=form.cleaned_data["reason"])
        except services.CertificateError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("证书已恢复。") if restore else _("证书已撤销，验证页将显示“已撤销”。"))
    return redirect(reverse("results:template_detail", args=[cert.template_id]) + f"#cert-{cert.code}")


@require_POST
@role_required(*STAFF_ROLES)
def batch_start(request, pk: int):
    scope = request_scope(request)
    template = get_object_or_404(selectors.templates_visible(scope), pk=pk)
    org_id = request.POST.get("org", "")
    org = Organization.objects.filter(pk=int(org_id)).first() if org_id.isdigit() else None
    if org is None or not scope.can_view_org(org):
        messages.error(request, _("请选择您有权限的班级、学校或区域。"))
        return redirect("results:template_detail", pk=template.pk)
    try:
        services.certificate_batch_start(actor=request.user, scope=scope, template=template, org=org)
    except services.CertificateError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始在后台生成压缩包，请稍候。"))
    return redirect(reverse("results:template_detail", args=[template.pk]) + "#batches")


def _own_batch(request, pk: int) -> CertificateBatch:
    batch = CertificateBatch.objects.filter(pk=pk, requested_by=request.user).first()
    if batch is None:
        raise Http404
    return batch


@role_required(*STAFF_ROLES)
def batch_status(request, pk: int):
    batch = _own_batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "download_url": reverse("results:batch_download", args=[batch.pk])
            if batch.status == BatchStatus.DONE
            else None,
            "error": batch.error,
        }
    )


@role_required(*STAFF_ROLES)
def batch_download(request, pk: int):
    batch = _own_batch(request, pk)
    if batch.status != BatchStatus.DONE or not batch.file:
        raise Http404
    name = f"{batch.org.name}-{batch.template.contest_title}-证书.zip"
    response = FileResponse(batch.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = _content_disposition(name)
    return response
