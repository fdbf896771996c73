"""Crash-consistency figures for the story engine: kill -9 at random moments, and a model
server that fails, then compare with an uninterrupted run of the same seed.

Run:  .venv/bin/python benchmarks/faults.py [--kills 20] [--server-runs 10] [--scenes 3]

The model is a scripted OpenAI-compatible server on 127.0.0.1 (the story tests' scripted
answers, tests/story/fakestory.py, streamed as server-sent events a few characters at a time),
reached through the real `openai:` backend from a real `writersroom` process, so every part but
the model is what users run. Answers depend only on the request (prompt and seed), as a seeded
model's would.

1. `writersroom new`, killed (SIGKILL) at a uniformly random moment of an uninterrupted run's
   duration, then finished the way a user would: `writersroom resume DIR` (or `new` again when
   the kill came before the project existed). Compared with an uninterrupted run: items lost
   (in the reference, missing here), extra items, items whose value differs, items made more
   than once (history), and whether screenplay.fountain is byte-identical.
2. `writersroom regenerate --stale` after two hand edits (one character's want, made with
   `edit`; scene 1's text, edited by hand), killed at a random moment, then run again until it
   succeeds. Also checked: both hand edits are still there.
3. `writersroom new` against the server misbehaving on a fraction of requests (--fault-rate):
   dropping the connection mid-stream, answering 429 or 500, or stalling mid-stream past the
   client's timeout; the run is resumed until it succeeds. Counted: attempts, error messages
   that are not one line (tracebacks), and the same comparison as 1.

Each run gets its own WRITERSROOM_HOME (models.toml naming the server; response cache on, as
users have it). Results go to benchmarks/results/faults.md (and are printed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from writersroom.llm.base import Message, Request

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "faults.md"
LOGLINE = (
    "A retired lighthouse keeper must guide a lost ship home through the worst storm in years."
)


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


story_reply = _load(ROOT / "tests" / "story" / "fakestory.py").story_reply


# -- the scripted server ------------------------------------------------------------------------
@dataclass
class Faults:
    """What the server does to a request: chosen per request from a seeded generator."""

    rate: float = 0.0  # share of requests that misbehave
    kinds: tuple[str, ...] = ("drop", "429", "500", "stall")
    stall_seconds: float = 6.0  # longer than the client's timeout
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self) -> str | None:
        with self.lock:
            kind = self.rng.choice(self.kinds) if self.rng.random() < self.rate else None
            self.counts[kind or "ok"] += 1
            return kind


class Server:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 answering story prompts."""

    def __init__(self, faults: Faults | None = None, chunk_delay: float = 0.004) -> None:
        self.faults = faults or Faults()
        self.chunk_delay = chunk_delay
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                try:
                    outer.answer(self, body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client was killed mid-answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        fault = self.faults.pick()
        if fault in ("429", "500"):
            data = json.dumps({"error": {"message": f"scripted {fault}"}}).encode()
            handler.send_response(int(fault))
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            if fault == "429":
                handler.send_header("Retry-After", "0")
            handler.end_headers()
            handler.wfile.write(data)
            return
        request = Request(
            messages=tuple(Message(m["role"], m["content"]) for m in body["messages"]),
            seed=body.get("seed"),
        )
        text = story_reply(request)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        cut = len(text) // 2
        for i in range(0, len(text), 8):
            if fault in ("drop", "stall") and i >= cut:
                if fault == "stall":
                    time.sleep(self.faults.stall_seconds)
                handler.connection.shutdown(socket.SHUT_RDWR)  # gone mid-stream
                handler.close_connection = True
                return
            chunk = {"choices": [{"index": 0, "delta": {"content": text[i : i + 8]}}]}
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            handler.wfile.flush()
            time.sleep(self.chunk_delay)
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        handler.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        handler.wfile.flush()


# -- running writersroom --------------------------------------------------------------------------
class Runner:
    """`writersroom` commands in processes of their own, each run with its own home."""

    def __init__(self, url: str, work: Path, scenes: int) -> None:
        self.url, self.work, self.scenes = url, work, scenes
        self.n = 0

    def home(self) -> Path:
        self.n += 1
        home = self.work / f"home{self.n}"
        home.mkdir(parents=True)
        (home / "models.toml").write_text(
            "[models.scripted]\n"
            'backend = "openai"\n'
            f'base_url = "{self.url}"\n'
            'model = "story"\n'
            "timeout = 2.0\n"
            "max_retries = 3\n"
            "backoff = 0.05\n",
            encoding="utf-8",
        )
        return home

    def new_args(self, out: Path) -> list[str]:
        return [
            "new",
            LOGLINE,
            "--out",
            str(out),
            "--model",
            "scripted",
            "--scenes",
            str(self.scenes),
            "--characters",
            "3",
            "--structure",
            "custom:Beginning,Middle,End",
            "--seed",
            "7",
            "--no-stream",
        ]

    def start(self, home: Path, args: list[str]) -> subprocess.Popen[str]:
        env = {**os.environ, "WRITERSROOM_HOME": str(home), "WRITERSROOM_LOG": "0"}
        return subprocess.Popen(
            [sys.executable, "-m", "writersroom", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, home: Path, args: list[str]) -> tuple[int, str]:
        proc = self.start(home, args)
        _, err = proc.communicate(timeout=600)
        return proc.returncode, err


def killed_after(proc: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL the process after `seconds` unless it ended first. True when it was killed."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True


def finish(runner: Runner, home: Path, out: Path, args: list[str]) -> tuple[int, list[str]]:
    """Run the command a user would run after a failure until it succeeds: `resume`, or the
    original command (`new` again when no project exists yet; `regenerate --stale`). Returns
    the attempts and the error output of the failed ones."""
    errors = []
    for attempt in range(1, 31):
        if args[0] == "new":
            again = ["resume", str(out), "--no-stream"] if (out / "project.json").exists() else args
        else:
            again = args
        code, err = runner.run(home, again)
        if code == 0:
            return attempt, errors
        errors.append(err.strip())
        print(f"  {again[0]} failed: {err.strip()[-600:]!r}", flush=True)
    raise RuntimeError(f"{out}: still failing after 30 attempts: {errors[-1]}")


# -- comparing a project with the reference ------------------------------------------------------
def snapshot(root: Path) -> dict[str, Any]:
    """Every item's stored value, the history per item, the screenplay text."""
    state = json.loads((root / "state.json").read_text(encoding="utf-8"))
    values = {}
    for key in state["items"]:
        level, _, number = key.partition("/")
        path = root / (f"{level}/{int(number):03d}.json" if number else f"{key}.json")
        values[key] = json.loads(path.read_text(encoding="utf-8"))
    history = Counter(
        json.loads(p.read_text(encoding="utf-8"))["key"] for p in (root / "history").glob("*.json")
    )
    return {
        "values": values,
        "history": history,
        "screenplay": (root / "screenplay.fountain").read_text(encoding="utf-8"),
        "hand": {
            k: v["origin"].get("via")
            for k, v in state["items"].items()
            if v["origin"].get("kind") == "human"
        },
    }


@dataclass
class Outcome:
    killed: bool
    attempts: int
    lost: int
    extra: int
    differ: int
    redone: int
    identical: bool
    hand_lost: int = 0
    multiline_errors: int = 0


def compare(
    got: dict[str, Any],
    ref: dict[str, Any],
    killed: bool,
    attempts: int,
    errors: list[str],
    before: dict[str, int] | None = None,
) -> Outcome:
    keys, ref_keys = set(got["values"]), set(ref["values"])
    before = before or {}
    redone = sum(
        1
        for k, n in got["history"].items()
        if n - before.get(k, 0) > ref["history"][k] - before.get(k, 0)
    )
    return Outcome(
        killed=killed,
        attempts=attempts,
        lost=len(ref_keys - keys),
        extra=len(keys - ref_keys),
        differ=sum(got["values"][k] != ref["values"][k] for k in keys & ref_keys),
        redone=redone,
        identical=got["screenplay"] == ref["screenplay"],
        hand_lost=sum(ref["hand"].get(k) != got["hand"].get(k) for k in ref["hand"]),
        multiline_errors=sum(not _one_line_error(e) for e in errors),
    )


def _one_line_error(stderr: str) -> bool:
    """A failed command's stderr: progress lines, then exactly one `Error: ...` line."""
    lines = stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    return "Traceback" not in stderr and len(errors) == 1 and lines[-1] == errors[0]


def _message(stderr: str) -> str:
    last = stderr.strip().splitlines()[-1] if stderr.strip() else "(nothing)"
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", last)


# -- the three experiments -----------------------------------------------------------------------
def kill_new(
    runner: Runner, kills: int, rng: random.Random, messages: Counter[str]
) -> tuple[list[Outcome], float]:
    home = runner.home()
    ref_dir = runner.work / "new-ref"
    started = time.perf_counter()
    code, err = runner.run(home, runner.new_args(ref_dir))
    assert code == 0, err
    duration = time.perf_counter() - started
    ref = snapshot(ref_dir)
    outcomes = []
    for i in range(kills):
        home, out = runner.home(), runner.work / f"new-{i}"
        args = runner.new_args(out)
        killed = killed_after(runner.start(home, args), rng.uniform(0, duration))
        attempts, errors = finish(runner, home, out, args)
        messages.update(_message(e) for e in errors)
        outcomes.append(compare(snapshot(out), ref, killed, attempts, errors))
        print(f"new #{i + 1}: {outcomes[-1]}", flush=True)
    return outcomes, duration


def edited_copy(runner: Runner, base: Path, out: Path, home: Path) -> None:
    """A copy of the finished project with two hand edits: a character's want (through
    `edit`, which makes beats, scenes and drafts stale) and scene 1 (its file, by hand)."""
    shutil.copytree(base, out, ignore=shutil.ignore_patterns(".lock", ".busy"))
    characters = json.loads((out / "characters.json").read_text(encoding="utf-8"))
    first = dict(characters[0], want="to sink the ship and collect the insurance")
    edit = runner.work / "character.json"
    edit.write_text(json.dumps(first), encoding="utf-8")
    name = first["name"]
    code, err = runner.run(home, ["edit", str(out), "characters", name, "--from-file", str(edit)])
    assert code == 0, err
    scene = out / "drafts" / "001.json"
    draft = json.loads(scene.read_text(encoding="utf-8"))
    draft["blocks"] = [{"type": "action", "text": "Maya paints the lamp red, by hand."}]
    scene.write_text(json.dumps(draft, indent=2), encoding="utf-8")


def kill_stale(
    runner: Runner, kills: int, rng: random.Random, messages: Counter[str]
) -> tuple[list[Outcome], float]:
    home = runner.home()
    base = runner.work / "stale-base"
    code, err = runner.run(home, runner.new_args(base))
    assert code == 0, err
    ref_dir = runner.work / "stale-ref"
    edited_copy(runner, base, ref_dir, home)
    args = ["regenerate", str(ref_dir), "--stale", "--no-stream"]
    started = time.perf_counter()
    code, err = runner.run(runner.home(), args)
    assert code == 0, err
    duration = time.perf_counter() - started
    ref = snapshot(ref_dir)
    assert ref["hand"].get("drafts/1") == "file", ref["hand"]
    outcomes = []
    for i in range(kills):
        home, out = runner.home(), runner.work / f"stale-{i}"
        edited_copy(runner, base, out, home)
        args = ["regenerate", str(out), "--stale", "--no-stream"]
        killed = killed_after(runner.start(home, args), rng.uniform(0, duration))
        attempts, errors = finish(runner, home, out, args)
        messages.update(_message(e) for e in errors)
        outcomes.append(compare(snapshot(out), ref, killed, attempts, errors))
        print(f"stale #{i + 1}: {outcomes[-1]}", flush=True)
    return outcomes, duration


def faulty_server(
    work: Path, scenes: int, runs: int, rate: float, ref: dict[str, Any]
) -> tuple[list[Outcome], Counter[str], Counter[str]]:
    faults = Faults(rate=rate, rng=random.Random(1))
    server = Server(faults)
    runner = Runner(server.url, work / "faulty", scenes)
    outcomes, messages = [], Counter[str]()
    try:
        for i in range(runs):
            home, out = runner.home(), runner.work / f"new-{i}"
            args = runner.new_args(out)
            code, err = runner.run(home, args)
            attempts, errors = (1, []) if code == 0 else finish(runner, home, out, args)
            errors = ([err.strip()] if code else []) + errors
            messages.update(_message(e) for e in errors)
            outcomes.append(compare(snapshot(out), ref, code != 0, attempts + (code != 0), errors))
            print(f"faulty #{i + 1}: {outcomes[-1]}", flush=True)
    finally:
        server.close()
    return outcomes, faults.counts, messages


# -- report --------------------------------------------------------------------------------------
def _messages(messages: Counter[str]) -> list[str]:
    if not messages:
        return ["Every command run to finish the work succeeded at once.", ""]
    return [
        "What the commands that failed while finishing said (last line of stderr, how often):",
        "",
        *(f"* `{m}` ({n})" for m, n in messages.most_common()),
        "",
    ]


def table(outcomes: list[Outcome]) -> list[str]:
    def total(name: str) -> int:
        return sum(int(getattr(o, name)) for o in outcomes)

    return [
        "| runs | cut short | attempts to finish (max) | items lost | extra items "
        "| items differing | items made twice | hand edits lost | screenplay identical "
        "| errors not one line |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {len(outcomes)} | {total('killed')} | {max((o.attempts for o in outcomes), default=0)} "
        f"| {total('lost')} | {total('extra')} | {total('differ')} | {total('redone')} "
        f"| {total('hand_lost')} | {total('identical')}/{len(outcomes)} "
        f"| {total('multiline_errors')} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="kill -9 moments per command")
    parser.add_argument("--server-runs", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.25)
    parser.add_argument("--scenes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="wr-faults-"))
    server = Server()
    try:
        runner = Runner(server.url, work / "kill", args.scenes)
        new_messages, stale_messages = Counter[str](), Counter[str]()
        new_outcomes, new_seconds = kill_new(runner, args.kills, rng, new_messages)
        stale_outcomes, stale_seconds = kill_stale(runner, args.kills, rng, stale_messages)
        ref = snapshot(runner.work / "new-ref")
    finally:
        server.close()
    server_outcomes, counts, messages = faulty_server(
        work, args.scenes, args.server_runs, args.fault_rate, ref
    )
    shutil.rmtree(work, ignore_errors=True)
    lines = [
        "# Crash consistency of the story engine",
        "",
        f"`benchmarks/faults.py --kills {args.kills} --server-runs {args.server_runs} "
        f"--fault-rate {args.fault_rate} --scenes {args.scenes} --seed {args.seed}` on "
        f"{platform.machine()} ({os.cpu_count()} cores, shared), "
        f"Python {platform.python_version()}. "
        "The model is a scripted OpenAI-compatible server on 127.0.0.1 behind the real `openai:` "
        "backend; every command is a real `writersroom` process. Each row compares the finished "
        "project with an uninterrupted run of the same seed.",
        "",
        f"## kill -9 during `writersroom new` (uninterrupted run: {new_seconds:.1f} s), "
        "then `resume`",
        "",
        *table(new_outcomes),
        "",
        *_messages(new_messages),
        f"## kill -9 during `writersroom regenerate --stale` after two hand edits "
        f"(uninterrupted: {stale_seconds:.1f} s), then the same command again",
        "",
        *table(stale_outcomes),
        "",
        *_messages(stale_messages),
        f"## a server failing {args.fault_rate:.0%} of requests during `new`, then `resume`",
        "",
        "Requests answered: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ". "
        "429 and 500 are retried by the backend (backoff); a drop or a stall after the first "
        "token ends the command with a one-line error and `resume` continues.",
        "",
        *table(server_outcomes),
        "",
        *_messages(messages),
        "*Cut short*: runs the kill landed in before they ended (a random moment can fall after "
        "the end) or that failed on the server. *Items made twice*: items with more history "
        "entries than in the uninterrupted run (work redone after the kill: a kill between an "
        "item's history entry and its file). *Hand edits lost*: hand-edited items whose last "
        "change is no longer the hand edit.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
