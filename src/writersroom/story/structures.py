"""Story structures: named sequences of beat slots that the beat outline fills in order.

`get_structure("save-the-cat")` returns one of the built-ins; `custom:Setup,Twist,Payoff` or the
path of a text file with one slot per line (`Name: guide`) builds a custom one.
"""

from __future__ import annotations

from pathlib import Path

from writersroom.errors import ProjectError
from writersroom.story.types import BeatSlot, Structure


def _structure(name: str, *slots: tuple[str, str]) -> Structure:
    return Structure(name=name, slots=tuple(BeatSlot(name=n, guide=g) for n, g in slots))


STRUCTURES: dict[str, Structure] = {
    s.name: s
    for s in (
        _structure(
            "three-act",
            ("Setup", "the hero's ordinary world and what is missing"),
            ("Inciting Incident", "an event that upsets the hero's world"),
            ("Plot Point One", "the hero commits to a goal and enters a new situation"),
            ("Rising Action", "the hero tries and meets growing obstacles"),
            ("Midpoint", "a reversal or discovery that raises the stakes"),
            ("Crisis", "everything falls apart; the hero's lowest point"),
            ("Climax", "the final confrontation decides the goal"),
            ("Resolution", "the new normal after the climax"),
        ),
        _structure(
            "save-the-cat",
            ("Opening Image", "a snapshot of the hero's life before the story"),
            ("Theme Stated", "someone hints at the lesson the hero must learn"),
            ("Set-Up", "the hero's world, flaws and what is at stake"),
            ("Catalyst", "the event that changes everything"),
            ("Debate", "the hero hesitates about what to do"),
            ("Break into Two", "the hero chooses to act and enters a new world"),
            ("B Story", "a new relationship that carries the theme"),
            ("Fun and Games", "the promise of the premise: the hero explores the new world"),
            ("Midpoint", "a false victory or false defeat raises the stakes"),
            ("Bad Guys Close In", "pressure from outside and doubt from inside"),
            ("All Is Lost", "the hero's lowest point; something is lost"),
            ("Dark Night of the Soul", "the hero despairs, then finds the lesson"),
            ("Break into Three", "a new idea shows the way to win"),
            ("Finale", "the hero applies the lesson and wins or loses for good"),
            ("Final Image", "a snapshot showing how the hero has changed"),
        ),
        _structure(
            "heros-journey",
            ("Ordinary World", "the hero at home, before the adventure"),
            ("Call to Adventure", "a problem or challenge appears"),
            ("Refusal of the Call", "the hero hesitates out of fear"),
            ("Meeting the Mentor", "someone gives advice, training or a gift"),
            ("Crossing the Threshold", "the hero leaves the ordinary world"),
            ("Tests, Allies, Enemies", "the hero learns the rules of the new world"),
            ("Approach", "the hero prepares for the central ordeal"),
            ("Ordeal", "the hero faces the greatest fear"),
            ("Reward", "the hero takes the prize"),
            ("The Road Back", "the hero turns for home, chased by consequences"),
            ("Resurrection", "a final test where the hero is reborn"),
            ("Return with the Elixir", "the hero comes home changed, bringing something back"),
        ),
        _structure(
            "freytag",
            ("Exposition", "who, where and what is normal"),
            ("Inciting Incident", "the conflict begins"),
            ("Rising Action", "the conflict grows through complications"),
            ("Climax", "the turning point of the conflict"),
            ("Falling Action", "the consequences of the climax unfold"),
            ("Resolution", "the conflict is settled"),
            ("Denouement", "the final state of the characters"),
        ),
    )
}

DEFAULT_STRUCTURE = "three-act"


def get_structure(spec: str) -> Structure:
    """A built-in structure by name, `custom:A,B,C`, or a file of `Name: guide` lines."""
    key = spec.strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {
        "3-act": "three-act",
        "save-the-cat!": "save-the-cat",
        "stc": "save-the-cat",
        "hero's-journey": "heros-journey",
        "heroes-journey": "heros-journey",
    }
    key = aliases.get(key, key)
    if key in STRUCTURES:
        return STRUCTURES[key]
    if spec.startswith("custom:"):
        lines = [part for part in spec[len("custom:") :].split(",") if part.strip()]
        return _custom(lines, spec)
    path = Path(spec).expanduser()
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProjectError(
                f"cannot read the structure file {spec} ({exc.__class__.__name__}); it must be "
                "UTF-8 text with one 'Name: guide' line per beat"
            ) from exc
        return _custom(text.splitlines(), spec)
    names = ", ".join(sorted(STRUCTURES))
    raise ProjectError(
        f"unknown structure {spec!r}: use one of {names}, 'custom:Setup,Twist,Payoff' "
        "or a file with one 'Name: guide' line per beat"
    )


def _custom(lines: list[str], spec: str) -> Structure:
    slots = []
    for line in lines:
        name, _, guide = line.strip().partition(":")
        if name.strip():
            slots.append(BeatSlot(name=name.strip(), guide=guide.strip()))
    if not slots:
        raise ProjectError(f"custom structure {spec!r} names no beats")
    return Structure(name="custom", slots=tuple(slots))


def beats_for_scene(number: int, scenes: int, beats: int) -> tuple[int, ...]:
    """Which beats (1-based) scene `number` of `scenes` dramatizes, spreading beats evenly.

    With fewer scenes than beats a scene covers consecutive beats; with more, a beat spans scenes.

    >>> [beats_for_scene(n, 4, 8) for n in range(1, 5)]
    [(1, 2), (3, 4), (5, 6), (7, 8)]
    >>> [beats_for_scene(n, 3, 2) for n in range(1, 4)]
    [(1,), (1,), (2,)]
    """
    assert 1 <= number <= scenes and beats >= 1, "scene number out of range"
    first = (number - 1) * beats // scenes
    last = max(first, number * beats // scenes - 1)
    return tuple(range(first + 1, last + 2))
