"""Contest morning at city scale (issue 17): the whole student journey against the production shape,
with Locust as a library (headless), and the numbers deployers size from.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/contest_day.py --students 3000 --compression 10
    ... bench/contest_day.py --smoke                      # every path once, in under 2 minutes
    ... bench/contest_day.py --steps 500,1000,2000,3000   # ramp: stop at the first step that fails

Starts nginx → 2 daphne (--proxy-headers), the db_worker (bench/cluster.py); seeds N students and a
30-question contest; runs the journey in bench/contest_day_users.py. Students log in at random times
in the window before the bell (--login-window: a 600 s morning divided by --compression, so at ×10 logins
come 10× denser than on a real morning; 0 = the old shape, logins during the ramp and the bell waiting for
them), then start after the class bell. Think time and the 30 s network outage are divided by --compression
(printed: one simulated student then sends the answer saves of
`compression` real ones); the bell window and the deadline window are real seconds. Reports per
endpoint req/s, p50/p95/p99 and errors by status; logins (before the bell) apart from the student requests
from the bell on; the start burst and the deadline burst separately;
server CPU per completed student-contest; peak RSS per process; peak database connections; Redis
memory of the run's keys; and, against the database afterwards, acknowledged answers lost (must be 0),
deadline finalisation lag and whether the boards equal the database. Exit status 1 on any loss."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict

import gevent
import locust  # noqa: F401,I001 - first: gevent's monkey patching must precede every other import
from cluster import Cluster, SentinelTrio, finish_probe, start_probe
from contest_day_users import PLAN, BoardViewer, Organiser, Student, Teacher
from harness import ROOT
from locust.env import Environment

BENCH = ROOT / "bench"
STUDENT_NAMES = ("login", "contest page", "start", "paper page", "api attempt", "answer save", "submit", "result")


def run_db(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(BENCH / "contest_day_db.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"contest_day_db.py {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Recorder:
    """Every request with its start time, so that any window (start burst, deadline burst) can be cut out."""

    def __init__(self):
        self.rows: dict[str, list[tuple[float, float, str]]] = defaultdict(list)

    def on_request(self, request_type, name, response_time, exception=None, response=None, start_time=None, **kw):
        status = getattr(response, "status_code", None)
        if exception is None:
            outcome = str(status or "ok")
        elif status and status >= 400:
            outcome = str(status)
        else:
            outcome = type(exception).__name__
        started = start_time or (time.time() - response_time / 1000)
        self.rows[name].append((started, response_time, outcome if exception else "ok"))

    def table(self, lo: float = 0.0, hi: float = float("inf")) -> dict:
        out = {}
        for name, rows in sorted(self.rows.items()):
            picked = [r for r in rows if lo <= r[0] <= hi]
            if not picked:
                continue
            times = sorted(r[1] for r in picked)
            span = max(r[0] for r in picked) - min(r[0] for r in picked) or 1.0
            errors: dict[str, int] = defaultdict(int)
            for r in picked:
                if r[2] != "ok":
                    errors[r[2]] += 1
            out[name] = {
                "n": len(picked),
                "rps": round(len(picked) / span, 1),
                "p50": pct(times, 0.50),
                "p95": pct(times, 0.95),
                "p99": pct(times, 0.99),
                "errors": dict(errors),
            }
        return out


def pct(ordered: list[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else 0.0


def redis_run_memory(env: dict, prefix: str) -> int:
    from core.redisconf import sentinel_config, sync_client

    client = sync_client(env["REDIS_URL"], sentinel=sentinel_config(env))
    return sum(client.memory_usage(k) or 0 for k in client.scan_iter(match=f"{prefix}*", count=1000))


def run_once(args, env: dict, cluster: Cluster, base: str, students: int, trio: SentinelTrio | None = None) -> dict:
    think = args.think / args.compression
    answering = 30 * think * 1.5
    after_bell = args.bell_window * 1.5 + answering + args.deadline_window
    # With a login window the timetable is fixed from the end of seeding (t0 = then + 3 s), so the contest's
    # closing time is stored by the seed itself and nothing has to be written while the bell rings.
    closes_in = 3 + args.login_window + after_bell if args.login_window else 0
    seeded = run_db(
        env,
        "seed",
        "--students",
        str(students),
        "--phone-viewers",
        str(args.viewers // 2),
        "--closes-in",
        str(closes_in),
    )
    t0 = seeded["closes_at"] - after_bell - args.login_window if args.login_window else time.time() + 1
    with tempfile.NamedTemporaryFile(prefix="contest-day-", suffix=".jsonl", delete=False) as fh:
        log_path = fh.name
    PLAN.__init__(
        base=base,
        contest_id=seeded["contest_id"],
        display_token=seeded["display_token"],
        password=seeded["password"],
        organiser=seeded["organiser"],
        district_id=seeded["district_id"],
        bell_window=args.bell_window,
        deadline_window=args.deadline_window,
        compression=args.compression,
        think_s=args.think,
        log=open(log_path, "w"),  # noqa: SIM115
    )
    PLAN.students.extend(seeded["students"])
    PLAN.phone_viewers.extend(seeded["phone_viewers"])
    PLAN.teachers.extend(seeded["teachers"][: max(args.teachers, 1)])
    Student.fixed_count, BoardViewer.fixed_count, Teacher.fixed_count = students, args.viewers, args.teachers
    Organiser.fixed_count = 1
    for cls in (Student, Teacher, Organiser):
        cls.host = base
    print(
        f"students {students}  compression ×{args.compression} (think {args.think}s → {think:.2f}s; "
        f"outage 30s → {30 / args.compression:.1f}s)  ramp {args.ramp}s  "
        f"login window {args.login_window:.0f}s before the bell"
        f"{'' if args.login_window else ' (logins during the ramp; the bell waits for them)'}  "
        f"bell window {args.bell_window}s  "
        f"deadline window {args.deadline_window}s",
        flush=True,
    )
    recorder = Recorder()
    environment = Environment(user_classes=[Student, BoardViewer, Teacher, Organiser], host=base)
    environment.events.request.add_listener(recorder.on_request)
    runner = environment.create_local_runner()
    probe = start_probe(env["DATABASE_URL"], cluster.server_pids(), seeded["contest_id"])
    sleep_until(t0)
    total = students + args.viewers + args.teachers + 1
    if args.login_window:
        # A contest morning: students log in at random times in the window before the bell, which rings on
        # time whoever is still logging in (they start late). Users spawn early so no login slot is missed.
        PLAN.login_from, PLAN.login_window = t0, args.login_window
        bell_at, closes_at = t0 + args.login_window, seeded["closes_at"]
        runner.start(total, spawn_rate=max(total / max(min(args.ramp, args.login_window / 4), 1), 1))
        sleep_until(bell_at)
    else:
        runner.start(total, spawn_rate=max(total / max(args.ramp, 1), 1))
        # The bell rings after the ramp, or later while logins are still going on (at most max(ramp, 30 s) more).
        while PLAN.done["logged_in"] < students and time.time() < t0 + args.ramp + max(args.ramp, 30):
            gevent.sleep(0.5)
        bell_at = max(time.time(), t0 + args.ramp)
        closes_at = bell_at + after_bell
        run_db(env, "schedule", "--contest", str(seeded["contest_id"]), "--closes-at", str(closes_at))
    logged_in_at_bell = PLAN.done["logged_in"]
    PLAN.bell_at, PLAN.closes_at = bell_at, closes_at
    PLAN.bell.set()
    print(
        f"bell after {bell_at - t0:.0f}s ({logged_in_at_bell} of {students} logged in); "
        f"contest closes {closes_at - time.time():.0f}s from now",
        flush=True,
    )
    failover: dict = {}
    if trio is not None and trio.procs["primary"].poll() is None:  # mid-answering: the Redis primary dies

        def fail():
            sleep_until(bell_at + args.bell_window + answering / 2)
            failover["at_s_before_close"] = round(closes_at - time.time(), 1)
            failover["promoted_after_s"] = trio.fail_primary()

        gevent.spawn(fail)
    stop_at = closes_at + 25
    while time.time() < stop_at and PLAN.done["completed"] < students:
        gevent.sleep(1)
    gevent.sleep(min(10.0, max(0.0, closes_at + 10 - time.time())))  # boards settle after the sweep
    runner.quit()
    resources = finish_probe(probe)
    for viewer in PLAN.viewers:
        PLAN.record(**viewer)
    PLAN.log.close()
    check = run_db(env, "check", "--contest", str(seeded["contest_id"]), "--acked", log_path)
    # finished_at is clamped to the deadline: when finalisation really ended comes from the probe (1 s samples)
    open_until = resources.pop("last_open_attempt_seen_at", None)
    board = check["board"]
    check["all_finalised_within_s_of_deadline"] = round(max(0.0, (open_until or closes_at) - closes_at) + 1, 1)
    if board.get("last_frame_at") and open_until:
        board["last_frame_after_last_finalisation_s"] = round(board["last_frame_at"] - (open_until + 1), 1)
    student_rows = [r for name, rows in recorder.rows.items() if name.startswith(STUDENT_NAMES) for r in rows]
    student_times = sorted(r[1] for r in student_rows)
    after_login = sorted(
        r[1] for name, rows in recorder.rows.items() if name.startswith(STUDENT_NAMES[1:]) for r in rows
    )
    cpu_total = sum(resources["cpu_s"].values())
    completed = max(PLAN.done["completed"], 1)
    starts = sorted(r[0] for r in recorder.rows.get("start (paper drawn)", []))
    bell_rows = [
        r for name, rows in recorder.rows.items() if name.startswith(STUDENT_NAMES[1:]) for r in rows if r[0] >= bell_at
    ]
    at_bell = sorted(r[1] for r in bell_rows)
    return {
        "students": students,
        "compression": args.compression,
        "login_window_s": args.login_window,
        "endpoints": recorder.table(),
        "login": {
            "logged_in_before_bell": logged_in_at_bell,
            "endpoints": {
                k: v for k, v in recorder.table(hi=bell_at).items() if k.startswith(("login", "contest page"))
            },
            "after_bell": {k: v for k, v in recorder.table(lo=bell_at).items() if k.startswith("login (session)")},
        },
        "bell_and_after": {
            "n": len(at_bell),
            "p99_ms": pct(at_bell, 0.99),
            "errors": sum(1 for r in bell_rows if r[2] != "ok"),
            "endpoints": {k: v for k, v in recorder.table(lo=bell_at).items() if k.startswith(STUDENT_NAMES[1:])},
        },
        "start_burst": {
            "starts": len(starts),
            "within_bell_window": sum(1 for s in starts if s <= bell_at + args.bell_window),
            "spread_s": round(starts[-1] - starts[0], 1) if starts else None,
            **recorder.table().get("start (paper drawn)", {}),
        },
        "deadline_burst": recorder.table(closes_at - args.deadline_window, closes_at + 60),
        "student_requests": {
            "n": len(student_times),
            "p99_ms": pct(student_times, 0.99),
            "errors": sum(1 for r in student_rows if r[2] != "ok"),
            "p99_ms_without_login": pct(after_login, 0.99),
        },
        "completed": PLAN.done["completed"],
        "cpu_s_per_completed_student": round(cpu_total / completed, 3),
        "resources": resources,
        "redis_bytes_for_run_keys": redis_run_memory(env, env["LEADERBOARD_PREFIX"]),
        "check": check,
        "redis_failover": failover or None,
    }


def sleep_until(t: float) -> None:
    if t > time.time():
        gevent.sleep(t - time.time())


def print_report(r: dict) -> None:
    print(f"\n=== {r['students']} students (compression ×{r['compression']}), completed {r['completed']} ===")
    print(f"{'endpoint':42} {'n':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  errors")
    for name, s in r["endpoints"].items():
        print(f"{name[:42]:42} {s['n']:7} {s['rps']:7} {s['p50']:7} {s['p95']:7} {s['p99']:7}  {s['errors'] or ''}")
    login = r["login"]
    print(
        f"logins (window {r['login_window_s']:.0f}s before the bell; {login['logged_in_before_bell']} of "
        f"{r['students']} done before it):"
    )
    for name, s in {**login["endpoints"], **{f"{k} after the bell": v for k, v in login["after_bell"].items()}}.items():
        print(
            f"  {name[:40]:40} n={s['n']} req/s={s['rps']} p50={s['p50']} p99={s['p99']} ms errors={s['errors'] or 0}"
        )
    bell = r["bell_and_after"]
    print(
        f"student requests from the bell on, without login: n={bell['n']} p99={bell['p99_ms']} ms errors={bell['errors']}"
    )
    for name, s in bell["endpoints"].items():
        print(f"  {name[:40]:40} n={s['n']} p50={s['p50']} p99={s['p99']} ms errors={s['errors'] or 0}")
    print("start burst:", json.dumps(r["start_burst"], ensure_ascii=False))
    print("deadline burst (last window … +60 s):")
    for name, s in r["deadline_burst"].items():
        print(f"  {name[:40]:40} n={s['n']} p99={s['p99']} ms errors={s['errors'] or 0}")
    print("student requests:", r["student_requests"])
    print("server CPU s per completed student-contest:", r["cpu_s_per_completed_student"])
    print("resources:", json.dumps(r["resources"]))
    print("redis bytes for this run's keys:", r["redis_bytes_for_run_keys"])
    print("after the run:", json.dumps(r["check"], ensure_ascii=False))
    if r["redis_failover"]:
        print("redis primary killed:", r["redis_failover"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--steps", default="", help="comma-separated student counts: ramp until a step fails")
    parser.add_argument(
        "--ramp", type=float, default=60, help="seconds over which users spawn (and log in, with --login-window 0)"
    )
    parser.add_argument(
        "--login-window",
        type=float,
        default=None,
        help="students log in at random times in this many real seconds before the bell (default: a 600 s "
        "morning divided by --compression; 0 = everyone logs in during the ramp and the bell waits for them)",
    )
    parser.add_argument("--bell-window", type=float, default=60, help="most of a school starts within this (real s)")
    parser.add_argument("--deadline-window", type=float, default=30, help="late submitters hand in within this")
    parser.add_argument("--compression", type=float, default=10, help="think time and outage divided by this")
    parser.add_argument("--think", type=float, default=25, help="real seconds per question")
    parser.add_argument("--viewers", type=int, default=40, help="WebSocket board viewers (half phones)")
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--p99-ms", type=float, default=500, help="a step fails when student p99 passes this")
    parser.add_argument(
        "--p99-without-login", action="store_true", help="judge a step by p99 without the (password-hashing) login"
    )
    parser.add_argument(
        "--redis-failover", action="store_true", help="own Redis primary+replica+sentinel; kill the primary mid-run"
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--smoke", action="store_true", help="every path, tiny and fast (< 2 minutes)")
    args = parser.parse_args()
    if args.smoke:
        args.students, args.ramp, args.bell_window, args.deadline_window = 12, 3, 4, 4
        args.compression, args.viewers, args.teachers, args.steps = 100, 4, 2, ""
    if args.login_window is None:
        args.login_window = 600 / args.compression
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("contest_day.py needs DATABASE_URL (PostgreSQL) and REDIS_URL: the production shape")
    run_id = uuid.uuid4().hex[:8]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="quizsite.settings.local",
        DEBUG="0",
        LOG_LEVEL="ERROR",
        PROXY_COUNT="1",
        PYTHONUNBUFFERED="1",
        LEADERBOARD_PREFIX=f"cd{run_id}",
        CACHE_KEY_PREFIX=f"cd{run_id}",
    )
    env.setdefault("DB_POOL_MAX", "20")
    steps = [int(s) for s in args.steps.split(",") if s.strip()] or [args.students]
    trio = SentinelTrio() if args.redis_failover else None
    if trio is not None:
        env.update(trio.start())
        print(f"redis: primary :{trio.primary}, replica :{trio.replica}, sentinel :{trio.sentinel}", flush=True)
    run_db(env, "seed", "--students", "0")  # migrations and the organisation tree before the servers start
    cluster = Cluster(env)
    base = cluster.start()
    print(f"cluster: {base} (nginx → 2 daphne, db_worker); logs in {cluster.run_dir}", flush=True)
    results, failed = [], False
    try:
        for n in steps:
            r = run_once(args, env, cluster, base, n, trio)
            print_report(r)
            results.append(r)
            s = r["student_requests"]
            p99 = s["p99_ms_without_login"] if args.p99_without_login else s["p99_ms"]
            held = p99 < args.p99_ms and not s["errors"]
            print(f"held {n} students (p99 < {args.p99_ms} ms, 0 errors): {'yes' if held else 'NO'}", flush=True)
            failed = failed or r["check"]["lost"] > 0
            if not held:
                break
    finally:
        cluster.stop()
        if trio is not None:
            trio.stop()
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, ensure_ascii=False, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
