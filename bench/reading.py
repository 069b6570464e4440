"""Reading-progress benchmark: the real server (daphne, the configured database) taking progress saves
(`POST /api/v1/readings/{id}/progress` with a Bearer token, the path the reading page uses every 15 s),
compared with a bare ASGI hello-world app under the same server in the same run.

Two loads, alternating app / bare in rounds so the machine's other load hits both alike:
- capacity (closed loop): C connections, each sending its next save as soon as the previous is answered,
  rotating over its share of S students; prints saves/s, p50/p99 and the ratio to the bare app;
- city evening (open loop): S students each saving every --interval seconds (staggered), i.e. a steady
  S/interval saves/s; latency is measured from the scheduled send time (no coordinated omission), so a
  server that falls behind shows it in p99.
Then the monthly statistics for --stats-students students across 420 schools are built and timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/reading.py \
        --students 3000 --connections 32 --seconds 20

Students get API tokens written straight to the database (no password hashing per student)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answers import Conn, ensure_postgres_database, start_daphne, stop, summary  # noqa: E402

PASSWORD = "Bench@2026"


def prepare(students: int) -> tuple[int, list[str]]:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import ApiToken, Membership, Role, User
    from reading.models import Progress, Reading, ReadingStatus

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", students=students, password=PASSWORD, quiet_accounts=True, stdout=devnull)
    today = timezone.localdate()
    reading = (
        Reading.objects.filter(status=ReadingStatus.PUBLISHED, opens_on__lte=today, grade_bands=[])
        .order_by("-month")
        .first()
    )
    users = list(User.objects.filter(username__startswith="stu").order_by("username")[:students])
    Progress.objects.filter(reading=reading, user__in=users).delete()
    # every student has opened the page already (a first save runs the full service once per reading;
    # the steady evening load is the saves after it)
    classes = dict(Membership.objects.filter(user__in=users, role=Role.STUDENT).values_list("user_id", "org_id"))
    now = timezone.now()
    Progress.objects.bulk_create(
        [
            Progress(
                reading=reading,
                user=u,
                class_org_id=classes.get(u.pk),
                started_at=now - timedelta(minutes=1),
                last_saved_at=now - timedelta(seconds=15),
                saves=1,
            )
            for u in users
        ],
        batch_size=5000,
    )
    raws = [secrets.token_urlsafe(24) for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user=u, key_hash=hashlib.sha256(raw.encode()).hexdigest(), expires_at=timezone.now() + timedelta(days=1)
            )
            for u, raw in zip(users, raws)
        ],
        batch_size=5000,
    )
    return reading.pk, raws


def _body(position: float, engaged: float) -> bytes:
    return json.dumps({"position": round(position, 3), "engaged_s": engaged}).encode()


async def closed_loop(port: int, tokens: list[str], reading_id: int, connections: int, seconds: float):
    latencies, errors = [], {}
    stop_at = time.monotonic() + seconds
    path = f"/api/v1/readings/{reading_id}/progress"

    async def worker(index: int):
        conn = Conn("127.0.0.1", port)
        mine = tokens[index::connections]
        n = 0
        while time.monotonic() < stop_at and mine:
            token = mine[n % len(mine)]
            n += 1
            t0 = time.perf_counter()
            try:
                status, _ = await conn.request(
                    "POST", path, _body(min(1.0, n / 200), 15), {"Authorization": f"Bearer {token}"}
                )
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn = Conn("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
        await conn.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    return latencies, errors, time.monotonic() - t0


async def open_loop(port: int, tokens: list[str], reading_id: int, interval: float, seconds: float, pool: int):
    """Every student saves every `interval` s, staggered; requests wait for a free connection of `pool`."""
    latencies, errors = [], {}
    path = f"/api/v1/readings/{reading_id}/progress"
    queue: asyncio.Queue = asyncio.Queue()
    start = time.monotonic() + 0.2
    end = start + seconds
    n = len(tokens)

    async def scheduler():
        k = 0
        while True:
            due = start + k * interval / n
            if due >= end:
                break
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait((due, tokens[k % n], k))
            k += 1
        for _ in range(pool):
            queue.put_nowait(None)

    async def sender():
        conn = Conn("127.0.0.1", port)
        while True:
            item = await queue.get()
            if item is None:
                break
            due, token, k = item
            try:
                status, _ = await conn.request(
                    "POST", path, _body(min(1.0, k / n / 10), 15), {"Authorization": f"Bearer {token}"}
                )
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn = Conn("127.0.0.1", port)
                continue
            latencies.append(time.monotonic() - due)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
        await conn.close()

    t0 = time.monotonic()
    await asyncio.gather(scheduler(), *(sender() for _ in range(pool)))
    return latencies, errors, time.monotonic() - t0


def stats_timing(n_students: int) -> dict:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Membership, Role, User
    from tests.reading.scale import build_city

    class Rollback(Exception):
        pass

    out = {}
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            city, reading = build_city(n_students, prefix=f"rb{secrets.token_hex(3)}")
            out["build_s"] = round(time.perf_counter() - t0, 1)
            organiser = User.objects.create(username=f"bench_org_{secrets.token_hex(3)}")
            Membership.objects.create(user=organiser, role=Role.ORGANISER, org=city)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(organiser)
            url = reverse("reading:stats_reading", args=[reading.pk])
            client.get(url)
            t0 = time.perf_counter()
            response = client.get(url)
            out["page_ms"] = round((time.perf_counter() - t0) * 1000)
            out["status"] = response.status_code
            raise Rollback
    except Rollback:
        pass
    return out


def _merge(into: dict, errs: dict) -> None:
    for k, v in errs.items():
        into[k] = into.get(k, 0) + v


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=32, help="closed-loop connections")
    parser.add_argument("--seconds", type=float, default=20, help="per measured side, split into rounds")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--interval", type=float, default=15.0, help="open loop: seconds between a student's saves")
    parser.add_argument("--open-seconds", type=float, default=15.0)
    parser.add_argument("--pool", type=int, default=64, help="open loop: client connections")
    parser.add_argument("--stats-students", type=int, default=100_000, help="0 skips the statistics timing")
    parser.add_argument("--stats-only", action="store_true", help="only the statistics timing")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    ensure_postgres_database(os.environ.get("DATABASE_URL", ""))
    if args.stats_only:
        import django

        django.setup()
        result = stats_timing(args.stats_students)
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}  {json.dumps(result)}")
        return 0 if result["status"] == 200 else 1
    reading_id, tokens = prepare(args.students)
    env = dict(os.environ, PYTHONUNBUFFERED="1", LOG_LEVEL="ERROR")
    env.setdefault("DB_POOL_MAX", "10")
    proc, port = start_daphne("quizsite.asgi:application", env)
    bare_proc, bare_port = start_daphne("bench.hello_asgi:app", env)
    app_lat, bare_lat, app_err, bare_err = [], [], {}, {}
    app_t = bare_t = 0.0
    try:
        asyncio.run(closed_loop(port, tokens, reading_id, args.connections, 2))  # warm-up
        asyncio.run(closed_loop(bare_port, tokens, reading_id, args.connections, 1))
        for _ in range(args.rounds):
            lat, err, dt = asyncio.run(
                closed_loop(port, tokens, reading_id, args.connections, args.seconds / args.rounds)
            )
            app_lat += lat
            app_t += dt
            _merge(app_err, err)
            lat, err, dt = asyncio.run(
                closed_loop(bare_port, tokens, reading_id, args.connections, args.seconds / args.rounds)
            )
            bare_lat += lat
            bare_t += dt
            _merge(bare_err, err)
        open_lat, open_err, open_t = asyncio.run(
            open_loop(port, tokens, reading_id, args.interval, args.open_seconds, args.pool)
        )
    finally:
        stop(proc)
        stop(bare_proc)
    from django.db import connection

    app, bare = summary(app_lat, app_t), summary(bare_lat, bare_t)
    steady = summary(open_lat, open_t)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"database: {connection.vendor}  students: {args.students}  cores: {os.cpu_count()}  load average: {load}")
    print(
        f"capacity (closed loop, {args.connections} connections): {app['rps']} saves/s, p50 {app['p50_ms']} ms, "
        f"p99 {app['p99_ms']} ms, errors {app_err or 0}"
    )
    print(f"bare ASGI app: {bare['rps']}/s, p50 {bare['p50_ms']} ms, p99 {bare['p99_ms']} ms, errors {bare_err or 0}")
    ratio = round(app["rps"] / bare["rps"], 3) if bare["rps"] else None
    print(f"ratio progress path / bare app: {ratio}")
    target = round(args.students / args.interval, 1)
    print(
        f"steady evening (open loop): {args.students} students every {args.interval:g} s = {target} saves/s offered; "
        f"served {steady['rps']}/s, p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms (from scheduled time), "
        f"errors {open_err or 0}"
    )
    result = {"capacity": app, "bare": bare, "ratio": ratio, "steady": steady, "offered": target, "load": load}
    if args.stats_students:
        result["stats"] = stats_timing(args.stats_students)
        print(
            f"statistics page (HTTP {result['stats']['status']}), {args.stats_students} students / 420 schools: "
            f"{result['stats']['page_ms']} ms "
            f"(data built in {result['stats']['build_s']} s, rolled back)"
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
