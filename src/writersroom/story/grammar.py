"""The scene grammar (GBNF, llama.cpp syntax): what a drafted scene may look like.

A scene opens with an action paragraph, then runs in turns: an exchange of dialogue (two
different characters present speak in turn; a lone character speaks once) optionally followed by
an action paragraph. Cues can only be the characters present, so a model decoding under this
grammar cannot give lines to anyone else, write a scene heading, or drift into prose for the
whole scene (a 135M model otherwise prefers prose). Action paragraphs start with a capitalized
word followed by a space, comma or apostrophe, which keeps them from looking like cues, headings
("INT.") or "Name: line" dialogue; speech has no colons, which keeps a small model from
copying the "NAME, role: ..." lines of its prompt into a character's mouth. Sentences must end,
and a paragraph holds a few of them, so a looping model is cut short.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SceneShape:
    min_blocks: int = 4  # paragraphs, including the opening action
    max_blocks: int = 10
    sentence_chars: int = 110  # longest sentence

    @property
    def turns(self) -> tuple[int, int]:
        """(fewest, most) turns; a turn is up to three paragraphs (two lines, an action)."""
        most = max(1, (self.max_blocks - 1) // 3)
        fewest = min(most, max(1, (self.min_blocks - 1) // 3))
        return fewest, most


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def scene_grammar(
    cues: Sequence[str], shape: SceneShape = SceneShape(), *, continuation: bool = False
) -> str:
    """GBNF for a scene whose speakers are exactly `cues` (at least one). A `continuation` (more
    of a scene already begun) starts with a turn instead of an opening action.

    >>> print(scene_grammar(["MAYA"], SceneShape(4, 10)).splitlines()[0])
    root ::= action ("\\n\\n" turn){1,3}
    """
    assert cues, "a scene grammar needs at least one speaker"
    assert 1 <= shape.min_blocks <= shape.max_blocks, "bad scene shape"
    names = list(dict.fromkeys(cues))
    if len(names) == 1:
        exchange = f"line{0}"
    else:
        pairs = itertools.permutations(range(len(names)), 2)
        exchange = " | ".join(f'line{a} "\\n\\n" line{b}' for a, b in pairs)
    lines = [f'line{i} ::= {_literal(name)} "\\n" paren? speech' for i, name in enumerate(names)]
    fewest, most = shape.turns
    first = "turn" if continuation else "action"
    count = f"{{{fewest - 1},{most - 1}}}" if continuation else f"{{{fewest},{most}}}"
    return "\n".join(
        [
            f'root ::= {first} ("\\n\\n" turn){count}',
            'turn ::= exchange ("\\n\\n" action)?',
            f"exchange ::= {exchange}",
            *lines,
            'paren ::= "(" [a-z] [a-z ,\']{1,24} ")\\n"',
            'action ::= [A-Z] [a-z]* [ ,\'] tail (" " sentence){0,2}',
            'speech ::= said (" " said)?',
            f"said ::= [A-Z\"'] [^\\n.!?:]{{1,{shape.sentence_chars}}} [.!?] [\"']?",
            "sentence ::= [A-Z\"'] tail",
            f"tail ::= [^\\n.!?]{{1,{shape.sentence_chars}}} [.!?] [\"']?",
            "",
        ]
    )
