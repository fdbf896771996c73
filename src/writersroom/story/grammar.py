"""The scene grammar (GBNF, llama.cpp syntax): what a drafted scene may look like.

A scene is an opening action paragraph followed by blocks separated by blank lines; a block is an
action paragraph or a dialogue block (a cue, an optional parenthetical, one line of speech). The
cue may only be one of the characters present, so a model decoding under this grammar cannot give
lines to anyone else, write a scene heading, or wander into commentary headed by a label in
capitals. Action paragraphs start with a capital followed by a lower-case letter or space, which
keeps them from looking like cues or headings ("INT.", "MAYA").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SceneShape:
    min_blocks: int = 4  # including the opening action
    max_blocks: int = 10
    action_chars: int = 220  # longest action paragraph
    speech_chars: int = 160  # longest line of speech


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def scene_grammar(
    cues: Sequence[str], shape: SceneShape = SceneShape(), *, continuation: bool = False
) -> str:
    """GBNF for a scene whose speakers are exactly `cues` (at least one). A `continuation` (more
    of a scene already begun) may open with dialogue.

    >>> print(scene_grammar(["MAYA"]).splitlines()[0])
    root ::= action ("\\n\\n" block){3,9}
    """
    assert cues, "a scene grammar needs at least one speaker"
    assert 1 <= shape.min_blocks <= shape.max_blocks, "bad scene shape"
    cue_rule = " | ".join(_literal(c) for c in dict.fromkeys(cues))
    lo, hi = shape.min_blocks - 1, shape.max_blocks - 1
    return "\n".join(
        [
            f'root ::= {"block" if continuation else "action"} ("\\n\\n" block){{{lo},{hi}}}',
            "block ::= dialogue | action",
            f"action ::= [A-Z] [a-z ,'] ch{{8,{shape.action_chars}}}",
            'dialogue ::= cue "\\n" paren? speech',
            f"cue ::= {cue_rule}",
            'paren ::= "(" [a-z] [a-z ,\']{1,24} ")\\n"',
            f"speech ::= [A-Za-z\"'.] ch{{1,{shape.speech_chars}}}",
            "ch ::= [^\\n]",
            "",
        ]
    )
