"""Entries and awards of a works contest per district and per unit type (学校, 校外教育辅导站, 关工委). One
function feeds the organiser's dashboard and the xlsx export, so both always show the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.models import OrgKind

from .models import TIER_ORDER, Award, Entry, EntryVersion, SubmissionContest


@dataclass
class StatRow:
    label: str
    entries: int = 0
    awards: dict[str, int] = field(default_factory=dict)

    @property
    def award_total(self) -> int:
        return sum(self.awards.values())

    def tier_counts(self) -> list[int]:
        return [self.awards.get(t, 0) for t in TIER_ORDER]


@dataclass
class ContestStatistics:
    districts: list[StatRow]
    unit_types: list[StatRow]
    total: StatRow


def _unit_type(entry: Entry) -> str:
    if entry.school is None:
        return str(_("关工委（市、区、镇）"))
    return str(OrgKind(entry.school.kind).label) if entry.school.kind in OrgKind.values else entry.school.kind


def entry_statistics(contest: SubmissionContest) -> ContestStatistics:
    """Submitted entries (an explicit save, not only a draft) and published awards, by the entry's district
    and by the kind of its unit (the entering unit, or the school or station of a person)."""
    submitted = EntryVersion.objects.filter(entry=OuterRef("pk"), is_autosave=False)
    entries = list(
        Entry.objects.filter(contest=contest)
        .filter(Exists(submitted))
        .select_related("district", "school")
        .order_by("district__name", "code")
    )
    tiers = dict(Award.objects.filter(contest=contest, published_at__isnull=False).values_list("entry_id", "tier"))
    districts: dict[str, StatRow] = {}
    types: dict[str, StatRow] = {}
    total = StatRow(str(_("合计")))
    for e in entries:
        district = e.district.name if e.district else str(_("市直属"))
        for row in (
            districts.setdefault(district, StatRow(district)),
            types.setdefault(_unit_type(e), StatRow(_unit_type(e))),
            total,
        ):
            row.entries += 1
            tier = tiers.get(e.pk)
            if tier:
                row.awards[tier] = row.awards.get(tier, 0) + 1
    return ContestStatistics(
        districts=sorted(districts.values(), key=lambda r: r.label),
        unit_types=sorted(types.values(), key=lambda r: r.label),
        total=total,
    )
