"""The measuring side of bench/leaderboard_fanout.py: /proc readings of the server, the WebSocket viewer
processes (latency per message from the board version), and the bare `websockets` broadcast server that
is the baseline of every ratio the benchmark prints."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import re
import socket
import subprocess
import time
from pathlib import Path

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
