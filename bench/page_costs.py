"""Per-request cost of a student's contest-morning pages, in one process (issue 17): queries and CPU.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/page_costs.py [--students 60]

Seeds the demo tree, N students and a formal 30-question contest (bench/harness.py), then walks each
student through the journey with Django's test client (every middleware, the real views and templates):
login (the form, with the production password hasher), contest page, start, paper page, resync (`GET /api/v1/attempts/<id>` with the page's Bearer token and
the session cookie, as the browser sends it), submit, result, and "my rank" (the leaderboard WebSocket's
connect and first frame, through quizsite.asgi with the session cookie). Queries are counted on the first
students with CaptureQueriesContext; CPU (time.process_time of this process: Python, template, driver —
not the PostgreSQL server's) is the median over the others, measured without the query capture. Numbers
on a shared machine are CPU, not wall clock: compare runs made the same way."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time

from asgiref.sync import async_to_sync
from harness import PASSWORD, ROOT, ensure_postgres_database, make_bench_contest, seed_students

TOKEN = re.compile(r'data-token="([^"]+)"')
ENDPOINTS = (
    "login",
    "contest page",
    "start",
    "paper page",
    "paper page (reload)",
    "resync",
    "submit",
    "result",
    "my rank",
)


def journey(client, contest_id: int, username: str, password: str, measure) -> None:
    login = measure("login", lambda: client.post("/accounts/login/", {"username": username, "password": password}))
    assert login.status_code == 302, login.status_code
    page = measure("contest page", lambda: client.get(f"/contests/{contest_id}/"))
    assert page.status_code == 200, page.status_code
    started = measure("start", lambda: client.post(f"/contests/{contest_id}/start/"))
    assert started.status_code == 302 and "/attempts/" in started.url, started
    paper_url = started.url
    attempt_id = int(paper_url.rstrip("/").rsplit("/", 1)[1])
    paper = measure("paper page", lambda: client.get(paper_url))
    token = TOKEN.search(paper.content.decode()).group(1)
    measure("paper page (reload)", lambda: client.get(paper_url))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    resync = measure("resync", lambda: client.get(f"/api/v1/attempts/{attempt_id}", **auth))
    assert resync.status_code == 200, resync.status_code
    done = measure("submit", lambda: client.post(f"/contests/attempts/{attempt_id}/submit/", {"autosaved": "1"}))
    assert done.status_code == 302, done.status_code
    result = measure("result", lambda: client.get(f"/contests/attempts/{attempt_id}/result/"))
    assert result.status_code == 200, result.status_code
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    # from this thread, so that the consumer's thread-sensitive database work runs here and is counted
    measure("my rank", lambda: async_to_sync(my_rank)(contest_id, cookie))


async def my_rank(contest_id: int, cookie: str) -> None:
    from channels.testing import WebsocketCommunicator

    from quizsite.asgi import application

    ws = WebsocketCommunicator(
        application,
        f"/ws/contests/{contest_id}/leaderboard/?scope=individual",
        headers=[(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
    )
    connected, code = await ws.connect(timeout=10)
    assert connected, code
    await ws.receive_from(timeout=10)
    await ws.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--counted", type=int, default=5, help="students whose queries are counted")
    parser.add_argument("--show", action="store_true", help="print the first counted student's SQL per endpoint")
    parser.add_argument(
        "--profile", choices=ENDPOINTS, help="cProfile (CPU clock) this endpoint over the timed students"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    ensure_postgres_database(os.environ.get("DATABASE_URL", ""))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from competitions.models import ContestKind

    total = args.students + args.counted
    usernames = seed_students(total)
    now = timezone.now()
    contest = make_bench_contest(
        title=f"页面开销 {now:%m%d-%H%M%S}",
        kind=ContestKind.FORMAL,
        attempts_allowed=1,
        opens_at=now - timezone.timedelta(minutes=5),
        closes_at=now + timezone.timedelta(hours=2),
        time_limit_s=3600,
    )
    queries: dict[str, list[int]] = {name: [] for name in ENDPOINTS}
    cpu: dict[str, list[float]] = {name: [] for name in ENDPOINTS}

    def counting(name, call):
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        if args.show and not queries[name]:
            print(f"--- {name}")
            for q in ctx.captured_queries:
                print("   ", q["sql"][:160])
        queries[name].append(len(ctx.captured_queries))
        return response

    profile = cProfile.Profile(time.process_time)

    def timing(name, call):
        t = time.process_time()
        if name == args.profile:
            profile.enable()
        response = call()
        profile.disable()
        cpu[name].append((time.process_time() - t) * 1000)
        return response

    for i, username in enumerate(usernames[-total:]):
        journey(Client(), contest.pk, username, PASSWORD, counting if i < args.counted else timing)
    print(f"{args.students} students (CPU: median ms of this process; queries on {args.counted} students)")
    print(f"{'endpoint':22} {'queries':>8} {'CPU p50':>8} {'CPU p90':>8}")
    for name in ENDPOINTS:
        ms = sorted(cpu[name])
        q = sorted(set(queries[name]))
        q_text = str(q[0]) if len(q) == 1 else f"{q[0]}–{q[-1]}"
        print(f"{name:22} {q_text:>8} {statistics.median(ms):8.2f} {ms[int(len(ms) * 0.9)]:8.2f}")
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
