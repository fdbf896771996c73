"""Size limits for scripts that arrive from outside (web uploads, pasted text, collaboration
messages): one frozen `Limits` record and the checks that raise `FormatError`.

Parsing and layout take time linear in the text (benchmarks/scaling.py), so the limits bound
the work a single request can cause; the defaults leave room for any real screenplay (a
feature is about 200,000 characters, a season's scripts a few million).

    >>> check_script("INT. HOUSE - DAY", Limits(script_chars=10))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    writersroom.errors.FormatError: the script has 16 characters, more than the limit of 10; ...

Settings come from the environment with `Limits.from_env()`:
WRITERSROOM_MAX_UPLOAD_BYTES, WRITERSROOM_MAX_SCRIPT_CHARS, WRITERSROOM_MAX_MESSAGE_BYTES.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from writersroom.errors import ConfigError, FormatError

__all__ = ["Limits", "check_message", "check_script", "check_upload"]

_ENV = {
    "upload_bytes": "WRITERSROOM_MAX_UPLOAD_BYTES",
    "script_chars": "WRITERSROOM_MAX_SCRIPT_CHARS",
    "message_bytes": "WRITERSROOM_MAX_MESSAGE_BYTES",
}


@dataclass(frozen=True)
class Limits:
    """The largest inputs accepted from outside."""

    upload_bytes: int = 20 * 2**20  # an uploaded file (Fountain, FDX, PDF, JSON)
    script_chars: int = 5_000_000  # a script's text once decoded (about 1M words)
    message_bytes: int = 2**20  # one websocket message (an edit, a cursor move)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"limit {f.name} must be a positive whole number, not {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Defaults, overridden by the WRITERSROOM_MAX_* variables that are set."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, variable in _ENV.items():
            raw = environ.get(variable, "").strip().replace("_", "")
            if not raw:
                continue
            if not raw.isdigit():
                raise ConfigError(f"{variable}={environ[variable]!r}: give a whole number")
            values[name] = int(raw)
        return cls(**values)


def check_upload(data: bytes, limits: Limits | None = None, *, name: str = "") -> bytes:
    """`data` unchanged, or FormatError when it is larger than `limits.upload_bytes`."""
    _check("the file", len(data), "bytes", "upload_bytes", limits, "split it", name)
    return data


def check_script(text: str, limits: Limits | None = None, *, name: str = "") -> str:
    """`text` unchanged, or FormatError when it has more than `limits.script_chars`."""
    _check("the script", len(text), "characters", "script_chars", limits, "split it", name)
    return text


def check_message(data: str | bytes, limits: Limits | None = None) -> None:
    """FormatError when one websocket message is larger than `limits.message_bytes`."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    _check("the message", size, "bytes", "message_bytes", limits, "send smaller edits")


def _check(
    what: str, size: int, unit: str, limit: str, limits: Limits | None, advice: str, name: str = ""
) -> None:
    most: int = getattr(limits or Limits(), limit)
    if size > most:
        raise FormatError(
            f"{what} has {size:,} {unit}, more than the limit of {most:,}; "
            f"{advice}, or raise {_ENV[limit]}",
            path=name or None,
        )
