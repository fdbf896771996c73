"""FakeBackend: scripted replies for unit tests of orchestration logic.

Every feature also has an end-to-end test on the real bundled model; this is not a substitute.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator

from writersroom.llm.base import Delta, Request, Usage


class FakeBackend:
    """Serves `replies` in order (or computes them with `reply(request)`), recording requests."""

    name = "fake"

    def __init__(
        self, replies: Iterable[str] = (), *, reply: Callable[[Request], str] | None = None
    ) -> None:
        self.replies = deque(replies)
        self.reply = reply
        self.requests: list[Request] = []

    def stream(self, request: Request) -> Iterator[Delta]:
        self.requests.append(request)
        if self.replies:
            text = self.replies.popleft()
        elif self.reply is not None:
            text = self.reply(request)
        else:
            text = ""
        words = text.split(" ")
        for i, word in enumerate(words):
            yield Delta(text=word if i == 0 else " " + word)
        yield Delta(usage=Usage(input_tokens=0, output_tokens=len(words)), finish_reason="stop")
