"""The hall quiz under load: P players on one game from several client processes, the host opening 10
questions (each: open → every player answers at once, or after a think time with --think MIN,MAX → close
→ results); and in the same run a bare
`websockets` server broadcasting a payload of the question's size to the same P clients.

    .venv/bin/python bench/live_quiz.py --players 500 --procs 4
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/live_quiz.py --players 500
    REDIS_URL=… DATABASE_URL=postgres://… .venv/bin/python bench/live_quiz.py --players 5000 --servers 2

--servers K starts K daphne processes (needs REDIS_URL) and spreads the players over them round-robin;
the host sits on the first. The host's live count (`count` frames) is timed too: open → the count
reaching every player.

Figures: question delivered to all (host's send → last player's frame) p50/p99 vs the bare broadcast;
answer → ack p50/p99 and unacknowledged answers; close → last results frame; the server's RSS per
connection. Clocks: all processes on one machine, time.time()."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.stage_hall import free_port, pct, wait_port  # noqa: E402

QUESTIONS = 10


def setup(db_url: str, players: int):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import secrets
    from datetime import date

    from django.utils import timezone

    from accounts.models import Membership, Organization, Role, User
    from accounts.tokens import token_issue
    from stage import services
    from stage.access import Actor
    from stage.models import QuizPlayer

    city = Organization.objects.create(name="南通市", kind="city")
    host_user = User.objects.create_user(f"bench_host_{secrets.token_hex(3)}", password="x-Bench-2026")
    Membership.objects.create(user=host_user, role=Role.ORGANISER, org=city)
    host = Actor(user=host_user)
    event = services.final_create(actor=host, org=city, title="基准决赛", date=date.today())
    opts = [{"key": k, "text": f"选项{k}——国家宪法日是哪一天"} for k in "ABCD"]
    game = services.quiz_create(
        actor=host,
        event=event,
        title="基准答题",
        questions=[{"stem": f"第{i + 1}题：国家宪法日是每年的哪一天？", "options": opts, "answer": "A", "time_s": 20} for i in range(QUESTIONS)],
    )  # fmt: skip
    now = timezone.now()
    rows = [
        QuizPlayer(game=game, nickname=f"p{i}", token=secrets.token_urlsafe(24), joined_at=now) for i in range(players)
    ]
    QuizPlayer.objects.bulk_create(rows, batch_size=1000)
    tokens = list(QuizPlayer.objects.filter(game=game).values_list("token", flat=True))
    return game, token_issue(user=host_user), tokens


def client_proc(urls: list[str], bare: bool, out: mp.Queue, go: mp.Event, think: tuple[float, float]) -> None:
    asyncio.run(_client(urls, bare, out, go, think))


async def _client(urls, bare, out, go, think=(0.0, 0.0)):
    import websockets

    rng = random.Random(len(urls))
    pending: set[asyncio.Task] = set()  # answers waiting out their think time (referenced until sent)

    async def answer(ws, i, pos, delay):
        await asyncio.sleep(delay)
        sent_at[(i, pos)] = time.time()
        await ws.send(json.dumps({"type": "answer", "position": pos, "choice": "A" if i % 3 else "B"}))

    conns = []
    for url in urls:
        # no keepalive pings from the clients: a browser's WebSocket never sends one (the server still pings)
        conns.append(
            await websockets.connect(
                url, origin="http://127.0.0.1", compression=None, max_size=2**22, ping_interval=None
            )
        )
    delivered: dict[int, list[float]] = {}
    results: dict[int, list[float]] = {}
    acks: list[float] = []
    sent_at: dict[tuple[int, int], float] = {}
    asked: set[tuple[int, int]] = set()
    got_results: set[tuple[int, int]] = set()

    async def reader(i, ws):
        async for raw in ws:
            now = time.time()
            msg = json.loads(raw)
            t = msg.get("type")
            if t == "bare":
                delivered.setdefault(msg["position"], []).append(now)
            elif t == "game" and msg["phase"] == "question":
                pos = msg["position"]
                if (i, pos) not in asked:
                    asked.add((i, pos))
                    delivered.setdefault(pos, []).append(now)
                    if think[1] <= 0:  # everyone at once: the hardest burst
                        sent_at[(i, pos)] = time.time()
                        await ws.send(json.dumps({"type": "answer", "position": pos, "choice": "A" if i % 3 else "B"}))
                    else:
                        task = asyncio.create_task(answer(ws, i, pos, rng.uniform(*think)))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
            elif t == "game" and msg["phase"] in ("results", "finished") and (i, msg["position"]) not in got_results:
                # the first results frame per player: a late group or a slow reader makes the hub push them again
                got_results.add((i, msg["position"]))
                results.setdefault(msg["position"], []).append(now)
            elif t == "ack":
                start = sent_at.get((i, msg["position"]))
                if start is not None and msg.get("ok"):
                    acks.append(now - start)

    tasks = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(conns)]
    # the clients measure: a collector pass over thousands of connections' objects would stall a client's
    # loop and be counted as delivery time (seen as one slow question per run); refcounting frees the rest
    gc.collect()
    gc.freeze()
    gc.disable()
    out.put(("ready", len(conns)))
    while not go.is_set():
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    for t in tasks:
        t.cancel()
    for ws in conns:
        await ws.close()
    out.put(("data", {"delivered": delivered, "results": results, "acks": acks, "answers": len(sent_at)}))


def run_round(urls, procs, drive, bare=False, think=(0.0, 0.0)):
    out, go = mp.Queue(), mp.Event()
    chunks = [urls[i::procs] for i in range(procs)]
    ps = [mp.Process(target=client_proc, args=(c, bare, out, go, think), daemon=True) for c in chunks]
    for p in ps:
        p.start()
    for _ in ps:
        assert out.get(timeout=300)[0] == "ready"
    marks = asyncio.run(drive())
    go.set()
    data = [out.get(timeout=120)[1] for _ in ps]
    for p in ps:
        p.join(10)
    return marks, data


def rss_kb(pid: int) -> int:
    total = 0
    for p in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                total += int(line.split()[1])
    return total


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds the server processes have used so far (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--players", type=int, default=500)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--gap", type=float, default=None, help="seconds a question stays open (2, or think's end + 2)")
    ap.add_argument(
        "--think",
        default="0",
        help="MIN,MAX seconds: each player answers after a uniform random think time (0: all at once on delivery)",
    )
    ap.add_argument("--servers", type=int, default=1, help="daphne processes (more than one needs REDIS_URL)")
    args = ap.parse_args()
    if args.servers > 1 and not os.environ.get("REDIS_URL"):
        ap.error("--servers > 1 needs REDIS_URL (the processes share the game through Redis)")
    try:
        bounds = [float(x) for x in args.think.split(",")]
        think = (bounds[0], bounds[-1])
    except ValueError:
        ap.error("--think takes MIN,MAX seconds, e.g. 1,4")
    if not 0 <= think[0] <= think[1]:
        ap.error("--think needs 0 <= MIN <= MAX")
    if args.gap is None:
        args.gap = think[1] + 2.0 if think[1] > 0 else 2.0
    tmp = tempfile.mkdtemp(prefix="quizbench-")
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/db.sqlite3"
    game, host_token, tokens = setup(db_url, args.players)
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "quizsite.settings.local", "DEBUG": "0"}
    ports = [free_port() for _ in range(args.servers)]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-v",
                "0",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "quizsite.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    import websockets

    bases = [f"ws://127.0.0.1:{port}/ws/stage/games/{game.pin}/" for port in ports]
    try:
        for port in ports:
            wait_port(port)
        idle_kb = sum(rss_kb(s.pid) for s in servers)

        async def drive():
            marks = {"open": {}, "close": {}, "counted": {}, "cpu_open": {}, "cpu_close": {}, "cpu_end": {}}
            pids = [s.pid for s in servers]
            url = f"{bases[0]}?role=host&token={host_token}"
            async with websockets.connect(url, origin="http://127.0.0.1") as host:

                async def counts():
                    async for raw in host:
                        msg = json.loads(raw)
                        if msg.get("type") == "count" and msg["answered"] >= msg["players"]:
                            marks["counted"].setdefault(msg["position"], time.time())

                reader = asyncio.create_task(counts())
                await asyncio.sleep(0.5)
                marks["rss_kb"] = sum(rss_kb(s.pid) for s in servers)
                for q in range(QUESTIONS):
                    marks["cpu_open"][q] = cpu_s(pids)
                    marks["open"][q] = time.time()
                    await host.send(json.dumps({"type": "next"}))
                    await asyncio.sleep(args.gap)
                    marks["cpu_close"][q] = cpu_s(pids)
                    marks["close"][q] = time.time()
                    await host.send(json.dumps({"type": "close"}))
                    await asyncio.sleep(1.0)
                    marks["cpu_end"][q] = cpu_s(pids)
                reader.cancel()
            return marks

        urls = [f"{bases[i % len(bases)]}?player={t}" for i, t in enumerate(tokens)]
        marks, data = run_round(urls, args.procs, drive, think=think)
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    bport = free_port()
    bare = mp.Process(target=bare_server, args=(bport,), daemon=True)
    bare.start()
    wait_port(bport)

    async def bare_drive():
        marks = {"open": {}}
        async with websockets.connect(f"ws://127.0.0.1:{bport}/?host=1") as host:
            await asyncio.sleep(0.5)
            for q in range(QUESTIONS):
                marks["open"][q] = time.time()
                await host.send(json.dumps({"position": q}))
                await asyncio.sleep(0.5)
        return marks

    bmarks, bdata = run_round([f"ws://127.0.0.1:{bport}/"] * len(tokens), args.procs, bare_drive, bare=True)
    bare.terminate()

    def last_per_q(marks_open, datas, key):
        lat, missing = [], 0
        for q, t0 in marks_open.items():
            times = [t for d in datas for t in d[key].get(q, [])]
            missing += len(tokens) - len(times)
            if times:
                lat.append(max(times) - t0)
        return lat, missing

    q_lat, q_miss = last_per_q(marks["open"], data, "delivered")
    r_lat, r_miss = last_per_q(marks["close"], data, "results")
    b_lat, b_miss = last_per_q(bmarks["open"], bdata, "delivered")
    acks = [a for d in data for a in d["acks"]]
    answers = sum(d["answers"] for d in data)
    load = os.getloadavg()
    print(f"players {len(tokens)} in {args.procs} client processes, {args.servers} server(s), {QUESTIONS} questions, "
          f"layer {'redis' if os.environ.get('REDIS_URL') else 'in-memory'}, db {db_url.split(':')[0]}, "
          f"load avg {load[0]:.2f} {load[1]:.2f}")  # fmt: skip
    print("answers: all at once on delivery" if think[1] <= 0 else
          f"answers: after a think time uniform in [{think[0]:g}, {think[1]:g}] s; questions open {args.gap:g} s")  # fmt: skip
    print(f"question → last player  p50 {pct(q_lat, 50):7.1f} ms  p99 {pct(q_lat, 99):7.1f} ms  missing {q_miss}")
    print(f"bare broadcast          p50 {pct(b_lat, 50):7.1f} ms  p99 {pct(b_lat, 99):7.1f} ms  missing {b_miss}")
    if b_lat:
        print(
            f"ratio                   p50 {pct(q_lat, 50) / pct(b_lat, 50):.1f}×  p99 {pct(q_lat, 99) / pct(b_lat, 99):.1f}×"
        )
    print(
        f"answer → ack            p50 {pct(acks, 50):7.1f} ms  p99 {pct(acks, 99):7.1f} ms  acked {len(acks)}/{answers}"
    )
    counted = [marks["counted"][q] - t0 for q, t0 in marks["open"].items() if q in marks["counted"]]
    print(
        f"open → host's count = all p50 {pct(counted, 50):7.1f} ms  p99 {pct(counted, 99):7.1f} ms  "
        f"reached {len(counted)}/{QUESTIONS}"
    )
    print(f"close → last results    p50 {pct(r_lat, 50):7.1f} ms  p99 {pct(r_lat, 99):7.1f} ms  missing {r_miss}")
    # server CPU (all daphne processes): open → close is the question's delivery plus the answer burst,
    # close → +1 s the results; the same machine runs the clients, so this is the server's own share
    burst = [marks["cpu_close"][q] - marks["cpu_open"][q] for q in marks["open"]]
    after = [marks["cpu_end"][q] - marks["cpu_close"][q] for q in marks["open"]]
    whole = marks["cpu_end"][QUESTIONS - 1] - marks["cpu_open"][0]  # 10 × (delivery, answers, results)
    print(
        f"server CPU per question  open→close {sum(burst) / len(burst) * 1000:7.0f} ms, "
        f"close→+1 s {sum(after) / len(after) * 1000:.0f} ms; all {QUESTIONS} questions {whole:.2f} s "
        f"= {whole / max(1, answers) * 1e6:.0f} ms per 1,000 answers ({answers} answers, {len(acks)} acked)"
    )
    per_conn = (marks["rss_kb"] - idle_kb) / max(1, len(tokens))
    print(
        f"server RSS idle {idle_kb / 1024:.0f} MiB, with players {marks['rss_kb'] / 1024:.0f} MiB: {per_conn:.1f} KiB per connection"
    )


def bare_server(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients = set()
    pad = "国家宪法日是每年的哪一天？" * 20

    async def handler(ws):
        if "host=1" in (ws.request.path or ""):
            async for raw in ws:
                pos = json.loads(raw)["position"]
                broadcast(
                    clients,
                    json.dumps({"type": "bare", "position": pos, "phase": "question", "pad": pad}, ensure_ascii=False),
                )
            return
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
            await asyncio.sleep(3600)

    asyncio.run(main())


if __name__ == "__main__":
    main()
