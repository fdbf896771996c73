"""The whole exception tree of writersroom.

WritersroomError                 base; the CLI catches this and only this
├── ConfigError                  bad or missing settings / models.toml entry
│   └── UnknownModel             no such model name or spec; the message lists the known ones
├── MissingExtra                 an optional dependency is absent; the message is the pip command
├── FormatError                  a file cannot be read or written in the asked format (.path, .line)
├── ProjectError                 a story project directory is missing, locked or inconsistent
├── BackendError                 the model call failed
│   ├── BackendUnavailable       server down, model file missing, out of memory, timeout
│   ├── BackendRejected          4xx from an HTTP server (bad request, auth, context too long)
│   └── ContextOverflow          the prompt does not fit the model's context window
└── GenerationError              the model answered, but the output is unusable (.step, .text)
"""

from __future__ import annotations


class WritersroomError(Exception):
    """Base of every error writersroom raises on purpose."""


class ConfigError(WritersroomError):
    """Settings or a models config entry are missing or invalid."""


class UnknownModel(ConfigError):
    """A model name or spec that no backend knows."""


class MissingExtra(WritersroomError):
    """An optional dependency is not installed."""

    def __init__(self, extra: str, package: str | None = None) -> None:
        self.extra = extra
        what = f"{package} is not installed" if package else f"the '{extra}' extra is not installed"
        super().__init__(f"{what}: pip install 'writersroom[{extra}]'")


class FormatError(WritersroomError):
    """A file cannot be read or written in the requested format."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        elif line:
            where = f"line {line}: "
        super().__init__(f"{where}{message}")


class ProjectError(WritersroomError):
    """A story project directory is missing, locked or inconsistent."""


class BackendError(WritersroomError):
    """A model call failed."""


class BackendUnavailable(BackendError):
    """The model cannot be reached or loaded (server down, file missing, timeout)."""


class BackendRejected(BackendError):
    """The server refused the request (4xx: bad request, authentication, limits)."""


class ContextOverflow(BackendError):
    """The prompt plus the requested output does not fit the model's context window."""


class GenerationError(WritersroomError):
    """The model answered but its output is unusable; the raw text is kept on .text."""

    def __init__(self, message: str, *, step: str = "", text: str = "") -> None:
        self.step = step
        self.text = text
        super().__init__(f"{step}: {message}" if step else message)


def one_line(exc: BaseException, limit: int = 300) -> str:
    r"""A library exception's text on one line (whitespace collapsed, cut at `limit` characters),
    for the messages that wrap it.

    >>> one_line(ValueError("Couldn't load:\n(1) a file,\n(2) a class"))
    "Couldn't load: (1) a file, (2) a class"
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
