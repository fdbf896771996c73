"""Model engine: one interface over the bundled model, local models and OpenAI-compatible
servers."""

from writersroom.llm.base import (
    Backend,
    BatchBackend,
    Completion,
    Delta,
    Message,
    Request,
    Usage,
    chat,
    complete,
    complete_many,
)

__all__ = [
    "Backend",
    "BatchBackend",
    "Completion",
    "Delta",
    "Message",
    "Request",
    "Usage",
    "chat",
    "complete",
    "complete_many",
]
