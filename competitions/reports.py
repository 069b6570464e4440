"""Read-only results and item analysis for teachers and organisers (selectors; nothing here writes).

Only each student's counting attempt enters the numbers. Scopes: organisers see their subtree,
teachers their classes; the caller's Scope decides which classes are in view."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.enrolment import audience_paths, enrolment_by_class
from accounts.models import Organization, OrgKind, User
from accounts.selectors import scope_for, under_paths_q

from . import rates
from .models import AttemptItem, Contest
from .selectors import counted_attempts

HISTOGRAM_BINS = 10
LEVEL_KINDS = {
    "district": (OrgKind.DISTRICT,),
    "school": (OrgKind.SCHOOL, OrgKind.STATION),
    "class": (OrgKind.CLASS,),
}


def results_classes(*, contest: Contest, user: User) -> list[Organization]:
    """Classes in the contest's audience that this user may see results for."""
    scope = scope_for(user)
    classes = Organization.objects.filter(under_paths_q(audience_paths(contest)), kind=OrgKind.CLASS)
    if not scope.is_admin:
        classes = classes.filter(scope.orgs_q())
    bands = contest.grade_bands
    return [c for c in classes if not bands or c.grade_band in bands]


@dataclass
class ResultRow:
    org_id: int
    name: str
    enrolled: int = 0
    participants: int = 0
    score_sum: Decimal = Decimal(0)
    excellent: int = 0
    histogram: list = field(default_factory=lambda: [0] * HISTOGRAM_BINS)

    # the page and the export show the rates to four places, and 0% where there is nobody to divide by
    @property
    def participation_rate(self) -> float:
        return round(rates.participation_rate(self.participants, self.enrolled) or 0.0, 4)

    @property
    def average_score(self) -> float:
        return round(float(self.score_sum) / self.participants, 2) if self.participants else 0.0

    @property
    def excellence_rate(self) -> float:
        return round(rates.excellence_rate(self.excellent, self.participants) or 0.0, 4)

    @property
    def histogram_max(self) -> int:
        return max(self.histogram) or 1


def results_by_org(*, contest: Contest, user: User, level: str = "school") -> tuple[list[ResultRow], ResultRow]:
    """Rows per district / school / class in view, and the total row. participants = students with a
    counting attempt; enrolled = 在册学生 of the audience classes (accounts.enrolment: frozen at closing); the
    rates are competitions.rates'."""
    classes = results_classes(contest=contest, user=user)
    class_ids = [c.pk for c in classes]
    kinds = LEVEL_KINDS.get(level, LEVEL_KINDS["school"])
    ancestor_ids = {a for c in classes for a in c.ancestor_ids()}
    groups = {
        o.pk: o for o in Organization.objects.filter(pk__in=ancestor_ids, kind__in=kinds).select_related("parent")
    }
    group_of = {}
    for c in classes:
        group_of[c.pk] = next((a for a in c.ancestor_ids() if a in groups), None)
    rows: dict[int, ResultRow] = {}
    total = ResultRow(org_id=0, name="合计")

    def row_for(class_id) -> ResultRow | None:
        gid = group_of.get(class_id)
        if gid is None:
            return None
        if gid not in rows:
            rows[gid] = ResultRow(org_id=gid, name=groups[gid].name_with_school)
        return rows[gid]

    enrolled = enrolment_by_class(contest)
    for class_id in class_ids:
        n = enrolled.get(class_id, 0)
        row = row_for(class_id)
        if row:
            row.enrolled += n
        total.enrolled += n
    excellence = rates.excellence_percent_of(contest)
    for class_id, score, max_score in (
        counted_attempts(contest).filter(class_org_id__in=class_ids).values_list("class_org_id", "score", "max_score")
    ):
        ratio = (score / max_score) if max_score else Decimal(0)
        bin_index = min(HISTOGRAM_BINS - 1, int(ratio * HISTOGRAM_BINS))
        for row in (row_for(class_id), total):
            if row is None:
                continue
            row.participants += 1
            row.score_sum += score
            row.histogram[bin_index] += 1
            if rates.is_excellent(score, max_score, excellence):
                row.excellent += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.average_score, r.name))
    return ordered, total


# --- item analysis (Moodle-style facility and discrimination) ----------------------------------


@dataclass
class ItemStats:
    revision_id: int
    stem: str
    qtype: str
    responses: int
    facility: float | None
    discrimination: float | None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.discrimination is not None and self.discrimination <= 0:
            flags.append("区分度≤0")
        if self.facility is not None and self.facility >= 0.95:
            flags.append("过易")
        if self.facility is not None and self.facility <= 0.05:
            flags.append("过难")
        return flags

    @property
    def looks_broken(self) -> bool:
        return bool(self.flags)


def item_analysis(*, contest: Contest) -> list[ItemStats]:
    """Per question of the contest, over the counting attempts of students who got that question:

    - facility index F = mean of (item score / item points), 0..1;
    - discrimination index D = mean item fraction of the upper 27% minus that of the lower 27%, the
      groups taken by whole-paper score fraction (papers differ under random draws), each of size
      round(0.27·n), at least 1. D is None with fewer than 2 responses.
    Flagged when D ≤ 0, F ≥ 0.95 or F ≤ 0.05."""
    attempts = {
        pk: (score / max_score) if max_score else Decimal(0)
        for pk, score, max_score in counted_attempts(contest).values_list("pk", "score", "max_score")
    }
    per_item: dict[int, list[tuple[Decimal, Decimal, int]]] = defaultdict(list)
    for attempt_id, revision_id, score, points in AttemptItem.objects.filter(attempt_id__in=list(attempts)).values_list(
        "attempt_id", "revision_id", "score", "points"
    ):
        fraction = (score or Decimal(0)) / points if points else Decimal(0)
        per_item[revision_id].append((attempts[attempt_id], fraction, attempt_id))
    from questionbank.models import QuestionRevision

    revisions = {r.pk: r for r in QuestionRevision.objects.filter(pk__in=list(per_item))}
    stats = []
    for revision_id, rows in per_item.items():
        n = len(rows)
        facility = float(sum(r[1] for r in rows) / n)
        discrimination = None
        if n >= 2:
            ordered = sorted(rows, key=lambda r: (-r[0], r[2]))
            k = max(1, round(0.27 * n))
            upper = ordered[:k]
            lower = ordered[-k:]
            discrimination = float(sum(r[1] for r in upper) / k - sum(r[1] for r in lower) / k)
        revision = revisions[revision_id]
        stats.append(
            ItemStats(
                revision_id=revision_id,
                stem=revision.stem,
                qtype=revision.get_qtype_display(),
                responses=n,
                facility=round(facility, 4),
                discrimination=None if discrimination is None else round(discrimination, 4),
            )
        )
    stats.sort(key=lambda s: s.revision_id)
    return stats
