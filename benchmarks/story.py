"""Story engine benchmark on the bundled default model (SmolLM2-135M-Instruct), fixed seed.

Run:  .venv/bin/python benchmarks/story.py [--loglines 10] [--scenes 4] [--full-scenes 8]

1. The quality bar, on every logline: develop a screenplay with `writersroom.story.new`, then read
   DIR/screenplay.fountain back with the Fountain parser and check it independently of the
   pipeline: the requested number of scenes, every heading `INT./EXT. LOCATION - TIME`, every
   speaker in the bible, no meta-commentary, no empty scene, no paragraph repeated verbatim.
   Also counted: scenes the checks sent back for a redo, and scenes that still needed repair.
2. The time of a full draft of --full-scenes scenes (default 8) from the logline, per step.
3. Scene drafting, concurrent (all scenes in one batched engine call) vs sequential (one scene at
   a time, each seeing the previous scene's last lines), on the same scene list: wall seconds,
   generated tokens, speed-up.

The response cache is off, so every number is a real model call. The machine may be shared:
CPU seconds of this process are reported beside wall seconds. Results go to
benchmarks/results/story.md (and are printed). Needs no ../shared data.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from writersroom import story
from writersroom.config import Settings
from writersroom.llm.base import Backend, Completion, Delta, Request, complete_many
from writersroom.llm.registry import get_backend
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue, SceneHeading, Screenplay
from writersroom.story.checks import _META  # the same definition of meta-commentary
from writersroom.story.levels import Event, Run
from writersroom.story.pipeline import draft_scenes
from writersroom.story.project import Project

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "story.md"
HEADING = re.compile(r"^(INT\.|EXT\.|INT\./EXT\.) [A-Z0-9][A-Z0-9 '&/-]* - [A-Z]+$")
LOGLINES = [
    "A retired lighthouse keeper must guide a lost ship home through the worst storm in fifty "
    "years.",
    "Two rival food-truck owners are forced to share one parking spot for a summer.",
    "A night-shift nurse discovers that one of her patients is her missing brother.",
    "A teenage chess prodigy hustles games in the park to pay her mother's rent.",
    "An astronaut stranded on the moon talks to the only radio operator who still listens.",
    "A small-town sheriff investigates the theft of the county's prize-winning pumpkin.",
    "A widowed baker enters a television contest to save her late husband's shop.",
    "A forger is hired by a museum to catch another forger.",
    "Twin sisters separated at birth meet as opposing lawyers in the same trial.",
    "An old jazz trumpeter teaches a deaf boy to feel music through the floor.",
]


class Counting:
    """Wraps a backend and counts generated tokens (batch calls stay batched)."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.tokens = 0
        self.calls = 0

    def stream(self, request: Request) -> Iterator[Delta]:
        self.calls += 1
        for delta in self.inner.stream(request):
            if delta.usage is not None:
                self.tokens += delta.usage.output_tokens or 0
            yield delta

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        self.calls += len(requests)
        done = complete_many(self.inner, requests)
        self.tokens += sum(c.usage.output_tokens or 0 for c in done)
        return done


class StepClock:
    """A listener that times each step from its first 'start' to its last 'done'."""

    def __init__(self) -> None:
        self.start: dict[str, float] = {}
        self.end: dict[str, float] = {}
        self.retries: Counter[str] = Counter()

    def __call__(self, event: Event) -> None:
        step = event.key.split("/")[0]
        now = time.perf_counter()
        if event.kind == "start":
            self.start.setdefault(step, now)
        elif event.kind == "done":
            self.end[step] = now
        elif event.kind == "retry":
            self.retries[step] += 1

    def seconds(self) -> dict[str, float]:
        return {k: self.end[k] - self.start[k] for k in self.start if k in self.end}


def verify(doc: Screenplay, cues: set[str], scenes: int) -> dict[str, Any]:
    """The quality bar, checked on the screenplay as read back from its Fountain file."""
    headings = [e.text for e in doc.elements if isinstance(e, SceneHeading)]
    bodies: list[list[Any]] = []
    for element in doc.elements:
        if isinstance(element, SceneHeading):
            bodies.append([])
        elif bodies:
            bodies[-1].append(element)
    texts = [_text(e) for body in bodies for e in body]
    keys = [" ".join(re.findall(r"[a-z0-9']+", t.lower())) for t in texts]
    long_keys = [k for k in keys if len(k.split()) >= 4]
    speakers = {e.speaker for e in doc.elements if isinstance(e, Dialogue)}
    return {
        "scenes": len(headings),
        "scene_count_ok": len(headings) == scenes,
        "bad_headings": [h for h in headings if not HEADING.match(h)],
        "unknown_speakers": sorted(speakers - cues),
        "meta": [t[:60] for t in texts if _META.search(t)],
        "empty_scenes": sum(1 for body in bodies if sum(len(_text(e).split()) for e in body) < 12),
        "repeated": [k[:60] for k, n in Counter(long_keys).items() if n > 1],
        "words": sum(len(t.split()) for t in texts),
        "dialogue_blocks": sum(isinstance(e, Dialogue) for body in bodies for e in body),
    }


def _text(element: Any) -> str:
    if isinstance(element, Dialogue):
        return " ".join(line if isinstance(line, str) else line.text for line in element.lines)
    return str(getattr(element, "text", ""))


def develop_one(
    logline: str,
    out: Path,
    backend: Backend,
    scenes: int,
    seed: int,
) -> dict[str, Any]:
    clock = StepClock()
    counting = Counting(backend)
    cpu, wall = time.process_time(), time.perf_counter()
    story.new(logline, out, backend=counting, scenes=scenes, seed=seed, listener=clock)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    project = Project.open(out)
    bible = project.bible()
    doc = fountain.parse((out / "screenplay.fountain").read_text(encoding="utf-8"))
    infos = [project.info(f"drafts/{n}") for n in sorted(bible.drafts)]
    return {
        "logline": logline,
        "wall": wall,
        "cpu": cpu,
        "tokens": counting.tokens,
        "calls": counting.calls,
        "steps": clock.seconds(),
        "retries": dict(clock.retries),
        "title": bible.title.text if bible.title else "",
        "cast": [c.cue for c in bible.characters or ()],
        "redrafted": sum(i["origin"].get("attempts", 1) > 1 for i in infos),
        "repaired": sum(bool(i["origin"].get("repaired")) for i in infos),
        "open_issues": sum(len(i.get("issues") or []) for i in infos),
        "check": verify(doc, set(bible.cues), scenes),
        "excerpt": story.show(out, "drafts", "1")[:700],
    }


def drafting_speedup(source: Path, backend: Backend, work: Path) -> dict[str, Any]:
    """Redraft every scene of `source` twice: all at once, then one at a time."""
    results = {}
    for label, concurrency in (("concurrent", 8), ("sequential", 1)):
        copy = work / label
        shutil.copytree(source, copy)
        shutil.rmtree(copy / "drafts")
        project = Project.open(copy).with_options(concurrency=concurrency)
        project.sync()
        counting = Counting(backend)
        numbers = [s.number for s in project.bible().scenes or ()]
        cpu, wall = time.process_time(), time.perf_counter()
        draft_scenes(Run(project, counting), numbers)
        results[label] = {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "tokens": counting.tokens,
            "calls": counting.calls,
        }
    return results


def report(
    rows: list[dict[str, Any]],
    full: dict[str, Any] | None,
    speed: dict[str, Any] | None,
    args: argparse.Namespace,
    model: str,
) -> str:
    passed = [r for r in rows if _passes(r["check"])]
    lines = [
        "# Story engine benchmark",
        "",
        f"Model `{args.model}` ({model}), seed {args.seed}, "
        f"response cache off. Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} when written (the "
        "machine may be shared with other work; CPU seconds of this process are given beside "
        "wall seconds).",
        "",
        f"## Quality bar: {len(passed)}/{len(rows)} screenplays pass every check "
        f"({args.scenes} scenes each)",
        "",
        "Checked on DIR/screenplay.fountain as read back by the Fountain parser.",
        "",
        "| # | title | scenes | headings ok | speakers in bible | meta | empty | repeated "
        "| redrafted | repaired | words | wall s | cpu s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rows, 1):
        c = r["check"]
        lines.append(
            f"| {i} | {r['title']} | {c['scenes']}/{args.scenes} | "
            f"{'yes' if not c['bad_headings'] else c['bad_headings']} | "
            f"{'yes' if not c['unknown_speakers'] else c['unknown_speakers']} | {len(c['meta'])} "
            f"| {c['empty_scenes']} | {len(c['repeated'])} | {r['redrafted']} | {r['repaired']} "
            f"| {c['words']} | {r['wall']:.0f} | {r['cpu']:.0f} |"
        )
    if full is not None:
        lines += _full_section(full, args)
    if speed is not None:
        lines += _speed_section(speed, args)
    lines += [
        "",
        "## What the model wrote (scene 1 of each screenplay)",
        "",
        "A 135M model writes weak drama; what this benchmark shows is that structure, "
        "consistency and the writer's control hold.",
        "",
    ]
    for r in rows:
        lines += [
            f"**{r['title']}** ({', '.join(r['cast'])}) — {r['logline']}",
            "",
            "```",
            r["excerpt"].rstrip(),
            "```",
            "",
        ]
    return "\n".join(lines) + "\n"


def _full_section(full: dict[str, Any], args: argparse.Namespace) -> list[str]:
    lines = [
        "",
        f"## A full {args.full_scenes}-scene draft",
        "",
        f"Logline: {full['logline']}",
        "",
        f"Total: **{full['wall']:.0f} s wall** ({full['cpu']:.0f} s CPU), "
        f"{full['tokens']} generated tokens in {full['calls']} model calls; "
        f"quality checks: {'pass' if _passes(full['check']) else full['check']}.",
        "",
        "| step | seconds |",
        "|---|---|",
    ]
    return lines + [f"| {k} | {v:.1f} |" for k, v in full["steps"].items()]


def _speed_section(speed: dict[str, Any], args: argparse.Namespace) -> list[str]:
    c, s = speed["concurrent"], speed["sequential"]
    return [
        "",
        f"## Scene drafting: concurrent vs sequential ({args.full_scenes} scenes)",
        "",
        "| mode | wall s | cpu s | tokens | tokens/s |",
        "|---|---|---|---|---|",
        *(
            f"| {k} | {v['wall']:.1f} | {v['cpu']:.1f} | {v['tokens']} | "
            f"{v['tokens'] / max(v['wall'], 1e-9):.1f} |"
            for k, v in speed.items()
        ),
        "",
        f"Speed-up (wall): **{s['wall'] / max(c['wall'], 1e-9):.2f}x**; in tokens/s: "
        f"**{(c['tokens'] / c['wall']) / max(s['tokens'] / s['wall'], 1e-9):.2f}x**.",
    ]


def _passes(check: dict[str, Any]) -> bool:
    return bool(
        check["scene_count_ok"]
        and not check["bad_headings"]
        and not check["unknown_speakers"]
        and not check["meta"]
        and not check["empty_scenes"]
        and not check["repeated"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loglines", type=int, default=10)
    parser.add_argument("--scenes", type=int, default=3, help="scenes per quality-bar screenplay")
    parser.add_argument("--full-scenes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default="default")
    parser.add_argument("--keep", type=Path, help="keep the projects in this directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="story-bench-"))
    settings = Settings(home=work / "home", cache=False, log=False)
    backend = get_backend(args.model, settings)
    rows: list[dict[str, Any]] = []

    def save(full: dict[str, Any] | None = None, speed: dict[str, Any] | None = None) -> str:
        # written after every step: partial results
        text = report(rows, full, speed, args, getattr(backend, "name", args.model))
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        return text

    # the full draft and the speed-up first: they are the numbers with a target
    full = develop_one(LOGLINES[0], work / "full", backend, args.full_scenes, args.seed + 1)
    print(f"full {args.full_scenes}-scene draft: {full['wall']:.0f}s", flush=True)
    save(full)
    speed = drafting_speedup(work / "full", backend, work / "speed")
    save(full, speed)
    for i, logline in enumerate(LOGLINES[: args.loglines], 1):
        rows.append(develop_one(logline, work / f"q{i}", backend, args.scenes, args.seed))
        r = rows[-1]
        print(
            f"[{i}/{args.loglines}] {r['wall']:.0f}s {r['title']!r} pass={_passes(r['check'])}",
            flush=True,
        )
        save(full, speed)
    print(save(full, speed))
    if args.keep:
        shutil.copytree(work, args.keep, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
