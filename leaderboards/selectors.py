"""Reads of the boards, shared by the WebSocket hub, the pages and the JSON API.

Versions. A board's version is max(previous + 1, clock in µs) at each change, so it only grows, also
across a Redis flush. What the public sees during a freeze carries a version derived from the freeze
instant alone (freeze_at in µs), so neither the entries, the counts nor the version move with answers
submitted after the freeze. After the reveal the public version is above the frozen one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import source
from .services import LeaderboardError, leaderboard_rebuild
from .source import LIVE_ACCESS, PUBLIC_ACCESS, ContestInfo
from .store import FROZEN, INDIVIDUAL, LIVE, SCOPES, BoardNotBuilt, BoardView, get_store

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _us(dt: datetime) -> int:
    return int(dt.timestamp() * 1_000_000)


def board_read(*, contest_id: int, scope: str, limit: int, variant: str = LIVE) -> BoardView:
    """Top `limit` of a board; rebuilds it from the database first when its keys are missing."""
    store = get_store()
    try:
        return store.read(contest_id, scope, limit, variant)
    except BoardNotBuilt:
        leaderboard_rebuild(contest_id=contest_id, variant=variant)
        return store.read(contest_id, scope, limit, variant)


def board_me(*, contest_id: int, scope: str, ids: list[int], variant: str = LIVE) -> dict[int, dict | None]:
    return get_store().me_many(contest_id, scope, ids, variant)


@dataclass
class BoardPair:
    """The live board (for organisers) and the public board (everyone else) at one moment."""

    frozen: bool
    live: BoardView | None
    public: BoardView
    public_version: int


def board_pair(*, info: ContestInfo, scope: str, limit: int, need_live: bool, now=None) -> BoardPair:
    now = now or timezone.now()
    frozen = info.is_frozen(now)
    if not frozen:
        view = board_read(contest_id=info.id, scope=scope, limit=limit)
        version = view.version
        if info.revealed_at is not None and info.freeze_at is not None:
            version = max(version, _us(info.freeze_at) + 1)
        return BoardPair(frozen=False, live=view, public=view, public_version=version)
    public = board_read(contest_id=info.id, scope=scope, limit=limit, variant=FROZEN)
    live = board_read(contest_id=info.id, scope=scope, limit=limit) if need_live else None
    return BoardPair(frozen=True, live=live, public=public, public_version=_us(info.freeze_at))


def me_for(*, info: ContestInfo, scope: str, ids: list[int], frozen: bool) -> dict[int, dict | None]:
    """A viewer's own entry. During a freeze a student sees their own current score and time, but only
    the rank they had on the frozen board (a live rank would leak others' later answers); school and
    district entries stay frozen entirely."""
    if not ids:
        return {}
    if not frozen:
        return board_me(contest_id=info.id, scope=scope, ids=ids)
    frozen_me = board_me(contest_id=info.id, scope=scope, ids=ids, variant=FROZEN)
    if scope != INDIVIDUAL:
        return frozen_me
    # during a freeze public viewers read only the frozen board, so the live one may not be built yet
    board_read(contest_id=info.id, scope=scope, limit=1)
    live_me = board_me(contest_id=info.id, scope=scope, ids=ids)
    out: dict[int, dict | None] = {}
    for ident in ids:
        live, fro = live_me.get(ident), frozen_me.get(ident)
        if live is None:
            out[ident] = fro
            continue
        out[ident] = {**live, "rank": fro["rank"] if fro else None}
    return out


def snapshot_payload(*, info: ContestInfo, scope: str, pair: BoardPair, live: bool, me: dict | None) -> dict:
    view = pair.live if live and pair.live is not None else pair.public
    return {
        "type": "leaderboard",
        "scope": scope,
        "version": view.version if live else pair.public_version,
        "frozen": pair.frozen,
        "live": live,
        "entries": view.entries,
        "participants": view.participants,
        "districts": view.districts,
        "closes_at": info.closes_at.isoformat(),
        "freeze_at": info.freeze_at.isoformat() if info.freeze_at else None,
        "revealed": info.revealed_at is not None,
        "me": me,
    }


def viewer_me_id(*, scope: str, user_id: int | None, school_id: int | None, district_id: int | None) -> int | None:
    if scope == INDIVIDUAL:
        return user_id
    return school_id if scope == "school" else district_id


def leaderboard_snapshot(*, contest_id: int, user, scope: str = INDIVIDUAL, limit: int = DEFAULT_LIMIT) -> dict:
    """The board as `user` may see it, with their own entry: `{version, frozen, entries, me, ...}`.
    For the JSON API (GET /api/v1/contests/{id}/leaderboard) and the pages."""
    if scope not in SCOPES:
        raise LeaderboardError("invalid_scope", _("scope 只能是 individual、school 或 district。"), 422)
    limit = max(1, min(int(limit), MAX_LIMIT))
    info = source.contest_info(contest_id)
    if info is None:
        raise LeaderboardError("not_found", _("竞赛不存在。"), 404)
    access = source.viewer_access(user, info)
    if access is None:
        raise LeaderboardError("forbidden", _("您无权查看该竞赛的排行榜。"), 403)
    live = access == LIVE_ACCESS
    pair = board_pair(info=info, scope=scope, limit=limit, need_live=live)
    me = None
    school_id, district_id = source.viewer_orgs(user)
    ident = viewer_me_id(scope=scope, user_id=user.pk, school_id=school_id, district_id=district_id)
    if ident is not None:
        me = me_for(info=info, scope=scope, ids=[ident], frozen=pair.frozen and not live).get(ident)
    return snapshot_payload(info=info, scope=scope, pair=pair, live=live, me=me)


CONTRACT_ENTRY_FIELDS = ("rank", "name", "school", "district", "score", "time_used_s")
AGGREGATE_EXTRA_FIELDS = ("participants", "enrolled", "participation_rate", "excellence_rate")


def _contract_entry(entry: dict | None, scope: str) -> dict | None:
    if entry is None:
        return None
    row = {field: entry.get(field) for field in CONTRACT_ENTRY_FIELDS}
    if scope != INDIVIDUAL:
        # an aggregate row is named after its school or district
        row["school" if scope == "school" else "district"] = entry.get("name")
        row.update({field: entry.get(field) for field in AGGREGATE_EXTRA_FIELDS})
    return row


def leaderboard_page(*, contest_id: int, user, scope: str = INDIVIDUAL, limit: int = 50) -> dict:
    """{version, frozen, entries: [{rank, name, school, district, score, time_used_s}], me} for the JSON API
    (GET /api/v1/contests/{id}/leaderboard). Who may read it is `source.viewer_access`, the rule the pages
    and the WebSocket use too; a contest the viewer may not see is "not found", as everywhere in the API."""
    info = source.contest_info(contest_id)
    if info is None or source.viewer_access(user, info) is None:
        raise LeaderboardError("contest_not_found", _("竞赛不存在。"), 404)
    snapshot = leaderboard_snapshot(contest_id=contest_id, user=user, scope=scope, limit=limit)
    return {
        "version": snapshot["version"],
        "frozen": snapshot["frozen"],
        "entries": [_contract_entry(e, scope) for e in snapshot["entries"]],
        "me": _contract_entry(snapshot["me"], scope),
    }


__all__ = [
    "leaderboard_page",
    "LIVE_ACCESS",
    "PUBLIC_ACCESS",
    "leaderboard_snapshot",
    "board_pair",
    "me_for",
    "board_read",
]
