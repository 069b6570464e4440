"""Shared pieces of the bench scripts: a small keep-alive HTTP/1.1 client, daphne processes on free
ports, the PostgreSQL bench database, and a bench contest with its own question bank (so a bench never
depends on the demo contests' titles or sizes)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PASSWORD = "Bench@2026"
BENCH_TOPIC = "压测题库"
SINGLE_POOL, TF_POOL = 40, 12


# --- a minimal keep-alive HTTP/1.1 client -------------------------------------------------------


class Conn:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.last_headers: dict[str, str] = {}  # the last response's headers, lower-cased names

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
        self.last_headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            self.last_headers[name] = value
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


def start_daphne(app: str, env: dict, port: int | None = None, extra: list[str] = ()) -> tuple[subprocess.Popen, int]:
    """A daphne process on a free port; its stderr goes to a file (a pipe nobody reads would fill and
    stall the server under load), whose path is proc.log_path."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix=f"daphne-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), *extra, app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    proc.log_path = log.name
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(Path(log.name).read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start")


def start_daphne_group(app: str, env: dict, servers: int) -> tuple[list[subprocess.Popen], int]:
    """`servers` daphne processes accepting on one shared listening socket (as systemd socket activation
    hands it over): the kernel spreads connections over them, with no proxy in between. One server is
    plain start_daphne."""
    if servers <= 1:
        proc, port = start_daphne(app, env)
        return [proc], port
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port = listener.getsockname()[1]
    procs = []
    for _ in range(servers):
        log = tempfile.NamedTemporaryFile(prefix=f"daphne-{port}-", suffix=".log", delete=False)  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-v", "0", "--fd", str(listener.fileno()), app],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            pass_fds=(listener.fileno(),),
        )
        proc.log_path = log.name
        procs.append(proc)
    listener.close()  # the servers hold it now
    time.sleep(3)  # each must have imported the app before the first accept it takes
    for proc in procs:
        if proc.poll() is not None:
            raise RuntimeError(Path(proc.log_path).read_text(errors="replace")[-3000:])
    return procs, port


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


def seed_students(students: int) -> list[str]:
    """seed_demo's organisation tree, teachers, organisers and stu00001… (password PASSWORD)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", students=students, password=PASSWORD, quiet_accounts=True, stdout=devnull)
    return [f"stu{i:05d}" for i in range(1, students + 1)]


def _bench_questions():
    from accounts.models import User
    from questionbank.demo import seed_items

    singles = [
        (
            BENCH_TOPIC,
            "单选",
            f"压测单选题 {i}：以下哪一项是第 {i} 题的正确答案？",
            ["甲", "乙", "丙", "丁"],
            "ABCD"[i % 4],
        )
        for i in range(1, SINGLE_POOL + 1)
    ]
    tfs = [
        (BENCH_TOPIC, "判断", f"压测判断题 {i}：这句话是正确的。", [], "对" if i % 2 else "错")
        for i in range(1, TF_POOL + 1)
    ]
    items = [(t, q, stem, opts, ans, "压测解析。", "中", "全部", "压测") for t, q, stem, opts, ans in singles + tfs]
    seed_items(items, author=User.objects.get(username="teacher3"), approver=User.objects.get(username="admin"))


def make_bench_contest(*, singles: int = 24, true_false: int = 6, **fields):
    """A published contest for the whole city drawing `singles` + `true_false` questions per paper from the
    bench bank. `fields` override the model's (opens_at, closes_at, time_limit_s, kind, ...)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Organization
    from competitions.models import Contest, ContestKind, ContestStatus, PaperRule
    from questionbank.models import QuestionType, Topic

    Topic.objects.get_or_create(name=BENCH_TOPIC, parent=None, defaults={"order": 99})
    _bench_questions()
    topic = Topic.objects.get(name=BENCH_TOPIC, parent=None)
    now = timezone.now()
    values = {
        "title": f"压测竞赛 {now:%Y%m%d-%H%M%S}",
        "owner_org": Organization.objects.get(parent=None, name="南通市"),
        "kind": ContestKind.PRACTICE,
        "status": ContestStatus.PUBLISHED,
        "opens_at": now - timedelta(minutes=1),
        "closes_at": now + timedelta(days=1),
        "time_limit_s": 3 * 3600,
        "attempts_allowed": 0,
        **fields,
    }
    contest = Contest.objects.create(**values)
    PaperRule.objects.create(
        contest=contest, topic=topic, qtype=QuestionType.SINGLE, count=singles, points=Decimal("3"), order=0
    )
    if true_false:
        PaperRule.objects.create(
            contest=contest, topic=topic, qtype=QuestionType.TRUE_FALSE, count=true_false, points=Decimal("2"), order=1
        )
    return contest


def settle_database() -> None:
    """ANALYZE and CHECKPOINT between the warm-up and the measured rounds, as autovacuum and the
    checkpointer would have done by then on a production server. This machine's PostgreSQL runs with
    autovacuum off: without this, a fresh database kept the plans made while the vote tables were
    empty (a lookup by the campaign's index, then filtering every vote of the campaign) and its first
    run of bench/votes.py measured 830–1,155 accepted/s against 2,263 a minute later with the same code."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        try:
            cur.execute("CHECKPOINT")
        except Exception as exc:  # noqa: BLE001 - needs a superuser; the bench still runs without it
            print(f"(no CHECKPOINT before measuring: {exc})")
    connection.close()
