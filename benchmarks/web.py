"""Simulated editors in the writers' room: propagation latency, server CPU and memory, store size
before and after compaction, lost edits.

    python benchmarks/web.py                                  # small: 10 editors, 2 rooms, 10 s
    python benchmarks/web.py --editors 100 --rooms 10 --seconds 60
    python benchmarks/web.py --editors 50 --rooms 1 --seconds 60
    python benchmarks/web.py --processes 2 --db postgresql://... --redis redis://...
    python benchmarks/web.py --processes 2 --local-services   # throwaway PostgreSQL + Redis
    python benchmarks/web.py ... --write                      # also write results/web.md

Real parts: `writersroom serve` subprocesses, pycrdt clients (writersroom.web.yclient) over
real websockets, the real store. Each editor appends a tagged line to its room's script at
`--rate` edits per second; every other editor in the room records when the tag arrives. At the
end every client flushes, the servers are stopped and started again, and the persisted text of
each room is compared with every client's text and searched for every tag sent.
The clients run in this process: on a small machine their own CPU use adds to the latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from writersroom.web.accounts import add_user, create_project
from writersroom.web.db import open_engine, session_factory
from writersroom.web.store import DocStore
from writersroom.web.yclient import YClient
from writersroom.web.ydoc import fountain, text_of

PASSWORD = "benchmark password"
TAG = re.compile(r"<(\d+):(\d+)>")
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, env=self.env)
        for _ in range(300):
            try:
                httpx.get(self.url + "/api/me", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.url} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


@dataclass
class Editor:
    number: int
    room: str
    client: YClient
    sent: int = 0
    seen: dict[tuple[int, int], float] = field(default_factory=dict)
    watch: object = None


def _watch(editor: Editor) -> None:
    def on_change(event: object) -> None:
        now = time.perf_counter()
        for item in getattr(event, "delta", []):
            for number, seq in TAG.findall(
                item.get("insert", "") if isinstance(item, dict) else ""
            ):
                editor.seen.setdefault((int(number), int(seq)), now)

    text = fountain(editor.client.doc)
    editor.watch = (text, text.observe(on_change))  # both must stay alive for the callback


async def run(args: argparse.Namespace) -> dict[str, object]:
    home = Path(tempfile.mkdtemp(prefix="wr-bench-"))
    db_url = args.db or f"sqlite:///{home / 'web.db'}"
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    with sessions() as db:
        user = add_user(db, f"bench{random.randrange(10**9)}@example.com", PASSWORD)
        rooms = [create_project(db, user, f"Room {i}").id for i in range(args.rooms)]
        db.commit()
        email = user.email
    env = {**os.environ, "WRITERSROOM_HOME": str(home)}
    servers = []
    for _ in range(args.processes):
        port = free_port()
        cmd = [sys.executable, "-m", "writersroom", "serve", "--port", str(port), "--db", db_url]
        if args.redis:
            cmd += ["--redis", args.redis]
        servers.append(Server(f"http://127.0.0.1:{port}", cmd, env))
    for server in servers:
        server.start()
    with httpx.Client(base_url=servers[0].url, headers={"Origin": servers[0].url}) as http:
        http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        cookie = f"wr_session={http.cookies['wr_session']}"
    procs = [psutil.Process(s.process.pid) for s in servers if s.process]
    cpu_before = sum(p.cpu_times().user + p.cpu_times().system for p in procs)

    editors = []
    for n in range(args.editors):
        server = servers[n % len(servers)]
        room = rooms[n % len(rooms)]
        ws = server.url.replace("http", "ws", 1) + "/ws/projects/" + room
        editors.append(Editor(n, room, YClient(ws, cookie=cookie, origin=server.url)))
    for editor in editors:
        await editor.client.connect()
        _watch(editor)

    sent_at: dict[tuple[int, int], float] = {}

    async def type_lines(editor: Editor) -> None:
        await asyncio.sleep(random.random() / args.rate)
        deadline = time.perf_counter() + args.seconds
        while time.perf_counter() < deadline:
            editor.sent += 1
            line = f"Line <{editor.number}:{editor.sent}> of the scene.\n"
            sent_at[(editor.number, editor.sent)] = time.perf_counter()
            editor.client.edit(lambda d, line=line: fountain(d).insert(len(fountain(d)), line))
            await asyncio.sleep(1 / args.rate)

    started = time.perf_counter()
    await asyncio.gather(*(type_lines(e) for e in editors))
    for editor in editors:
        await editor.client.flush(timeout=60)
    await asyncio.sleep(1.0)  # the last relays
    elapsed = time.perf_counter() - started
    cpu = sum(p.cpu_times().user + p.cpu_times().system for p in procs) - cpu_before
    rss = sum(p.memory_info().rss for p in procs)

    latencies, missing_live = [], 0
    for editor in editors:
        for other in editors:
            if other.room != editor.room or other is editor:
                continue
            for seq in range(1, other.sent + 1):
                seen = editor.seen.get((other.number, seq))
                if seen is None:
                    missing_live += 1
                else:
                    latencies.append((seen - sent_at[(other.number, seq)]) * 1000)

    store = DocStore(sessions)
    before = [store.size(r) for r in rooms]
    texts = {e.number: text_of(e.client.doc) for e in editors}
    for editor in editors:
        await editor.client.close()
    for server in servers:
        server.stop()  # the last client leaving compacts each room
    after = [store.size(r) for r in rooms]
    for server in servers:
        server.start()
    persisted = {}
    with httpx.Client(base_url=servers[0].url, headers={"Origin": servers[0].url}) as http:
        http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        for room in rooms:
            persisted[room] = http.get(f"/api/projects/{room}/script").text
    for server in servers:
        server.stop()
    store.close()
    engine.dispose()

    lost = sum(
        1
        for e in editors
        for seq in range(1, e.sent + 1)
        if f"<{e.number}:{seq}>" not in persisted[e.room]
    )
    differ = sum(1 for e in editors if texts[e.number] != persisted[e.room])
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "editors": args.editors,
        "rooms": args.rooms,
        "processes": args.processes,
        "seconds": round(elapsed, 1),
        "edits": sum(e.sent for e in editors),
        "deliveries": len(latencies),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "undelivered_live": missing_live,
        "lost_after_restart": lost,
        "clients_differing_from_store": differ,
        "server_cpu_s": round(cpu, 2),
        "server_cpu_per_room_pct": round(100 * cpu / elapsed / args.rooms, 1),
        "server_rss_mb": round(rss / 2**20, 1),
        "store_kb_before_compaction": round(
            sum(s.update_bytes + s.snapshot_bytes for s in before) / 1024, 1
        ),
        "store_kb_after_compaction": round(
            sum(s.update_bytes + s.snapshot_bytes for s in after) / 1024, 1
        ),
        "text_kb": round(sum(len(t.encode()) for t in persisted.values()) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=2)
    parser.add_argument("--rate", type=float, default=1.0, help="edits per second per editor")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--db", help="database URL shared by the processes (default: SQLite)")
    parser.add_argument("--redis", help="Redis URL (needed for --processes 2)")
    parser.add_argument(
        "--local-services",
        action="store_true",
        help="start a throwaway PostgreSQL and redis-server (the test fixtures' binaries)",
    )
    parser.add_argument("--write", action="store_true", help="append the row to results/web.md")
    args = parser.parse_args()
    if args.local_services:
        sys.path.insert(0, str(HERE.parent / "tests" / "web"))
        import services  # tests/web/services.py

        with services.postgres() as args.db, services.redis() as args.redis:
            result = asyncio.run(run(args))
    elif args.processes > 1 and not (args.redis and args.db):
        parser.error("--processes > 1 needs --db and --redis, or --local-services")
    else:
        result = asyncio.run(run(args))
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.write:
        out = HERE / "results" / "web.md"
        if not out.exists():
            out.write_text(
                "# Web app\n\n" + "| " + " | ".join(result) + " |\n" + "|---" * len(result) + "|\n"
            )
        with out.open("a", encoding="utf-8") as f:
            f.write("| " + " | ".join(str(v) for v in result.values()) + " |\n")


if __name__ == "__main__":
    main()
