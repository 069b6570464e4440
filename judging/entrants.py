"""Who may enter a works contest, and as what: students (by class and grade band), teachers and staff,
五老 volunteers (each by a membership within the contest's region), or units — a school or a 校外教育辅导站
entering as itself, whose entry any of its staff may write.

Every check here is server-side and scoped to the contest's owner region, as for students."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Membership, Organization, OrgKind, Role, User
from accounts.selectors import org_district, org_school, student_class

from .models import EntrantKind, Entry, SubmissionContest
from .selectors import student_is_eligible, student_school_and_district

# the roles that make a person an entrant of each adult kind
PERSON_ROLES = {
    EntrantKind.TEACHER: (Role.TEACHER, Role.COUNSELLOR),
    EntrantKind.VOLUNTEER: (Role.VOLUNTEER,),
}
# a unit's staff: whoever holds one of these roles at the unit itself or at a class under it
UNIT_STAFF_ROLES = (Role.TEACHER, Role.COUNSELLOR, Role.VOLUNTEER, Role.ORGANISER)
UNIT_KINDS = (OrgKind.SCHOOL, OrgKind.STATION)
ENTRANT_ROLES = (Role.STUDENT, *UNIT_STAFF_ROLES)  # the roles the entry page lets in (then checked here)


def _memberships(user: User, roles, contest: SubmissionContest) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return [
        m
        for m in Membership.objects.filter(user=user, role__in=roles, org__isnull=False).select_related("org")
        if m.org.is_within(contest.owner_org)
    ]


def person_kind(user: User, contest: SubmissionContest) -> str | None:
    """The kind `user` enters `contest` as (the first of the contest's kinds they qualify for), or None."""
    for kind in contest.kinds:
        if kind == EntrantKind.STUDENT and student_is_eligible(user, contest):
            return kind
        if kind in PERSON_ROLES and _memberships(user, PERSON_ROLES[kind], contest):
            return kind
    return None


def staffed_units(user: User, contest: SubmissionContest | None = None) -> list[Organization]:
    """The schools and stations `user` works at (within the contest's region when given), by name."""
    if not user.is_authenticated:
        return []
    units: dict[int, Organization] = {}
    for m in Membership.objects.filter(user=user, role__in=UNIT_STAFF_ROLES, org__isnull=False).select_related("org"):
        if m.org.kind in UNIT_KINDS:
            unit = m.org
        elif m.org.kind == OrgKind.CLASS:
            unit = org_school(m.org)
        else:
            continue
        if unit is not None and (contest is None or unit.is_within(contest.owner_org)):
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda o: (o.name, o.pk))


def is_eligible(user: User, contest: SubmissionContest) -> bool:
    if contest.for_units:
        return bool(staffed_units(user, contest))
    return person_kind(user, contest) is not None


def person_places(user: User, kind: str) -> tuple[Organization | None, Organization | None]:
    """(school or station, district) recorded on a person's entry: for students their class's, for adults
    those of the membership that makes them eligible (a volunteer at a district 关工委 has no school)."""
    if kind == EntrantKind.STUDENT:
        return student_school_and_district(user)
    for m in Membership.objects.filter(user=user, role__in=PERSON_ROLES.get(kind, ()), org__isnull=False):
        if m.org.kind != OrgKind.CITY:
            school = org_school(m.org) if m.org.kind not in (OrgKind.DISTRICT, OrgKind.TOWN) else None
            return school, org_district(m.org)
    return None, None


def unit_places(unit: Organization) -> tuple[Organization, Organization | None]:
    return unit, org_district(unit)


def entry_for(user: User, contest: SubmissionContest, unit: Organization | None = None) -> Entry | None:
    """The entry `user` writes or belongs to: their unit's (the given one, else the first of their units
    that has entered), or their own / their team's."""
    if contest.for_units:
        units = [u.pk for u in staffed_units(user, contest)]
        if unit is not None:
            units = [unit.pk] if unit.pk in units else []
        return (
            Entry.objects.filter(contest=contest, unit_id__in=units)
            .select_related("unit")
            .order_by("unit__name", "unit_id")
            .first()
        )
    return (
        Entry.objects.filter(contest=contest)
        .filter(Q(author=user) | Q(team_members=user))
        .distinct()
        .prefetch_related("team_members")
        .first()
    )


def may_edit(user: User, entry: Entry) -> bool:
    """The author (team leader) of a person's entry; any staff member of the unit of a unit entry."""
    if entry.unit_id:
        return any(u.pk == entry.unit_id for u in staffed_units(user, entry.contest))
    return entry.author_id == user.pk


def may_read(user: User, entry: Entry) -> bool:
    return may_edit(user, entry) or entry.team_members.filter(pk=user.pk).exists()


def contests_for_entrant(user: User) -> list[SubmissionContest]:
    """Every contest `user` may enter in some capacity, latest deadline first."""
    org_ids: set[int] = set()
    klass = student_class(user)
    if klass is not None:
        org_ids.update(klass.ancestor_ids())
    for m in Membership.objects.filter(user=user, role__in=UNIT_STAFF_ROLES, org__isnull=False).select_related("org"):
        org_ids.update(m.org.ancestor_ids())
    contests = SubmissionContest.objects.filter(owner_org_id__in=org_ids).order_by("-closes_at")
    return [c for c in contests if is_eligible(user, c)]


def works_home_for_adult(user: User, now=None) -> list[dict]:
    """An adult's (teacher's, volunteer's, a unit's staff member's) list of works contests they may enter as
    a person or for their unit — open, upcoming, or closed within 30 days — with status and whether their
    (or their unit's) entry is in. Student-only contests are on the student's own list."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    rows = []
    for c in contests_for_entrant(user):
        if c.closes_at < now - timedelta(days=30) or c.kinds == [EntrantKind.STUDENT]:
            continue
        entry = entry_for(user, c)
        status = "open" if c.is_open(now) else ("upcoming" if now < c.opens_at else "closed")
        done = bool(entry and entry.latest_saved_version())
        rows.append({"contest": c, "status": status, "done": done, "for_unit": c.for_units})
    return rows
