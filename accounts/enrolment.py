"""在册学生: how many students a contest's audience holds, per class. The one function every report,
export, leaderboard and certificate rule asks (competitions.reports, results.statistics,
leaderboards.source).

While a contest is open the count is live (today's roster). Once it has closed, the first read (or the
deadline sweep, `enrolment_snapshot_closed`) freezes the counts in an `EnrolmentSnapshot`, and every
later read returns the frozen numbers: importing students next week does not change last week's 参与率."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import EnrolmentSnapshot, GradeBand, Membership, OrgKind, Role, grade_band_for


def audience_paths(contest) -> list[str]:
    """Org paths of the contest's audience: its audience nodes if it has any, else its owner's region."""
    audience = getattr(contest, "audience_orgs", None)
    paths = [o.path for o in audience.all()] if audience is not None else []
    return paths or [contest.owner_org.path]


def _grades(bands: list[str]) -> list[int]:
    return [g for g in range(1, 13) if grade_band_for(g) in set(bands) & set(GradeBand.values)]


def live_enrolment(contest) -> dict[int, int]:
    """class id → students of today's roster in the contest's audience (and grade bands). One query."""
    q = Q(pk__in=[])
    for path in audience_paths(contest):
        q |= Q(org__path__startswith=path)
    qs = Membership.objects.filter(q, role=Role.STUDENT, org__kind=OrgKind.CLASS)
    if contest.grade_bands:
        qs = qs.filter(org__grade__in=_grades(contest.grade_bands))
    # one student membership per user (a database constraint), so counting rows counts students
    return dict(qs.values_list("org_id").annotate(n=Count("id")).order_by())


def enrolment_snapshot_take(*, contest, now=None) -> EnrolmentSnapshot:
    """Freeze the contest's enrolment (idempotent: an existing snapshot is kept as it is)."""
    ct = ContentType.objects.get_for_model(contest)
    existing = EnrolmentSnapshot.objects.filter(content_type=ct, object_id=contest.pk).first()
    if existing is not None:
        return existing
    counts = {str(k): v for k, v in live_enrolment(contest).items()}
    try:
        with transaction.atomic():
            return EnrolmentSnapshot.objects.create(
                content_type=ct, object_id=contest.pk, counts=counts, taken_at=now or timezone.now()
            )
    except IntegrityError:  # another request took it first; theirs is as good
        return EnrolmentSnapshot.objects.get(content_type=ct, object_id=contest.pk)


def enrolment_by_class(contest, *, now=None) -> dict[int, int]:
    """class id → 在册学生 of the contest's audience: frozen once the contest has closed, live before."""
    now = now or timezone.now()
    if now < contest.closes_at:
        return live_enrolment(contest)
    snapshot = enrolment_snapshot_take(contest=contest, now=now)
    return {int(k): v for k, v in snapshot.counts.items()}


def enrolment_snapshot_closed(contests, *, now=None) -> int:
    """Snapshot every closed contest of `contests` that has none yet (run by the deadline sweep, so the
    freeze happens at closing time even if nobody looks at the figures). Returns how many were taken."""
    now = now or timezone.now()
    taken = 0
    for contest in contests:
        if contest.closes_at > now:
            continue
        ct = ContentType.objects.get_for_model(contest)
        if not EnrolmentSnapshot.objects.filter(content_type=ct, object_id=contest.pk).exists():
            enrolment_snapshot_take(contest=contest, now=now)
            taken += 1
    return taken
