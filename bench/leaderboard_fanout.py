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
import json
import multiprocessing as mp
import os
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
from bench.fanout_clients import Viewers, bare_server, cpu_seconds, free_port, rss_bytes, wait_port  # noqa: E402

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
        serve = ["-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"]
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
    print(f"ratio p99 ours/bare          {_ratio(o['p99'], b['p99'])}   (target ≤ 2)")
    print(f"ratio cost ours/bare         {_ratio(cost_o, cost_b)}   (target ≤ 3)")


def _ratio(ours: float, bare: float) -> str:
    # a tiny smoke run can leave the bare server's CPU below /proc's tick
    return f"{ours / bare:.2f}" if bare else "n/a (bare baseline below measurement)"


if __name__ == "__main__":
    main()
