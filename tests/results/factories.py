"""Factories for certificate tests. Certificate mechanics (codes, PDFs, revocation, zips) do not depend
on what kind of contest a template belongs to, so these tests may target any model instance."""

import datetime

from django.contrib.contenttypes.models import ContentType

from results.models import CertificateKind, CertificateTemplate


def make_template(*, target, org, kind=CertificateKind.AWARD, **kw) -> CertificateTemplate:
    defaults = {
        "title": "荣誉证书",
        "issuer": "共青团南通市委员会",
        "issue_date": datetime.date(2026, 12, 1),
    }
    defaults.update(kw)
    return CertificateTemplate.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        kind=kind,
        org=org,
        **defaults,
    )
