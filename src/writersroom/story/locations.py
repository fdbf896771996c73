"""Scout the places where the story happens: heading name, INT or EXT, and a description."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete
from writersroom.story.briefs import beats_brief
from writersroom.story.forms import Field, choice, form_grammar, parse_form
from writersroom.story.prompt import Prompt
from writersroom.story.run import Made, Run, ask, keep_locked
from writersroom.story.types import Beat, Location, Logline, Setting, Title, location_name

if TYPE_CHECKING:
    from writersroom.story.project import Bible

PROMPT = Prompt.load("locations")
EXAMPLE_PLACES = {"ROSA'S BAKERY", "TV STUDIO", "MARKET STREET"}
_NOT_PLACES = {"INT", "EXT", "LOCATION", "PLACE", "SCENE", "NONE"}


def locations_request(
    logline: Logline,
    beats: Sequence[Beat],
    *,
    title: Title | None = None,
    count: int = 4,
    seed: int | None = None,
) -> Request:
    record = [
        Field("Place", "place"),
        Field("Side", choice(["INT", "EXT"])),
        Field("Looks", "sentence"),
    ]
    return PROMPT.request(
        logline=logline.text,
        title=title.text if title else "(untitled)",
        beats=beats_brief(beats, limit=80),
        count=count,
        options={
            "max_tokens": 45 * count + 10,
            "temperature": 0.7,
            "seed": seed,
            "grammar": form_grammar([record] * count),
        },
    )


def parse_locations(text: str, *, minimum: int = 1) -> list[Location]:
    """Read the places, normalizing names to heading form and dropping duplicates. Pure."""
    found: dict[str, Location] = {}
    for record in parse_form(text, ["Place", "Side", "Looks"]):
        name = location_name(record.get("Place", ""))
        if len(name) < 2 or name in found or name in _NOT_PLACES or name in EXAMPLE_PLACES:
            continue
        setting: Setting = "EXT" if record.get("Side", "").upper().startswith("EXT") else "INT"
        found[name] = Location(
            name=name, setting=setting, description=" ".join(record.get("Looks", "").split())
        )
    if len(found) < minimum:
        raise GenerationError(
            f"{len(found)} usable locations, wanted {minimum}", step="locations", text=text
        )
    return list(found.values())


def scout_locations(
    logline: Logline,
    beats: Sequence[Beat],
    backend: Backend,
    *,
    title: Title | None = None,
    count: int = 4,
    seed: int | None = None,
) -> list[Location]:
    """Ask the model for `count` locations. Raises GenerationError on unusable output."""
    request = locations_request(logline, beats, title=title, count=count, seed=seed)
    return parse_locations(complete(backend, request).text, minimum=min(count, 2))


def make_locations(run: Run, round_: int, bible: Bible) -> Made:
    """The locations, as the pipeline makes them; locked ones are kept."""
    assert bible.beats is not None, "beats come before locations"
    beats_, count = bible.beats, max(run.opts.location_count, len(bible.locations or ()))
    found, how = ask(
        run,
        "locations",
        round_,
        lambda b, s: scout_locations(
            bible.logline, beats_, b, title=bible.title, count=count, seed=s
        ),
    )
    locked = lambda x: run.project.is_locked("locations", x.name)  # noqa: E731
    return tuple(keep_locked(bible.locations, found, locked, lambda x: x.name)), how
