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
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench@2026"


# --- a minimal keep-alive HTTP/1.1 client -------------------------------------------------------


class Conn:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self):
        if self.writer:
            self.writer.close()

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        if self.writer is None:
            await self.open()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        if body:
            head.append("Content-Type: application/json")
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            data = b"".join(parts)
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data = await self.reader.read()
            close = True
        if close:
            await self.close()
            self.writer = None
        return status, data


# --- server processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- setup in-process (Django ORM) ------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from dj_database_url import parse

    cfg = parse(url)
    admin = psycopg.connect(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
    )
    admin.autocommit = True
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (cfg["NAME"],)).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()


def prepare(students: int) -> tuple[int, list[str]]:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from competitions.models import Contest, ContestStatus, PaperRule

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", students=students, password=PASSWORD, quiet_accounts=True, stdout=devnull)
    # any demo contest drawn by rules serves as the template (the demo's titles change)
    demo = Contest.objects.filter(rules__isnull=False).distinct().order_by("pk").first()
    now = timezone.now()
    bench = Contest.objects.create(
        title=f"压测竞赛 {now:%Y%m%d-%H%M%S}",
        owner_org=demo.owner_org,
        kind=demo.kind,  # a practice may not draw questions a formal contest reserves
        status=ContestStatus.PUBLISHED,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        time_limit_s=3 * 3600,
        attempts_allowed=0,
    )
    for rule in demo.rules.all():
        PaperRule.objects.create(
            contest=bench, topic=rule.topic, qtype=rule.qtype, count=rule.count, points=rule.points, order=rule.order
        )
    usernames = [f"stu{i:05d}" for i in range(1, students + 1)]
    return bench.pk, usernames


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="alternate app / bare measurements this many times")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    db_url = os.environ.get("DATABASE_URL", "")
    ensure_postgres_database(db_url)
    contest_id, usernames = prepare(args.students)
    env = dict(os.environ, PYTHONUNBUFFERED="1", LOG_LEVEL="ERROR")
    env.setdefault("DB_POOL_MAX", "10")

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
