"""Quotas per unit per level. A quota is taken by one conditional UPDATE (`used = used + 1 WHERE used <
limit`) inside the approving transaction, and the table's CHECK (used <= limit) backs it up, so no
interleaving of approvals can exceed a quota, and a quota belongs to one unit (never moved)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import Membership, Organization, OrgKind, Role, grade_band_for

from ..errors import QuotaExceeded
from ..models import CampaignLevel, Candidate, LevelKind, Quota, QuotaRounding

ORG_KIND_OF_LEVEL = {
    LevelKind.SCHOOL: (OrgKind.SCHOOL, OrgKind.STATION),
    LevelKind.TOWN: (OrgKind.TOWN,),
    LevelKind.DISTRICT: (OrgKind.DISTRICT,),
    LevelKind.CITY: (OrgKind.CITY,),
}


def unit_for(*, level: CampaignLevel, school: Organization) -> Organization:
    """The unit whose quota a candidate of `school` uses at `level`: the school itself, or its town,
    district or city. A school directly under a district has no town; its district stands in."""
    kinds = ORG_KIND_OF_LEVEL[level.kind]
    if school.kind in kinds:
        return school
    found = Organization.objects.filter(pk__in=school.ancestor_ids(), kind__in=kinds).first()
    if found is None:
        return school.parent or school
    return found


def enrolled_count(*, unit: Organization, grade_bands: list[str]) -> int:
    """Students on the roster under `unit` whose class's grade falls in the campaign's grade bands."""
    rows = (
        Membership.objects.filter(role=Role.STUDENT, org__path__startswith=unit.path)
        .values_list("org__grade", flat=True)
        .iterator()
    )
    bands = set(grade_bands)
    return sum(1 for g in rows if grade_band_for(g) in bands)


def quota_limit(*, level: CampaignLevel, unit: Organization) -> int:
    if level.quota_fixed is not None:
        return level.quota_fixed
    if level.quota_per_mille is None:
        return 0
    return limit_from_enrolled(level=level, enrolled=enrolled_count(unit=unit, grade_bands=level.campaign.grade_bands))


def limit_from_enrolled(*, level: CampaignLevel, enrolled: int) -> int:
    """The published rule: a fixed number, or per-mille of enrolled students rounded as the level says
    (half-up, down or up), never below the level's minimum."""
    if level.quota_fixed is not None:
        return level.quota_fixed
    if level.quota_per_mille is None:
        return 0
    exact = Decimal(enrolled) * level.quota_per_mille / 1000
    if level.quota_rounding == QuotaRounding.FLOOR:
        value = math.floor(exact)
    elif level.quota_rounding == QuotaRounding.CEIL:
        value = math.ceil(exact)
    else:
        value = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(value, level.quota_minimum)


def quota_for(*, level: CampaignLevel, unit: Organization) -> Quota:
    """The unit's quota row, created with its computed limit on first use (race-safe)."""
    quota = Quota.objects.filter(level=level, unit=unit).first()
    if quota is not None:
        return quota
    try:
        with transaction.atomic():
            return Quota.objects.create(level=level, unit=unit, limit=quota_limit(level=level, unit=unit))
    except IntegrityError:
        return Quota.objects.get(level=level, unit=unit)


def quota_take(*, level: CampaignLevel, unit: Organization) -> None:
    """Use one place of the unit's quota or raise QuotaExceeded. Call inside the approving transaction."""
    quota = quota_for(level=level, unit=unit)
    taken = Quota.objects.filter(pk=quota.pk, used__lt=F("limit")).update(used=F("used") + 1)
    if not taken:
        raise QuotaExceeded()


def quota_give_back(*, level: CampaignLevel, candidate: Candidate) -> None:
    """A candidate approved at `level` was withdrawn later (objection upheld): the place is free again."""
    unit = unit_for(level=level, school=candidate.school)
    Quota.objects.filter(level=level, unit=unit, used__gt=0).update(used=F("used") - 1)
