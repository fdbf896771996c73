"""Model-labelled judgments: the model answers narrow questions about single scenes, and code
turns the labels into numbers. The model is never asked for a score.

Questions (prompt and rubric in `evaluate/prompts/NAME.md`):
    advances   by the end of the scene, has something changed for a character?  yes/partly/no
    goal       is it clear what the scene's main speaker wants in it?          yes/partly/no
    logic      does anything contradict itself or the previous scene?          yes/no

Answers are decoded under a JSON schema (`{"answer": "yes"}`), all requests of a run go to the
backend together (`complete_many`: one batched decode on the bundled model), and an answer that
still fails to parse is left out and counted, never guessed.

    judgments = judge_scenes(scene_texts(doc), premise, backend)
    judgment_signals(judgments)   # {"advances_share": 0.8, "goal_share": 0.6, "logic_breaks": 0.1}
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel

from writersroom.errors import GenerationError
from writersroom.evaluate.records import Judgment
from writersroom.evaluate.script import SceneText
from writersroom.llm.base import Backend, Message, Request, complete_many
from writersroom.llm.structured import parse_json, schema_of

QUESTIONS = ("advances", "goal", "logic")
MAX_SCENES = 24            # judged scenes per script, spread evenly over it
SCENE_WORDS = 300          # words of a scene shown to the model
PREVIOUS_WORDS = 60        # words of the previous scene's ending shown for "logic"
LABEL_VALUE = {"yes": 1.0, "partly": 0.5, "no": 0.0}


class ThreeWay(BaseModel):
    answer: Literal["yes", "partly", "no"]


class YesNo(BaseModel):
    answer: Literal["yes", "no"]


_HEADER = re.compile(r"\A<!--(.*?)-->\s*", re.S)
_PART = re.compile(r"^## (system|user)\s*$", re.M)


@dataclass(frozen=True)
class Prompt:
    """A prompt file: a `<!-- ... -->` header (user, placeholders, rubric), then `## system`
    and `## user` parts with `$placeholders` (the same layout as story/prompts)."""

    name: str
    header: str
    system: str
    user: str

    @property
    def placeholders(self) -> set[str]:
        found = {m.group("named") or m.group("braced") or ""
                 for part in (self.system, self.user)
                 for m in string.Template.pattern.finditer(part)}
        return found - {""}

    def request(self, *, options: dict[str, Any], **values: str) -> Request:
        system = string.Template(self.system).substitute(values).strip()
        user = string.Template(self.user).substitute(values).strip()
        messages = ((Message("system", system),) if system else ()) + (Message("user", user),)
        return Request(messages=messages, **options)


@functools.cache
def prompt(name: str) -> Prompt:
    """The prompt file `evaluate/prompts/NAME.md`."""
    path = resources.files("writersroom.evaluate").joinpath("prompts").joinpath(f"{name}.md")
    text = path.read_text(encoding="utf-8")
    header = _HEADER.match(text)
    assert header, f"prompt {name}.md must start with a <!-- ... --> comment"
    parts = _PART.split(text[header.end() :])
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    return Prompt(name, header.group(1).strip(), sections.get("system", ""), sections["user"])


@dataclass(frozen=True)
class _Ask:
    question: str
    where: str
    scene: int
    request: Request
    kind: type[BaseModel]


def _clip(text: str, n: int, *, tail: bool = False) -> str:
    tokens = text.split()
    if len(tokens) <= n:
        return " ".join(tokens)
    return "… " + " ".join(tokens[-n:]) if tail else " ".join(tokens[:n]) + " …"


def _scene_text(scene: SceneText) -> str:
    lines = [scene.heading] if scene.heading else []
    lines += list(scene.action[:1])
    lines += [f"{name}: {speech}" for name, speech in scene.speeches]
    lines += list(scene.action[1:])
    return _clip("\n".join(lines), SCENE_WORDS)


def chosen(n_scenes: int, limit: int = MAX_SCENES) -> list[int]:
    """Indexes of the scenes to judge: all of them, or `limit` spread evenly.

    >>> chosen(3, 24), chosen(10, 4)
    ([0, 1, 2], [0, 3, 6, 9])
    """
    if n_scenes <= limit:
        return list(range(n_scenes))
    step = (n_scenes - 1) / (limit - 1)
    return sorted({round(i * step) for i in range(limit)})


def _asks(scenes: Sequence[SceneText], premise: str, limit: int, seed: int) -> list[_Ask]:
    options = {"max_tokens": 16, "temperature": 0.0, "seed": seed}
    asks = []
    for i in chosen(len(scenes), limit):
        scene = scenes[i]
        where = f"Scene {i + 1}" if scene.heading else f"Passage {i + 1}"
        text = _scene_text(scene)
        asks.append(_Ask("advances", where, i, prompt("advances").request(
            options=options, premise=premise, scene=text), ThreeWay))
        speakers = [name for name, _ in scene.speeches]
        if speakers:
            lead = max(set(speakers), key=lambda n: (speakers.count(n), -speakers.index(n)))
            asks.append(_Ask("goal", f"{where}, {lead}", i, prompt("goal").request(
                options=options, premise=premise, scene=text, character=lead), ThreeWay))
        if i > 0:
            previous = _clip(_scene_text(scenes[i - 1]), PREVIOUS_WORDS, tail=True)
            asks.append(_Ask("logic", where, i, prompt("logic").request(
                options=options, premise=premise, previous=previous, scene=text), YesNo))
    return asks


def judge_scenes(
    scenes: Sequence[SceneText],
    premise: str,
    backend: Backend,
    *,
    limit: int = MAX_SCENES,
    seed: int = 0,
) -> tuple[list[Judgment], int]:
    """Ask every question about up to `limit` scenes. Returns the judgments and how many
    answers could not be read."""
    asks = _asks(scenes, premise, limit, seed)
    requests = [replace(a.request, json_schema=schema_of(a.kind)) for a in asks]
    replies = complete_many(backend, requests)
    out, failed = [], 0
    for ask, reply in zip(asks, replies, strict=True):
        try:
            label = parse_json(reply.text, ask.kind, step=f"judge.{ask.question}")
        except GenerationError:
            failed += 1
            continue
        answer = str(getattr(label, "answer"))  # noqa: B009 - both label models have .answer
        out.append(Judgment(ask.question, ask.where, answer, scene=ask.scene))
    return out, failed


def judgment_signals(judgments: Sequence[Judgment]) -> dict[str, float]:
    """Share of judged scenes that advance, show a clear goal, and break logic."""
    signals: dict[str, float] = {}
    for question, name in (("advances", "advances_share"), ("goal", "goal_share")):
        values = [LABEL_VALUE[j.label] for j in judgments if j.question == question]
        if values:
            signals[name] = sum(values) / len(values)
    breaks = [j.label == "yes" for j in judgments if j.question == "logic"]
    if breaks:
        signals["logic_breaks"] = sum(breaks) / len(breaks)
    return signals
