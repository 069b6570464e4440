"""A hall on the day: N devices on one stage event (1 host, 1 screen, 7 judges by link, the rest public),
the host pressing start/pause on the timer; and in the same run a bare `websockets` server that
broadcasts a payload of the same size to the same N clients when a "host" client asks.

    .venv/bin/python bench/stage_hall.py --devices 60 --actions 30
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/stage_hall.py --devices 60

Latency of one action = from the host sending it to the LAST device holding the new state (each device
gets its own role's snapshot, built from the database, after the change commits). Prints p50/p99 of
that, per-device p50, and the ratio to the bare broadcast."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def setup(db_url: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Membership, Organization, Role, User
    from accounts.tokens import token_issue
    from stage import services
    from stage.access import Actor

    city = Organization.objects.create(name="南通市", kind="city")
    host_user = User.objects.create_user("bench_host", password="x-Bench-2026")
    Membership.objects.create(user=host_user, role=Role.ORGANISER, org=city)
    host = Actor(user=host_user)
    now = timezone.now()
    event = services.event_create(
        actor=host, org=city, title="基准", date=date.today(), categories=["五老组", "中学组", "小学组"],
        criteria=[services.CriterionSpec(n, Decimal(m)) for n, m in (("内容", 40), ("表达", 30), ("仪态", 20), ("时间", 10))],
    )  # fmt: skip
    for i in range(12):
        services.performer_add(
            actor=host,
            event=event,
            category=["五老组", "中学组", "小学组"][i % 3],
            name=f"选手{i}",
            code=f"S{i:02d}",
            now=now,
        )
    links = []
    for j in range(1, 8):
        seat = services.seat_add(actor=host, event=event, number=j, name=f"评委{j}", is_head=j == 1)
        links.append(services.seat_link_issue(actor=host, seat=seat, now=now))
    services.draw_commit(actor=host, event_id=event.pk, public_input_rule="bench", now=now)
    services.draw_perform(actor=host, event_id=event.pk, public_input="1", now=now)
    services.performer_go(actor=host, event_id=event.pk, to="next", now=now)
    return event, token_issue(user=host_user), links


async def run_clients(urls: list[str], host_index: int, actions: int, interval: float, bare: bool):
    import websockets

    latest = [0] * len(urls)
    got_at: list[dict[int, float]] = [{} for _ in urls]
    conns = []
    for url in urls:
        conns.append(await websockets.connect(url, origin="http://127.0.0.1", compression=None, max_size=2**22))

    async def reader(i, ws):
        async for raw in ws:
            msg = json.loads(raw)
            if msg.get("type") in ("state", "bare"):
                v = msg["version"]
                latest[i] = max(latest[i], v)
                got_at[i].setdefault(v, time.perf_counter())

    tasks = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(conns)]
    await asyncio.sleep(1.0)
    sent: list[tuple[int, float]] = []
    for k in range(actions):
        base = max(latest)
        t0 = time.perf_counter()
        if bare:
            await conns[host_index].send(json.dumps({"type": "go"}))
        else:
            await conns[host_index].send(json.dumps({"type": "action", "action": "start" if k % 2 == 0 else "pause"}))
        sent.append((base + 1, t0))
        await asyncio.sleep(interval)
    await asyncio.sleep(1.0)
    lat_all, lat_each, missing = [], [], 0
    for version, t0 in sent:
        times = [g.get(version) for g in got_at]
        missing += sum(t is None for t in times)
        ok = [t - t0 for t in times if t is not None]
        if ok:
            lat_all.append(max(ok))
            lat_each.extend(ok)
    for t in tasks:
        t.cancel()
    for ws in conns:
        await ws.close()
    return lat_all, lat_each, missing


def bare_server(port: int, payload: str) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients = set()
    version = [0]

    async def handler(ws):
        clients.add(ws)
        try:
            async for _raw in ws:
                version[0] += 1
                broadcast(clients, payload.replace('"version": 0', f'"version": {version[0]}', 1))
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
            await asyncio.sleep(3600)

    asyncio.run(main())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=60)
    ap.add_argument("--actions", type=int, default=30)
    ap.add_argument("--interval", type=float, default=0.3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="stagebench-")
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/db.sqlite3"
    event, host_token, links = setup(db_url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "quizsite.settings.local", "DEBUG": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_port(port)
        base = f"ws://127.0.0.1:{port}/ws/stage/events/{event.pk}/"
        urls = [f"{base}?role=host&token={host_token}", f"{base}?role=screen&display={event.display_token}"]
        urls += [f"{base}?role=judge&link={link}&device=bench-{i}" for i, link in enumerate(links)]
        urls += [f"{base}?role=public"] * max(0, args.devices - len(urls))
        lat_all, lat_each, missing = asyncio.run(run_clients(urls, 0, args.actions, args.interval, bare=False))
    finally:
        server.terminate()
        server.wait(10)
    from django.utils import timezone

    from stage import snapshot

    payload = json.dumps({**snapshot.build(event.pk, role="screen", now=timezone.now()), "type": "bare", "version": 0})
    bport = free_port()
    import multiprocessing as mp

    bare = mp.Process(target=bare_server, args=(bport, payload), daemon=True)
    bare.start()
    wait_port(bport)
    b_all, b_each, b_missing = asyncio.run(
        run_clients([f"ws://127.0.0.1:{bport}/"] * len(urls), 0, args.actions, args.interval, bare=True)
    )
    bare.terminate()
    load = os.getloadavg()
    print(f"devices {len(urls)}, actions {args.actions}, layer {'redis' if os.environ.get('REDIS_URL') else 'in-memory'}, "
          f"db {db_url.split(':')[0]}, payload {len(payload)} B, load avg {load[0]:.2f} {load[1]:.2f}")  # fmt: skip
    print(
        f"stage   last device p50 {pct(lat_all, 50):7.1f} ms  p99 {pct(lat_all, 99):7.1f} ms  per device p50 {pct(lat_each, 50):6.1f} ms  missing {missing}"
    )
    print(
        f"bare    last device p50 {pct(b_all, 50):7.1f} ms  p99 {pct(b_all, 99):7.1f} ms  per device p50 {pct(b_each, 50):6.1f} ms  missing {b_missing}"
    )
    if b_all:
        print(f"ratio   p50 {pct(lat_all, 50) / pct(b_all, 50):.1f}×  p99 {pct(lat_all, 99) / pct(b_all, 99):.1f}×")
    print(f"median action → all devices: {statistics.median(lat_all) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
