"""Entries and awards of a works contest per district and per unit type (学校, 校外教育辅导站, 关工委). One
function feeds the organiser's dashboard and the xlsx export, so both always show the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.models import OrgKind

from .models import TIER_ORDER, Award, Entry, EntryVersion, SubmissionContest
from .selectors import entries_under_q


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


def entry_statistics(contest: SubmissionContest, *, within: list[str] | None = None) -> ContestStatistics:
    """Submitted entries (an explicit save, not only a draft) and published awards, by the entry's district
    and by the kind of its unit (the entering unit, or the school or station of a person). `within`: org
    paths the reader may see (an entry counts when its school or, lacking one, its district is inside)."""
    submitted = EntryVersion.objects.filter(entry=OuterRef("pk"), is_autosave=False)
    qs = Entry.objects.filter(contest=contest).filter(Exists(submitted))
    if within is not None:
        qs = qs.filter(entries_under_q(within))
    entries = list(qs.select_related("district", "school").order_by("district__name", "code"))
    awards = Award.objects.filter(contest=contest, published_at__isnull=False, entry__in=[e.pk for e in entries])
    tiers = dict(awards.values_list("entry_id", "tier"))
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


def statistics_tables(stats: ContestStatistics) -> list[tuple[str, list[StatRow]]]:
    return [(str(_("区县")), stats.districts), (str(_("单位类型")), stats.unit_types)]


def add_statistics_sheets(wb, stats: ContestStatistics) -> None:
    """One sheet per table (按区县统计, 按单位类型统计), every cell through the spreadsheet guard."""
    from openpyxl.styles import Font

    from core.spreadsheet import safe_cell

    from .models import AwardTier

    tiers = [str(AwardTier(t).label) for t in TIER_ORDER]
    for caption, rows in statistics_tables(stats):
        ws = wb.create_sheet(str(_("按%(c)s统计") % {"c": caption}))
        ws.append([caption, str(_("参赛作品数")), *tiers, str(_("获奖合计"))])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in [*rows, stats.total]:
            ws.append([safe_cell(v) for v in (r.label, r.entries, *r.tier_counts(), r.award_total)])
        ws.freeze_panes = "A2"


def statistics_workbook(stats: ContestStatistics) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    add_statistics_sheets(wb, stats)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
