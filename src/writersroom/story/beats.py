"""Outline the story as beats, one per slot of the chosen structure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete
from writersroom.story.briefs import cast_brief
from writersroom.story.forms import Field, form_grammar, labelled_lines
from writersroom.story.prompt import Prompt
from writersroom.story.run import Made, Run, ask
from writersroom.story.types import Beat, Character, Logline, Structure, Title

if TYPE_CHECKING:
    from writersroom.story.project import Bible

PROMPT = Prompt.load("beats")
_WORD = re.compile(r"[a-z']+")


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared words over all words (Jaccard): 1.0 for the same words."""
    return len(a & b) / max(1, len(a | b))


def beats_request(
    logline: Logline,
    characters: Sequence[Character],
    structure: Structure,
    *,
    title: Title | None = None,
    seed: int | None = None,
) -> Request:
    """One `Slot: sentence` line per slot; the grammar fixes the slot names and their order."""
    record = [Field(slot.name, "sentence") for slot in structure.slots]
    return PROMPT.request(
        logline=logline.text,
        title=title.text if title else "(untitled)",
        cast=cast_brief(characters),
        slots=", ".join(slot.name for slot in structure.slots),
        options={
            "max_tokens": 45 * len(structure.slots) + 20,
            "temperature": 0.7,
            # A small model, once it repeats a beat, tends to repeat it to the end ("X is killed
            # by her father." three times); the penalty keeps consecutive beats apart.
            "repeat_penalty": 1.15,
            "seed": seed,
            "grammar": form_grammar([record], sentence_chars=150),
        },
    )


def parse_beats(text: str, structure: Structure) -> list[Beat]:
    """Read one beat per slot, in the structure's order (matched by label, else by position).
    Pure. Raises GenerationError on a missing slot or a summary repeated verbatim."""
    lines = labelled_lines(text)
    unused = list(range(len(lines)))
    beats: list[Beat] = []
    seen: list[set[str]] = []
    for i, slot in enumerate(structure.slots):
        match = next((j for j in unused if lines[j][0].lower() == slot.name.lower()), None)
        if match is None and unused and len(lines) == len(structure.slots):
            match = unused[0]
        if match is None:
            raise GenerationError(f"no beat for {slot.name}", step="beats", text=text)
        unused.remove(match)
        summary = " ".join(lines[match][1].split())
        words = set(_WORD.findall(summary.lower()))
        if len(summary) < 8 or any(_overlap(words, other) > 0.7 for other in seen):
            raise GenerationError(
                f"beat {i + 1} ({slot.name}) is empty or repeats another", step="beats", text=text
            )
        seen.append(words)
        beats.append(Beat(number=i + 1, name=slot.name, summary=summary))
    return beats


def outline_beats(
    logline: Logline,
    characters: Sequence[Character],
    structure: Structure,
    backend: Backend,
    *,
    title: Title | None = None,
    seed: int | None = None,
) -> list[Beat]:
    """Ask the model for one beat per structure slot. Raises GenerationError on unusable output."""
    request = beats_request(logline, characters, structure, title=title, seed=seed)
    return parse_beats(complete(backend, request).text, structure)


def make_beats(run: Run, round_: int, bible: Bible) -> Made:
    """The beats, as the pipeline makes them; locked beats are kept."""
    assert bible.characters is not None, "characters come before beats"
    cast_ = bible.characters
    new, how = ask(
        run,
        "beats",
        round_,
        lambda b, s: outline_beats(
            bible.logline, cast_, bible.structure, b, title=bible.title, seed=s
        ),
    )
    old = {b.number: b for b in bible.beats or ()}
    return tuple(
        old[b.number] if b.number in old and run.project.is_locked("beats", str(b.number)) else b
        for b in new
    ), how
