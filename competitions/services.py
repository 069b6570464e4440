"""Every write of the contest engine: publishing, starting, autosaving, submitting, finalising.

Time is passed in as `now` (defaults to the server clock) so the deadline rule is testable at the
boundary. Answers are accepted while now < deadline; at or after it they are refused and not stored."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from accounts.selectors import scope_for
from core.events import call_on_commit, send_on_commit
from questionbank.answers import MalformedAnswer as ShapeError
from questionbank.answers import score_fraction, validate_answer_shape

from . import errors
from .attempt_insert_pg import insert_attempt_with_items
from .models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Contest,
    ContestStatus,
    FinishReason,
    FixedQuestion,
    PaperMode,
    new_display_token,
)
from .paper import CHOICE_TYPES, LETTERS, paper_draw, paper_shortfalls, to_original_keys
from .ranking import pick_counted
from .secrecy import practice_fixed_overlap
from .selectors import student_class, student_eligibility
from .signals import attempt_scored, contest_changed

# --- contests ----------------------------------------------------------------------------------


def contest_check_manage(*, actor: User, contest: Contest) -> None:
    if not scope_for(actor).manages(contest.owner_org):
        raise errors.NotAllowed("只有主办单位所在地区的组织者可以管理此竞赛。")


def contest_check_secrecy(*, contest: Contest, verb: str) -> None:
    """A practice paper may not hold questions a formal contest keeps secret while the practice is
    open: refused, naming each such question, its contest and until when. (Rule pools simply leave
    reserved questions out; `paper_shortfalls` names them when a rule runs short.)"""
    overlap = practice_fixed_overlap(contest)
    if overlap:
        raise errors.QuestionsReserved(verb + "；".join(overlap))


def contest_save(*, actor: User, form, rule_formset) -> Contest:
    """Save a contest definition from validated forms (ContestForm + rule formset). Refused, with
    nothing written, when the actor does not manage the owner region or when the paper cannot be drawn
    from the bank for some audience grade band (the shortfall is named)."""
    with transaction.atomic():
        contest = form.save(commit=False)
        contest.time_limit_s = form.cleaned_data["time_limit_min"] * 60
        if contest.pk is None:
            contest.created_by = actor
        contest_check_manage(actor=actor, contest=contest)
        contest.save()
        form.save_m2m()
        rule_formset.instance = contest
        rule_formset.save()
        contest.fixed_questions.all().delete()
        if contest.paper_mode == PaperMode.FIXED:
            FixedQuestion.objects.bulk_create(
                FixedQuestion(
                    contest=contest,
                    revision_id=q.current_revision_id,
                    points=form.cleaned_data["fixed_points"],
                    order=i,
                )
                for i, q in enumerate(form.cleaned_data["fixed_question_ids"])
            )
        contest_check_secrecy(contest=contest, verb="无法保存：")
        problems = paper_shortfalls(contest)
        if problems:
            raise errors.PaperUnsatisfiable("无法保存：" + "；".join(problems))
    return contest


def contest_update_published(*, actor: User, form) -> Contest:
    """Save the fields a published contest may still change (PublishedContestForm) and tell
    listeners (leaderboards read freeze_minutes) after commit."""
    contest = form.instance
    contest_check_manage(actor=actor, contest=contest)
    with transaction.atomic():
        contest = form.save()
        send_on_commit(contest_changed, sender=Contest, contest_id=contest.pk)
    return contest


def contest_publish(*, actor: User, contest: Contest) -> Contest:
    """Publish after checking the paper can be drawn for every audience grade band."""
    contest_check_manage(actor=actor, contest=contest)
    contest_check_secrecy(contest=contest, verb="无法发布：")
    problems = paper_shortfalls(contest)
    if problems:
        raise errors.PaperUnsatisfiable("无法发布：" + "；".join(problems))
    contest.status = ContestStatus.PUBLISHED
    contest.save(update_fields=["status", "updated_at"])
    send_on_commit(contest_changed, sender=Contest, contest_id=contest.pk)
    return contest


def contest_unpublish(*, actor: User, contest: Contest) -> Contest:
    contest_check_manage(actor=actor, contest=contest)
    if contest.attempts.exists():
        raise errors.ContestInvalid("已有学生答题，不能撤回发布。")
    contest.status = ContestStatus.DRAFT
    contest.save(update_fields=["status", "updated_at"])
    send_on_commit(contest_changed, sender=Contest, contest_id=contest.pk)
    return contest


def contest_rotate_display_token(*, actor: User, contest: Contest) -> str:
    contest_check_manage(actor=actor, contest=contest)
    contest.display_token = new_display_token()
    contest.save(update_fields=["display_token", "updated_at"])
    send_on_commit(contest_changed, sender=Contest, contest_id=contest.pk)
    return contest.display_token


# --- attempts ----------------------------------------------------------------------------------


def attempt_start(*, user: User, contest_id: int, now: datetime | None = None) -> tuple[Attempt, bool]:
    """The student's active attempt, creating it (paper frozen) if there is none. Returns (attempt,
    created). Two concurrent calls get the same attempt: the partial unique index on active attempts
    lets only one insert win, and the loser returns the winner's row."""
    now = now or timezone.now()
    contest = Contest.objects.select_related("owner_org").filter(pk=contest_id, status=ContestStatus.PUBLISHED).first()
    if contest is None:
        raise errors.ContestNotFound()
    klass = student_class(user)
    reason = student_eligibility(contest=contest, klass=klass)
    if reason:
        raise errors.NotEligible(reason)

    # one read gives both the active attempt and how many were used
    mine = list(Attempt.objects.filter(contest=contest, user=user).order_by("number"))
    active = next((a for a in mine if a.state == AttemptState.ACTIVE), None)
    if active is not None:
        if now < active.deadline:
            return active, False
        attempt_finalize(attempt_id=active.pk, reason=FinishReason.TIMEOUT, now=now)

    status = contest.window_status(now)
    if status == "upcoming":
        raise errors.ContestNotOpen("竞赛尚未开始。")
    if status == "closed":
        raise errors.ContestNotOpen("竞赛已结束。")
    used = len(mine)
    if contest.attempts_allowed and used >= contest.attempts_allowed:
        # A concurrent start (another tab) may have just created the attempt this request should join.
        racing = Attempt.objects.filter(contest=contest, user=user, state=AttemptState.ACTIVE).first()
        if racing is not None:
            return racing, False
        raise errors.NoAttemptsLeft()

    seed = secrets.randbits(62)
    slots = paper_draw(contest=contest, grade_band=klass.grade_band, seed=seed)
    deadline = min(now + timedelta(seconds=contest.time_limit_s), contest.closes_at)
    attempt = Attempt(
        contest=contest,
        user=user,
        number=used + 1,
        class_org=klass,
        grade_band=klass.grade_band or "",
        seed=seed,
        started_at=now,
        deadline=deadline,
        max_score=sum((s.points for s in slots), Decimal(0)),
    )
    items = [
        AttemptItem(revision=slot.revision, position=i, option_order=slot.option_order, points=slot.points)
        for i, slot in enumerate(slots, start=1)
    ]
    try:
        if connection.vendor == "postgresql":
            insert_attempt_with_items(attempt, items)  # one statement instead of four round trips
        else:
            with transaction.atomic():
                attempt.save(force_insert=True)
                for item in items:
                    item.attempt = attempt
                AttemptItem.objects.bulk_create(items)
    except IntegrityError:
        existing = Attempt.objects.filter(contest=contest, user=user, state=AttemptState.ACTIVE).first()
        if existing is None:
            raise
        return existing, False
    call_on_commit(lambda: schedule_deadline_finalisation(attempt=attempt))
    return attempt, True


def attempt_for_user(*, user: User, attempt_id: int, now: datetime | None = None) -> Attempt:
    """The user's own attempt, finalised first if its deadline has passed (finalisation on access)."""
    attempt = Attempt.objects.select_related("contest").filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise errors.AttemptNotFound()
    now = now or timezone.now()
    if attempt.is_active and now >= attempt.deadline:
        attempt = attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.TIMEOUT, now=now)
    return attempt


def answer_shape_check(*, qtype: str, option_count: int, blank_count: int, answer) -> None:
    """MalformedAnswer unless `answer` fits the question (also the answer fast path's check)."""
    options = [{"key": LETTERS[i]} for i in range(option_count)]
    try:
        validate_answer_shape(qtype=qtype, options=options, blank_count=blank_count, answer=answer)
    except ShapeError as exc:
        raise errors.MalformedAnswer(str(exc)) from exc


def answer_check_shape(*, item: AttemptItem, answer) -> None:
    revision = item.revision
    answer_shape_check(
        qtype=revision.qtype, option_count=len(item.option_order), blank_count=revision.blank_count, answer=answer
    )


def answer_save(*, user: User, attempt_id: int, question_id: int, answer, now: datetime | None = None) -> int:
    """Store one answer (idempotent: the same PUT twice leaves the same row). Returns remaining seconds.
    Once this returns, the answer is committed. The attempt row is locked for the write so a concurrent
    finalisation either sees this answer or makes it fail."""
    now = now or timezone.now()
    attempt = Attempt.objects.filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise errors.AttemptNotFound()
    item = AttemptItem.objects.select_related("revision").filter(attempt=attempt, revision_id=question_id).first()
    if item is None:
        raise errors.QuestionNotInPaper()
    if not attempt.is_active:
        raise errors.AttemptFinished()
    if now >= attempt.deadline:
        attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.TIMEOUT, now=now)
        raise errors.DeadlinePassed()
    answer_check_shape(item=item, answer=answer)
    with transaction.atomic():
        still_open = list(
            Attempt.objects.select_for_update()
            .filter(pk=attempt.pk, state=AttemptState.ACTIVE, deadline__gt=now)
            .values_list("pk", flat=True)
        )
        if not still_open:
            raise errors.AttemptFinished()
        AttemptItem.objects.filter(pk=item.pk).update(answer=answer, saved_at=now)
    return attempt.remaining_s(now)


def attempt_submit(*, user: User, attempt_id: int, now: datetime | None = None) -> Attempt:
    now = now or timezone.now()
    attempt = attempt_for_user(user=user, attempt_id=attempt_id, now=now)
    if not attempt.is_active:
        return attempt
    return attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.SUBMITTED, now=now)


def item_score(*, item: AttemptItem, partial_credit: bool) -> Decimal:
    revision = item.revision
    answer = item.answer
    if answer is not None and revision.qtype in CHOICE_TYPES:
        try:
            answer = to_original_keys(answer, item.option_order)
        except (ValueError, IndexError, TypeError):
            answer = None
    fraction = score_fraction(qtype=revision.qtype, key=revision.answer, answer=answer, partial_credit=partial_credit)
    return (item.points * fraction).quantize(Decimal("0.01"))


def attempt_finalize(*, attempt_id: int, reason: str, now: datetime | None = None) -> Attempt:
    """Score the attempt from its saved answers and close it. Idempotent; safe to call from the sweep,
    on access and on submit at once (the row lock serialises them). Sends `attempt_scored` after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.state != AttemptState.ACTIVE:
            return Attempt.objects.select_related("contest").get(pk=attempt_id)
        contest = Contest.objects.get(pk=attempt.contest_id)
        finished_at = min(now, attempt.deadline)
        if finished_at >= attempt.deadline:
            reason = FinishReason.TIMEOUT
        items = list(attempt.items.select_related("revision"))
        total = Decimal(0)
        for item in items:
            item.score = item_score(item=item, partial_credit=contest.partial_credit)
            total += item.score
        AttemptItem.objects.bulk_update(items, ["score"])
        attempt.state = AttemptState.FINALISED
        attempt.finished_at = finished_at
        attempt.finish_reason = reason
        attempt.score = total
        attempt.time_used_s = max(0, int((finished_at - attempt.started_at).total_seconds()))
        attempt.save(update_fields=["state", "finished_at", "finish_reason", "score", "time_used_s"])
        attempt_recount(contest=contest, user_id=attempt.user_id)
        send_on_commit(
            attempt_scored, sender=Attempt, contest_id=contest.pk, attempt_id=attempt.pk, user_id=attempt.user_id
        )
    attempt.contest = contest
    attempt.counts = Attempt.objects.filter(pk=attempt.pk).values_list("counts", flat=True).get()
    return attempt


def attempt_recount(*, contest: Contest, user_id: int) -> None:
    """Mark the one finalised attempt that counts for this student (best / last / first).
    Caller is inside a transaction."""
    done = Attempt.objects.filter(contest=contest, user_id=user_id, state=AttemptState.FINALISED)
    chosen = pick_counted(
        done.only("id", "user_id", "number", "score", "time_used_s", "finished_at", "counts"), contest.counting
    ).get(user_id)
    if chosen is None:
        return
    done.exclude(pk=chosen.pk).filter(counts=True).update(counts=False)
    if not chosen.counts:
        Attempt.objects.filter(pk=chosen.pk).update(counts=True)


def attempts_finalize_expired(*, now: datetime | None = None, limit: int = 5000) -> int:
    """The periodic sweep: finalise every active attempt whose deadline has passed. Returns how many."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(state=AttemptState.ACTIVE, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        attempt_finalize(attempt_id=pk, reason=FinishReason.TIMEOUT, now=now)
    return len(ids)


def contests_snapshot_enrolment(*, now=None, days: int = 30) -> int:
    """Freeze 在册学生 of every contest that closed in the last `days` days and has no snapshot yet
    (part of the deadline sweep, so figures stop following the roster at closing time)."""
    from accounts.enrolment import enrolment_snapshot_closed

    now = now or timezone.now()
    recent = Contest.objects.filter(closes_at__lte=now, closes_at__gte=now - timedelta(days=days))
    return enrolment_snapshot_closed(recent.select_related("owner_org").prefetch_related("audience_orgs"), now=now)


# --- background work (django-tasks). Defined next to the services they run so services never import
# `tasks` back; competitions/tasks.py re-exports them under the path the worker and queued rows use.


@task()
def finalize_expired_attempts() -> int:
    count = attempts_finalize_expired()
    contests_snapshot_enrolment()
    return count


@task()
def finalize_attempt_at_deadline(attempt_id: int) -> bool:
    attempt = Attempt.objects.filter(pk=attempt_id, state=AttemptState.ACTIVE).first()
    if attempt is None or timezone.now() < attempt.deadline:
        return False  # already finalised, or woken early (the sweep covers it)
    attempt_finalize(attempt_id=attempt.pk, reason=FinishReason.TIMEOUT)
    return True


def schedule_deadline_finalisation(*, attempt: Attempt) -> bool:
    """Enqueue the deadline task if the configured backend can defer; the sweep covers the rest."""
    if not finalize_attempt_at_deadline.get_backend().supports_defer:
        return False
    finalize_attempt_at_deadline.using(run_after=attempt.deadline + timedelta(seconds=1)).enqueue(attempt_id=attempt.pk)
    return True
