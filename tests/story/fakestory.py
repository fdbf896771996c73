"""A scripted model for orchestration tests: answers each story prompt in its expected form.

Answers depend only on the request (which step, the seed), never on call order, so concurrent
drafting stays deterministic. Every feature is also tested end to end on the real model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator

from writersroom.errors import BackendUnavailable
from writersroom.llm.base import Delta, Request, Usage

NAMES = ["Maya Torres", "Elias Crane", "June Park", "Tom Reyes", "Ada Quill", "Ben Holt"]
EVENTS = [
    "Maya lights the lamp alone",
    "A radio call warns of a lost ship",
    "Elias mocks the old keeper",
    "The generator dies in the storm",
    "The crew signals with flares",
    "Maya climbs the tower by hand",
    "The ship clears the rocks at dawn",
    "The town gathers on the pier",
]
PLACES = ["LIGHTHOUSE", "HARBOR", "SHIP DECK", "TOWN HALL", "BEACH", "STORM CELLAR", "PIER"]


def _last_user(request: Request) -> str:
    return [m.content for m in request.messages if m.role == "user"][-1]


def _field(text: str, label: str) -> str:
    match = re.search(rf"^{label}: (.*)$", text, re.M)
    return match.group(1).strip() if match else ""


def story_reply(request: Request) -> str:
    """The answer to one story prompt. The seed shows up in prose, so a new seed gives new text."""
    ask = _last_user(request)
    seed = request.seed or 0
    if "memorable title" in ask:
        return f"Title: The Last Light {seed % 97}"
    if "Create the main characters:" in ask:
        roles = ask.split("Create the main characters:")[1].strip().rstrip(".").split(", ")
        start = seed % 3
        records = []
        for i, role in enumerate(roles):
            name = NAMES[(start + i) % len(NAMES)]
            records.append(
                f"Name: {name}\nRole: {role}\nWants: to keep the light burning {seed}\n"
                f"Needs: to let others help\nFlaw: stubborn\nBackstory: grew up by the sea\n"
                f"Talks: in short, dry sentences\nArc: from alone to trusting"
            )
        return "\n\n".join(records)
    if "Tell the story in one sentence per part:" in ask:
        slots = ask.split("one sentence per part:")[1].strip().rstrip(".").split(", ")
        return "\n".join(f"{s}: {EVENTS[i % len(EVENTS)]} ({seed})." for i, s in enumerate(slots))
    if "places where the scenes happen" in ask:
        count = int(re.search(r"List (\d+) places", ask).group(1))
        return "\n\n".join(
            f"Place: {PLACES[(seed + i) % len(PLACES)]}\nSide: "
            f"{'EXT' if i % 2 else 'INT'}\nLooks: a weathered place number {i}"
            for i in range(count)
        )
    if "Plan scene" in ask:
        number = int(re.search(r"Plan scene (\d+) of", ask).group(1))
        cues = _field(ask, "Characters").split(", ")
        places = _field(ask, "Places").split(", ")
        who = ", ".join(dict.fromkeys([cues[(number - 1) % len(cues)], cues[number % len(cues)]]))
        return (
            f"Place: {places[number % len(places)]}\nTime: {'NIGHT' if number % 2 else 'DAY'}\n"
            f"Who: {who}\nWhat happens: In scene {number} the keeper faces the storm "
            f"(take {seed}).\nPurpose: raises the stakes"
        )
    if "Write the scene." in ask or "Continue the scene." in ask:
        cues = re.findall(r"^- ([A-Z][A-Z .'-]+), ", ask, re.M)
        heading = _field(ask, "Scene") or "more"
        first, second = cues[0], cues[-1]
        return (
            f"Wind howls around the room as the storm begins, take {seed} of {heading}.\n\n"
            f"{first}\nWe hold on until morning, take {seed}.\n\n"
            f"{second}\n(quietly)\nThen we hold together in {heading}.\n\n"
            f"The lamp flickers but keeps burning in {heading}, take {seed}."
        )
    raise AssertionError(f"unexpected prompt: {ask[:200]}")


class StoryFake:
    """A Backend answering story prompts; `fail_after` simulates a server going down."""

    name = "story-fake"

    def __init__(
        self, reply: Callable[[Request], str] = story_reply, *, fail_after: int | None = None
    ) -> None:
        self.reply = reply
        self.fail_after = fail_after
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def stream(self, request: Request) -> Iterator[Delta]:
        with self._lock:
            if self.fail_after is not None and len(self.requests) >= self.fail_after:
                raise BackendUnavailable("story-fake: server went away")
            self.requests.append(request)
        text = self.reply(request)
        for i in range(0, len(text), 16):
            yield Delta(text=text[i : i + 16])
        yield Delta(usage=Usage(0, len(text) // 4), finish_reason="stop")

    def asked(self, marker: str) -> int:
        """How many requests contained `marker` in their last user message."""
        return sum(marker in _last_user(r) for r in self.requests)
