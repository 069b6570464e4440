"""What every organiser-side write of the judging app needs: the permission check and the audit log."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User

from ..models import JudgingLog, SubmissionContest
from ..selectors import can_manage_contest
from .errors import JudgingError


def _require_manager(actor: User, contest: SubmissionContest) -> None:
    if not can_manage_contest(actor, contest):
        raise JudgingError("forbidden", _("您无权管理该比赛。"), 403)


def log(contest: SubmissionContest, actor: User | None, action: str, **detail) -> None:
    JudgingLog.objects.create(contest=contest, actor=actor, action=action, detail=detail)
