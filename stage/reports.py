"""After the day: the xlsx export with every judge's scores, and the judge-bias report. Both read
`selectors.event_results`, the one computation of results, ranks and awards."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.spreadsheet import safe_cell

from .aggregation import aggregate, award_tiers, rank
from .models import AwardMode, Score, StageEvent
from .selectors import TIER_LABELS, TIERS, event_results, fmt


def _mmss(ms: int | None) -> str:
    if ms is None:
        return ""
    s = ms / 1000
    return f"{int(s // 60)}:{s % 60:04.1f}"


def results_xlsx(event: StageEvent) -> bytes:
    from openpyxl import Workbook

    seats = list(event.seats.all())
    criteria = list(event.criteria.all())
    wb = Workbook()
    wb.remove(wb.active)
    results = event_results(event, only="locked")
    for cr in results:
        ws = wb.create_sheet(title=safe_cell(cr.category.name)[:31] or "-")
        head = ["名次", "奖项", "出场顺序", "报名号", "姓名", "单位", "演讲题目", "用时"]
        head += [f"{s.number}号评委" for s in seats]
        head += ["去掉最高分", "去掉最低分", "平均分", "超时扣分", "最后得分", "更正"]
        ws.append(head)
        for row in cr.rows:
            p, res = row.performer, row.result
            line = [
                row.rank,
                row.tier_label,
                p.running_order,
                p.code,
                p.name,
                p.unit,
                p.speech_title,
                _mmss(p.speech_ms),
            ]
            for s in seats:
                total = res.totals.get(s.number)
                line.append(float(total) if total is not None else ("回避" if s.number in res.skipped else ""))
            line += [
                f"{res.dropped_high}号" if res.dropped_high is not None else "",
                f"{res.dropped_low}号" if res.dropped_low is not None else "",
                float(round(res.mean, 4)) if res.mean is not None else "",
                float(res.deduction),
                float(res.final) if res.final is not None and p.locked_at else "",
                "更正" if p.corrected else "",
            ]
            ws.append([safe_cell(v) for v in line])
        ws.freeze_panes = "A2"
    _winners_sheet(wb, results, event.decimals)
    detail = wb.create_sheet(title="评分明细")
    detail.append(["报名号", "姓名", "评委席位", "评委", *[c.name for c in criteria], "合计", "更正", "最后修改"])
    for sc in (
        Score.objects.filter(performer__event=event)
        .select_related("performer", "seat")
        .order_by("performer__running_order", "seat__number")
    ):
        detail.append(
            [safe_cell(v) for v in [sc.performer.code, sc.performer.name, sc.seat.number, sc.seat.name]]
            + [float(Decimal(sc.points.get(str(c.pk), "0"))) for c in criteria]
            + [float(sc.total), "更正" if sc.corrected else "", sc.updated_at.strftime("%Y-%m-%d %H:%M:%S")]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _winners_sheet(wb, results, places: int) -> None:
    """Every award winner on one sheet, category by category: the list the organiser reports onwards
    (e.g. the winners sent to the provincial round)."""
    ws = wb.create_sheet(title="获奖名单")
    ws.append(["组别", "名次", "奖项", "报名号", "姓名", "单位", "演讲题目", "最后得分"])
    for cr in results:
        for row in cr.rows:
            if row.tier is None:
                continue
            p = row.performer
            line = [cr.category.name, row.rank, row.tier_label, p.code, p.name, p.unit, p.speech_title]
            ws.append([safe_cell(v) for v in line] + [fmt(row.result.final, places)])
    ws.freeze_panes = "A2"


@dataclass
class Change:
    name: str
    rank_before: int
    rank_after: int
    tier_before: str
    tier_after: str


@dataclass
class JudgeBias:
    seat: int
    name: str
    scored: int = 0
    mean_offset: Decimal | None = None  # mean of (this judge's total − the other judges' mean)
    changes: list[Change] = field(default_factory=list)

    @property
    def award_changes(self) -> list[Change]:
        return [c for c in self.changes if c.tier_before != c.tier_after]

    @property
    def flagged(self) -> bool:
        return bool(self.award_changes)


def bias_report(event: StageEvent) -> list[tuple[str, list[JudgeBias]]]:
    """Per category: for each judge, the ranks and awards recomputed without that judge (as
    figure-skating analyses do) and the judge's mean offset from the rest of the panel."""
    seats = list(event.seats.all())
    quotas = [(t, getattr(event, f"award_{t}")) for t, _label in TIERS]
    percent = event.award_mode == AwardMode.PERCENT
    out = []
    for cr in event_results(event, only="locked"):
        ranked = [r for r in cr.rows if r.rank is not None]
        judges = []
        for s in seats:
            jb = JudgeBias(seat=s.number, name=s.name)
            offsets = []
            for r in ranked:
                mine = r.result.totals.get(s.number)
                others = [t for j, t in r.result.totals.items() if j != s.number]
                if mine is not None and others:
                    offsets.append(mine - sum(others) / len(others))
            jb.scored = len(offsets)
            jb.mean_offset = (sum(offsets) / len(offsets)).quantize(Decimal("0.01")) if offsets else None
            without = {
                r.performer.pk: (
                    aggregate(
                        {j: t for j, t in r.result.totals.items() if j != s.number},
                        trim_min=event.trim_min_judges,
                        places=event.decimals,
                        deduction=r.result.deduction,
                    ),
                    r.performer.running_order,
                )
                for r in ranked
            }
            order = rank(without)
            tiers = award_tiers(len(order), quotas, percent=percent)
            after = {pk: (i + 1, tiers[i]) for i, pk in enumerate(order)}
            for r in ranked:
                new_rank, new_tier = after[r.performer.pk]
                if new_rank != r.rank or new_tier != r.tier:
                    jb.changes.append(
                        Change(
                            r.performer.name,
                            r.rank,
                            new_rank,
                            str(TIER_LABELS.get(r.tier, "")) if r.tier else "",
                            str(TIER_LABELS.get(new_tier, "")) if new_tier else "",
                        )
                    )
            judges.append(jb)
        out.append((cr.category.name, judges))
    return out


def format_offset(value: Decimal | None) -> str:
    return "" if value is None else (f"+{fmt(value, 2)}" if value > 0 else fmt(value, 2)) or _("无")
