"""Certificate eligibility for live stage events (stage app): the awards of a finished event. Performers
without an account are certified by name (holder kind "person"), a unit on stage in the unit's name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from stage.certificates import certified_performers

from .errors import CertificateError
from .issuing import Eligible
from .models import CertificateKind, CertificateTemplate, HolderKind


def eligible_stage(template: CertificateTemplate, event) -> list[Eligible]:
    rows = certified_performers(event, awards_only=template.kind == CertificateKind.AWARD)
    if rows is None:
        raise CertificateError(_("活动尚未结束，结束后才能生成证书。"))
    return [_eligible(r) for r in rows]


def _eligible(r) -> Eligible:
    if r.user_id is not None:
        return Eligible(holder_id=r.user_id, award_text=r.award_text, score=r.score, rank=r.rank)
    key = f"performer:{r.performer_id}"
    if r.is_unit:  # keyed by the performer: a unit on stage in two categories gets two certificates
        return Eligible(None, r.award_text, r.score, r.rank, HolderKind.UNIT, key, "", r.org_id)
    return Eligible.for_person(key, r.name, r.award_text, org_id=r.org_id, score=r.score, rank=r.rank)
