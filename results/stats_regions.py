"""Where statistics count: the part of an audience a user may see, its schools and districts, and the
在册 denominators per school. Shared by the contest statistics and the reading statistics (reading.stats),
so their schools, districts and denominators are exactly the same."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from accounts.enrolment import enrolment_by_class
from accounts.models import SCHOOL_KINDS, Organization, OrgKind, path_ids
from accounts.selectors import Scope, under_paths_q

from .stats_rows import DistrictStats, Row


def effective_paths(audience_paths: list[str], scope: Scope) -> list[str]:
    """The part of the audience the user may see: for each (audience node, managed node) pair, the
    deeper of the two when one contains the other."""
    if scope.is_admin:
        return audience_paths
    out = set()
    for a in audience_paths:
        for s in scope.managed_paths:
            if a.startswith(s):
                out.add(a)
            elif s.startswith(a):
                out.add(s)
    # drop paths inside another kept path so nothing is counted twice
    kept = sorted(out, key=len)
    return [p for i, p in enumerate(kept) if not any(p.startswith(q) for q in kept[:i])]


def path_q(field: str, paths: list[str]) -> Q:
    """`field` (a path column, e.g. "class_org__path") under any of `paths`: accounts' one region filter."""
    relation, _sep, column = field.rpartition("__")
    return under_paths_q(paths, relation, column=column)


def schools_and_districts(paths: list[str]) -> tuple[dict[int, Organization], dict[int, Organization]]:
    """Schools under the paths (and schools whose subtree contains a path, e.g. a class-level audience),
    plus their districts. Two queries."""
    ancestor_ids = {pk for p in paths for pk in path_ids(p)}
    schools = {
        o.pk: o
        for o in Organization.objects.filter(under_paths_q(paths) | Q(pk__in=ancestor_ids), kind__in=SCHOOL_KINDS).only(
            "pk", "name", "path", "kind"
        )
    }
    district_ids = {district_id(s) for s in schools.values()} - {None}
    districts = {o.pk: o for o in Organization.objects.filter(pk__in=district_ids).only("pk", "name", "path")}
    return schools, districts


def district_id(org: Organization) -> int | None:
    ids = org.ancestor_ids()
    return ids[1] if len(ids) > 1 else None  # path is /city/district/...


def class_schools(paths: list[str]) -> dict[int, int]:
    """class id → school id for every class under the paths. One query; counts below are grouped by
    class (a column of the counted table itself, no join) and summed up to schools here."""
    return dict(Organization.objects.filter(under_paths_q(paths), kind=OrgKind.CLASS).values_list("pk", "parent_id"))


def enrolled_by_school(contest, class_schools: dict[int, int]) -> dict[int, int]:
    """在册学生 per school for the classes in view, from the one enrolment function (frozen once the
    contest has closed)."""
    out: dict[int, int] = defaultdict(int)
    for class_id, n in enrolment_by_class(contest).items():
        school_id = class_schools.get(class_id)
        if school_id is not None:
            out[school_id] += n
    return out


def assemble(schools, districts, rows_by_school: dict[int, Row]) -> tuple[Row, list[DistrictStats]]:
    by_district: dict[int | None, list[Row]] = defaultdict(list)
    for school_id, school in schools.items():
        row = rows_by_school.get(school_id) or Row(org_id=school_id, name=school.name)
        row.name = school.name
        by_district[district_id(school)].append(row)
    total = Row(org_id=0, name="合计")
    out = []
    for d_id, rows in by_district.items():
        district = districts.get(d_id)
        d_total = Row(org_id=d_id or 0, name=district.name if district else "其他")
        for r in sorted(rows, key=lambda r: r.name):
            d_total.add(r)
        total.add(d_total)
        out.append(DistrictStats(total=d_total, schools=sorted(rows, key=lambda r: r.name)))
    out.sort(key=lambda d: (districts[d.total.org_id].path if d.total.org_id in districts else "~", d.total.name))
    return total, out
