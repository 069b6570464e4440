"""Answer-save benchmark: the real server (daphne, the configured database), K demo students logged in
through the API, concurrent autosaves for a fixed time through the path the student page uses
(PUT /api/v1/attempts/{id}/answers/{qid} with a Bearer token), then the same load against a bare
ASGI hello-world app under the same server.

Prints answers/s, p50/p99 latency, lost answers (acknowledged with 200 but not what the database holds
afterwards; must be 0) and the ratio to the bare app.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/answers.py \
        --students 40 --seconds 20

The load generator is a small keep-alive HTTP/1.1 client on asyncio (one connection per student,
each sending its next save as soon as the previous one is acknowledged: a closed loop). It runs on the
same machine, so it competes with the server for the same cores, equally in both measurements."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time

from harness import (
    PASSWORD,
    Conn,
    ensure_postgres_database,
    make_bench_contest,
    seed_students,
    start_daphne,
    stop,
)


def prepare(students: int) -> tuple[int, list[str]]:
    import django

    django.setup()
    usernames = seed_students(students)
    return make_bench_contest().pk, usernames


def stored_answers(attempt_ids: list[int]) -> dict:
    from competitions.models import AttemptItem

    return {
        (a, r): ans
        for a, r, ans in AttemptItem.objects.filter(attempt_id__in=attempt_ids).values_list(
            "attempt_id", "revision_id", "answer"
        )
    }


# --- load -------------------------------------------------------------------------------------


def random_answer(q: dict, rng: random.Random, tag: str):
    keys = [o["key"] for o in q["options"]]
    if q["type"] == "single":
        return [rng.choice(keys)]
    if q["type"] == "multiple":
        return sorted(rng.sample(keys, rng.randint(1, len(keys))))
    if q["type"] == "true_false":
        return rng.random() < 0.5
    return [f"{tag}-{i}" for i in range(q["blanks"])]


async def login_and_start(port: int, usernames: list[str], contest_id: int, parallel: int = 4):
    sem = asyncio.Semaphore(parallel)
    sessions = []

    async def one(username):
        async with sem:
            conn = Conn("127.0.0.1", port)
            status, body = await conn.request(
                "POST", "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}).encode()
            )
            if status != 200:
                raise RuntimeError(f"login {username}: {status} {body[:200]!r}")
            token = json.loads(body)["token"]
            status, body = await conn.request(
                "POST", f"/api/v1/contests/{contest_id}/attempts", headers={"Authorization": f"Bearer {token}"}
            )
            if status not in (200, 201):
                raise RuntimeError(f"start {username}: {status} {body[:200]!r}")
            attempt = json.loads(body)
            await conn.close()
            sessions.append({"token": token, "attempt": attempt})

    await asyncio.gather(*(one(u) for u in usernames))
    return sessions


async def drive(port: int, sessions: list[dict], seconds: float):
    latencies: list[float] = []
    acked: dict = {}
    ok = [0]
    errors: dict = {}
    stop_at = time.monotonic() + seconds

    async def worker(index: int, session: dict):
        rng = random.Random(index)
        conn = Conn("127.0.0.1", port)
        attempt = session["attempt"]
        questions = attempt["questions"]
        auth = {"Authorization": f"Bearer {session['token']}"}
        n = 0
        while time.monotonic() < stop_at:
            q = rng.choice(questions)
            n += 1
            answer = random_answer(q, rng, f"w{index}n{n}")
            body = json.dumps({"answer": answer}).encode()
            path = f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}"
            t0 = time.perf_counter()
            try:
                status, _data = await conn.request("PUT", path, body, auth)
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn = Conn("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - t0)
            if status == 200:
                ok[0] += 1
                acked[(attempt["id"], q["id"])] = answer
            else:
                errors[status] = errors.get(status, 0) + 1
        await conn.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(i, s) for i, s in enumerate(sessions)))
    elapsed = time.monotonic() - started
    errors["acknowledged"] = ok[0]
    return latencies, acked, errors, elapsed


def summary(latencies: list[float], elapsed: float) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"rps": 0, "p50_ms": None, "p99_ms": None, "count": 0}
    return {
        "count": len(ordered),
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    }


# --- close burst: K students whose deadlines pass together keep saving ------------------------------


def set_common_deadline(attempt_ids: list[int], seconds_from_now: float):
    """Every attempt (and the contest) closes at the same instant; returns it as a wall-clock time."""
    from datetime import timedelta

    from django.utils import timezone

    from competitions.models import Attempt, Contest

    deadline = timezone.now() + timedelta(seconds=seconds_from_now)
    Attempt.objects.filter(pk__in=attempt_ids).update(deadline=deadline)
    Contest.objects.filter(attempts__pk__in=attempt_ids).update(closes_at=deadline + timedelta(seconds=1))
    return deadline.timestamp()


async def drive_through_close(port: int, sessions: list[dict], deadline: float, after_s: float):
    """Closed loop per student until `after_s` past the common deadline. Each request is classified by
    when it was sent and when its answer came (wall clock, same machine as the server)."""
    rows: list[tuple[float, float, object]] = []  # (sent - deadline, latency, status or exception name)
    acked: dict = {}

    async def worker(index: int, session: dict):
        rng = random.Random(index)
        conn = Conn("127.0.0.1", port)
        attempt = session["attempt"]
        auth = {"Authorization": f"Bearer {session['token']}"}
        n = 0
        while time.time() < deadline + after_s:
            q = rng.choice(attempt["questions"])
            n += 1
            answer = random_answer(q, rng, f"c{index}n{n}")
            path = f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}"
            sent = time.time()
            try:
                status, _data = await asyncio.wait_for(
                    conn.request("PUT", path, json.dumps({"answer": answer}).encode(), auth), 30
                )
            except (ConnectionError, asyncio.IncompleteReadError, OSError, TimeoutError) as exc:
                rows.append((sent - deadline, time.time() - sent, type(exc).__name__))
                conn = Conn("127.0.0.1", port)
                continue
            rows.append((sent - deadline, time.time() - sent, status))
            if status == 200:
                acked[(attempt["id"], q["id"])] = answer
            elif status == 409:
                await asyncio.sleep(0.2)  # the page shows "time is up"; a stubborn client keeps trying
        await conn.close()

    await asyncio.gather(*(worker(i, s) for i, s in enumerate(sessions)))
    return rows, acked


def close_burst(args, contest_id: int, usernames: list[str], env: dict) -> int:
    from competitions.models import Attempt, AttemptState

    proc, port = start_daphne("quizsite.asgi:application", env)
    try:
        sessions = asyncio.run(login_and_start(port, usernames, contest_id))
        ids = [s["attempt"]["id"] for s in sessions]
        deadline = set_common_deadline(ids, args.before)
        print(
            f"{len(sessions)} attempts share one deadline {args.before:.0f}s from now; saving until +{args.after:.0f}s"
        )
        rows, acked = asyncio.run(drive_through_close(port, sessions, deadline, args.after))
    finally:
        stop(proc)
    answered = [r for r in rows if r[2] in (200, 409)]
    failures: dict = {}
    for r in rows:
        if r[2] not in (200, 409):
            failures[str(r[2])] = failures.get(str(r[2]), 0) + 1
    late_200 = sum(1 for sent, _lat, st in rows if st == 200 and sent > 0.05)  # sent after the deadline yet saved
    early_409 = sum(1 for sent, lat, st in rows if st == 409 and sent + lat < -0.05)  # refused before it
    burst = [lat for sent, lat, _st in answered if -1.0 <= sent <= 5.0]
    stored = stored_answers(ids)
    lost = sum(1 for key, answer in acked.items() if stored.get(key) != answer)
    still_active = Attempt.objects.filter(pk__in=ids, state=AttemptState.ACTIVE).count()
    result = {
        "students": len(ids),
        "requests": len(rows),
        "ok_200": sum(1 for r in rows if r[2] == 200),
        "closed_409": sum(1 for r in rows if r[2] == 409),
        "unanswered_or_other": failures,
        "saved_after_deadline": late_200,
        "refused_before_deadline": early_409,
        "all": summary([r[1] for r in answered], 1.0),
        "burst_window_-1s_+5s": summary(burst, 1.0),
        "lost": lost,
        "still_active_after": still_active,
    }
    for section in ("all", "burst_window_-1s_+5s"):
        result[section].pop("rps", None)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    ok = not failures and not lost and not late_200 and not early_409
    p99 = result["burst_window_-1s_+5s"]["p99_ms"]
    print(f"close burst: every request answered, none lost: {'yes' if ok else 'NO'}; ", end="")
    print(
        f"p99 around the deadline {p99} ms (target < 1000 ms: {'met' if p99 is not None and p99 < 1000 else 'NOT met'})"
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="alternate app / bare measurements this many times")
    parser.add_argument(
        "--close-burst", action="store_true", help="K=--students whose deadlines pass together keep saving through it"
    )
    parser.add_argument("--before", type=float, default=10, help="close burst: seconds of saving before the deadline")
    parser.add_argument("--after", type=float, default=5, help="close burst: seconds of saving after the deadline")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    db_url = os.environ.get("DATABASE_URL", "")
    ensure_postgres_database(db_url)
    contest_id, usernames = prepare(args.students)
    env = dict(os.environ, PYTHONUNBUFFERED="1", LOG_LEVEL="ERROR")
    env.setdefault("DB_POOL_MAX", "10")
    if args.close_burst:
        return close_burst(args, contest_id, usernames, env)

    # Both servers stay up; the measurement alternates between them in rounds so that changes in
    # the machine's other load hit both sides alike.
    proc, port = start_daphne("quizsite.asgi:application", env)
    bare_proc, bare_port = start_daphne("bench.hello_asgi:app", env)
    latencies, bare_lat, acked = [], [], {}
    errs, bare_errs = {}, {}
    elapsed = bare_elapsed = 0.0
    acknowledged = 0
    try:
        t0 = time.monotonic()
        sessions = asyncio.run(login_and_start(port, usernames, contest_id))
        print(f"logged in and started {len(sessions)} attempts in {time.monotonic() - t0:.1f}s")
        asyncio.run(drive(port, sessions, args.warmup))
        asyncio.run(drive(bare_port, sessions, args.warmup))
        for _ in range(args.rounds):
            lat, ack, e, dt = asyncio.run(drive(port, sessions, args.seconds / args.rounds))
            latencies += lat
            acked.update(ack)
            acknowledged += e.pop("acknowledged")
            for k, v in e.items():
                errs[k] = errs.get(k, 0) + v
            elapsed += dt
            lat, _ack, e, dt = asyncio.run(drive(bare_port, sessions, args.seconds / args.rounds))
            bare_lat += lat
            e.pop("acknowledged")
            for k, v in e.items():
                bare_errs[k] = bare_errs.get(k, 0) + v
            bare_elapsed += dt
    finally:
        stop(proc)
        stop(bare_proc)
    app = summary(latencies, elapsed)
    app["acknowledged_per_s"] = round(acknowledged / elapsed, 1)
    stored = stored_answers([s["attempt"]["id"] for s in sessions])
    lost = sum(1 for key, answer in acked.items() if stored.get(key) != answer)
    bare = summary(bare_lat, bare_elapsed)

    from django.db import connection

    ratio = round(app["acknowledged_per_s"] / bare["rps"], 3) if bare["rps"] else None
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"database: {connection.vendor}  students: {args.students}  seconds: {args.seconds}  "
        f"cores: {os.cpu_count()}  load average now: {load}"
    )
    print(
        f"answer saves: {acknowledged} acknowledged (200) of {app['count']} requests; "
        f"{app['acknowledged_per_s']} acknowledged/s, p50 {app['p50_ms']} ms, p99 {app['p99_ms']} ms"
    )
    print(f"non-200 / transport errors: {errs or 0}")
    print(f"distinct answers checked: {len(acked)}  lost answers: {lost}")
    print(f"bare ASGI app: {bare['rps']}/s, p50 {bare['p50_ms']} ms, p99 {bare['p99_ms']} ms, errors {bare_errs or 0}")
    print(f"ratio answer path / bare app: {ratio}")
    print(
        json.dumps(
            {"answers": app, "bare": bare, "lost": lost, "ratio": ratio, "errors": {str(k): v for k, v in errs.items()}}
        )
    )
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
