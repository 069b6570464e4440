"""Certificate eligibility for live stage events (stage app): the awards of a finished event. Performers
without an account are certified by name (holder kind "person")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from stage.certificates import certified_performers

from .errors import CertificateError
from .issuing import Eligible
from .models import CertificateKind, CertificateTemplate


def eligible_stage(template: CertificateTemplate, event) -> list[Eligible]:
    rows = certified_performers(event, awards_only=template.kind == CertificateKind.AWARD)
    if rows is None:
        raise CertificateError(_("活动尚未结束，结束后才能生成证书。"))
    return [
        Eligible(holder_id=r.user_id, award_text=r.award_text, score=r.score, rank=r.rank)
        if r.user_id is not None
        else Eligible.for_person(
            f"performer:{r.performer_id}", r.name, r.award_text, org_id=r.org_id, score=r.score, rank=r.rank
        )
        for r in rows
    ]
