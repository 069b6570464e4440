"""Reads of the contest engine: who may take what, what a client may see of an attempt, leaderboards."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, OrgKind, Role, User
from accounts.selectors import scope_for

from .models import Attempt, AttemptState, Contest, ContestStatus, ReviewPolicy, ScorePolicy
from .paper import CHOICE_TYPES, display_options, to_display_keys
from .ranking import DB_ORDERING

# --- who may take part -------------------------------------------------------------------------


def student_class(user: User) -> Organization | None:
    if not user.is_authenticated:
        return None
    membership = user.memberships.filter(role=Role.STUDENT).select_related("org").first()
    return membership.org if membership else None


def student_eligibility(*, contest: Contest, klass: Organization | None) -> str | None:
    """None when a student of `klass` may take the contest, else the reason (Chinese)."""
    if klass is None:
        return "只有学生账号可以参加竞赛。"
    if contest.grade_bands and klass.grade_band not in contest.grade_bands:
        return "本竞赛不面向您所在的学段。"
    roots = list(contest.audience_orgs.all()) or [contest.owner_org]
    if not any(klass.path.startswith(root.path) for root in roots):
        return "您所在的学校不在本竞赛的参赛范围内。"
    return None


def contests_for_student(user: User) -> list[Contest]:
    """Published contests this student may take (any window state), newest window first."""
    klass = student_class(user)
    if klass is None:
        return []
    ancestors = klass.ancestor_ids()
    qs = (
        Contest.objects.filter(status=ContestStatus.PUBLISHED)
        .filter(Q(audience_orgs__in=ancestors) | Q(audience_orgs__isnull=True, owner_org__in=ancestors))
        .distinct()
        .order_by("-opens_at", "-id")
    )
    return [c for c in qs if not c.grade_bands or klass.grade_band in c.grade_bands]


def contests_open_for_student(user: User) -> list[Contest]:
    """Contests the student may take now (student home page)."""
    now = timezone.now()
    return [c for c in contests_for_student(user) if c.window_status(now) == "open"]


def contests_managed_by(user: User) -> QuerySet[Contest]:
    scope = scope_for(user)
    if scope.is_admin:
        return Contest.objects.all()
    paths = scope.managed_paths
    if not paths:
        return Contest.objects.none()
    q = Q()
    for path in paths:
        q |= Q(owner_org__path__startswith=path)
    return Contest.objects.filter(q)


def contests_for_teacher(user: User) -> list[Contest]:
    """Published contests open to some class this teacher teaches (for their results pages)."""
    scope = scope_for(user)
    ancestor_ids: set[int] = set()
    for m in scope.memberships:
        if m.role == Role.TEACHER and m.org_id:
            ancestor_ids.update(m.org.ancestor_ids())
    if not ancestor_ids:
        return []
    qs = (
        Contest.objects.filter(status=ContestStatus.PUBLISHED)
        .filter(Q(audience_orgs__in=ancestor_ids) | Q(audience_orgs__isnull=True, owner_org__in=ancestor_ids))
        .distinct()
        .order_by("-opens_at", "-id")
    )
    return list(qs[:200])


def contest_visible_to(*, user: User, contest: Contest) -> bool:
    """Students in the audience, and organisers/teachers whose scope overlaps the owner region."""
    scope = scope_for(user)
    if scope.is_admin or scope.manages(contest.owner_org):
        return True
    if (
        contest.status == ContestStatus.PUBLISHED
        and scope.has_role(Role.STUDENT)
        and student_eligibility(contest=contest, klass=scope.student_class) is None
    ):
        return True
    paths = scope.org_paths(Role.ORGANISER, Role.TEACHER)
    return any(p.startswith(contest.owner_org.path) for p in paths)


def attempts_left(*, contest: Contest, user: User) -> int | None:
    if not contest.attempts_allowed:
        return None
    used = Attempt.objects.filter(contest=contest, user=user).count()
    return max(0, contest.attempts_allowed - used)


# --- what the client may see of an attempt -----------------------------------------------------


def score_visible(attempt: Attempt, now: datetime | None = None) -> bool:
    if attempt.state != AttemptState.FINALISED:
        return False
    now = now or timezone.now()
    return attempt.contest.score_policy == ScorePolicy.IMMEDIATELY or now >= attempt.contest.closes_at


def review_visible(attempt: Attempt, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if not score_visible(attempt, now):
        return False
    policy = attempt.contest.review_policy
    return policy == ReviewPolicy.IMMEDIATELY or (
        policy == ReviewPolicy.AFTER_CLOSE and now >= attempt.contest.closes_at
    )


def attempt_items(attempt: Attempt) -> list:
    return list(attempt.items.select_related("revision").order_by("position"))


def question_public(item) -> dict:
    """What a student sees of a question before finalisation: never the key or the explanation."""
    revision = item.revision
    return {
        "id": revision.pk,
        "type": revision.qtype,
        "stem": revision.stem,
        "options": display_options(revision, item.option_order),
        "blanks": revision.blank_count,
    }


def correct_answer_display(item):
    revision = item.revision
    if revision.qtype in CHOICE_TYPES:
        return to_display_keys(revision.answer, item.option_order)
    return revision.answer


def attempt_payload(attempt: Attempt, now: datetime | None = None, *, items: list | None = None) -> dict:
    """The attempt as clients see it. Score and review appear only when the results policy allows."""
    now = now or timezone.now()
    items = items if items is not None else attempt_items(attempt)
    data = {
        "id": attempt.pk,
        "contest_id": attempt.contest_id,
        "state": "active" if attempt.is_active else "finalised",
        "deadline": attempt.deadline,
        "remaining_s": attempt.remaining_s(now),
        "questions": [question_public(i) for i in items],
        "answers": {str(i.revision_id): i.answer for i in items if i.answer is not None},
        "result": None,
        "review": None,
    }
    if score_visible(attempt, now):
        data["result"] = {
            "score": float(attempt.score),
            "max_score": float(attempt.max_score),
            "time_used_s": attempt.time_used_s,
            "finished_at": attempt.finished_at,
            "finish_reason": attempt.finish_reason,
        }
    if review_visible(attempt, now):
        data["review"] = [
            {
                "question_id": i.revision_id,
                "your_answer": i.answer,
                "correct_answer": correct_answer_display(i),
                "explanation": i.revision.explanation,
                "points": float(i.points),
                "score": float(i.score or 0),
            }
            for i in items
        ]
    return data


# --- leaderboards ------------------------------------------------------------------------------


def org_labels(class_ids) -> dict[int, tuple[str, str]]:
    """class id → (school name, district name), in two queries."""
    classes = list(Organization.objects.filter(pk__in=set(class_ids)).only("pk", "path"))
    ancestor_ids = {a for c in classes for a in c.ancestor_ids()}
    ancestors = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in=ancestor_ids, kind__in=[OrgKind.SCHOOL, OrgKind.STATION, OrgKind.DISTRICT]
        )
    }
    labels = {}
    for c in classes:
        school = district = ""
        for a in c.ancestor_ids():
            org = ancestors.get(a)
            if org is None:
                continue
            if org.kind == OrgKind.DISTRICT:
                district = org.name
            else:
                school = org.name
        labels[c.pk] = (school, district)
    return labels


def leaderboard_frozen(contest: Contest, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if not contest.freeze_minutes:
        return False
    return contest.closes_at - timedelta(minutes=contest.freeze_minutes) <= now < contest.closes_at


def counted_attempts(contest: Contest) -> QuerySet[Attempt]:
    return Attempt.objects.filter(contest=contest, counts=True, state=AttemptState.FINALISED)


def leaderboard_page(*, contest: Contest, scope: str = "individual", limit: int = 50, user: User | None = None) -> dict:
    """{version, frozen, entries: [{rank, name, school, district, score, time_used_s}], me}.
    Individual entries follow ranking.DB_ORDERING; school/district entries rank by average score, then
    average time. While frozen, public entries only include attempts finished before the freeze."""
    now = timezone.now()
    frozen = leaderboard_frozen(contest, now)
    qs = counted_attempts(contest)
    # grows with every finalised attempt, so a client can tell the board may have moved
    version = Attempt.objects.filter(contest=contest, state=AttemptState.FINALISED).count()
    public = qs
    if frozen:
        public = qs.filter(finished_at__lt=contest.closes_at - timedelta(minutes=contest.freeze_minutes))
    limit = max(1, min(int(limit), 500))
    me = None
    if scope == "individual":
        rows = list(public.select_related("user").order_by(*DB_ORDERING)[:limit])
        labels = org_labels(r.class_org_id for r in rows)
        entries = []
        for rank, row in enumerate(rows, start=1):
            school, district = labels.get(row.class_org_id, ("", ""))
            entries.append(
                {
                    "rank": rank,
                    "name": row.user.display_name,
                    "school": school,
                    "district": district,
                    "score": float(row.score),
                    "time_used_s": row.time_used_s,
                }
            )
        if user is not None and user.is_authenticated:
            mine = qs.filter(user=user).first()
            if mine is not None:
                better = qs.filter(
                    Q(score__gt=mine.score)
                    | Q(score=mine.score, time_used_s__lt=mine.time_used_s)
                    | Q(score=mine.score, time_used_s=mine.time_used_s, finished_at__lt=mine.finished_at)
                    | Q(score=mine.score, time_used_s=mine.time_used_s, finished_at=mine.finished_at, pk__lt=mine.pk)
                ).count()
                school, district = org_labels([mine.class_org_id]).get(mine.class_org_id, ("", ""))
                me = {
                    "rank": better + 1,
                    "name": user.display_name,
                    "school": school,
                    "district": district,
                    "score": float(mine.score),
                    "time_used_s": mine.time_used_s,
                }
        return {"version": version, "frozen": frozen, "entries": entries, "me": me}

    rows = list(public.values_list("class_org_id", "score", "time_used_s"))
    labels = org_labels(r[0] for r in rows)
    groups: dict[tuple[str, str], list] = {}
    for class_id, score, used in rows:
        school, district = labels.get(class_id, ("", ""))
        key = (school, district) if scope == "school" else ("", district)
        groups.setdefault(key, []).append((score, used))
    aggregated = []
    for (school, district), values in groups.items():
        avg = (sum((v[0] for v in values), Decimal(0)) / len(values)).quantize(Decimal("0.01"))
        avg_time = int(sum(v[1] for v in values) / len(values))
        name = school if scope == "school" else district
        aggregated.append((avg, avg_time, name, school, district))
    aggregated.sort(key=lambda a: (-a[0], a[1], a[2]))
    entries = [
        {"rank": i, "name": a[2], "school": a[3], "district": a[4], "score": float(a[0]), "time_used_s": a[1]}
        for i, a in enumerate(aggregated[:limit], start=1)
    ]
    return {"version": version, "frozen": frozen, "entries": entries, "me": None}
