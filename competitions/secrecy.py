"""What formal contests reserve in the bank (questionbank.secrecy asks this through the registered
source), and the practice-paper checks built on it.

A published formal contest reserves every question its paper can draw — the fixed revisions, or each
rule's pool for the audience grade bands — until it closes; when its answers are never published
(review policy 不公布), for good. For a contest that has closed, only questions that existed before it
closed count, so a question written later is not swept into an old topic's reservation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from questionbank.secrecy import Reservation, reservation_source, reservations, reserved_label
from questionbank.selectors import published_revisions

from .models import Contest, ContestKind, ContestStatus, PaperMode, ReviewPolicy


def contest_holder(contest: Contest | int) -> str:
    return f"competitions.contest:{getattr(contest, 'pk', contest)}"


def contest_reservation_until(contest: Contest) -> datetime | None:
    return None if contest.review_policy == ReviewPolicy.NEVER else contest.closes_at


def contest_question_ids(contest: Contest, *, now: datetime, question_ids: set[int] | None = None) -> set[int]:
    """Ids of the questions `contest`'s paper can draw."""
    if contest.paper_mode == PaperMode.FIXED:
        ids = {fq.revision.question_id for fq in contest.fixed_questions.all()}
        return ids if question_ids is None else ids & question_ids
    ids: set[int] = set()
    bands = contest.grade_bands or [None]
    for rule in contest.rules.all():
        for band in bands:
            pool = published_revisions(
                topic_ids=[rule.topic_id], qtype=rule.qtype, difficulty=rule.difficulty or None, grade_band=band
            )
            if question_ids is not None:
                pool = pool.filter(question_id__in=question_ids)
            if contest.closes_at <= now:
                pool = pool.filter(question__created_at__lt=contest.closes_at)
            ids.update(pool.values_list("question_id", flat=True))
    return ids


@reservation_source
def formal_contest_reservations(*, now: datetime, question_ids: set[int] | None = None) -> Iterable[Reservation]:
    contests = (
        Contest.objects.filter(kind=ContestKind.FORMAL, status=ContestStatus.PUBLISHED)
        .filter(Q(closes_at__gt=now) | Q(review_policy=ReviewPolicy.NEVER))
        .select_related("owner_org")
        .prefetch_related("rules", "fixed_questions__revision")
    )
    for contest in contests:
        until = contest_reservation_until(contest)
        holder = contest_holder(contest)
        for qid in contest_question_ids(contest, now=now, question_ids=question_ids):
            yield Reservation(qid, holder, contest.title, until, contest.owner_org)


def reserved_for_contest(contest: Contest, *, now: datetime | None = None) -> dict[int, list[Reservation]]:
    """Questions other contests reserve while `contest` could hand out their keys: a practice contest
    from its opening on (its students may see keys at once). Formal contests share freely: each of
    them keeps the keys secret itself."""
    if contest.kind != ContestKind.PRACTICE:
        return {}
    now = now or timezone.now()
    found = reservations(now=now, exclude_holder=contest_holder(contest) if contest.pk else "")
    if contest.closes_at <= now:
        return {}
    start = max(now, contest.opens_at)
    live: dict[int, list[Reservation]] = {}
    for qid, found_for_q in found.items():
        still = [r for r in found_for_q if r.until is None or r.until > start]
        if still:
            live[qid] = still
    return live


def practice_fixed_overlap(contest: Contest, *, now: datetime | None = None) -> list[str]:
    """Why a practice contest's fixed paper may not be used: each reserved question, with the contest
    that holds it and until when. [] when nothing overlaps."""
    if contest.kind != ContestKind.PRACTICE or contest.paper_mode != PaperMode.FIXED:
        return []
    reserved = reserved_for_contest(contest, now=now)
    wanted = {fq.revision.question_id: fq.revision for fq in contest.fixed_questions.select_related("revision")}
    problems = []
    for qid in sorted(set(wanted) & set(reserved)):
        holders = "、".join(sorted({f"《{r.title}》" for r in reserved[qid]}))
        problems.append(
            _("第 %(id)s 题“%(stem)s”被正式竞赛%(holders)s保密使用（%(until)s），练习不能使用")
            % {
                "id": qid,
                "stem": wanted[qid].stem[:20],
                "holders": holders,
                "until": reserved_label(reserved[qid]),
            }
        )
    return problems
