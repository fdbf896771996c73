"""Dialogue grammars (GBNF, llama.cpp syntax) that keep even a 135M model well-formed.

A speech is an optional parenthetical line and one to `sentences` sentences that end; speech has
no colons (no "NAME: ..." echoes of the prompt) and no newlines. `turn_grammar` is one speech
(the actor strategy: the cue is known, the model writes only what is said); `exchange_grammar`
fixes the cue of every turn in order (the one-call strategy), each with its own sentence limit.

    >>> print(exchange_grammar([("ANN", 1), ("BOB", 2)]).splitlines()[0])
    root ::= turn0 "\\n\\n" turn1
"""

from __future__ import annotations

from collections.abc import Sequence

from writersroom.story.forms import literal

_PAREN = 'paren ::= "(" [a-z] [a-z ,\']{1,24} ")\\n"'


def _said(sentence_chars: int) -> str:
    # the second character is not a capital: no ALL-CAPS shouting of cues and names
    return f"said ::= [A-Z\"'] [^\\n.!?:()A-Z] [^\\n.!?:()]{{0,{sentence_chars}}} [.!?] [\"']?"


def _speech(name: str, sentences: int) -> str:
    more = f' (" " said){{0,{sentences - 1}}}' if sentences > 1 else ""
    return f"{name} ::= paren? said{more}"


def turn_grammar(*, sentences: int = 3, sentence_chars: int = 110) -> str:
    """One speech: `(paren)\\n` optional, then 1..`sentences` sentences."""
    return "\n".join([_speech("root", max(1, sentences)), _PAREN, _said(sentence_chars), ""])


def exchange_grammar(turns: Sequence[tuple[str, int]], *, sentence_chars: int = 110) -> str:
    """A dialogue of exactly these turns: (cue, most sentences) in order, separated by blank
    lines, each `CUE\\n(paren)?\\nspeech`."""
    assert turns, "an exchange needs at least one turn"
    sep = ' "\\n\\n" '
    rules = ["root ::= " + sep.join(f"turn{i}" for i in range(len(turns)))]
    for i, (cue, sentences) in enumerate(turns):
        rules.append(f'turn{i} ::= {literal(cue)} "\\n" speech{i}')
        rules.append(_speech(f"speech{i}", max(1, sentences)))
    return "\n".join([*rules, _PAREN, _said(sentence_chars), ""])
