"""Contests and scored attempts for leaderboard tests, written straight to the database the way the
contest engine leaves them (finalised attempt, `counts` on the best one, attempt_scored after commit)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from competitions.models import Attempt, AttemptState, Contest, ContestStatus, FinishReason
from competitions.ranking import DB_ORDERING
from competitions.signals import attempt_scored


def make_contest(owner_org, **kw) -> Contest:
    now = timezone.now()
    defaults = {
        "title": "南通市青少年安全知识竞赛",
        "owner_org": owner_org,
        "status": ContestStatus.PUBLISHED,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(hours=1),
        "time_limit_s": 1800,
        "attempts_allowed": 0,
    }
    defaults.update(kw)
    return Contest.objects.create(**defaults)


def finish_attempt(contest: Contest, user, *, score, time_used_s: int, finished_at=None, send=True) -> Attempt:
    """A finalised attempt of `user`; marks their best attempt as counting and announces it after commit."""
    finished_at = finished_at or timezone.now()
    membership = Membership.objects.filter(user=user, role=Role.STUDENT).select_related("org").first()
    with transaction.atomic():
        number = Attempt.objects.filter(contest=contest, user=user).count() + 1
        attempt = Attempt.objects.create(
            contest=contest,
            user=user,
            number=number,
            state=AttemptState.FINALISED,
            class_org=membership.org if membership else None,
            seed=number,
            started_at=finished_at - timedelta(seconds=time_used_s),
            deadline=finished_at + timedelta(minutes=30),
            finished_at=finished_at,
            finish_reason=FinishReason.SUBMITTED,
            score=Decimal(str(score)),
            max_score=Decimal(100),
            time_used_s=time_used_s,
        )
        done = Attempt.objects.filter(contest=contest, user=user, state=AttemptState.FINALISED)
        best = done.order_by(*DB_ORDERING).first()
        done.exclude(pk=best.pk).update(counts=False)
        done.filter(pk=best.pk).update(counts=True)
        if send:
            cid, aid = contest.pk, attempt.pk
            transaction.on_commit(
                lambda: attempt_scored.send(sender=Attempt, contest_id=cid, attempt_id=aid, user_id=user.pk)
            )
    return attempt
