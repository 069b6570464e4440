"""Reading progress and the engaged-time rules, and the quiz.

Engaged time is measured by the page (visible and recently active, capped per save interval) and
validated here: a save may add no more than the wall time since the previous save plus a little slack,
and never more than one capped interval. So a page left open and saved once hours later counts one
interval at most, and a client that lies about time cannot run faster than the clock."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from questionbank.answers import MalformedAnswer, score_fraction, validate_answer_shape

from .. import conf, errors, selectors
from ..models import Progress, QuizAttempt, Reading


def engaged_increment(*, claimed_s: float, last_saved_at: datetime | None, now: datetime) -> int:
    """Seconds a save may add: min(claimed, wall time since the last save + slack, cap). A first save has
    no previous time and is held to the cap alone."""
    cap = conf.get("READING_SAVE_CAP_S")
    allowed = cap
    if last_saved_at is not None:
        wall = max(0.0, (now - last_saved_at).total_seconds())
        allowed = min(cap, wall + conf.get("READING_SAVE_SLACK_S"))
    return int(max(0, min(claimed_s, allowed)))


def plausible_read_s(reading: Reading) -> int:
    return math.ceil(reading.reading_minutes * 60 * conf.get("READING_READ_MIN_FRACTION"))


def is_read(progress: Progress, reading: Reading) -> bool:
    """Marked read: most of the text seen (furthest position) for a plausible engaged time."""
    return progress.max_position >= conf.get("READING_READ_MIN_POSITION") and progress.engaged_s >= plausible_read_s(
        reading
    )


def _check_numbers(position, engaged_s) -> tuple[float, float]:
    try:
        position, engaged_s = float(position), float(engaged_s)
    except (TypeError, ValueError) as exc:
        raise errors.BadProgress() from exc
    if not (math.isfinite(position) and math.isfinite(engaged_s)) or not 0 <= position <= 1 or engaged_s < 0:
        raise errors.BadProgress()
    return position, engaged_s


def progress_save(*, user: User, reading_id: int, position, engaged_s, now: datetime | None = None) -> Progress:
    """Record one save: `position` (0..1 of the text), `engaged_s` (seconds engaged since the previous
    save, as the page measured). The row is locked for the update, so concurrent saves from two tabs
    are applied one after the other against the right `last_saved_at`."""
    now = now or timezone.now()
    position, claimed = _check_numbers(position, engaged_s)
    reading, klass = selectors.reading_for_student(user=user, reading_id=reading_id, now=now)
    with transaction.atomic():
        progress = Progress.objects.select_for_update().filter(reading=reading, user=user).first()
        if progress is None:
            try:
                with transaction.atomic():
                    progress = Progress.objects.create(
                        reading=reading, user=user, class_org=klass, started_at=now, last_saved_at=now
                    )
                first = True
            except IntegrityError:  # a concurrent first save won; lock its row
                progress = Progress.objects.select_for_update().get(reading=reading, user=user)
                first = False
        else:
            first = False
        added = engaged_increment(claimed_s=claimed, last_saved_at=None if first else progress.last_saved_at, now=now)
        progress.position = position
        progress.max_position = max(progress.max_position, position)
        progress.engaged_s += added
        progress.saves += 1
        progress.last_saved_at = max(progress.last_saved_at, now)
        fields = ["position", "max_position", "engaged_s", "saves", "last_saved_at"]
        if progress.read_at is None and is_read(progress, reading):
            progress.read_at = now
            fields.append("read_at")
        progress.save(update_fields=fields)
    return progress


# --- quiz -----------------------------------------------------------------------------------------


def _answer_for(revision, raw: dict):
    answer = raw.get(str(revision.pk))
    if answer is None:
        return None
    try:
        validate_answer_shape(
            qtype=revision.qtype, options=revision.options, blank_count=revision.blank_count, answer=answer
        )
    except MalformedAnswer as exc:
        raise errors.BadAnswers(f"{errors.BadAnswers.default_message}{exc}") from exc
    return answer


def quiz_submit(*, user: User, reading_id: int, answers: dict, now: datetime | None = None) -> tuple[QuizAttempt, list]:
    """Score a quiz attempt at once (one point per question, the bank's answer checking). Retakes are
    allowed; the best percentage is kept and the reading completes when it reaches the pass line.
    Returns the attempt and the review (answer key and explanation per question)."""
    now = now or timezone.now()
    if not isinstance(answers, dict):
        raise errors.BadAnswers()
    reading, _klass = selectors.reading_for_student(user=user, reading_id=reading_id, now=now)
    links = selectors.quiz_questions(reading)
    checked = [(link.revision, _answer_for(link.revision, answers)) for link in links]
    with transaction.atomic():
        progress = Progress.objects.select_for_update().filter(reading=reading, user=user).first()
        if progress is None or progress.read_at is None:
            raise errors.QuizNotOpen()
        review, score = [], Decimal(0)
        for revision, answer in checked:
            fraction = score_fraction(qtype=revision.qtype, key=revision.answer, answer=answer)
            score += fraction
            review.append({"revision": revision, "answer": answer, "correct": fraction == 1})
        max_score = Decimal(len(checked))
        percent = int((score * 100 / max_score).to_integral_value()) if max_score else 0
        attempt = QuizAttempt.objects.create(
            reading=reading,
            user=user,
            answers={str(r.pk): a for r, a in checked if a is not None},
            score=score,
            max_score=max_score,
            percent=percent,
            created_at=now,
        )
        progress.quiz_attempts += 1
        progress.best_percent = max(progress.best_percent or 0, percent)
        if progress.completed_at is None and progress.best_percent >= reading.pass_percent:
            progress.completed_at = now
        progress.save(update_fields=["quiz_attempts", "best_percent", "completed_at"])
    return attempt, review
