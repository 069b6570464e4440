"""Statistics and exports read from a PostgreSQL streaming replica when one is configured.

    DATABASE_REPLICA_URL=postgres://reader@10.0.0.9:5432/quizsite     (unset: everything uses default)
    REPLICA_MAX_LAG_S=10                                              (the staleness bound)

Only code that runs inside `replica_reads()` (or a view decorated with `reads_from_replica`) reads
from the replica: the statistics pages, their workbooks and the contest exports. Everything else —
answer saves, starts, submissions, boards, pages a student sees — reads and writes the primary, so a
student never sees their own write missing. Writes always go to the primary, also inside
`replica_reads()`.

Staleness bound: before routing a read to the replica the router checks its replay lag (at most once
every LAG_CHECK_INTERVAL_S). A replica more than REPLICA_MAX_LAG_S behind, or one that cannot be
reached, is skipped and the read goes to the primary. So a statistics page or export is at most
REPLICA_MAX_LAG_S + LAG_CHECK_INTERVAL_S seconds behind the primary."""

from __future__ import annotations

import functools
import logging
import os
import time
from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"
DEFAULT = "default"
LAG_CHECK_INTERVAL_S = 5.0
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

log = logging.getLogger(__name__)
_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_from_env(parse) -> dict | None:
    """settings: DATABASES["replica"] from DATABASE_REPLICA_URL (parsed like the primary), or None."""
    url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    config = parse(url)
    config["TEST"] = {"MIRROR": DEFAULT}  # tests: the replica is the test database itself
    return config


@contextmanager
def replica_reads():
    """Reads inside go to the replica (if configured and fresh enough); writes still go to the primary."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class LagCheck:
    """The replica's replay lag, measured at most once per interval; None = unreachable."""

    def __init__(self, clock=time.monotonic, interval_s: float = LAG_CHECK_INTERVAL_S):
        self.clock = clock
        self.interval_s = interval_s
        self.checked_at: float | None = None
        self.lag_s: float | None = None

    def measure(self) -> float | None:
        from django.db import connections

        try:
            with connections[REPLICA].cursor() as cursor:
                if connections[REPLICA].vendor != "postgresql":
                    return 0.0  # a test mirror of the primary: never behind
                cursor.execute(LAG_SQL)
                return float(cursor.fetchone()[0])
        except Exception as exc:  # an unreachable replica must never break a page: use the primary
            log.warning("read replica unavailable (%s); reading from the primary", exc)
            return None

    def current(self) -> float | None:
        now = self.clock()
        if self.checked_at is None or now - self.checked_at >= self.interval_s:
            self.lag_s = self.measure()
            self.checked_at = now
        return self.lag_s


def max_lag_s() -> float:
    from django.conf import settings

    return float(getattr(settings, "REPLICA_MAX_LAG_S", 10.0))


class ReplicaRouter:
    """DATABASE_ROUTERS entry: the primary, unless a replica is configured, fresh and asked for. (Reads
    outside replica_reads() name the primary explicitly: an object read from the replica must not pull
    its related rows from there later.)"""

    lag = LagCheck()

    def replica_configured(self) -> bool:
        from django.db import connections

        return REPLICA in connections.settings

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not self.replica_configured():
            return DEFAULT
        lag = self.lag.current()
        if lag is None or lag > max_lag_s():
            return DEFAULT
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both: objects read from either may be related

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # a streaming replica is read-only and follows the primary's schema
