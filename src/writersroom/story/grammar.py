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
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from writersroom.story.names import COMMON, TEXT_BASE, name_parts, own_names, text_rules


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
    cues: Sequence[str],
    shape: SceneShape = SceneShape(),
    *,
    continuation: bool = False,
    allowed: Collection[str] | None = None,
) -> str:
    """GBNF for a scene whose speakers are exactly `cues` (at least one). A `continuation` (more
    of a scene already begun) starts with a turn instead of an opening action. `allowed`: the
    capitalized words action and speech may use (`names.capitals`; default: the common words
    and the speakers' names); a speaker's own name is never among the words of their speech.

    >>> print(scene_grammar(["MAYA"], SceneShape(4, 10)).splitlines()[0])
    root ::= action "\\n\\n" first ("\\n\\n" turn){0,2}
    """
    assert cues, "a scene grammar needs at least one speaker"
    assert 1 <= shape.min_blocks <= shape.max_blocks, "bad scene shape"
    names = list(dict.fromkeys(cues))
    words = set(COMMON) | name_parts(names) if allowed is None else set(allowed)
    words = {w for w in words if len(w) == 1 or not w.isupper()}  # capitals are for cues
    if len(names) == 1:
        exchange = first = "line0"
    else:
        pairs = itertools.permutations(range(len(names)), 2)
        exchange = " | ".join(f'line{a} "\\n\\n" line{b}' for a, b in pairs)
        # the first exchange gives every speaker present a line (up to three of them)
        everyone = itertools.permutations(range(min(3, len(names))))
        first = " | ".join(' "\\n\\n" '.join(f"line{i}" for i in order) for order in everyone)
    lines = [f'line{i} ::= {_literal(name)} "\\n" paren? speech{i}' for i, name in enumerate(names)]
    speech = []
    length = max(6, shape.sentence_chars // 6)  # words in a sentence
    for i, name in enumerate(names):
        speech.append(f'speech{i} ::= s{i}-sentence (" " s{i}-sentence)?')
        speech += text_rules(f"s{i}", words - own_names(name), words=length)
    fewest, most = shape.turns
    if continuation:
        root = f'root ::= turn ("\\n\\n" turn){{{fewest - 1},{most - 1}}}'
    else:
        root = f'root ::= action "\\n\\n" first ("\\n\\n" turn){{{fewest - 1},{most - 1}}}'
    return "\n".join(
        [
            root,
            'turn ::= exchange ("\\n\\n" action)?',
            f'first ::= ({first}) ("\\n\\n" action)?',
            f"exchange ::= {exchange}",
            *lines,
            'paren ::= "(" [a-z] [a-z ,\']{1,24} ")\\n"',
            'action ::= a-sentence (" " a-sentence){0,2}',
            *speech,
            *text_rules("a", words, words=length),
            *TEXT_BASE,
            "",
        ]
    )
