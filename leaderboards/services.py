"""Writes to the boards. The database stays the source of truth: a board is rebuilt from it whenever its
keys are missing (first use, Redis restarted or flushed) and by `manage.py rebuild_leaderboard`."""

from __future__ import annotations

import json
import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import AppError
from core.events import call_on_commit

from . import source
from .local_hubs import notify_local
from .store import FROZEN, LIVE, get_store, notify_channel, redis_url

log = logging.getLogger(__name__)

REBUILD_LOCK_TTL_S = 60
REBUILD_WAIT_S = 30


class LeaderboardError(AppError):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message, code=code, status=status)


def leaderboard_rebuild(*, contest_id: int, variant: str = LIVE, wait: bool = True) -> int | None:
    """Replace the live board and, for a contest with a freeze, the frozen one with what the database
    says — both from one read of the attempts (source.board_rows), like DOMjudge's score cache computes the
    jury and public rows together, so they never disagree. While it runs, upserts from other processes
    are parked as "pending" and re-applied from the database afterwards, so none is lost or overwritten by
    the older snapshot. `variant` is the board the caller needs. Returns the live board's new version
    (None when another process holds the rebuild and `wait` is False)."""
    store = get_store()
    lock = f"rebuild:{contest_id}"
    if not store.try_lock(lock, REBUILD_LOCK_TTL_S):
        if not wait:
            return None
        deadline = time.monotonic() + REBUILD_WAIT_S
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if store.is_built(contest_id, variant):
                return None
            if store.try_lock(lock, REBUILD_LOCK_TTL_S):
                break
        else:
            raise LeaderboardError("rebuild_timeout", _("排行榜正在重建，请稍后再试。"), 503)
    try:
        info = source.contest_info(contest_id)
        freeze_at = info.freeze_at if info else None
        for board in (LIVE, FROZEN):
            store.unbuild(contest_id, board)
        live_rows, frozen_rows = source.board_rows(contest_id, freeze_at)
        enrolled = source.enrolled_counts(contest_id)
        version = store.replace(contest_id, live_rows, enrolled, LIVE)
        if frozen_rows is not None:
            store.replace(contest_id, frozen_rows, enrolled, FROZEN)
        pending = set(store.take_pending(contest_id, LIVE)) | set(store.take_pending(contest_id, FROZEN))
        for user_id in pending:
            _apply_user(store, contest_id, user_id, freeze_at=freeze_at)
        return version
    finally:
        store.unlock(lock)


def leaderboard_ensure_built(*, contest_id: int, variant: str = LIVE) -> None:
    store = get_store()
    if not store.is_built(contest_id, variant):
        leaderboard_rebuild(contest_id=contest_id, variant=variant)


def _apply_row(store, contest_id: int, user_id: int, row, variant: str) -> int | None:
    if row is None:
        return store.remove_user(contest_id, user_id, variant)
    return store.upsert(contest_id, row, variant)


def _apply_user(store, contest_id: int, user_id: int, *, freeze_at, frozen_too: bool = True) -> int | None:
    """Project one student onto the live board and (frozen_too, with a freeze) onto the frozen one, both
    from one read. Returns the live version, or None when the live board is not built."""
    live_row, frozen_row = source.user_rows(contest_id, user_id, freeze_at)
    version = _apply_row(store, contest_id, user_id, live_row, LIVE)
    if freeze_at is not None and frozen_too:
        _apply_row(store, contest_id, user_id, frozen_row, FROZEN)
    return version


def leaderboard_apply_attempt(*, contest_id: int, attempt_id: int) -> None:
    """Project one scored attempt onto the boards and tell every server process. Called after the
    scoring transaction committed (competitions.signals.attempt_scored). Reads the student's counted
    attempts from the database rather than trusting the event, so replays and reordering are harmless.
    An attempt finished before the freeze but scored after it (finalised late by the sweep) reaches the
    frozen board in the same pass; one finished after the freeze leaves the frozen board untouched."""
    user_id = source.user_id_of_attempt(attempt_id)
    if user_id is None:
        return
    store = get_store()
    info = source.contest_info(contest_id)
    freeze_at = info.freeze_at if info else None
    frozen_too = freeze_at is not None and source.attempt_finished_before(attempt_id, freeze_at)
    if _apply_user(store, contest_id, user_id, freeze_at=freeze_at, frozen_too=frozen_too) is None:
        # Not built (first answer, or Redis flushed): rebuild, which reads this committed attempt too. If
        # another process is rebuilding already, don't wait for it on a student's request: this update was
        # parked as pending and that rebuild re-applies it from the database when it is done.
        leaderboard_rebuild(contest_id=contest_id, wait=False)
    leaderboard_notify(contest_id=contest_id)


def leaderboard_notify(*, contest_id: int, kind: str = "board") -> None:
    """One message per board change for the whole cluster (not per viewer): each server process fans
    it out to its own sockets, coalesced (leaderboards.hub)."""
    if redis_url():
        from .store.redis import client_for

        client_for(redis_url()).publish(notify_channel(), json.dumps({"c": contest_id, "k": kind}))
    else:
        notify_local(contest_id, kind)


def leaderboard_reveal(*, contest_id: int, user) -> None:
    """Lift the freeze after the window closed: the public boards show the final standings."""
    from .models import BoardState

    info = source.contest_info(contest_id)
    if info is None:
        raise LeaderboardError("not_found", _("竞赛不存在。"), 404)
    if source.viewer_access(user, info) != source.LIVE_ACCESS:
        raise LeaderboardError("forbidden", _("只有主办方组织者可以揭榜。"), 403)
    if timezone.now() < info.closes_at:
        raise LeaderboardError("contest_open", _("竞赛尚未结束，结束后才能揭晓最终排名。"), 409)
    with transaction.atomic():
        state, _created = BoardState.objects.select_for_update().get_or_create(contest_id=contest_id)
        if state.revealed_at is None:
            state.revealed_at = timezone.now()
            state.revealed_by = user
            state.save(update_fields=["revealed_at", "revealed_by"])
        call_on_commit(lambda: leaderboard_notify(contest_id=contest_id, kind="contest"))


def display_token_rotate(*, contest_id: int, user) -> str:
    """Issue a new big-screen link (competitions owns the token); screens on the old link are closed."""
    from competitions.models import Contest
    from competitions.services import contest_rotate_display_token

    contest = Contest.objects.select_related("owner_org").filter(pk=contest_id).first()
    if contest is None:
        raise LeaderboardError("not_found", _("竞赛不存在。"), 404)
    info = source.contest_info(contest_id)
    if source.viewer_access(user, info) != source.LIVE_ACCESS:
        raise LeaderboardError("forbidden", _("只有主办方组织者可以更换大屏链接。"), 403)
    # contest_rotate_display_token sends contest_changed on commit, which notifies open screens
    return contest_rotate_display_token(actor=user, contest=contest)
