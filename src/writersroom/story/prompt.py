"""Prompt files: `story/prompts/NAME.md`, a header comment, then chat turns.

    <!-- outline_beats() in story/beats.py. Placeholders: $logline $cast $slots -->
    ## system
    You are a story editor.
    ## user
    Logline: A shy baker ...          (a worked example: small models follow the pattern)
    ## assistant
    Setup: Rosa ...
    ## user
    Logline: $logline
    ...

Placeholders use `string.Template` syntax (`$name`); every placeholder must be supplied. The last
turn is the user's request; earlier user/assistant pairs are examples.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

from writersroom.llm.base import Message, Request, Role

_HEADER = re.compile(r"\A<!--(.*?)-->\s*", re.S)
_TURN = re.compile(r"^## (system|user|assistant)\s*$", re.M)


@dataclass(frozen=True)
class Prompt:
    name: str
    header: str  # the comment: which function uses it, which placeholders
    turns: tuple[tuple[Role, str], ...]

    @classmethod
    def load(cls, name: str) -> Prompt:
        text = resources.files("writersroom.story").joinpath("prompts").joinpath(f"{name}.md")
        return cls.parse(name, text.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, name: str, text: str) -> Prompt:
        header = _HEADER.match(text)
        assert header, f"prompt {name}.md must start with a <!-- ... --> comment"
        parts = _TURN.split(text[header.end() :])
        turns = tuple(
            (cast(Role, role), body.strip("\n"))
            for role, body in zip(parts[1::2], parts[2::2], strict=True)
        )
        assert turns and turns[-1][0] == "user", f"prompt {name}.md must end with a user turn"
        return cls(name, header.group(1).strip(), turns)

    @property
    def placeholders(self) -> set[str]:
        found: set[str] = set()
        for _, body in self.turns:
            for match in string.Template.pattern.finditer(body):
                found.add(match.group("named") or match.group("braced") or "")
        found.discard("")
        return found

    def messages(self, **values: Any) -> tuple[Message, ...]:
        """The chat messages with every `$placeholder` filled (KeyError if one is missing)."""
        return tuple(
            Message(role, string.Template(body).substitute(values).strip())
            for role, body in self.turns
        )

    def request(self, *, options: dict[str, Any] | None = None, **values: Any) -> Request:
        return Request(messages=self.messages(**values), **(options or {}))
