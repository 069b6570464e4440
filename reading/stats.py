"""Reading statistics per reading (each belongs to a month) for class, school, district and city.

参与率 is results' one definition (`results.statistics.participation_rate` over `enrolled_by_class`):
students who completed the reading / students enrolled in its target grade bands. The schools, districts
and denominators are exactly the contests'. A fixed handful of grouped queries, whatever the size.
Reflections and distress flags are never read here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Organization, OrgKind, Role
from accounts.selectors import Scope
from results import statistics as rs

from .enrolment import enrolled_in_view
from .models import Progress, Reading


@dataclass
class ReadingRow:
    org_id: int
    name: str
    enrolled: int = 0
    readers: int = 0
    completed: int = 0
    quiz_takers: int = 0
    score_sum: int = 0  # sum of best quiz percentages
    engaged_s: int = 0

    @property
    def participation_rate(self) -> float | None:
        return rs.participation_rate(self.completed, self.enrolled)

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.quiz_takers if self.quiz_takers else None

    @property
    def engaged_minutes(self) -> float:
        return round(self.engaged_s / 60, 1)

    @property
    def engaged_minutes_per_reader(self) -> float | None:
        return round(self.engaged_s / 60 / self.readers, 1) if self.readers else None

    def add(self, other: ReadingRow) -> None:
        for f in ("enrolled", "readers", "completed", "quiz_takers", "score_sum", "engaged_s"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


@dataclass
class DistrictBlock:
    total: ReadingRow
    schools: list[ReadingRow]


@dataclass
class ReadingStats:
    reading: Reading
    total: ReadingRow
    districts: list[DistrictBlock]
    classes: list[ReadingRow] = field(default_factory=list)  # when the view is one school or a teacher's classes


def stats_paths(reading: Reading, scope: Scope) -> list[str]:
    """The part of the reading's audience this user may see: organisers their region (results' rule),
    teachers their classes."""
    audience = [reading.owner_org.path]
    paths = set(rs.effective_paths(audience, scope))
    for p in scope.taught_paths:
        if p.startswith(audience[0]):
            paths.add(p)
    kept = sorted(paths, key=len)
    return [p for i, p in enumerate(kept) if not any(p.startswith(q) for q in kept[:i])]


def reading_stats(
    reading: Reading, scope: Scope, *, class_detail: bool | None = None, now: datetime | None = None
) -> ReadingStats | None:
    paths = stats_paths(reading, scope)
    if not paths:
        return None
    schools, districts = rs.schools_and_districts(paths)
    class_schools = rs.class_schools(paths)
    enrolled = enrolled_in_view(reading, paths, now=now)
    progress = Progress.objects.filter(reading=reading)
    if paths != [reading.owner_org.path]:
        progress = progress.filter(rs.path_q("class_org__path", paths))
    agg = (
        progress.values("class_org_id")
        .annotate(
            readers=Count("id", filter=Q(saves__gt=0)),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
            quiz_takers=Count("id", filter=Q(best_percent__isnull=False)),
            score_sum=Sum("best_percent"),
            engaged=Sum("engaged_s"),
        )
        .order_by()
    )
    by_class: dict[int, ReadingRow] = {}
    for class_id, n in enrolled.items():
        by_class[class_id] = ReadingRow(org_id=class_id, name="", enrolled=n)
    for a in agg:
        cid = a["class_org_id"]
        if cid not in class_schools:
            continue  # the student moved to a class outside this view
        row = by_class.setdefault(cid, ReadingRow(org_id=cid, name=""))
        row.readers += a["readers"]
        row.completed += a["completed"]
        row.quiz_takers += a["quiz_takers"]
        row.score_sum += a["score_sum"] or 0
        row.engaged_s += a["engaged"] or 0
    total, blocks, classes = assemble(by_class, schools, districts, class_schools, class_detail, scope)
    stats = ReadingStats(reading=reading, total=total, districts=blocks, classes=classes)
    return stats


def assemble(
    by_class: dict[int, ReadingRow],
    schools: dict,
    districts: dict,
    class_schools: dict[int, int],
    class_detail: bool | None,
    scope: Scope,
) -> tuple[ReadingRow, list[DistrictBlock], list[ReadingRow]]:
    """Class rows summed up to schools, districts and the total (shared by the per-reading and the
    monthly statistics). Class rows, named, when the view is one school or a teacher's classes."""
    school_rows = {sid: ReadingRow(org_id=sid, name=s.name) for sid, s in schools.items()}
    for cid, row in by_class.items():
        school_row = school_rows.get(class_schools.get(cid))
        if school_row is not None:
            school_row.add(row)
    by_district: dict[int | None, list[ReadingRow]] = defaultdict(list)
    for sid, school in schools.items():
        by_district[rs.district_id(school)].append(school_rows[sid])
    total = ReadingRow(org_id=0, name="合计")
    blocks = []
    for did, rows in by_district.items():
        district = districts.get(did)
        d_total = ReadingRow(org_id=did or 0, name=district.name if district else "其他")
        for r in rows:
            d_total.add(r)
        total.add(d_total)
        blocks.append(DistrictBlock(total=d_total, schools=sorted(rows, key=lambda r: r.name)))
    blocks.sort(key=lambda b: (districts[b.total.org_id].path if b.total.org_id in districts else "~", b.total.name))
    classes: list[ReadingRow] = []
    if class_detail if class_detail is not None else (len(schools) <= 1 or scope.has_role(Role.TEACHER)):
        names = dict(Organization.objects.filter(pk__in=list(by_class)).values_list("pk", "name"))
        classes = sorted(
            (r for r in by_class.values() if r.org_id in names),
            key=lambda r: (
                schools[class_schools[r.org_id]].name if class_schools.get(r.org_id) in schools else "",
                names[r.org_id],
            ),
        )
        for r in classes:
            school = schools.get(class_schools.get(r.org_id))
            r.name = f"{school.name} {names[r.org_id]}" if school and len(schools) > 1 else names[r.org_id]
    return total, blocks, classes


def _progress_totals(progress) -> dict:
    return progress.aggregate(
        readers=Count("id", filter=Q(saves__gt=0)),
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        quiz_takers=Count("id", filter=Q(best_percent__isnull=False)),
        score_sum=Sum("best_percent"),
        engaged=Sum("engaged_s"),
    )


def reading_trends(readings, scope: Scope, *, now: datetime | None = None) -> list[tuple[Reading, ReadingRow]]:
    """Totals of each reading (e.g. the months of a series) within the user's view, oldest first: the
    same figures as `reading_stats(...).total`, in one aggregate per reading plus one enrolment count per
    distinct audience (no per-school breakdown)."""
    out, enrolled_cache = [], {}
    for reading in sorted(readings, key=lambda r: (r.month, r.pk)):
        paths = stats_paths(reading, scope)
        if not paths:
            continue
        key = (tuple(paths), tuple(sorted(reading.grade_bands)))
        if (now or timezone.now()) >= reading.closes_at:
            key = (reading.pk, *key)  # frozen: this reading's own snapshot
        if key not in enrolled_cache:
            enrolled_cache[key] = sum(enrolled_in_view(reading, paths, now=now).values())
        agg = _progress_totals(
            Progress.objects.filter(reading=reading, class_org__kind=OrgKind.CLASS).filter(
                rs.path_q("class_org__path", paths)
            )
        )
        row = ReadingRow(
            org_id=0,
            name=reading.title,
            enrolled=enrolled_cache[key],
            readers=agg["readers"],
            completed=agg["completed"],
            quiz_takers=agg["quiz_takers"],
            score_sum=agg["score_sum"] or 0,
            engaged_s=agg["engaged"] or 0,
        )
        out.append((reading, row))
    return out
