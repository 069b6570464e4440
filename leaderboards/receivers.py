"""Signal receivers: the contest engine tells us, after commit, that an attempt was scored.

A board update can mean a full rebuild (first answer, Redis flushed): slow, and never the student's
business. Inside a fast-path request or from async code it runs after the response on
core.background's follow-up pool (which holds a reference to it and logs its failure); elsewhere
(the deadline sweep task, commands, plain sync code) inline, as the caller expects."""

import logging

from core.background import follow_up

log = logging.getLogger(__name__)


def _apply(contest_id: int, attempt_id: int) -> None:
    from .services import leaderboard_apply_attempt

    try:
        leaderboard_apply_attempt(contest_id=contest_id, attempt_id=attempt_id)
    except Exception:
        # The answer and score are already committed; a board that missed an update is repaired by the
        # next one or by a rebuild. Never fail the student's request because of the board.
        log.exception("leaderboard update failed for contest %s attempt %s", contest_id, attempt_id)


def on_attempt_scored(sender, *, contest_id: int, attempt_id: int, **kwargs) -> None:
    follow_up(_apply, contest_id, attempt_id)


def _contest_changed(contest_id: int) -> None:
    from .services import leaderboard_notify

    try:
        leaderboard_notify(contest_id=contest_id, kind="contest")
    except Exception:
        log.exception("leaderboard notify failed for contest %s", contest_id)


def on_contest_changed(sender, *, contest_id: int, **kwargs) -> None:
    follow_up(_contest_changed, contest_id)
