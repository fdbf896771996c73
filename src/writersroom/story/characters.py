"""Cast the story: the main characters with want, need, flaw, backstory, voice and arc."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete
from writersroom.story.forms import Field, form_grammar, literal, parse_form
from writersroom.story.prompt import Prompt
from writersroom.story.run import Made, Run, ask, keep_locked
from writersroom.story.types import Character, Logline, Title, cue_of

if TYPE_CHECKING:
    from writersroom.story.project import Bible

PROMPT = Prompt.load("characters")

ROLES = (
    "protagonist",
    "antagonist",
    "ally",
    "mentor",
    "love interest",
    "rival",
    "confidant",
    "comic relief",
)
# label in the form -> Character field
LABELS = {
    "Name": "name",
    "Role": "role",
    "Wants": "want",
    "Needs": "need",
    "Flaw": "flaw",
    "Backstory": "backstory",
    "Talks": "voice",
    "Arc": "arc",
}
EXAMPLE_NAMES = {"ROSA DELGADO", "VICTOR HALE", "NINA PARK", "WALTER BROOKS"}
_PLACEHOLDER = re.compile(r"^(name|character|protagonist|antagonist|the|a|an|mr|mrs|ms|dr)\b", re.I)


def roles_for(count: int) -> tuple[str, ...]:
    """The role of each position in a cast of `count` (protagonist first)."""
    return tuple(ROLES[i] if i < len(ROLES) else "supporting" for i in range(count))


def cast_request(
    logline: Logline, title: Title | None, *, count: int = 4, seed: int | None = None
) -> Request:
    records = [
        [
            Field(
                label,
                literal(role) if label == "Role" else "fullname" if label == "Name" else "phrase",
            )
            for label in LABELS
        ]
        for role in roles_for(count)
    ]
    return PROMPT.request(
        logline=logline.text,
        genre=logline.genre or "drama",
        title=title.text if title else "(untitled)",
        roles=", ".join(roles_for(count)),
        options={
            "max_tokens": 150 * count,
            "temperature": 0.7,
            "seed": seed,
            "grammar": form_grammar(records, sentence_chars=90) + 'fullname ::= word " " word\n',
        },
    )


def parse_cast(text: str, *, count: int | None = None) -> list[Character]:
    """Read the cast, dropping placeholder and example names, names with a doubled word, and
    names sharing a word with an earlier character's (each name word says one person). Pure.

    Raises GenerationError when fewer than min(count, 2) usable characters remain."""
    cast: list[Character] = []
    seen: set[str] = set()
    for i, record in enumerate(parse_form(text, list(LABELS))):
        name = " ".join(record.get("Name", "").split()).strip(" .,")
        cue = cue_of(name)
        words = cue.split()
        if (
            not cue
            or _PLACEHOLDER.match(name)
            or cue in EXAMPLE_NAMES
            or len(set(words)) < len(words)  # "Elena Elena"
            or any(w in seen for w in words)  # a name word another character has
        ):
            continue
        seen.update(words)
        fields = {LABELS[k]: v.strip() for k, v in record.items() if k != "Name"}
        fields.setdefault("role", roles_for(i + 1)[-1])
        cast.append(Character(name=name, **fields))
    if len(cast) < (1 if count is None else min(count, 2)):  # a smaller cast beats a retry
        raise GenerationError(
            f"{len(cast)} usable characters, wanted {count or 1}", step="characters", text=text
        )
    return cast


def cast_characters(
    logline: Logline,
    backend: Backend,
    *,
    title: Title | None = None,
    count: int = 4,
    seed: int | None = None,
) -> list[Character]:
    """Ask the model for `count` characters. Raises GenerationError on unusable output."""
    text = complete(backend, cast_request(logline, title, count=count, seed=seed)).text
    return parse_cast(text, count=count)


def make_cast(run: Run, round_: int, bible: Bible) -> Made:
    """The cast, as the pipeline makes it; locked characters are kept."""
    count = max(run.opts.characters, len(bible.characters or ()))
    cast, how = ask(
        run,
        "characters",
        round_,
        lambda b, s: cast_characters(bible.logline, b, title=bible.title, count=count, seed=s),
    )
    locked = lambda c: run.project.is_locked("characters", c.cue)  # noqa: E731
    return tuple(keep_locked(bible.characters, cast, locked, lambda c: c.cue)), how
