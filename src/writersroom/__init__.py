"""writersroom: LLM-assisted screenwriting, offline by default."""

from writersroom.errors import (
    BackendError,
    BackendRejected,
    BackendUnavailable,
    ConfigError,
    ContextOverflow,
    FormatError,
    GenerationError,
    MissingExtra,
    ProjectError,
    UnknownModel,
    WritersroomError,
)
from writersroom.screenplay.model import Screenplay

__version__ = "0.1.0"

__all__ = [
    "BackendError",
    "BackendRejected",
    "BackendUnavailable",
    "ConfigError",
    "ContextOverflow",
    "FormatError",
    "GenerationError",
    "MissingExtra",
    "ProjectError",
    "Screenplay",
    "UnknownModel",
    "WritersroomError",
    "__version__",
]
