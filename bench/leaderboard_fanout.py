"""Leaderboard fan-out benchmark: N WebSocket viewers of one board, answers that change it, and in the
same run a bare `websockets` broadcast server delivering the same payloads to the same N clients.

    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/leaderboard_fanout.py --viewers 5000
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/leaderboard_fanout.py --viewers 10000

What it does:
  1. a fresh database (DATABASE_URL, or a temporary SQLite file), a contest and a few hundred students;
  2. starts daphne (the real project) with REDIS_URL and a private LEADERBOARD_PREFIX;
  3. opens N viewers (the big-screen link) from --procs client processes (the open-file limit is per
     process); server RSS is read before and after, per connection;
  4. latency phase: --updates answers, one every --interval s (slower than the 0.5 s coalescing window,
     so every answer is one push): this process commits the scored attempt, the project's own
     attempt_scored receiver updates Redis and publishes once; the server fans out. Latency per viewer =
     receipt time - the board version (µs of the Redis clock when the committed score reached Redis);
  5. storm phase: answers as fast as this process can commit them for --storm s; counts messages per
     viewer per second (coalescing must hold it at ≤ ~2);
  6. the same N clients then connect to a bare `websockets` server (compression off, like ours) that
     broadcasts the same frame, with a fresh version, --updates times at the same interval.
Cost per recipient = server CPU seconds (utime+stime from /proc) in the latency phase / messages delivered.
Prints p50/p99 latency, messages per viewer per second, RSS per connection, dropped viewers, and the
ratios to the bare broadcast."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VERSION_RE = re.compile(rb'"version":(\d+)')


# --- /proc helpers ---------------------------------------------------------------------------------


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


# --- viewer processes ------------------------------------------------------------------------------


def viewer_proc(url: str, count: int, ready_q, cmd_q, result_q, origin: str | None = None) -> None:
    """Open `count` viewers, report, then record (receipt time, version) of every message until told
    to stop. Only the version is parsed (a regex on the frame), as a display would do cheaply."""
    import websockets

    async def main():
        records: list[tuple[float, int]] = []
        storm_versions: list[int] = []
        phase = {"name": "connect"}
        counts: dict[str, int] = {}
        closed = 0
        settled = 0  # viewers that got their snapshot, or gave up connecting
        sem = asyncio.Semaphore(100)

        async def one(i):
            nonlocal closed, settled
            async with sem:
                for attempt in range(5):
                    try:
                        ws = await websockets.connect(
                            url,
                            origin=origin,
                            compression=None,
                            max_size=2**22,
                            open_timeout=120,
                            ping_interval=None,
                        )
                        await asyncio.wait_for(ws.recv(), 120)  # the snapshot
                        break
                    except Exception:
                        await asyncio.sleep(0.5 + attempt)
                else:
                    closed += 1
                    settled += 1
                    return
            settled += 1
            try:
                async for frame in ws:
                    t = time.time()
                    data = frame.encode() if isinstance(frame, str) else frame
                    m = VERSION_RE.search(data, 0, 200)
                    counts[phase["name"]] = counts.get(phase["name"], 0) + 1
                    if m and phase["name"] == "latency":
                        records.append((t, int(m.group(1))))
                    elif m and phase["name"] in ("storm", "tail"):
                        storm_versions.append(int(m.group(1)))
            except websockets.ConnectionClosed:
                pass
            if phase["name"] != "done":
                closed += 1

        tasks = [asyncio.create_task(one(i)) for i in range(count)]
        while settled < count:
            await asyncio.sleep(0.2)
        ready_q.put(("ready", count - closed))
        loop = asyncio.get_running_loop()
        while True:
            cmd = await loop.run_in_executor(None, cmd_q.get)
            if cmd == "stop":
                break
            phase["name"] = cmd
        phase["name"] = "done"
        lost = closed
        for t in tasks:
            t.cancel()
        result_q.put({"records": records, "counts": counts, "lost": lost, "storm_versions": storm_versions})

    asyncio.run(main())


class Viewers:
    def __init__(self, url: str, n: int, procs: int, origin: str | None = None):
        ctx = mp.get_context("spawn")
        self.ready_q, self.result_q = ctx.Queue(), ctx.Queue()
        self.cmd_qs = []
        self.procs = []
        share = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
        for count in share:
            q = ctx.Queue()
            p = ctx.Process(target=viewer_proc, args=(url, count, self.ready_q, q, self.result_q, origin), daemon=True)
            p.start()
            self.cmd_qs.append(q)
            self.procs.append(p)

    def wait_ready(self, timeout=600) -> int:
        total = 0
        for _ in self.procs:
            _, ok = self.ready_q.get(timeout=timeout)
            total += ok
        return total

    def phase(self, name: str) -> None:
        for q in self.cmd_qs:
            q.put(name)

    def stop(self) -> dict:
        for q in self.cmd_qs:
            q.put("stop")
        out = {"records": [], "counts": {}, "lost": 0, "storm_versions": []}
        for _ in self.procs:
            r = self.result_q.get(timeout=300)
            out["records"].extend(r["records"])
            out["storm_versions"].extend(r.get("storm_versions", []))
            out["lost"] += r["lost"]
            for k, v in r["counts"].items():
                out["counts"][k] = out["counts"].get(k, 0) + v
        for p in self.procs:
            p.join(timeout=30)
        return out


# --- the bare websockets broadcast server -------------------------------------------------------------


def bare_server(port: int, payload_path: str, updates: int, interval: float, go_path: str) -> None:
    from websockets.asyncio.server import broadcast, serve

    template = Path(payload_path).read_text()
    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            await ws.send(version_sub(template, time.time_ns() // 1000))
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**22, ping_interval=None):
            while not os.path.exists(go_path):
                await asyncio.sleep(0.05)
            for _ in range(updates):
                broadcast(clients, version_sub(template, time.time_ns() // 1000))
                await asyncio.sleep(interval)
            await asyncio.sleep(3600)

    asyncio.run(main())


def version_sub(template: str, version: int) -> str:
    return re.sub(r'"version":\d+', f'"version":{version}', template, count=1)


# --- the driver --------------------------------------------------------------------------------------


def setup_django(db_url: str, prefix: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ["LEADERBOARD_PREFIX"] = prefix
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_contest(students: int):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Membership, Organization, OrgKind, Role, User
    from competitions.models import Contest, ContestStatus

    city = Organization.objects.create(name=f"南通市-{uuid.uuid4().hex[:6]}", kind=OrgKind.CITY)
    classes = []
    for d in range(7):
        district = Organization.objects.create(name=f"区{d}", kind=OrgKind.DISTRICT, parent=city)
        school = Organization.objects.create(name=f"实验学校{d}", kind=OrgKind.SCHOOL, parent=district)
        classes.append(Organization.objects.create(name="五（1）班", kind=OrgKind.CLASS, parent=school, grade=5))
    users = User.objects.bulk_create(
        [User(username=f"bench{uuid.uuid4().hex[:10]}", real_name=f"选手{i:04d}") for i in range(students)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.STUDENT, org=classes[i % len(classes)]) for i, u in enumerate(users)]
    )
    now = timezone.now()
    contest = Contest.objects.create(
        title="基准测试竞赛",
        owner_org=city,
        status=ContestStatus.PUBLISHED,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=3),
        attempts_allowed=0,
    )
    return contest, users, classes


def score_one(contest, user, klass, score: float, number: int):
    """Commit one scored attempt the way the contest engine does (attempt_scored after commit)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from competitions.models import Attempt, AttemptState
    from competitions.signals import attempt_scored

    now = timezone.now()
    with transaction.atomic():
        Attempt.objects.filter(contest=contest, user=user, counts=True).update(counts=False)
        a = Attempt.objects.create(
            contest=contest,
            user=user,
            number=number,
            state=AttemptState.FINALISED,
            class_org=klass,
            seed=1,
            started_at=now - timedelta(seconds=300),
            deadline=now + timedelta(minutes=30),
            finished_at=now,
            score=Decimal(str(score)),
            max_score=Decimal(100),
            time_used_s=300,
            counts=True,
        )
        cid, aid = contest.pk, a.pk
        transaction.on_commit(lambda: attempt_scored.send(sender=Attempt, contest_id=cid, attempt_id=aid))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def latency_stats(records, n_viewers, updates):
    lat = [max(0.0, t - v / 1e6) for t, v in records]
    return {
        "p50": statistics.median(lat) if lat else float("nan"),
        "p99": pct(lat, 99),
        "messages": len(records),
        "expected": n_viewers * updates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument("--procs", type=int, default=4, help="client processes")
    parser.add_argument("--updates", type=int, default=15)
    parser.add_argument("--interval", type=float, default=0.7)
    parser.add_argument("--storm", type=float, default=5.0, help="seconds of answers as fast as possible")
    parser.add_argument("--profile", help="run our server under cProfile, write the stats to this file")
    parser.add_argument(
        "--server",
        choices=["daphne", "uvicorn"],
        default="daphne",
        help="ASGI server for our app (uvicorn --ws websockets must be importable, e.g. via PYTHONPATH)",
    )
    args = parser.parse_args()

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("REDIS_URL is required (the server and this driver share the board through Redis)")
    tmp = tempfile.mkdtemp(prefix="lbbench-")
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    prefix = f"lbbench-{uuid.uuid4().hex[:8]}"
    setup_django(db_url, prefix)
    contest, users, classes = make_contest(300)
    for i, u in enumerate(users[:50]):
        score_one(contest, u, classes[i % len(classes)], 40 + i % 30, 1)

    port = free_port()
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url, LEADERBOARD_PREFIX=prefix, PYTHONUNBUFFERED="1")
    profile = ["-m", "cProfile", "-o", args.profile] if args.profile else []
    if args.server == "uvicorn":
        serve = ["-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets"]
        serve += ["--no-access-log", "--log-level", "warning", "quizsite.asgi:application"]
    else:
        serve = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"]
    server = subprocess.Popen(
        [sys.executable, *profile, *serve],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{tmp}/daphne.log", "w"),  # noqa: SIM115
    )
    results = {}
    try:
        wait_port(port, server)
        time.sleep(1)
        rss0 = rss_bytes(server.pid)
        url = f"ws://127.0.0.1:{port}/ws/contests/{contest.pk}/leaderboard/?scope=individual&display={contest.display_token}"
        t = time.monotonic()
        # the big screen is a browser: it sends its Origin, which the server checks
        viewers = Viewers(url, args.viewers, args.procs, origin=f"http://127.0.0.1:{port}")
        connected = viewers.wait_ready()
        print(f"ours: {connected}/{args.viewers} viewers connected in {time.monotonic() - t:.1f}s")
        time.sleep(2)
        rss1 = rss_bytes(server.pid)

        viewers.phase("latency")
        time.sleep(0.5)
        cpu0 = cpu_seconds(server.pid)
        number = 2
        for i in range(args.updates):
            u = users[100 + i]
            score_one(contest, u, classes[i % len(classes)], 80 + i % 20 + i / 100, number)
            time.sleep(args.interval)
        time.sleep(2)
        cpu1 = cpu_seconds(server.pid)

        viewers.phase("storm")
        storm_start = time.monotonic()
        storm_wall = time.time()
        answers = 0
        while time.monotonic() - storm_start < args.storm:
            u = users[answers % len(users)]
            score_one(contest, u, classes[answers % len(classes)], (answers * 37) % 100, 10 + answers)
            answers += 1
        storm_s = time.monotonic() - storm_start
        storm_wall_end = storm_wall + storm_s
        viewers.phase("tail")
        time.sleep(1.5)
        ours = viewers.stop()
        from leaderboards.selectors import board_pair, snapshot_payload
        from leaderboards.source import contest_info

        info = contest_info(contest.pk)
        pair = board_pair(info=info, scope="individual", limit=20, need_live=False)
        frame = json.dumps(
            snapshot_payload(info=info, scope="individual", pair=pair, live=False, me=None),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        stats = latency_stats(ours["records"], connected, args.updates)
        results["ours"] = {
            **stats,
            "cpu": cpu1 - cpu0,
            "rss_per_conn": (rss1 - rss0) / max(1, connected),
            "lost": ours["lost"],
            # pushes whose board changed during the storm (by version time), per viewer per second: client
            # lag cannot shift messages between phases this way
            "storm_msgs_per_viewer_s": sum(storm_wall <= v / 1e6 <= storm_wall_end for v in ours["storm_versions"])
            / max(1, connected)
            / storm_s,
            "storm_answers_s": answers / storm_s,
        }
    finally:
        server.send_signal(signal.SIGINT) if args.profile else server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    # --- the bare websockets broadcast with the same frame -----------------------------------------
    payload_path = f"{tmp}/payload.json"
    Path(payload_path).write_text(frame)
    go_path = f"{tmp}/go"
    bport = free_port()
    bare = mp.get_context("spawn").Process(
        target=bare_server, args=(bport, payload_path, args.updates, args.interval, go_path), daemon=True
    )
    bare.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", bport), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        viewers = Viewers(f"ws://127.0.0.1:{bport}/", args.viewers, args.procs)
        bconnected = viewers.wait_ready()
        print(f"bare: {bconnected}/{args.viewers} viewers connected")
        time.sleep(2)
        viewers.phase("latency")
        time.sleep(0.5)
        bcpu0 = cpu_seconds(bare.pid)
        Path(go_path).touch()
        time.sleep(args.updates * args.interval + 2)
        bcpu1 = cpu_seconds(bare.pid)
        bare_out = viewers.stop()
        results["bare"] = {**latency_stats(bare_out["records"], bconnected, args.updates), "cpu": bcpu1 - bcpu0}
        results["bare"]["lost"] = bare_out["lost"]
    finally:
        bare.kill()

    o, b = results["ours"], results["bare"]
    cost_o = o["cpu"] / max(1, o["messages"])
    cost_b = b["cpu"] / max(1, b["messages"])
    print()
    print(f"viewers                      {args.viewers} ({args.procs} client processes, same machine)")
    print(f"our server                   {args.server}")
    print(f"payload                      {len(frame.encode())} bytes (top 20)")
    print(f"{'':28} {'ours':>12} {'bare websockets':>16}")
    print(f"{'delivered / expected':28} {o['messages']:>5}/{o['expected']:<6} {b['messages']:>8}/{b['expected']:<7}")
    print(f"{'dropped viewers':28} {o['lost']:>12} {b['lost']:>16}")
    print(f"{'p50 latency (s)':28} {o['p50']:>12.3f} {b['p50']:>16.3f}")
    print(f"{'p99 latency (s)':28} {o['p99']:>12.3f} {b['p99']:>16.3f}")
    print(f"{'CPU µs per recipient':28} {cost_o * 1e6:>12.1f} {cost_b * 1e6:>16.1f}")
    print(f"server RSS per connection    {o['rss_per_conn'] / 1024:.1f} KiB")
    print(
        f"storm: {o['storm_answers_s']:.0f} answers/s committed -> "
        f"{o['storm_msgs_per_viewer_s']:.2f} messages per viewer per second"
    )
    print(f"ratio p99 ours/bare          {o['p99'] / b['p99']:.2f}   (target ≤ 2)")
    print(f"ratio cost ours/bare         {cost_o / cost_b:.2f}   (target ≤ 3)")


if __name__ == "__main__":
    main()
