"""在册学生: how many students a contest's audience holds, per class. The one function every report,
export, leaderboard and certificate rule asks (competitions.reports, results.statistics,
leaderboards.source).

While a contest is open the count is live (today's roster). Once it has closed, the first read (or the
deadline sweep, `enrolment_snapshot_closed`) freezes the counts in an `EnrolmentSnapshot`, and every
later read returns the frozen numbers: importing students next week does not change last week's 参与率."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from .models import EnrolmentSnapshot, GradeBand, Membership, OrgKind, Role, grade_band_for
from .selectors import under_paths_q


def audience_roots(contest) -> list:
    """The organisations a contest (any kind with `owner_org`, optionally `audience_orgs`) is open to:
    its audience nodes if it has any, else its owner's region."""
    audience = getattr(contest, "audience_orgs", None)
    roots = list(audience.all()) if audience is not None else []
    return roots or [contest.owner_org]


def audience_paths(contest) -> list[str]:
    """Org paths of the contest's audience (see audience_roots)."""
    return [root.path for root in audience_roots(contest)]


def _grades(bands: list[str]) -> list[int]:
    return [g for g in range(1, 13) if grade_band_for(g) in set(bands) & set(GradeBand.values)]


def enrolled_by_class(paths: list[str], bands: list[str]) -> dict[int, int]:
    """class id → students of today's roster under `paths`, in the grade bands (all when empty). One query.
    The denominator of every 参与率: contests (through `enrolment_by_class`) and readings alike."""
    qs = Membership.objects.filter(under_paths_q(paths, "org"), role=Role.STUDENT, org__kind=OrgKind.CLASS)
    if bands:
        qs = qs.filter(org__grade__in=_grades(bands))
    # one student membership per user (a database constraint), so counting rows counts students
    return dict(qs.values_list("org_id").annotate(n=Count("id")).order_by())


def live_enrolment(contest) -> dict[int, int]:
    """class id → students of today's roster in the contest's audience (and grade bands)."""
    return enrolled_by_class(audience_paths(contest), contest.grade_bands or [])


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
