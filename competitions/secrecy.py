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

from questionbank.models import Topic
from questionbank.secrecy import Reservation, reservation_source, reservations, reserved_label
from questionbank.selectors import published_revisions

from .models import Contest, ContestKind, ContestStatus, FixedQuestion, PaperMode, PaperRule, ReviewPolicy


def contest_holder(contest: Contest | int) -> str:
    return f"competitions.contest:{getattr(contest, 'pk', contest)}"


def contest_reservation_until(contest: Contest) -> datetime | None:
    return None if contest.review_policy == ReviewPolicy.NEVER else contest.closes_at


def _descendants(topic_id: int, children: dict[int | None, list[int]]) -> set[int]:
    found, frontier = {topic_id}, [topic_id]
    while frontier:
        frontier = [c for t in frontier for c in children.get(t, ()) if c not in found]
        found.update(frontier)
    return found


def contests_question_ids(
    contests: list[Contest], *, now: datetime, question_ids: set[int] | None = None
) -> dict[int, set[int]]:
    """contest id → ids of the questions its paper can draw, in three queries however many contests
    and rules: fixed revisions, the topic tree, and one read of every rule's candidates."""
    drawn: dict[int, set[int]] = {c.pk: set() for c in contests}
    fixed = FixedQuestion.objects.filter(contest__in=[c for c in contests if c.paper_mode == PaperMode.FIXED])
    if question_ids is not None:
        fixed = fixed.filter(revision__question_id__in=question_ids)
    for contest_id, question_id in fixed.values_list("contest_id", "revision__question_id"):
        drawn[contest_id].add(question_id)
    rules = [(c, r) for c in contests if c.paper_mode == PaperMode.RULES for r in c.rules.all()]
    if not rules:
        return drawn
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    specs: dict[tuple[int, str], list[tuple[Contest, PaperRule]]] = {}
    wanted = Q()
    for contest, rule in rules:
        topic_ids = _descendants(rule.topic_id, children)
        for topic_id in topic_ids:
            specs.setdefault((topic_id, rule.qtype), []).append((contest, rule))
        match = Q(topic_id__in=topic_ids, qtype=rule.qtype)
        wanted |= match & Q(difficulty=rule.difficulty) if rule.difficulty else match
    # a page's few ids are matched in Python; the whole bank is narrowed by the rules in SQL first
    pool = published_revisions()
    pool = pool.filter(question_id__in=question_ids) if question_ids is not None else pool.filter(wanted)
    rows = pool.values_list("question_id", "topic_id", "qtype", "difficulty", "grade_bands", "question__created_at")
    for question_id, topic_id, qtype, difficulty, bands, created_at in rows:
        for contest, rule in specs.get((topic_id, qtype), ()):
            if (
                (not rule.difficulty or difficulty == rule.difficulty)
                and (not contest.grade_bands or set(contest.grade_bands) & set(bands or ()))
                # a closed contest (answers never published) could not have drawn later questions
                and (contest.closes_at > now or created_at < contest.closes_at)
            ):
                drawn[contest.pk].add(question_id)
    return drawn


@reservation_source
def formal_contest_reservations(*, now: datetime, question_ids: set[int] | None = None) -> Iterable[Reservation]:
    contests = list(
        Contest.objects.filter(kind=ContestKind.FORMAL, status=ContestStatus.PUBLISHED)
        .filter(Q(closes_at__gt=now) | Q(review_policy=ReviewPolicy.NEVER))
        .select_related("owner_org")
        .prefetch_related("rules")
    )
    drawn = contests_question_ids(contests, now=now, question_ids=question_ids)
    for contest in contests:
        until = contest_reservation_until(contest)
        holder = contest_holder(contest)
        for qid in sorted(drawn[contest.pk]):
            yield Reservation(qid, holder, contest.title, until, contest.owner_org)


def reserved_for_contest(contest: Contest, *, now: datetime | None = None) -> dict[int, list[Reservation]]:
    """Questions other contests reserve while `contest` could hand out their keys: a practice contest
    from its opening on (its students may see keys at once). Formal contests share freely: each of
    them keeps the keys secret itself."""
    if contest.kind != ContestKind.PRACTICE:
        return {}
    now = now or timezone.now()
    if contest.closes_at <= now:
        return {}
    # only the practice paper's own candidates matter: keeps attempt start off a whole-bank read
    own = contests_question_ids([contest], now=now)[contest.pk]
    found = reservations(now=now, question_ids=own, exclude_holder=contest_holder(contest))
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
