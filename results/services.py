"""Writes for certificates: templates, idempotent issuing, revocation, background zip batches."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import Organization, OrgKind, User
from accounts.selectors import Scope
from core.events import call_on_commit

from .errors import CertificateError
from .issuing import (  # noqa: F401 (the issuing API stays importable from results.services)
    CHUNK,
    CODE_ALPHABET,
    CODE_LENGTH,
    SNAPSHOT_FIELDS,
    Eligible,
    IssueResult,
    certificate_code_for,
    certificate_issue,
    certificates_issue,
    normalize_code,
)
from .models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateKind,
    CertificateTemplate,
    RevocationAction,
    RevocationLog,
)

# --- templates ---------------------------------------------------------------------------------


def certificate_template_save(
    *,
    actor: User,
    scope: Scope,
    contest: models.Model,
    kind: str,
    title: str,
    body: str,
    issuer: str,
    issue_date: date,
    seal=None,
    min_score: Decimal | None = None,
    top_n: int | None = None,
) -> CertificateTemplate:
    """Create or update the (contest, kind) template. Only organisers of the contest's owner region
    may: the template's certificates name students anywhere in that region. The template belongs to
    that region (`org`), which decides who may revoke its certificates."""
    org = getattr(contest, "owner_org", None)
    if org is None or not scope.manages(org):
        raise PermissionDenied
    if kind not in CertificateKind.values:
        raise CertificateError(_("证书类型无效。"))
    ct = ContentType.objects.get_for_model(contest)
    with transaction.atomic():
        template, _created = CertificateTemplate.objects.select_for_update().get_or_create(
            content_type=ct,
            object_id=contest.pk,
            kind=kind,
            defaults={"org": org, "issuer": issuer, "issue_date": issue_date, "created_by": actor},
        )
        template.org = org
        template.title = title
        template.body = body
        template.issuer = issuer
        template.issue_date = issue_date
        template.min_score = min_score
        template.top_n = top_n
        if seal is not None:
            template.seal = seal
        template.full_clean(exclude=["content_type", "created_by"])
        template.save()
    return template


def certificates_generate(*, template: CertificateTemplate) -> IssueResult:
    """Issue every certificate the template's contest currently warrants (see results.sources)."""
    from .sources import eligible_for_template

    return certificates_issue(template=template, eligible=eligible_for_template(template))


GENERATION_STALE = timedelta(minutes=30)  # a worker that died mid-run does not block the template for ever


def certificates_generate_start(*, scope: Scope, template: CertificateTemplate) -> CertificateTemplate:
    """Queue generation in the task worker (enqueued after commit). Refused while a run is under way."""
    from .sources import check_can_generate

    if not scope.manages(template.org):
        raise PermissionDenied
    now = timezone.now()
    check_can_generate(template, now=now)
    with transaction.atomic():
        locked = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
        busy = locked.generation_status in (BatchStatus.PENDING, BatchStatus.RUNNING)
        if busy and locked.generation_started_at and now - locked.generation_started_at < GENERATION_STALE:
            raise CertificateError(_("证书正在生成中，请稍候。"))
        locked.generation_status = BatchStatus.PENDING
        locked.generation_message = ""
        locked.generation_started_at = now
        locked.save(update_fields=["generation_status", "generation_message", "generation_started_at"])
        call_on_commit(lambda: _enqueue_generation(locked.pk))
    return locked


def _enqueue_generation(template_id: int) -> None:
    generate_certificates.enqueue(template_id)


def certificates_generate_run(*, template_id: int) -> CertificateTemplate:
    """The worker's side: generate and record the outcome on the template for the page to show."""
    CertificateTemplate.objects.filter(pk=template_id).update(generation_status=BatchStatus.RUNNING)
    template = CertificateTemplate.objects.get(pk=template_id)
    try:
        result = certificates_generate(template=template)
    except CertificateError as exc:
        status, message = BatchStatus.FAILED, exc.message
    except Exception:
        CertificateTemplate.objects.filter(pk=template_id).update(
            generation_status=BatchStatus.FAILED, generation_message=_("生成失败，请稍后重试。")
        )
        raise
    else:
        status = BatchStatus.DONE
        message = _("新生成 %(new)d 张，更新 %(upd)d 张，未变 %(same)d 张；已有证书的验证码保持不变。") % {
            "new": result.created,
            "upd": result.updated,
            "same": result.unchanged,
        }
    CertificateTemplate.objects.filter(pk=template_id).update(generation_status=status, generation_message=message)
    template.generation_status, template.generation_message = status, message
    return template


# --- revocation --------------------------------------------------------------------------------


def _check_manages_certificate(scope: Scope, certificate: Certificate) -> None:
    if not scope.manages(certificate.template.org):
        raise PermissionDenied


def certificate_revoke(*, actor: User, scope: Scope, certificate: Certificate, reason: str) -> Certificate:
    _check_manages_certificate(scope, certificate)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写撤销原因。"))
    if len(reason) > 200:
        raise CertificateError(_("撤销原因不能超过 200 字。"))
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_at is not None:
            raise CertificateError(_("该证书已被撤销。"))
        cert.revoked_at = timezone.now()
        cert.revoked_reason = reason
        cert.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        RevocationLog.objects.create(certificate=cert, action=RevocationAction.REVOKE, reason=reason, actor=actor)
    return cert


def certificate_restore(*, actor: User, scope: Scope, certificate: Certificate, reason: str) -> Certificate:
    _check_manages_certificate(scope, certificate)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写恢复原因。"))
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_at is None:
            raise CertificateError(_("该证书未被撤销。"))
        cert.revoked_at = None
        cert.revoked_reason = ""
        cert.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        RevocationLog.objects.create(
            certificate=cert, action=RevocationAction.RESTORE, reason=reason[:200], actor=actor
        )
    return cert


# --- zip batches ---------------------------------------------------------------------------------

BATCH_ORG_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.SCHOOL, OrgKind.STATION, OrgKind.CLASS)


def certificate_batch_start(
    *, actor: User, scope: Scope, template: CertificateTemplate, org: Organization
) -> CertificateBatch:
    """Queue a zip of `template`'s certificates for holders under `org`. Organisers may ask for any
    node they manage; teachers for the classes (or school) they teach."""
    if not scope.can_view_org(org):
        raise PermissionDenied
    if not (scope.manages(template.org) or scope.can_view_org(org)):
        raise PermissionDenied
    total = Certificate.objects.filter(template=template, org_path__startswith=org.path, revoked_at=None).count()
    if total == 0:
        raise CertificateError(_("该范围内还没有可下载的证书。"))
    with transaction.atomic():
        batch = CertificateBatch.objects.create(template=template, org=org, requested_by=actor, total=total)
        call_on_commit(lambda: _enqueue_batch(batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    build_certificate_batch.enqueue(batch_id)


PROGRESS_EVERY = 20


def certificate_batch_build(*, batch_id: int) -> CertificateBatch:
    """Render every PDF into one zip, updating `done` as it goes. Runs in the task worker."""
    from .pdf import certificate_filename, certificate_pdf

    batch = CertificateBatch.objects.select_related("template", "org").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, done=0)
    certs = Certificate.objects.filter(
        template=batch.template, org_path__startswith=batch.org.path, revoked_at=None
    ).select_related("template")
    done = 0
    # a district's zip can hold tens of thousands of PDFs (~5 KB each): spool to disk, not memory
    with tempfile.TemporaryFile() as spool:
        try:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                names: set[str] = set()
                for cert in certs.iterator(chunk_size=200):
                    name = certificate_filename(cert)
                    if name in names:
                        name = name.replace(".pdf", f"-{cert.code}.pdf")
                    names.add(name)
                    zf.writestr(name, certificate_pdf(cert))
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        CertificateBatch.objects.filter(pk=batch.pk).update(done=done)
            spool.seek(0)
            batch.file.save(f"certificates-{batch.pk}.zip", File(spool), save=False)
            batch.status = BatchStatus.DONE
            batch.done = done
            batch.total = max(batch.total, done)
            batch.finished_at = timezone.now()
            batch.save(update_fields=["file", "status", "done", "total", "finished_at"])
        except Exception:
            CertificateBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, error=_("生成失败，请稍后重试。"), finished_at=timezone.now()
            )
            raise
    return batch


# --- background work (django-tasks), next to the services it runs so they never import `tasks` back;
# results/tasks.py re-exports these under the path the worker and already-queued rows name.


@task()
def build_certificate_batch(batch_id: int) -> int:
    return certificate_batch_build(batch_id=batch_id).done


@task()
def generate_certificates(template_id: int) -> str:
    return certificates_generate_run(template_id=template_id).generation_message
