"""Name the film from its logline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete
from writersroom.story.forms import Field, form_grammar, parse_form
from writersroom.story.prompt import Prompt
from writersroom.story.run import Made, Run, ask
from writersroom.story.types import Logline, Title

if TYPE_CHECKING:
    from writersroom.story.project import Bible

PROMPT = Prompt.load("title")
EXAMPLE_TITLES = {"sugar and nerve"}  # the prompt's worked example: never a real answer


def title_request(logline: Logline, *, seed: int | None = None) -> Request:
    grammar = form_grammar([[Field("Title", "title")]]) + "\n".join(
        [
            'title ::= tword (" " (small " ")? tword){0,3}',  # never ends on "of" or "the"
            "tword ::= [A-Z] [a-z']{1,11}",
            'small ::= "of" | "the" | "and" | "a" | "in" | "on" | "at" | "to" | "for"',
            "",
        ]
    )
    return PROMPT.request(
        logline=logline.text,
        genre=logline.genre or "drama",
        options={"max_tokens": 24, "temperature": 0.9, "seed": seed, "grammar": grammar},
    )


def parse_title(text: str, logline: Logline | None = None) -> Title:
    """Read `Title: ...`, dropping quotes and emphasis. Pure."""
    records = parse_form(text, ["Title"])
    lines = text.strip().split("\n")
    raw = records[0]["Title"] if records else re.sub(r"^\W*title\W*", "", lines[0], flags=re.I)
    title = " ".join(raw.strip().strip("\"'*“”_").split()).rstrip(".")
    if len(title) < 2 or not any(ch.isalpha() for ch in title) or len(title) > 60:
        raise GenerationError(f"unusable title {raw!r}", step="title", text=text)
    if title.lower() in EXAMPLE_TITLES:
        raise GenerationError("the title copies the prompt's example", step="title", text=text)
    if logline is not None and title.lower() == logline.text.strip().lower().rstrip("."):
        raise GenerationError("the title repeats the logline", step="title", text=text)
    return Title(text=title)


def write_title(logline: Logline, backend: Backend, *, seed: int | None = None) -> Title:
    """Ask the model for a title. Raises GenerationError on unusable output."""
    return parse_title(complete(backend, title_request(logline, seed=seed)).text, logline)


def make_title(run: Run, round_: int, bible: Bible) -> Made:
    """The title, as the pipeline makes it (retries with new seeds, provenance)."""
    return ask(run, "title", round_, lambda b, s: write_title(bible.logline, b, seed=s))
