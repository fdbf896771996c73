"""Run one `writersroom` story command in a process of its own, with the scripted story model
slowed down, so tests can start several commands on one project at once.

    python story_worker.py DELAY GO_FILE regenerate DIR drafts 1 --no-stream

Waits until GO_FILE exists (so that the commands start together), then runs the command; the
model sleeps DELAY seconds before each answer, and with STORY_WORKER_HOLD=PATH in the
environment it answers only once PATH exists (so a test decides when the command ends), having
created PATH.asked (so a test knows the command is waiting for the model)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fakestory import StoryFake, story_reply

import writersroom.cli.story as cli_story
from writersroom.cli import cli
from writersroom.llm.base import Request


def main() -> None:
    delay, go, args = float(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    hold = os.environ.get("STORY_WORKER_HOLD")

    def slow(request: Request) -> str:
        time.sleep(delay)
        if hold:
            Path(hold + ".asked").touch()
        while hold and not Path(hold).exists():
            time.sleep(0.01)
        return story_reply(request)

    fake = StoryFake(slow)
    cli_story.open_backend = lambda *_: fake  # type: ignore[assignment]
    while not go.exists():
        time.sleep(0.005)
    cli.main(args, prog_name="writersroom")


if __name__ == "__main__":
    main()
