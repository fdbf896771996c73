"""The Python API: one function per `writersroom voices / dialogue / style` command.

from writersroom import voice
cast = voice.voices("draft.fountain")                       # or a story project directory
exchange = voice.dialogue("draft.fountain", ["MAYA", "ELIAS"], "Maya finds the lamp broken",
                          backend=backend, lines=4, style="wilde.json", seed=1)
style = voice.learn_style(["earnest.txt", "fan.txt"], out="wilde.json")
voice.compare_style("scene.fountain", "wilde.json").delta
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from writersroom.errors import FormatError, ProjectError
from writersroom.llm.base import Backend
from writersroom.screenplay.model import Screenplay
from writersroom.voice import style as _style
from writersroom.voice.cast import Cast, load_voices
from writersroom.voice.dialogue import Exchange, Spec, Strategy, write_dialogue
from writersroom.voice.style import Comparison, Style

PathLike = str | Path
DEFAULT_STRATEGY: Strategy = "exchange"


def voices(source: PathLike) -> Cast:
    """Every speaking character's voice in a script file or a story project directory."""
    return load_voices(source)


def as_style(style: Style | PathLike | None) -> Style | None:
    """A style, or the style file (or adapter folder) at a path."""
    if style is None or isinstance(style, Style):
        return style
    return Style.load(style)


def dialogue(
    source: PathLike | Cast,
    characters: Sequence[str],
    situation: str,
    *,
    backend: Backend,
    lines: int = 6,
    style: Style | PathLike | None = None,
    strategy: Strategy = DEFAULT_STRATEGY,
    seed: int | None = None,
) -> Exchange:
    """An exchange of `lines` turns among `characters` (in rotation), each in their voice."""
    cast = source if isinstance(source, Cast) else load_voices(source)
    names = [c.strip() for c in characters if c.strip()]
    if not names:
        raise ProjectError("no characters: name who speaks, e.g. --characters 'MAYA,ELIAS'")
    missing = [n for n in names if cast.get(n) is None]
    if missing:
        known = ", ".join(cast.names) or "(none)"
        raise ProjectError(f"no character {missing[0]!r} here; the speakers are: {known}")
    if lines < 1:
        raise ProjectError("--lines must be at least 1")
    spec = Spec.make(cast, names, situation, lines=lines, style=as_style(style), seed=seed)
    return write_dialogue(spec, backend, strategy=strategy)


def learn_style(
    references: Sequence[PathLike | Screenplay],
    out: PathLike | None = None,
    *,
    name: str = "",
    adapter: bool = False,
    train: dict[str, Any] | None = None,
) -> Style:
    """A style profile from reference pages, saved to `out` when given. With `adapter`, `out`
    is a folder: the profile goes to out/style.json and a LoRA adapter is trained on the
    references into it (see `adapter.train_adapter`; `train` overrides TrainConfig fields)."""
    style = _style.learn_style(references, name=name)
    if adapter:
        if out is None:
            raise FormatError("--adapter needs --out DIR (the training run folder)")
        from writersroom.voice.adapter import train_adapter

        paths = [Path(r) for r in references if not isinstance(r, Screenplay)]
        train_adapter(paths, Path(out), overrides=train or {})
        style.save(Path(out) / "style.json")
    elif out is not None:
        style.save(out)
    return style


def compare_style(text: PathLike | Screenplay, style: Style | PathLike) -> Comparison:
    """How close a script file (or a parsed script) is to a style."""
    target = as_style(style)
    assert target is not None
    if isinstance(text, Screenplay):
        return _style.compare_style(text, target)
    from writersroom.screenplay import io

    return _style.compare_style(io.load(text), target)
