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
import json
import os
import platform
import re
import shutil
import statistics
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
BAR_RESULTS = ROOT / "benchmarks" / "results" / "story_bar.md"
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


def bar(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loglines", type=int, default=10)
    parser.add_argument("--scenes", type=int, default=3, help="scenes per quality-bar screenplay")
    parser.add_argument("--full-scenes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default="default")
    parser.add_argument("--keep", type=Path, help="keep the projects in this directory")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="story-bench-"))
    settings = Settings(home=work / "home", cache=False, log=False)
    backend = get_backend(args.model, settings)
    rows: list[dict[str, Any]] = []

    def save(full: dict[str, Any] | None = None, speed: dict[str, Any] | None = None) -> str:
        # written after every step: partial results
        text = report(rows, full, speed, args, getattr(backend, "name", args.model))
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        BAR_RESULTS.write_text(text, encoding="utf-8")
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


# -- drafts before and after (issue 14, point 3) ----------------------------------------------
# Ten loglines of this benchmark's own, developed with the same settings and seeds by two versions
# of the engine: `generate` runs whatever writersroom is importable (PYTHONPATH=/tmp/before/src
# for an older checkout) and stores what it made; `compare` measures both with the current checks
# and the evaluation module, so the figures do not depend on the code under test.
DRAFT_LOGLINES = [
    "A lighthouse keeper finds a message in a bottle addressed to her, dated tomorrow.",
    "A disgraced chef cooks one last dinner for the critic who ruined her.",
    "A small-town mail carrier discovers every letter on her route is from the same dead man.",
    "Two elderly brothers steal back the vintage car their father lost in a card game.",
    "A substitute teacher realizes her class of teenagers is planning a bank robbery.",
    "A deep-sea diver is trapped in a sunken ship with the man who sabotaged her air.",
    "A hotel night porter must hide a runaway princess from the palace guards until dawn.",
    "A piano tuner falls for the blind widow whose piano he keeps being called to fix.",
    "A rookie firefighter has to rescue the arsonist she has been hunting for a year.",
    "A circus clown inherits a failing farm and the stubborn goat that runs it.",
]
DRAFT_SETTINGS = {"scenes": 3, "seed": 11}  # identical for the run before and the run after
_SENT_START = re.compile(r"(?:^|[.!?]\s+|\n)[\"']?$")
_CAP = re.compile(r"\b[A-Z][A-Za-z'-]+\b")
_NOT_NAME_WORDS = (
    "I I'm I'll I've I'd OK INT EXT DAY NIGHT MORNING EVENING CONTINUOUS TV God Mom Dad "
    "FADE OUT IN END CUT TO"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def generate(argv: Sequence[str]) -> None:
    """Develop every logline with DRAFT_SETTINGS and store the result as OUT/NN/summary.json."""
    parser = argparse.ArgumentParser(prog="story.py generate")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--model", default="default")
    parser.add_argument("--loglines", type=int, default=len(DRAFT_LOGLINES))
    args = parser.parse_args(argv)
    settings = Settings(home=args.out / "home", cache=False, log=False)
    backend = get_backend(args.model, settings)
    for i, logline in enumerate(DRAFT_LOGLINES[: args.loglines], 1):
        out = args.out / f"{i:02d}"
        if (out / "summary.json").exists():
            continue
        shutil.rmtree(out, ignore_errors=True)
        clock = StepClock()
        cpu, wall = time.process_time(), time.perf_counter()
        error = ""
        try:
            story.new(logline, out, backend=backend, listener=clock, **DRAFT_SETTINGS)
        except Exception as exc:  # a failed development is a result too
            error = f"{type(exc).__name__}: {exc}"
        summary = _summary(out, logline, error)
        summary |= {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "retries": dict(clock.retries),
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        print(f"[{i}] {summary['wall']:.0f}s {summary['title']!r} {error}", flush=True)


def _summary(out: Path, logline: str, error: str) -> dict[str, Any]:
    if not (out / "project.json").exists():
        return {"logline": logline, "error": error, "title": "", "cast": [], "beats": []}
    project = Project.open(out)
    bible = project.bible()
    fountain_path = out / "screenplay.fountain"
    return {
        "logline": logline,
        "error": error,
        "title": bible.title.text if bible.title else "",
        "cast": [c.name for c in bible.characters or ()],
        "beats": [b.summary for b in bible.beats or ()],
        "locations": [loc.name for loc in bible.locations or ()],
        "scenes": [
            {
                "number": s.number,
                "location": s.location,
                "characters": list(s.characters),
                "summary": s.summary,
            }
            for s in bible.scenes or ()
        ],
        "attempts": {
            n: project.info(f"drafts/{n}").get("origin", {}).get("attempts", 1)
            for n in sorted(bible.drafts)
        },
        "repaired": sum(
            bool(project.info(f"drafts/{n}").get("origin", {}).get("repaired"))
            for n in bible.drafts
        ),
        "fountain": fountain_path.read_text(encoding="utf-8") if fountain_path.exists() else "",
    }


def _scenes_of(doc: Screenplay) -> list[tuple[str, list[Any]]]:
    scenes: list[tuple[str, list[Any]]] = []
    for element in doc.elements:
        if isinstance(element, SceneHeading):
            scenes.append((element.text, []))
        elif scenes:
            scenes[-1][1].append(element)
    return scenes


def _name_mentions(text: str) -> list[str]:
    """Capitalized words that are not at the start of a sentence: names, almost always."""
    found = []
    for match in _CAP.finditer(text):
        before = text[: match.start()]
        if _SENT_START.search(before) or match.group() in _NOT_NAMES:
            continue
        found.append(match.group().rstrip("'s").rstrip("'"))
    return found


def measure(summary: dict[str, Any]) -> dict[str, Any]:
    """Problems, redrafts, evaluation scores and names-in-bible rate of one development."""
    from writersroom.story.checks import check_scene, check_story
    from writersroom.story.types import ActionBlock, DialogueBlock, SceneDraft, SceneOutline

    if not summary.get("fountain"):
        return {"failed": True}
    doc = fountain.parse(summary["fountain"])
    cast = summary["cast"]
    cues = [" ".join(n.upper().split()) for n in cast]
    parts = {p for n in cast for p in n.split()}
    places = {w.capitalize() for loc in summary["locations"] for w in loc.split()}
    known = parts | places | set(_CAP.findall(summary["logline"] + " " + summary["title"]))
    drafts, outlines, texts = [], [], []
    for (heading, body), plan in zip(_scenes_of(doc), summary["scenes"], strict=False):
        blocks: list[Any] = []
        for e in body:
            if isinstance(e, Dialogue):
                lines = tuple(x if isinstance(x, str) else f"({x.text})" for x in e.lines)
                blocks.append(DialogueBlock(speaker=e.speaker, lines=lines))
            elif _text(e).strip():
                blocks.append(ActionBlock(text=_text(e)))
        setting, _, rest = heading.partition(" ")
        location, _, time_ = rest.rpartition(" - ")
        drafts.append(SceneDraft(number=plan["number"], blocks=tuple(blocks)))
        outlines.append(
            SceneOutline(
                number=plan["number"],
                setting="EXT" if setting.startswith("EXT") else "INT",
                location=location,
                time=time_ or "DAY",
                characters=tuple(plan["characters"]),
                summary=plan["summary"] or "-",
            )
        )
        texts.append(" ".join(_text(e) for e in body))
    issues = [
        i.kind
        for d, o in zip(drafts, outlines, strict=True)
        for i in check_scene(d, o, cues, [x for x in drafts if x.number < d.number])
    ]
    story_issues = [i.kind for i in check_story(cast, summary["locations"], outlines, drafts)]
    speakers = [e.speaker for e in doc.elements if isinstance(e, Dialogue)]
    mentions = [
        m
        for t in [*summary["beats"], *(s["summary"] for s in summary["scenes"]), *texts]
        for m in _name_mentions(t)
    ]
    in_bible = sum(s in cues for s in speakers) + sum(m in known for m in mentions)
    attempts = list(summary["attempts"].values())
    return {
        "failed": False,
        "scenes": len(drafts),
        "issues": issues,
        "story_issues": story_issues,
        "redrafts": sum(a - 1 for a in attempts),
        "redrafted_scenes": sum(a > 1 for a in attempts),
        "names": len(speakers) + len(mentions),
        "names_in_bible": in_bible,
        "strangers": sorted({m for m in mentions if m not in known}),
        "doc": doc,
    }


def _scores(rows: list[dict[str, Any]], summaries: list[dict[str, Any]]) -> None:
    from writersroom.evaluate import default_tools, evaluate_screenplay

    tools = default_tools()
    for row, summary in zip(rows, summaries, strict=True):
        if not row["failed"]:
            scores = evaluate_screenplay(row["doc"], summary["logline"], tools=tools).scores
            row["relevance"], row["coherence"] = scores["relevance"], scores["coherence"]


def compare(argv: Sequence[str]) -> None:
    """Measure the `generate` outputs of two versions and write benchmarks/results/story.md."""
    parser = argparse.ArgumentParser(prog="story.py compare")
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    args = parser.parse_args(argv)
    runs = {}
    both = sorted(
        {p.parent.name for p in args.before.glob("*/summary.json")}
        & {p.parent.name for p in args.after.glob("*/summary.json")}
    )  # loglines developed by both versions
    if not both:  # the after run has not finished a logline: report the before figures alone
        both = sorted(p.parent.name for p in args.before.glob("*/summary.json"))
    for label, folder in (("before", args.before), ("after", args.after)):
        names = [n for n in both if (folder / n / "summary.json").exists()]
        summaries = [json.loads((folder / n / "summary.json").read_text()) for n in names]
        rows = [measure(s) for s in summaries]
        _scores(rows, summaries)
        runs[label] = (summaries, rows)
    text = compare_report(runs)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


_FIGURES = (
    "developed",
    "scene problems per scene",
    "story problems per screenplay",
    "redrafts (model calls beyond the first, all scenes)",
    "scenes redrafted",
    "premise relevance (1-5)",
    "coherence (1-5)",
    "names in the bible",
    "wall seconds (all of them)",
    "kinds",
)


def _totals(rows: list[dict[str, Any]], summaries: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if not r["failed"]]
    if not ok:
        return dict.fromkeys(_FIGURES, "not measured")
    scenes = max(1, sum(r["scenes"] for r in ok))
    kinds = Counter(k for r in ok for k in [*r["issues"], *r["story_issues"]])
    story = sum(len(r["story_issues"]) for r in ok)
    good, names = sum(r["names_in_bible"] for r in ok), sum(r["names"] for r in ok)
    return {
        "developed": f"{len(ok)}/{len(rows)}",
        "scene problems per scene": f"{sum(len(r['issues']) for r in ok) / scenes:.2f}",
        "story problems per screenplay": f"{story / max(1, len(ok)):.2f}",
        "redrafts (model calls beyond the first, all scenes)": str(sum(r["redrafts"] for r in ok)),
        "scenes redrafted": f"{sum(r['redrafted_scenes'] for r in ok)}/{scenes}",
        "premise relevance (1-5)": f"{statistics.mean(r['relevance'] for r in ok):.2f}",
        "coherence (1-5)": f"{statistics.mean(r['coherence'] for r in ok):.2f}",
        "names in the bible": f"{good}/{names} ({100 * good / max(1, names):.0f} %)",
        "wall seconds (all of them)": f"{sum(s.get('wall', 0) for s in summaries):.0f}",
        "kinds": ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none",
    }


def compare_report(runs: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> str:
    before, after = (_totals(runs[k][1], runs[k][0]) for k in ("before", "after"))
    lines = [
        "# Story engine: drafts before and after",
        "",
        f"{len(runs['before'][0])} of the ten loglines (`DRAFT_LOGLINES` in benchmarks/story.py; "
        "the ones both runs finished), each developed by `story.new` "
        f"with {DRAFT_SETTINGS['scenes']} scenes, seed {DRAFT_SETTINGS['seed']}, every other "
        "option at its default, on the bundled default model (SmolLM2-135M-Instruct), response "
        "cache off; the same settings and seeds before and after. Both runs are measured by the "
        "current code: `checks.check_scene` on every scene (as read back from "
        "screenplay.fountain) and `checks.check_story` on each screenplay (unused places and "
        "characters, doubled or repeated names), the evaluation module's relevance and "
        "coherence (`evaluate_screenplay` with the logline as premise), and the share of name "
        "mentions that are the bible's: every cue, and every capitalized word not at the start "
        "of a sentence in the beats, the scene plans and the drafts, counted as the bible's "
        "when it is part of a character's name, a location, the title or the logline.",
        "",
        "| figure | before | after |",
        "|---|---|---|",
        *(f"| {k} | {before[k]} | {after[k]} |" for k in before),
        "",
    ]
    for label in ("before", "after"):
        summaries, rows = runs[label]
        lines += [f"## Scene 1 of each screenplay, {label}", ""]
        for s, r in zip(summaries, rows, strict=True):
            lines.append(
                f"**{s['title'] or '(failed)'}** ({', '.join(s['cast'])}) — {s['logline']}"
            )
            lines.append("")
            if r["failed"]:
                lines += [f"Not developed: {s['error']}", ""]
                continue
            first = fountain.render(
                Screenplay(title_page=r["doc"].title_page, elements=_first_scene(r["doc"]))
            )
            body = first.split("\n\n", 1)[1] if first.startswith("Title:") else first
            lines += ["```", body.strip()[:900], "```", ""]  # without the title page
            if r["strangers"]:
                lines += [f"Names outside the bible: {', '.join(r['strangers'])}", ""]
    return "\n".join(lines) + "\n"


def _first_scene(doc: Screenplay) -> tuple[Any, ...]:
    heads = [i for i, e in enumerate(doc.elements) if isinstance(e, SceneHeading)]
    if not heads:
        return ()
    end = heads[1] if len(heads) > 1 else len(doc.elements)
    return tuple(doc.elements[heads[0] : end])


def main() -> None:
    import sys

    commands = {"generate": generate, "compare": compare, "bar": bar}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        raise SystemExit(f"usage: story.py {{{'|'.join(commands)}}} [options]")
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
