"""The busiest second (issue 17): K students whose deadlines pass together keep saving through it.

Before the deadline the fast path acknowledges (200); after it every save is handed to the service,
which finalises the attempt on access (409 deadline_passed, then attempt_finished) and triggers the
board update. Every request must be answered, with p99 < 1 s on both sides of the deadline, and
nothing acknowledged may be lost. Same server and client as bench/answers.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/close_burst.py --students 40 --before 4 --after 4"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answers import (  # noqa: E402
    Conn,
    ensure_postgres_database,
    login_and_start,
    prepare,
    random_answer,
    start_daphne,
    stop,
    stored_answers,
    summary,
)


def set_deadlines(attempt_ids: list[int], seconds: float) -> float:
    """Every attempt's deadline `seconds` from now; returns that instant as time.time()."""
    from django.utils import timezone

    from competitions.models import Attempt

    deadline = timezone.now() + timedelta(seconds=seconds)
    Attempt.objects.filter(pk__in=attempt_ids).update(deadline=deadline)
    return deadline.timestamp()


async def drive(port: int, sessions: list[dict], deadline: float, after: float):
    before_lat, after_lat, statuses, acked = [], [], {}, {}
    stop_at = deadline + after

    async def worker(index: int, session: dict):
        rng = random.Random(index)
        conn = Conn("127.0.0.1", port)
        attempt, n = session["attempt"], 0
        auth = {"Authorization": f"Bearer {session['token']}"}
        while time.time() < stop_at:
            q = rng.choice(attempt["questions"])
            n += 1
            answer = random_answer(q, rng, f"b{index}n{n}")
            sent_at, t0 = time.time(), time.perf_counter()
            try:
                status, data = await conn.request(
                    "PUT",
                    f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}",
                    json.dumps({"answer": answer}).encode(),
                    auth,
                )
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                conn = Conn("127.0.0.1", port)
                continue
            (before_lat if sent_at < deadline else after_lat).append(time.perf_counter() - t0)
            key = status if status == 200 else f"{status} {json.loads(data).get('code')}"
            statuses[key] = statuses.get(key, 0) + 1
            if status == 200:
                acked[(attempt["id"], q["id"])] = answer
        await conn.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(i, s) for i, s in enumerate(sessions)))
    return before_lat, after_lat, statuses, acked, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--before", type=float, default=4, help="seconds of saving before the common deadline")
    parser.add_argument("--after", type=float, default=4, help="seconds of saving after it")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    ensure_postgres_database(os.environ.get("DATABASE_URL", ""))
    contest_id, usernames = prepare(args.students)
    env = dict(os.environ, PYTHONUNBUFFERED="1", LOG_LEVEL="ERROR")
    env.setdefault("DB_POOL_MAX", "10")
    proc, port = start_daphne("quizsite.asgi:application", env)
    try:
        sessions = asyncio.run(login_and_start(port, usernames, contest_id))
        ids = [s["attempt"]["id"] for s in sessions]
        deadline = set_deadlines(ids, args.before + 1)  # +1 s: the workers are up before it counts
        before, after, statuses, acked, elapsed = asyncio.run(drive(port, sessions, deadline, args.after))
    finally:
        stop(proc)

    from competitions.models import Attempt, AttemptState

    stored = stored_answers(ids)
    lost = sum(1 for key, answer in acked.items() if stored.get(key) != answer)
    open_left = Attempt.objects.filter(pk__in=ids, state=AttemptState.ACTIVE).count()
    refused = {k: v for k, v in statuses.items() if k != 200 and not str(k).startswith("409")}
    b, a = summary(before, elapsed), summary(after, elapsed)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"students: {args.students}  cores: {os.cpu_count()}  load average now: {load}")
    print(f"before the deadline: {b['count']} saves, p50 {b['p50_ms']} ms, p99 {b['p99_ms']} ms")
    print(f"after the deadline:  {a['count']} saves, p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms")
    print(f"statuses: {statuses}")
    print(f"lost acknowledged answers: {lost}  attempts still open: {open_left}  other answers: {refused or 0}")
    print(
        json.dumps(
            {
                "before": b,
                "after": a,
                "lost": lost,
                "open": open_left,
                "statuses": {str(k): v for k, v in statuses.items()},
            }
        )
    )
    return 1 if lost or open_left or refused else 0


if __name__ == "__main__":
    sys.exit(main())
