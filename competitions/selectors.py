"""Reads of the contest engine: who may take what, what a client may see of an attempt, counted attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.enrolment import audience_roots
from accounts.models import Organization, Role, User
from accounts.selectors import Scope, scope_for, student_class  # noqa: F401 (student_class re-exported)
from questionbank.models import QuestionRevision
from questionbank.secrecy import reservations, reserved_until

from .models import Attempt, AttemptState, Contest, ContestStatus, ReviewPolicy, ScorePolicy
from .paper import CHOICE_TYPES, display_options, options_relabelled, to_display_keys
from .secrecy import contest_holder

# --- who may take part -------------------------------------------------------------------------


def audience_reaches_q(ancestor_ids) -> Q:
    """Contests whose audience (accounts.enrolment.audience_roots: the audience nodes, else the owner's
    region) contains a node with these ancestor ids (the node itself included): the same rule as
    student_eligibility, in SQL."""
    return Q(audience_orgs__in=ancestor_ids) | Q(audience_orgs__isnull=True, owner_org__in=ancestor_ids)


def student_eligibility(*, contest: Contest, klass: Organization | None) -> str | None:
    """None when a student of `klass` may take the contest, else the reason (Chinese)."""
    if klass is None:
        return "只有学生账号可以参加竞赛。"
    if contest.grade_bands and klass.grade_band not in contest.grade_bands:
        return "本竞赛不面向您所在的学段。"
    roots = audience_roots(contest)
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
        .filter(audience_reaches_q(ancestors))
        .distinct()
        .order_by("-opens_at", "-id")
    )
    return [c for c in qs if not c.grade_bands or klass.grade_band in c.grade_bands]


def contests_open_for_student(user: User) -> list[Contest]:
    """Contests the student may take now (student home page)."""
    now = timezone.now()
    return [c for c in contests_for_student(user) if c.window_status(now) == "open"]


def contests_home_for_student(user: User, now: datetime | None = None) -> list[dict]:
    """The student's home list: contests open, upcoming or closed within the last 30 days, each with its
    window status and whether the student has handed in (done) or has an attempt running."""
    now = now or timezone.now()
    contests = [c for c in contests_for_student(user) if c.closes_at >= now - timedelta(days=30)]
    states: dict[int, set[str]] = {}
    for contest_id, state in Attempt.objects.filter(user=user, contest__in=contests).values_list("contest_id", "state"):
        states.setdefault(contest_id, set()).add(state)
    order = {"open": 0, "upcoming": 1, "closed": 2}
    rows = [
        {
            "contest": c,
            "status": c.window_status(now),
            "done": AttemptState.FINALISED in states.get(c.pk, set()),
            "in_progress": AttemptState.ACTIVE in states.get(c.pk, set()),
        }
        for c in contests
    ]
    return sorted(rows, key=lambda r: (order[r["status"]], r["contest"].closes_at))


def contests_managed_by(user: User) -> QuerySet[Contest]:
    return Contest.objects.filter(scope_for(user).orgs_q("owner_org", roles=(Role.ORGANISER,)))


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
        .filter(audience_reaches_q(ancestor_ids))
        .distinct()
        .order_by("-opens_at", "-id")
    )
    return list(qs[:200])


def contest_visible_to(*, user: User, contest: Contest, scope: Scope | None = None) -> bool:
    """Students in the audience, and organisers/teachers whose scope overlaps the owner region. Pages pass
    the request's scope (accounts.permissions.request_scope) so the memberships are read once."""
    scope = scope if scope is not None and scope.user is user else scope_for(user)
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


def attempts_left(*, contest: Contest, user: User, attempts: list[Attempt] | None = None) -> int | None:
    """`attempts`: the user's attempts at this contest when the caller has already read them."""
    if not contest.attempts_allowed:
        return None
    used = len(attempts) if attempts is not None else Attempt.objects.filter(contest=contest, user=user).count()
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


def active_paper(attempt: Attempt) -> tuple[list[dict], dict]:
    """(questions as question_public shows them, saved answers by question id) from one read of plain
    rows: a resync or page load builds no model objects. The key is read only to count blanks, as
    QuestionRevision.blank_count does."""
    rows = attempt.items.order_by("position").values_list(
        "revision_id", "option_order", "answer", "revision__qtype", "revision__stem", "revision__options",
        "revision__answer",
    )  # fmt: skip
    questions, answers = [], {}
    for revision_id, option_order, answer, qtype, stem, options, key in rows:
        questions.append(
            {
                "id": revision_id,
                "type": qtype,
                "stem": stem,
                "options": options_relabelled(options, option_order),
                "blanks": QuestionRevision(qtype=qtype, answer=key).blank_count,
            }
        )
        if answer is not None:
            answers[str(revision_id)] = answer
    return questions, answers


def correct_answer_display(item):
    revision = item.revision
    if revision.qtype in CHOICE_TYPES:
        return to_display_keys(revision.answer, item.option_order)
    return revision.answer


def _until(found) -> datetime | None:
    return reserved_until(found) if found else None


def attempt_payload(attempt: Attempt, now: datetime | None = None, *, items: list | None = None) -> dict:
    """The attempt as clients see it. Score and review appear only when the results policy allows."""
    now = now or timezone.now()
    if items is None and attempt.is_active:
        # the hot path (paper page, resync): no score or review can show, so read plain rows
        questions, answers = active_paper(attempt)
    else:
        items = items if items is not None else attempt_items(attempt)
        questions = [question_public(i) for i in items]
        answers = {str(i.revision_id): i.answer for i in items if i.answer is not None}
    data = {
        "id": attempt.pk,
        "contest_id": attempt.contest_id,
        "state": "active" if attempt.is_active else "finalised",
        "deadline": attempt.deadline,
        "remaining_s": attempt.remaining_s(now),
        "questions": questions,
        "answers": answers,
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
        # keys of questions another formal contest still keeps secret are withheld (null / "")
        held = reservations(
            now=now,
            question_ids={i.revision.question_id for i in items},
            exclude_holder=contest_holder(attempt.contest_id),
        )
        data["review"] = [
            {
                "question_id": i.revision_id,
                "your_answer": i.answer,
                "correct_answer": None if i.revision.question_id in held else correct_answer_display(i),
                "explanation": "" if i.revision.question_id in held else i.revision.explanation,
                "points": float(i.points),
                "score": float(i.score or 0),
                # extension: the key is withheld while another formal contest keeps the question
                # secret; until then (None: the holding contest never publishes its answers)
                "key_withheld": i.revision.question_id in held,
                "key_withheld_until": _until(held.get(i.revision.question_id)),
            }
            for i in items
        ]
    return data


# --- counted attempts ---------------------------------------------------------------------


def counted_attempts(contest: Contest) -> QuerySet[Attempt]:
    return Attempt.objects.filter(contest=contest, counts=True, state=AttemptState.FINALISED)
