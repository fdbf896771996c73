"""Continuity benchmark: known errors injected into real scripts from ../shared, and the
checker's findings on the scripts as they are.

Run:  python benchmarks/continuity.py [SHARED_DIR]      (default: ../shared)

Injection (this file's own code, seeded): for each script and each kind, up to PER_KIND copies
of the script, each with one error put in:
* name_spelling   one cue or mention of a main character misspelt (swap, drop, double or
                  change one inner letter)
* place_spelling  one heading of a place used in several scenes misspelt the same way
* time_of_day     a sentence of daylight put in a night scene, or of night in a day scene
* dead_character  a character who speaks in scene S dies (or leaves for good) in the scene before
* fact            a character's age, relationship or name stated twice, differently, a scene or
                  two apart with no time jump between
Recall counts an injection as found when a finding of its kind is located in the scene where the
error shows (the misspelt scene; the later of two contradicting statements; the scene where the
dead speak). Findings per 100 pages are counted on the unmodified scripts (pages as Final Draft
lays them out). Results go to benchmarks/results/continuity.md and are printed.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from writersroom.revise import check, load
from writersroom.revise.continuity import KINDS, Finding
from writersroom.screenplay.model import Action, Dialogue, Element, SceneHeading, Screenplay
from writersroom.screenplay.reports import report
from writersroom.screenplay.views import parse_heading, scenes

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "continuity.md"
SCRIPTS = {
    "Big Fish": "fixtures/fountain/screenplain/examples/Big-Fish.fountain",
    "The Last Birthday Card": (
        "fixtures/fountain/screenplain/examples/The-Last-Birthday-Card.fountain"
    ),
    "Brick & Steel": "fixtures/fountain/screenplain/examples/Brick-and-Steel.fountain",
    "Little Women (FDX)": "fixtures/jumpcut-final-draft/corpus/little-women/source/source.fdx",
    "Cyber Bob": "corpora/ebscreenplays-pd/Cyber_Bob_ep00001.fountain",
}
PER_KIND = 6
Injection = tuple[Screenplay, int, str]  # the script with the error, the scene it shows in, what
Injector = Callable[[Screenplay, random.Random], Injection | None]


def typo(word: str, rng: random.Random) -> str:
    """One inner-letter typo that keeps the first letter and is not the word itself."""
    for _ in range(20):
        k = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["swap", "drop", "double", "change"])
        if kind == "swap" and word[k] != word[k + 1]:
            out = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        elif kind == "drop":
            out = word[:k] + word[k + 1 :]
        elif kind == "double":
            out = word[:k] + word[k] + word[k:]
        else:
            vowels = "AEIOU" if word.isupper() else "aeiou"
            out = word[:k] + rng.choice([v for v in vowels if v != word[k]]) + word[k + 1 :]
        if out != word and out.isalpha():
            return out
    return word


def main_characters(doc: Screenplay, least: int = 5) -> list[str]:
    cues = Counter(e.speaker for e in doc.elements if isinstance(e, Dialogue) and e.speaker)
    return sorted(c for c, n in cues.items() if n >= least and c.isalpha() and len(c) >= 4)


def scene_of(doc: Screenplay, index: int) -> int:
    return sum(1 for s in scenes(doc) if s.start <= index)


def put(doc: Screenplay, index: int, element: Element) -> Screenplay:
    elements = list(doc.elements)
    elements[index] = element
    return replace(doc, elements=tuple(elements))


def insert(doc: Screenplay, index: int, element: Element) -> Screenplay:
    elements = list(doc.elements)
    elements.insert(index, element)
    return replace(doc, elements=tuple(elements))


def name_spelling(doc: Screenplay, rng: random.Random) -> Injection | None:
    names = main_characters(doc)
    if not names:
        return None
    name = rng.choice(names)
    spots = [
        n
        for n, e in enumerate(doc.elements)
        if scene_of(doc, n) and isinstance(e, Dialogue) and e.speaker == name
    ]
    n = rng.choice(spots)
    speech = doc.elements[n]
    assert isinstance(speech, Dialogue)
    wrong = typo(name, rng)
    return put(doc, n, replace(speech, speaker=wrong)), scene_of(doc, n), f"{name} -> {wrong}"


def place_spelling(doc: Screenplay, rng: random.Random) -> Injection | None:
    by_place: dict[str, list[int]] = {}
    for s in scenes(doc):
        by_place.setdefault(parse_heading(s.heading.text).location, []).append(s.start)
    places = [p for p, starts in by_place.items() if len(starts) >= 3 and len(p) >= 5]
    if not places:
        return None
    place = rng.choice(places)
    words = [w for w in place.split() if len(w) >= 4 and w.isalpha()]
    if not words:
        return None
    word = rng.choice(words)
    start = rng.choice(by_place[place])
    heading = doc.elements[start]
    assert isinstance(heading, SceneHeading)
    wrong = place.replace(word, typo(word, rng), 1)
    out = put(doc, start, replace(heading, text=heading.text.replace(place, wrong, 1)))
    return out, scene_of(doc, start), f"{place} -> {wrong}"


DAYLIGHT = [
    "Bright sunlight pours through the windows.",
    "The midday sun beats down on them.",
    "Outside it is broad daylight.",
    "Sunshine glints off every surface.",
    "The sun is high and hot.",
]
NIGHT = [
    "Moonlight spills across the floor.",
    "Stars glitter overhead.",
    "It is the middle of the night.",
    "A full moon hangs in the sky.",
    "Outside, the streetlamps glow in the dark.",
]


def time_of_day(doc: Screenplay, rng: random.Random) -> Injection | None:
    pool = []
    for s in scenes(doc):
        time_ = parse_heading(s.heading.text).time
        if time_ in ("NIGHT", "DAY"):
            pool.append((s, time_))
    if not pool:
        return None
    s, time_ = rng.choice(pool)
    sentence = rng.choice(DAYLIGHT if time_ == "NIGHT" else NIGHT)
    return insert(doc, s.start + 1, Action(sentence)), s.number, f"{time_}: {sentence}"


DEATHS = [
    "{n} collapses and dies.",
    "{n} is dead.",
    "A gunshot. {n} drops dead.",
    "{n} breathes {p} last.",
    "{n} leaves for good.",
]


def dead_character(doc: Screenplay, rng: random.Random) -> Injection | None:
    options = []
    for s in scenes(doc)[1:]:
        for e in s.elements:
            voice = isinstance(e, Dialogue) and (e.extension or "").startswith("V.O")
            if isinstance(e, Dialogue) and e.speaker in main_characters(doc) and not voice:
                options.append((s, e.speaker))
                break
    if not options:
        return None
    s, name = rng.choice(options)
    before = scenes(doc)[s.number - 2]
    sentence = rng.choice(DEATHS).format(n=name.title(), p=rng.choice(["his", "her"]))
    return insert(doc, before.start + 1, Action(sentence)), s.number, sentence


def fact(doc: Screenplay, rng: random.Random) -> Injection | None:
    names = main_characters(doc, 2)
    all_scenes = scenes(doc)
    if len(names) < 2 or len(all_scenes) < 3:
        return None
    a, b = rng.sample(names, 2)
    first = rng.randrange(0, len(all_scenes) - 1)
    second = min(len(all_scenes) - 1, first + rng.choice([1, 2]))
    kind = rng.choice(["age", "relation", "name"])
    if kind == "age":
        age = rng.randrange(20, 60)
        one = Action(f"{a.title()}, {age}, looks around.")
        two = Action(f"{a.title()} is {age + rng.choice([3, 5, 8, -4])} years old.")
    elif kind == "relation":
        r1, r2 = rng.sample(["sister", "wife", "mother", "daughter", "boss"], 2)
        one = Action(f"{b.title()} is {a.title()}'s {r1}.")
        two = Action(f"{b.title()}, {a.title()}'s {r2}, waits.")
    else:
        one = Dialogue(a, ("My name is Jack.",))
        two = Dialogue(a, ("My name is Henry.",))
    # the second statement first, so the first one's index stays valid
    out = insert(doc, all_scenes[second].start + 1, two)
    out = insert(out, all_scenes[first].start + 1, one)
    return out, second + 1, f"{kind}: {a} / {b}"


INJECTORS: dict[str, Injector] = {
    "name_spelling": name_spelling,
    "place_spelling": place_spelling,
    "time_of_day": time_of_day,
    "dead_character": dead_character,
    "fact": fact,
}


def found(findings: list[Finding], kind: str, scene: int) -> bool:
    return any(f.kind == kind and f.scene == scene for f in findings)


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    if not shared.exists():
        raise SystemExit(f"{shared} is not here: the benchmark needs the shared scripts")
    started = time.perf_counter()
    rng = random.Random(12)
    clean_rows, hits, totals, misses = [], Counter[str](), Counter[str](), []
    for title, path in SCRIPTS.items():
        doc = load(shared / path)
        pages = report(doc).pages
        clean = check(doc)
        clean_rows.append((title, pages, len(clean), clean))
        for kind, inject in INJECTORS.items():
            seen = set()
            for _ in range(PER_KIND * 3):
                if sum(1 for k in seen if k[0] == kind) >= PER_KIND:
                    break
                made = inject(doc, rng)
                if made is None:
                    break
                bad, scene, what = made
                if (kind, what, scene) in seen:
                    continue
                seen.add((kind, what, scene))
                totals[kind] += 1
                if found(check(bad), kind, scene):
                    hits[kind] += 1
                else:
                    misses.append(f"{title}, scene {scene}, {kind}: {what}")
        print(f"{title}: {pages} pages, {len(clean)} findings as it is", flush=True)
    write(clean_rows, hits, totals, misses, time.perf_counter() - started)


def write(clean_rows, hits, totals, misses, seconds) -> None:  # type: ignore[no-untyped-def]
    pages = sum(r[1] for r in clean_rows)
    clean = sum(r[2] for r in clean_rows)
    recall = sum(hits.values()) / max(1, sum(totals.values()))
    lines = [
        "# Continuity benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; rules only (no model); {sum(totals.values())} injected "
        f"errors in {len(clean_rows)} scripts from ../shared, {seconds:.0f} s; one run of "
        "`python benchmarks/continuity.py`.",
        "",
        "| measure | result | goal |",
        "|---|---:|---:|",
        f"| recall of located findings (all kinds) | {100 * recall:.0f}% "
        f"({sum(hits.values())}/{sum(totals.values())}) | >= 90% |",
        f"| findings per 100 pages, unmodified scripts | {100 * clean / max(1, pages):.1f} "
        f"({clean} in {pages} pages) | <= 3 |",
        "",
        "| kind | found | injected | recall |",
        "|---|---:|---:|---:|",
    ]
    for kind in KINDS:
        n = totals[kind]
        lines.append(f"| {kind} | {hits[kind]} | {n} | {100 * hits[kind] / max(1, n):.0f}% |")
    lines += ["", "| script (unmodified) | pages | findings |", "|---|---:|---:|"]
    for title, n_pages, n, _ in clean_rows:
        lines.append(f"| {title} | {n_pages} | {n} |")
    lines += ["", "Findings on the unmodified scripts:", ""]
    lines += [
        f"- {t}: {f.kind}, scene {f.scene}: {f.message}" for t, _, _, fs in clean_rows for f in fs
    ]
    lines += ["", "Injected errors not found:", ""] + [f"- {m}" for m in misses]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
