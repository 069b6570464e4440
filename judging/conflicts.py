"""Where judges work, for the conflict rules of assignment (services/assigning.py).

A judge's judging membership says where they were recruited; their other memberships (teacher, 心理老师,
五老 volunteer, organiser) say where they work. A judge who works at or for a school or station never
judges its entries — a unit's entry or its students' and staff's — and, in a district round, never an
entry from a district they work in. Nobody judges an entry they wrote, joined or saved a version of."""

from __future__ import annotations

from collections import defaultdict

from accounts.models import Membership, OrgKind, Role
from accounts.selectors import org_district, org_school

from .models import Entry, EntryVersion

AFFILIATION_ROLES = (Role.JUDGE, Role.TEACHER, Role.COUNSELLOR, Role.VOLUNTEER, Role.ORGANISER)


def judge_affiliations(user_ids) -> dict[int, tuple[set[int], set[int]]]:
    """{judge id: (ids of the schools/stations they work at, ids of the districts they work in)}."""
    out: dict[int, tuple[set[int], set[int]]] = {j: (set(), set()) for j in user_ids}
    memberships = Membership.objects.filter(
        user_id__in=list(out), role__in=AFFILIATION_ROLES, org__isnull=False
    ).select_related("org")
    for m in memberships:
        units, districts = out[m.user_id]
        if m.org.kind in (OrgKind.SCHOOL, OrgKind.STATION, OrgKind.CLASS):
            unit = org_school(m.org)
            if unit is not None:
                units.add(unit.pk)
        if m.org.kind != OrgKind.CITY:
            district = org_district(m.org)
            if district is not None:
                districts.add(district.pk)
    return out


def entry_people(entries) -> dict[int, set[int]]:
    """{entry id: ids of its author, team members and everyone who saved a version of it}."""
    out: dict[int, set[int]] = defaultdict(set)
    ids = []
    for e in entries:
        ids.append(e.pk)
        out[e.pk].add(e.author_id)
    team = Entry.team_members.through.objects.filter(entry_id__in=ids).values_list("entry_id", "user_id")
    for entry_id, user_id in team:
        out[entry_id].add(user_id)
    saved = EntryVersion.objects.filter(entry_id__in=ids, saved_by__isnull=False).values_list("entry_id", "saved_by_id")
    for entry_id, user_id in saved.distinct():
        out[entry_id].add(user_id)
    return out
