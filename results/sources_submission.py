"""Certificate eligibility for essay / works contests (judging app): the published award list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from judging.selectors import published_awards

from .errors import CertificateError
from .issuing import Eligible
from .models import CertificateKind, CertificateTemplate


def eligible_submission(template: CertificateTemplate, contest) -> list[Eligible]:
    """Every author and team member of a published award gets a certificate naming the tier; a unit's
    award is certified to the unit (its name on the certificate), not to the staff who submitted."""
    if template.kind != CertificateKind.AWARD:
        return []
    awards = list(published_awards(contest))
    if not awards:
        raise CertificateError(_("奖项尚未公布，公布后才能生成获奖证书。"))
    out: list[Eligible] = []
    seen: set[int] = set()
    for award in awards:
        tier = award.get_tier_display()
        if award.entry.unit_id is not None:
            out.append(Eligible.for_unit(award.entry.unit_id, tier, score=award.score, rank=award.rank))
            continue
        holders = [award.entry.author_id, *(m.pk for m in award.entry.team_members.all())]
        for holder_id in holders:
            if holder_id in seen:
                continue
            seen.add(holder_id)
            out.append(Eligible(holder_id=holder_id, award_text=tier, score=award.score, rank=award.rank))
    return out
