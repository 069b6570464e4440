"""The production shape on one machine, for bench/contest_day.py: nginx (Debian's, `apt-get install -y
nginx`) in front of two daphne processes, the db_worker, PostgreSQL and Redis from DATABASE_URL /
REDIS_URL — the same pieces and flags as scripts/run_cluster.sh and deploy/systemd/.

Also the probe (`python bench/cluster.py probe ...`): a separate process that samples once a second the
CPU time and RSS of the server processes, the PostgreSQL backends of the bench database, and the
connections in use, and prints one JSON document when it is stopped (SIGTERM)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, free_port, start_daphne, stop


class Cluster:
    def __init__(self, env: dict, daphnes: int = 2):
        self.env = env
        self.daphnes = daphnes
        self.procs: dict[str, subprocess.Popen] = {}
        self.run_dir = Path(tempfile.mkdtemp(prefix="quizsite-contest-day."))
        self.port = free_port()

    def start(self) -> str:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("nginx is missing: apt-get install -y nginx")
        ports = [free_port() for _ in range(self.daphnes)]
        conf = (ROOT / "deploy" / "nginx-cluster.conf").read_text()
        upstream = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in ports)
        conf = conf.replace(
            "        server 127.0.0.1:__A__ max_fails=0;\n        server 127.0.0.1:__B__ max_fails=0;",
            upstream,
        )
        conf = conf.replace("__RUN__", str(self.run_dir)).replace("__PORT__", str(self.port))
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / sub).mkdir()
        (self.run_dir / "nginx.conf").write_text(conf)
        for i, port in enumerate(ports):
            proc, _ = start_daphne("quizsite.asgi:application", self.env, port=port, extra=["--proxy-headers"])
            self.procs[f"daphne{'AB'[i] if i < 2 else i}"] = proc
        self.procs["db_worker"] = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1", "--no-reload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.run_dir / "worker.log", "wb"),  # noqa: SIM115
        )
        self.procs["nginx"] = subprocess.Popen(
            [nginx, "-c", str(self.run_dir / "nginx.conf"), "-p", str(self.run_dir), "-e", str(self.run_dir / "e.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(0.5)
        if self.procs["nginx"].poll() is not None:
            raise SystemExit("nginx did not start: " + self.procs["nginx"].stderr.read().decode(errors="replace"))
        return f"http://127.0.0.1:{self.port}"

    def server_pids(self) -> dict[str, int]:
        """Every server process by role; nginx's workers are its children."""
        import psutil

        pids = {name: p.pid for name, p in self.procs.items()}
        try:
            for i, child in enumerate(psutil.Process(self.procs["nginx"].pid).children()):
                pids[f"nginx_worker{i}"] = child.pid
        except psutil.Error:
            pass
        return pids

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                stop(proc)


class SentinelTrio:
    """Redis primary + replica + one `redis-server --sentinel` on free ports (--redis-failover)."""

    master = "qs-bench"

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="quizsite-sentinel."))
        self.primary, self.replica, self.sentinel = free_port(), free_port(), free_port()
        self.procs: dict[str, subprocess.Popen] = {}

    def _server(self, port: int, *extra: str) -> subprocess.Popen:
        args = [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.dir), "--dbfilename", f"{port}.rdb", *extra]
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> dict:
        import redis

        self.procs["primary"] = self._server(self.primary)
        self.procs["replica"] = self._server(self.replica, "--replicaof", "127.0.0.1", str(self.primary))
        conf = self.dir / "sentinel.conf"
        conf.write_text(
            f"port {self.sentinel}\nbind 127.0.0.1\ndir {self.dir}\n"
            f"sentinel monitor {self.master} 127.0.0.1 {self.primary} 1\n"
            f"sentinel down-after-milliseconds {self.master} 1000\nsentinel failover-timeout {self.master} 5000\n"
        )
        self.procs["sentinel"] = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", str(conf), "--sentinel"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sen = redis.Redis(port=self.sentinel, socket_timeout=1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if len(sen.sentinel_slaves(self.master)) == 1:
                    break
            except redis.RedisError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the sentinel did not see the replica")
        return {
            "REDIS_URL": f"redis://127.0.0.1:{self.primary}/0",
            "REDIS_SENTINELS": f"127.0.0.1:{self.sentinel}",
            "REDIS_SENTINEL_MASTER": self.master,
        }

    def fail_primary(self) -> float:
        """Kill the primary; return the seconds until the sentinel reports the replica as a healthy primary."""
        import redis

        started = time.monotonic()
        self.procs["primary"].kill()
        sen = redis.Redis(port=self.sentinel, socket_timeout=1)
        while time.monotonic() - started < 60:
            try:
                state = sen.sentinel_masters()[self.master]
                if int(state["port"]) == self.replica and not (state["is_sdown"] or state["is_odown"]):
                    return round(time.monotonic() - started, 2)
            except (redis.RedisError, KeyError):
                pass
            time.sleep(0.2)
        return -1.0

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                stop(proc)


# --- the probe ----------------------------------------------------------------------------------


def _pg_backends(conn, dbname: str) -> tuple[list[int], dict[str, int]]:
    rows = conn.execute(
        "SELECT pid, coalesce(state, '') FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (dbname,),
    ).fetchall()
    states: dict[str, int] = {}
    for _pid, state in rows:
        states[state or "other"] = states.get(state or "other", 0) + 1
    return [pid for pid, _ in rows], states


def probe_main(argv: list[str]) -> int:
    """probe DATABASE_URL name=pid ...: sample until SIGTERM, then print JSON."""
    import psutil
    import psycopg
    from dj_database_url import parse

    url, named = argv[0], dict(item.split("=") for item in argv[1:])
    contest = int(named.pop("contest", 0))
    cfg = parse(url)
    conn = psycopg.connect(
        dbname=cfg["NAME"], user=cfg["USER"], password=cfg["PASSWORD"] or None, host=cfg["HOST"], port=cfg["PORT"]
    )
    conn.autocommit = True
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    procs = {name: psutil.Process(int(pid)) for name, pid in named.items()}
    start_cpu = {name: sum(p.cpu_times()[:2]) for name, p in procs.items()}
    last_cpu = dict(start_cpu)
    rss_max = dict.fromkeys(procs, 0)
    pg_cpu: dict[int, tuple[float, float]] = {}  # pid -> (first seen cpu, last seen cpu)
    conn_max = {"total": 0, "active": 0, "idle": 0, "idle in transaction": 0}
    samples = 0
    active_seen_at = None  # the last sample with an attempt still open: finalisation ends after it
    while not stopping:
        samples += 1
        if (
            contest
            and conn.execute(
                "SELECT count(*) FROM competitions_attempt WHERE contest_id = %s AND state = 'active'", (contest,)
            ).fetchone()[0]
        ):
            active_seen_at = time.time()
        for name, p in procs.items():
            try:
                last_cpu[name] = sum(p.cpu_times()[:2])
                rss_max[name] = max(rss_max[name], p.memory_info().rss)
            except psutil.Error:
                pass
        pids, states = _pg_backends(conn, cfg["NAME"])
        conn_max["total"] = max(conn_max["total"], len(pids))
        for state in ("active", "idle", "idle in transaction"):
            conn_max[state] = max(conn_max[state], states.get(state, 0))
        for pid in pids:
            try:
                cpu = sum(psutil.Process(pid).cpu_times()[:2])
            except psutil.Error:
                continue
            first = pg_cpu.get(pid, (cpu, cpu))[0]
            pg_cpu[pid] = (first, cpu)
        time.sleep(1.0)
    cpu = {name: round(last_cpu[name] - start_cpu[name], 2) for name in procs}
    cpu["postgres_backends"] = round(sum(last - first for first, last in pg_cpu.values()), 2)
    result = {
        "samples": samples,
        "cpu_s": cpu,
        "rss_max_mb": {name: round(v / 2**20, 1) for name, v in rss_max.items()},
        "db_connections_max": conn_max,
        "last_open_attempt_seen_at": active_seen_at,
    }
    print(json.dumps(result))
    return 0


def start_probe(database_url: str, pids: dict[str, int], contest: int = 0) -> subprocess.Popen:
    """Samples once a second; with `contest`, also when the last attempt of that contest was still open."""
    args = [sys.executable, __file__, "probe", database_url, f"contest={contest}"]
    args += [f"{k}={v}" for k, v in pids.items()]
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def finish_probe(proc: subprocess.Popen) -> dict:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return json.loads(out.decode().strip().splitlines()[-1])


if __name__ == "__main__" and sys.argv[1:2] == ["probe"]:
    sys.exit(probe_main(sys.argv[2:]))
