"""Where the boards read the contest engine's tables. The rest of this app works on BoardRow /
ContestInfo, so a change in competitions.models is absorbed here (the one exception: rotating the
big-screen link, services.display_token_rotate, which writes through competitions.services).

The database is the source of truth: the boards are a projection of the finalised attempts that
count (`Attempt.counts`), and can be rebuilt from here at any time."""

from __future__ import annotations

import hmac
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.enrolment import enrolment_by_class
from accounts.models import Organization
from accounts.selectors import OrgIndex, scope_for, student_class
from competitions import rates
from competitions.models import Attempt, AttemptState, Contest, ContestStatus
from competitions.ranking import pick_counted

from .models import BoardState
from .store.base import BoardRow


@dataclass(frozen=True)
class ContestInfo:
    id: int
    title: str
    owner_org_id: int
    owner_path: str
    published: bool
    opens_at: datetime
    closes_at: datetime
    freeze_minutes: int
    display_token: str
    revealed_at: datetime | None

    @property
    def freeze_at(self) -> datetime | None:
        if not self.freeze_minutes:
            return None
        return self.closes_at - timedelta(minutes=self.freeze_minutes)

    def is_frozen(self, now: datetime | None = None) -> bool:
        """Public boards show the frozen state from freeze_at until the organiser reveals."""
        if self.freeze_at is None or self.revealed_at is not None:
            return False
        return (now or timezone.now()) >= self.freeze_at

    def display_token_matches(self, raw: str | None) -> bool:
        return bool(raw) and hmac.compare_digest(raw.encode(), self.display_token.encode())


def contest_info(contest_id: int) -> ContestInfo | None:
    contest = Contest.objects.select_related("owner_org").filter(pk=contest_id).first()
    if contest is None:
        return None
    state = BoardState.objects.filter(contest_id=contest_id).first()
    return ContestInfo(
        id=contest.pk,
        title=contest.title,
        owner_org_id=contest.owner_org_id,
        owner_path=contest.owner_org.path,
        published=contest.status == ContestStatus.PUBLISHED,
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        freeze_minutes=contest.freeze_minutes or 0,
        display_token=contest.display_token,
        revealed_at=state.revealed_at if state else None,
    )


# --- who may watch -----------------------------------------------------------------------------

LIVE_ACCESS = "live"  # organisers of the owning region and site admins: the real board, always
PUBLIC_ACCESS = "public"  # participants and staff of the region: the public (possibly frozen) board


def viewer_access(user, info: ContestInfo) -> str | None:
    """Organisers who manage the contest's region see the live board. Anyone else signed in whose
    organisation lies inside that region (students, teachers) — or above it (city-level staff) —
    sees the public board once the contest is published. Everyone else: no board."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scope = scope_for(user)
    if scope.is_admin or any(info.owner_path.startswith(p) for p in scope.managed_paths):
        return LIVE_ACCESS
    if not info.published:
        return None
    for m in scope.memberships:
        if m.org_id and (m.org.path.startswith(info.owner_path) or info.owner_path.startswith(m.org.path)):
            return PUBLIC_ACCESS
    return None


# --- rows --------------------------------------------------------------------------------------


def _row(attempt: Attempt, index: OrgIndex, excellence_percent: int) -> BoardRow:
    school, district = index.school_and_district(attempt.class_org.path if attempt.class_org_id else None)
    return BoardRow(
        attempt_id=attempt.pk,
        user_id=attempt.user_id,
        name=attempt.user.real_name or attempt.user.username,
        school_id=school[0] if school else None,
        school=school[1] if school else "",
        district_id=district[0] if district else None,
        district=district[1] if district else "",
        score=attempt.score,
        time_used_s=attempt.time_used_s,
        finished_at=attempt.finished_at,
        excellent=rates.is_excellent(attempt.score, attempt.max_score, excellence_percent),
    )


def _attempts(contest_id: int):
    return (
        Attempt.objects.filter(contest_id=contest_id, state=AttemptState.FINALISED, finished_at__isnull=False)
        .select_related("user", "class_org")
        .only(
            "id",
            "user_id",
            "user__real_name",
            "user__username",
            "class_org__path",
            "score",
            "max_score",
            "time_used_s",
            "finished_at",
            "number",
        )
    )


def _rules(contest_id: int) -> tuple[str | None, int]:
    """The contest's counting rule and its 优秀线 (competitions.rates.excellence_percent_of)."""
    contest = Contest.objects.filter(pk=contest_id).only("counting", "excellence_percent").first()
    if contest is None:
        return None, rates.default_excellence_percent()
    return contest.counting, rates.excellence_percent_of(contest)


def _picked_rows(attempts: list[Attempt], rules: tuple[str | None, int], freeze_at: datetime | None, index: OrgIndex):
    """The live rows and, when the contest has a freeze, the frozen rows, from one list of attempts and one
    counting rule (competitions.ranking.pick_counted): the two boards cannot disagree about which
    attempt counts; the frozen one only sees what had finished before the freeze."""
    counting, percent = rules
    live = [_row(a, index, percent) for a in pick_counted(attempts, counting).values()]
    if freeze_at is None:
        return live, None
    before = [a for a in attempts if a.finished_at < freeze_at]
    return live, [_row(a, index, percent) for a in pick_counted(before, counting).values()]


def board_rows(contest_id: int, freeze_at: datetime | None) -> tuple[list[BoardRow], list[BoardRow] | None]:
    """Every student's row on the live board and on the frozen board (None without a freeze), in one pass."""
    return _picked_rows(list(_attempts(contest_id)), _rules(contest_id), freeze_at, OrgIndex())


def user_rows(contest_id: int, user_id: int, freeze_at: datetime | None) -> tuple[BoardRow | None, BoardRow | None]:
    """One student's live and frozen rows (None where they have no counted attempt)."""
    attempts = list(_attempts(contest_id).filter(user_id=user_id))
    if not attempts:
        return None, None
    index = OrgIndex.for_paths([a.class_org.path for a in attempts if a.class_org_id])
    live, frozen = _picked_rows(attempts, _rules(contest_id), freeze_at, index)
    return (live[0] if live else None), (frozen[0] if frozen else None)


def attempt_finished_before(attempt_id: int, instant: datetime) -> bool:
    finished = Attempt.objects.filter(pk=attempt_id).values_list("finished_at", flat=True).first()
    return finished is not None and finished < instant


def user_id_of_attempt(attempt_id: int) -> int | None:
    return Attempt.objects.filter(pk=attempt_id).values_list("user_id", flat=True).first()


def enrolled_counts(contest_id: int) -> dict[int, int]:
    """Students of the contest's audience per school and per district (for the participation rate)."""
    contest = Contest.objects.select_related("owner_org").filter(pk=contest_id).first()
    if contest is None:
        return {}
    by_class = enrolment_by_class(contest)
    paths = dict(Organization.objects.filter(pk__in=list(by_class)).values_list("pk", "path"))
    per_class = Counter({paths[cid]: n for cid, n in by_class.items() if cid in paths})
    index = OrgIndex()
    counts: Counter = Counter()
    for path, n in per_class.items():
        school, district = index.school_and_district(path)
        if school:
            counts[school[0]] += n
        if district:
            counts[district[0]] += n
    return dict(counts)


def viewer_orgs(user) -> tuple[int | None, int | None]:
    """(school id, district id) of a student's class, for "my school / my district" on the boards."""
    klass = student_class(user)
    if klass is None:
        return None, None
    school, district = OrgIndex.for_paths([klass.path]).school_and_district(klass.path)
    return (school[0] if school else None), (district[0] if district else None)
