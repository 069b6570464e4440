"""In-process board store (no REDIS_URL): the same ordering and aggregates as the Redis backend, on
sorted lists, so ranks and top-N are O(log n) reads. One process only — a deployment with several
server processes must set REDIS_URL."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sortedcontainers import SortedList

from .base import (
    DISTRICT,
    INDIVIDUAL,
    LIVE,
    SCHOOL,
    BoardNotBuilt,
    BoardRow,
    BoardStore,
    BoardView,
    agg_member,
    aggregate_entry,
    aggregate_zscore,
    individual_entry,
)


def now_us() -> int:
    return time.time_ns() // 1000


@dataclass
class _Agg:
    totals: dict = field(default_factory=dict)  # org_id -> [total_centi, n, excellent]
    order: SortedList = field(default_factory=SortedList)  # (zscore, member)
    names: dict = field(default_factory=dict)


@dataclass
class _Board:
    built: bool = False
    version: int = 0
    ind: SortedList = field(default_factory=SortedList)  # (zscore, member)
    info: dict = field(default_factory=dict)  # member -> info
    users: dict = field(default_factory=dict)  # user_id -> member
    aggs: dict = field(default_factory=lambda: {SCHOOL: _Agg(), DISTRICT: _Agg()})
    enrolled: dict = field(default_factory=dict)
    pending: set = field(default_factory=set)

    def bump(self) -> int:
        self.version = max(self.version + 1, now_us())
        return self.version

    def _adjust(self, scope: str, org_id: int, name: str, delta_total: int, delta_n: int, delta_exc: int) -> None:
        if not org_id:
            return
        agg = self.aggs[scope]
        old = agg.totals.get(org_id)
        if old is not None:
            agg.order.discard((aggregate_zscore(old[0], old[1]), agg_member(org_id)))
        total = (old[0] if old else 0) + delta_total
        n = (old[1] if old else 0) + delta_n
        excellent = (old[2] if old else 0) + delta_exc
        if n <= 0:
            agg.totals.pop(org_id, None)
            return
        agg.totals[org_id] = [total, n, excellent]
        if name:
            agg.names[org_id] = name
        agg.order.add((aggregate_zscore(total, n), agg_member(org_id)))

    def remove(self, user_id: int) -> None:
        member = self.users.pop(user_id, None)
        if member is None:
            return
        info = self.info.pop(member)
        self.ind.discard((info["z"], member))
        self._adjust(SCHOOL, info["si"], "", -info["c"], -1, -info["e"])
        self._adjust(DISTRICT, info["di"], "", -info["c"], -1, -info["e"])

    def put(self, row: BoardRow) -> None:
        self.remove(row.user_id)
        info = row.info()
        info["z"] = row.zscore
        member = row.member
        self.users[row.user_id] = member
        self.info[member] = info
        self.ind.add((info["z"], member))
        self._adjust(SCHOOL, info["si"], row.school, info["c"], 1, info["e"])
        self._adjust(DISTRICT, info["di"], row.district, info["c"], 1, info["e"])


_boards: dict[tuple, _Board] = {}
_locks: dict[str, float] = {}
_mutex = threading.RLock()


class MemoryStore(BoardStore):
    def __init__(self, prefix: str):
        self.prefix = prefix

    def _board(self, contest_id: int, variant: str) -> _Board:
        key = (self.prefix, contest_id, variant)
        board = _boards.get(key)
        if board is None:
            board = _boards[key] = _Board()
        return board

    def is_built(self, contest_id, variant=LIVE):
        with _mutex:
            return self._board(contest_id, variant).built

    def replace(self, contest_id, rows, enrolled, variant=LIVE):
        fresh = _Board()
        for row in rows:
            fresh.put(row)
        fresh.enrolled = dict(enrolled)
        fresh.built = True
        with _mutex:
            old = self._board(contest_id, variant)
            fresh.version = old.version
            fresh.pending = old.pending
            _boards[(self.prefix, contest_id, variant)] = fresh
            return fresh.bump()

    def upsert(self, contest_id, row, variant=LIVE):
        with _mutex:
            board = self._board(contest_id, variant)
            if not board.built:
                board.pending.add(row.user_id)
                return None
            board.put(row)
            return board.bump()

    def remove_user(self, contest_id, user_id, variant=LIVE):
        with _mutex:
            board = self._board(contest_id, variant)
            if not board.built:
                board.pending.add(user_id)
                return None
            board.remove(user_id)
            return board.bump()

    def take_pending(self, contest_id, variant=LIVE):
        with _mutex:
            board = self._board(contest_id, variant)
            pending, board.pending = board.pending, set()
            return sorted(pending)

    def unbuild(self, contest_id, variant=LIVE):
        with _mutex:
            self._board(contest_id, variant).built = False

    def drop(self, contest_id):
        with _mutex:
            for key in [k for k in _boards if k[0] == self.prefix and k[1] == contest_id]:
                del _boards[key]

    def _districts(self, board: _Board) -> list[dict]:
        agg = board.aggs[DISTRICT]
        return [{"name": agg.names.get(int(m), ""), "participants": agg.totals[int(m)][1]} for _, m in agg.order]

    def read(self, contest_id, scope, limit, variant=LIVE):
        with _mutex:
            board = self._board(contest_id, variant)
            if not board.built:
                raise BoardNotBuilt(contest_id)
            if scope == INDIVIDUAL:
                entries = [
                    individual_entry(i + 1, board.info[m]) for i, (_, m) in enumerate(board.ind.islice(0, limit))
                ]
            else:
                agg = board.aggs[scope]
                entries = []
                for i, (_, m) in enumerate(agg.order.islice(0, limit)):
                    org_id = int(m)
                    total, n, excellent = agg.totals[org_id]
                    entries.append(
                        aggregate_entry(
                            i + 1, org_id, agg.names.get(org_id, ""), total, n, board.enrolled.get(org_id), excellent
                        )
                    )
            return BoardView(
                version=board.version, entries=entries, participants=len(board.ind), districts=self._districts(board)
            )

    def me_many(self, contest_id, scope, ids, variant=LIVE):
        out: dict[int, dict | None] = {}
        with _mutex:
            board = self._board(contest_id, variant)
            for ident in ids:
                if scope == INDIVIDUAL:
                    member = board.users.get(ident)
                    if member is None:
                        out[ident] = None
                        continue
                    info = board.info[member]
                    out[ident] = individual_entry(board.ind.index((info["z"], member)) + 1, info)
                else:
                    agg = board.aggs[scope]
                    totals = agg.totals.get(ident)
                    if totals is None:
                        out[ident] = None
                        continue
                    rank = agg.order.index((aggregate_zscore(totals[0], totals[1]), agg_member(ident))) + 1
                    out[ident] = aggregate_entry(
                        rank,
                        ident,
                        agg.names.get(ident, ""),
                        totals[0],
                        totals[1],
                        board.enrolled.get(ident),
                        totals[2],
                    )
        return out

    def try_lock(self, name, ttl_s):
        with _mutex:
            key = f"{self.prefix}:{name}"
            if _locks.get(key, 0) > time.monotonic():
                return False
            _locks[key] = time.monotonic() + ttl_s
            return True

    def unlock(self, name):
        with _mutex:
            _locks.pop(f"{self.prefix}:{name}", None)
