"""The "Writing a backend" example in docs/backends.md works as printed."""

from __future__ import annotations

import re
from pathlib import Path

from writersroom.llm import Backend, chat, complete, complete_many
from writersroom.llm.cache import CachedBackend, ResponseCache
from writersroom.llm.log import CallLog, LoggedBackend

DOC = Path(__file__).resolve().parents[2] / "docs" / "backends.md"
SCRIPT = (
    "INT. DINER - NIGHT MAYA waits. MAYA runs. DEVON enters. MAYA laughs. DEVON runs. "
    "MAYA stops. DEVON waits. MAYA enters the kitchen. DEVON laughs at the rain. " * 3
)


def markov_class() -> type:
    section = DOC.read_text(encoding="utf-8").split("## Writing a backend", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "markov_backend.py", "exec"), namespace)
    cls = namespace["MarkovBackend"]
    assert isinstance(cls, type)
    return cls


def test_the_example_is_a_backend_that_streams(tmp_path):
    markov = markov_class()(SCRIPT)
    assert isinstance(markov, Backend)
    first = complete(markov, chat("MAYA", max_tokens=12, seed=3))
    assert first.usage.output_tokens == 12 and first.finish_reason == "length"
    assert set(first.text.split()) <= set(SCRIPT.split())
    assert complete(markov, chat("MAYA", max_tokens=12, seed=3)).text == first.text
    stopped = complete(markov, chat("MAYA", max_tokens=50, seed=3, stop=("DEVON",)))
    assert "DEVON" not in stopped.text and stopped.finish_reason == "stop"
    takes = complete_many(markov, [chat("MAYA", max_tokens=8, seed=s) for s in range(5)])
    assert len({t.text for t in takes}) > 1
    wrapped = LoggedBackend(
        CachedBackend(markov, ResponseCache(tmp_path / "c.db")), CallLog(tmp_path / "l.db")
    )
    assert complete(wrapped, chat("MAYA", max_tokens=12, seed=3)).text == first.text
    assert complete(wrapped, chat("MAYA", max_tokens=12, seed=3)).cached
