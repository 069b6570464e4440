"""What a board holds, and the aggregate that ranks schools and districts.

Individual board: one entry per student — the attempt the contest counts for them (best / last / first,
`Attempt.counts`). Order = competitions.ranking: higher score, then less time used, then earlier finish,
then lower attempt id. Both backends sort by (redis_score, redis_member), so the in-process board and
Redis rank identically, and the database ordering DB_ORDERING agrees with them (tests pin it).

School and district boards (集体榜): for each school (or district)
    participants      = students on the individual board whose class lies in it
    average           = sum of those students' counted scores / participants (in 0.01 points, rounded down)
    participation     = participants / enrolled students of the contest's audience in it (shown beside
                        the average; not part of the order; competitions.rates, as on every page)
    excellence        = those students whose counted score reaches the contest's 优秀线 / participants
                        (competitions.rates again: the export and the dashboard show the same figure)
Order: higher average first, then more participants, then the lower organisation id. A school with one
participant can therefore lead; the participation rate beside it is what tells the audience so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from competitions.ranking import redis_member, redis_score, score_centi
from competitions.rates import excellence_rate, participation_rate

INDIVIDUAL = "individual"
SCHOOL = "school"
DISTRICT = "district"
SCOPES = (INDIVIDUAL, SCHOOL, DISTRICT)

LIVE = "L"  # the board as it is
FROZEN = "F"  # the public board during a freeze: only attempts finished before the freeze

# School/district sort score: -(average_centi * AGG_N_RANGE + participants); exact below 2**53.
AGG_N_RANGE = 10**6


@dataclass(frozen=True)
class BoardRow:
    """One student's counted attempt, as the store needs it."""

    attempt_id: int
    user_id: int
    name: str
    school_id: int | None
    school: str
    district_id: int | None
    district: str
    score: object  # Decimal | int
    time_used_s: int
    finished_at: datetime
    excellent: bool = False  # competitions.rates.is_excellent for this counted attempt

    @property
    def centi(self) -> int:
        return score_centi(self.score)

    @property
    def zscore(self) -> int:
        return redis_score(score=self.score, time_used_s=self.time_used_s)

    @property
    def member(self) -> str:
        return redis_member(finished_at=self.finished_at, attempt_id=self.attempt_id)

    def info(self) -> dict:
        """Compact JSON stored beside the member (Redis hash / in-process dict)."""
        return {
            "u": self.user_id,
            "n": self.name,
            "si": self.school_id or 0,
            "s": self.school,
            "di": self.district_id or 0,
            "d": self.district,
            "c": self.centi,
            "t": int(self.time_used_s),
            "e": int(self.excellent),
        }


def aggregate_average_centi(total_centi: int, participants: int) -> int:
    return total_centi // participants if participants > 0 else 0


def aggregate_zscore(total_centi: int, participants: int) -> int:
    n = max(0, min(participants, AGG_N_RANGE - 1))
    return -(aggregate_average_centi(total_centi, participants) * AGG_N_RANGE + n)


def agg_member(org_id: int) -> str:
    return f"{org_id:012d}"


def centi_to_points(centi: int) -> float:
    return round(centi / 100, 2)


def individual_entry(rank: int, info: dict) -> dict:
    """The public shape of one individual row (no ids beyond an opaque row key)."""
    return {
        "rank": rank,
        "key": f"u{info['u']}",
        "name": info["n"],
        "school": info["s"],
        "district": info["d"],
        "score": centi_to_points(info["c"]),
        "time_used_s": info["t"],
    }


def _wire_rate(rate: float | None) -> float | None:
    return round(rate, 4) if rate is not None else None  # four places on the wire, like the export


def aggregate_entry(
    rank: int, org_id: int, name: str, total: int, n: int, enrolled: int | None, excellent: int = 0
) -> dict:
    return {
        "rank": rank,
        "key": f"o{org_id}",
        "name": name,
        "score": centi_to_points(aggregate_average_centi(total, n)),
        "participants": n,
        "enrolled": enrolled,
        "participation_rate": _wire_rate(participation_rate(n, enrolled or 0)),
        "excellence_rate": _wire_rate(excellence_rate(excellent, n)),
    }


@dataclass
class BoardView:
    """What a read returns: the top entries, the board's version, participant counts per district."""

    version: int
    entries: list[dict]
    participants: int
    districts: list[dict]


class BoardNotBuilt(Exception):
    """The store has no keys for this board (never built, or Redis was flushed): rebuild from the DB."""


class BoardStore:
    """Interface shared by the in-process and the Redis backend. `variant` is LIVE or FROZEN."""

    def is_built(self, contest_id: int, variant: str = LIVE) -> bool:
        raise NotImplementedError

    def replace(self, contest_id: int, rows: list[BoardRow], enrolled: dict[int, int], variant: str = LIVE) -> int:
        """Atomically replace the whole board; returns the new version (never lower than before)."""
        raise NotImplementedError

    def upsert(self, contest_id: int, row: BoardRow, variant: str = LIVE) -> int | None:
        """Set a student's entry (replacing their previous one). Returns the new version, or None when
        the board is not built (the caller rebuilds; the user is remembered as pending)."""
        raise NotImplementedError

    def remove_user(self, contest_id: int, user_id: int, variant: str = LIVE) -> int | None:
        raise NotImplementedError

    def take_pending(self, contest_id: int, variant: str = LIVE) -> list[int]:
        raise NotImplementedError

    def unbuild(self, contest_id: int, variant: str = LIVE) -> None:
        """Mark the board as being rebuilt: upserts from now on are remembered as pending."""
        raise NotImplementedError

    def drop(self, contest_id: int) -> None:
        raise NotImplementedError

    def read(self, contest_id: int, scope: str, limit: int, variant: str = LIVE) -> BoardView:
        raise NotImplementedError

    def me_many(self, contest_id: int, scope: str, ids: list[int], variant: str = LIVE) -> dict[int, dict | None]:
        """Entries (with rank) of the given users (individual) or organisations (school/district)."""
        raise NotImplementedError

    def try_lock(self, name: str, ttl_s: float) -> bool:
        raise NotImplementedError

    def unlock(self, name: str) -> None:
        raise NotImplementedError
