"""Reads: which readings a student may open, their progress, the series view, streaks, the teacher's
class view and the counsellor's private case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organization, OrgKind, Role, User, grade_band_for
from accounts.selectors import Scope, classes_taught_by

from . import errors
from .models import DistressFlag, FlagLevel, FlagState, Progress, Reading, ReadingStatus, Reflection, Reminder, Series


def student_class(user: User) -> Organization | None:
    m = Membership.objects.select_related("org").filter(user=user, role=Role.STUDENT).first()
    return m.org if m else None


def local_date(now: datetime) -> date:
    return timezone.localtime(now).date()


def reading_in_audience(reading: Reading, klass: Organization | None) -> bool:
    if klass is None or not klass.path.startswith(reading.owner_org.path):
        return False
    return not reading.grade_bands or grade_band_for(klass.grade) in reading.grade_bands


def readings_for_class(klass: Organization | None, now: datetime) -> list[Reading]:
    """Published readings open by `now` whose audience holds the class, newest month first."""
    if klass is None:
        return []
    ancestors = klass.ancestor_ids()
    qs = (
        Reading.objects.filter(
            status=ReadingStatus.PUBLISHED, opens_on__lte=local_date(now), owner_org_id__in=ancestors
        )
        .select_related("owner_org", "series")
        .order_by("-month", "pk")
    )
    return [r for r in qs if reading_in_audience(r, klass)]


def reading_for_student(*, user: User, reading_id: int, now: datetime) -> tuple[Reading, Organization]:
    """The reading if this student may open it now; else a typed error (never a hint that it exists)."""
    klass = student_class(user)
    if klass is None:
        raise errors.NotAStudent()
    reading = Reading.objects.select_related("owner_org").filter(pk=reading_id).first()
    if (
        reading is None
        or not reading.is_published
        or reading.opens_on > local_date(now)
        or not reading_in_audience(reading, klass)
    ):
        raise errors.ReadingNotFound()
    return reading, klass


def progress_by_reading(user: User, readings) -> dict[int, Progress]:
    return {p.reading_id: p for p in Progress.objects.filter(user=user, reading__in=list(readings))}


def reading_state(progress: Progress | None) -> str:
    if progress is None or progress.saves == 0:
        return "unread"
    if progress.completed_at:
        return "completed"
    if progress.read_at:
        return "read"
    return "reading"


STATE_LABELS = {"unread": "未读", "reading": "在读", "read": "已读，待测验", "completed": "已完成"}


def quiz_questions(reading: Reading) -> list:
    return list(reading.questions.select_related("revision").order_by("order", "pk"))


def unseen_reminders(user: User) -> QuerySet[Reminder]:
    return Reminder.objects.filter(student=user, seen_at=None).select_related("sender", "reading")


def featured_reflections(reading: Reading, klass: Organization) -> QuerySet[Reflection]:
    """The class selection: only reflections whose author consented and a teacher chose."""
    return Reflection.objects.filter(
        reading=reading, class_org=klass, share_consent=True, featured=True
    ).select_related("user")


# --- series and streaks --------------------------------------------------------------------------


def series_progress(series: Series, user: User, klass: Organization | None, now: datetime) -> list[dict]:
    readings = [r for r in readings_for_class(klass, now) if r.series_id == series.pk]
    readings.sort(key=lambda r: (r.month, r.pk))
    progress = progress_by_reading(user, readings)
    return [
        {"reading": r, "progress": progress.get(r.pk), "state": reading_state(progress.get(r.pk))} for r in readings
    ]


def completed_months(user: User) -> set[date]:
    return set(Progress.objects.filter(user=user, completed_at__isnull=False).values_list("reading__month", flat=True))


def _month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def streak_months(user: User, now: datetime) -> int:
    """Consecutive months, up to this one, with at least one completed reading. The current month does
    not break the streak while it is still open."""
    months = completed_months(user)
    month = local_date(now).replace(day=1)
    if month not in months:
        month = _month_before(month)
    n = 0
    while month in months:
        n += 1
        month = _month_before(month)
    return n


@dataclass
class MonthRecord:
    month: date
    rows: list[dict]
    streak: int
    engaged_minutes: int


def month_record(user: User, klass: Organization | None, month: date, now: datetime) -> MonthRecord:
    readings = [r for r in readings_for_class(klass, now) if r.month == month]
    progress = progress_by_reading(user, readings)
    rows = [
        {"reading": r, "progress": progress.get(r.pk), "state": reading_state(progress.get(r.pk))} for r in readings
    ]
    engaged = sum(p.engaged_s for p in progress.values())
    return MonthRecord(month=month, rows=rows, streak=streak_months(user, now), engaged_minutes=round(engaged / 60))


# --- teachers ------------------------------------------------------------------------------------


def teacher_classes(user: User) -> QuerySet[Organization]:
    """Classes a teacher holds (a teacher attached to a school holds all its classes)."""
    return classes_taught_by(user).order_by("path")


def class_view(reading: Reading, klass: Organization, now: datetime) -> list[dict]:
    """Per student of the class: read, passed, best score, engaged minutes, days since any reading."""
    students = list(
        User.objects.filter(memberships__role=Role.STUDENT, memberships__org=klass).order_by("username").distinct()
    )
    ids = [s.pk for s in students]
    progress = {p.user_id: p for p in Progress.objects.filter(reading=reading, user_id__in=ids)}
    last = dict(
        Progress.objects.filter(user_id__in=ids, saves__gt=0)
        .values_list("user_id")
        .annotate(last=Max("last_saved_at"))
        .order_by()
    )
    rows = []
    for s in students:
        p = progress.get(s.pk)
        last_at = last.get(s.pk)
        rows.append(
            {
                "student": s,
                "progress": p,
                "state": reading_state(p),
                "engaged_minutes": round((p.engaged_s if p else 0) / 60, 1),
                "days_since": (local_date(now) - local_date(last_at)).days if last_at else None,
            }
        )
    return rows


def nudge_list(rows: list[dict], *, min_days: int = 7) -> list[dict]:
    """Students who need a nudge: never read anything, or not for `min_days`; longest first."""
    out = [r for r in rows if r["state"] != "completed" and (r["days_since"] is None or r["days_since"] >= min_days)]
    return sorted(out, key=lambda r: -(r["days_since"] if r["days_since"] is not None else 10**6))


def class_reflections(reading: Reading, klass: Organization) -> QuerySet[Reflection]:
    """What a class's own teachers see: their students' reflections (no distress marker, ever)."""
    return Reflection.objects.filter(reading=reading, class_org=klass).select_related("user").order_by("-updated_at")


# --- managing ------------------------------------------------------------------------------------


def readings_managed(scope: Scope) -> QuerySet[Reading]:
    return Reading.objects.filter(scope.orgs_q("owner_org", roles=(Role.ORGANISER,))).select_related(
        "owner_org", "series", "topic"
    )


def series_managed(scope: Scope) -> QuerySet[Series]:
    return Series.objects.filter(scope.orgs_q("owner_org", roles=(Role.ORGANISER,)))


# --- the private distress path ------------------------------------------------------------------


CASE_ROLES = (Role.COUNSELLOR, Role.ORGANISER)
LEVEL_BY_KIND = {
    OrgKind.SCHOOL: FlagLevel.SCHOOL,
    OrgKind.STATION: FlagLevel.SCHOOL,
    OrgKind.DISTRICT: FlagLevel.DISTRICT,
    OrgKind.CITY: FlagLevel.CITY,
}


def case_memberships(scope: Scope) -> list[tuple[Membership, int]]:
    """(membership, level) for each counsellor or organiser duty held exactly at a school, a district or
    the city: the chain that handles flags. Nobody else — not teachers, not site administrators, not an
    organiser of a town — ever sees one."""
    out = []
    for m in scope.memberships:
        level = LEVEL_BY_KIND.get(m.org.kind) if m.org_id and m.role in CASE_ROLES else None
        if level is not None:
            out.append((m, level))
    return out


def flags_visible(scope: Scope) -> QuerySet[DistressFlag]:
    """A school's own counsellors and organiser see its flags; a district's (the city's) see the flags
    of schools under it once they reached the district (city) level."""
    q = Q(pk__in=[])
    for m, level in case_memberships(scope):
        if level == FlagLevel.SCHOOL:
            q |= Q(school_id=m.org_id)
        else:
            q |= Q(level__gte=level, school__path__startswith=m.org.path)
    if not case_memberships(scope):
        return DistressFlag.objects.none()
    return DistressFlag.objects.filter(q).select_related("student", "class_org", "school")


def can_see_cases(scope: Scope) -> bool:
    return bool(case_memberships(scope))


def flags_waiting(scope: Scope) -> int:
    """Flags this user sees that nobody has opened yet (the private count on their home page)."""
    return flags_visible(scope).filter(state=FlagState.NEW).count() if can_see_cases(scope) else 0


def flag_chain(school: Organization) -> list[Organization | None]:
    """[school, its district, its city]; a missing link is None."""
    above = {o.kind: o for o in Organization.objects.filter(pk__in=school.ancestor_ids()).only("pk", "kind", "path")}
    return [school, above.get(OrgKind.DISTRICT), above.get(OrgKind.CITY)]


def case_handlers(org: Organization | None, roles=CASE_ROLES) -> QuerySet[User]:
    """Active people holding a counsellor or organiser duty exactly at `org`."""
    if org is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, memberships__org=org, memberships__role__in=roles).distinct()


def may_acknowledge(scope: Scope, flag: DistressFlag) -> bool:
    """Opening a flag marks it seen (stops the escalation clock) when the opener is a counsellor in the
    flag's chain up to its level, or an organiser at its current level when that level has no counsellor."""
    chain = flag_chain(flag.school)
    for m, level in case_memberships(scope):
        if level > flag.level or chain[level] is None or m.org_id != chain[level].pk:
            continue
        if m.role == Role.COUNSELLOR:
            return True
        if level == flag.level and not case_handlers(chain[level], roles=(Role.COUNSELLOR,)).exists():
            return True
    return False


def series_class_matrix(series: Series, klass: Organization, now: datetime) -> tuple[list[Reading], list[dict]]:
    """A class's progress through a series: one row per student, one cell (state) per reading. Two queries."""
    readings = sorted(
        (r for r in readings_for_class(klass, now) if r.series_id == series.pk), key=lambda r: (r.month, r.pk)
    )
    students = list(
        User.objects.filter(memberships__role=Role.STUDENT, memberships__org=klass).order_by("username").distinct()
    )
    progress = {
        (p.user_id, p.reading_id): p
        for p in Progress.objects.filter(reading__in=readings, user__in=students).only(
            "user_id", "reading_id", "saves", "read_at", "completed_at"
        )
    }
    rows = []
    for s in students:
        states = [reading_state(progress.get((s.pk, r.pk))) for r in readings]
        rows.append({"student": s, "states": states, "done": states.count("completed")})
    return readings, rows
