"""The context-window policy shared by the local backends.

A prompt is never cut silently. By default a request whose prompt plus `max_tokens` does not fit
the model's window raises ContextOverflow with the counts. A caller that prefers to lose history
sets `Request(overflow="trim")`: the oldest non-system messages are dropped, one at a time, until
it fits; the system messages and the last message are always kept (if those alone do not fit,
ContextOverflow is raised all the same). Raw prompts (`Request.prompt`) are never trimmed.
"""

from __future__ import annotations

from collections.abc import Callable

from writersroom.errors import ContextOverflow
from writersroom.llm.base import Message, Request


def overflow_error(model: str, prompt_tokens: int, max_tokens: int, window: int) -> ContextOverflow:
    return ContextOverflow(
        f"{model}: the prompt is {prompt_tokens} tokens and max_tokens is {max_tokens}, "
        f"together more than the {window}-token context window; shorten the prompt, "
        f"lower max_tokens, or pass overflow='trim' to drop the oldest messages"
    )


def fit_messages(
    messages: tuple[Message, ...], count: Callable[[tuple[Message, ...]], int], budget: int
) -> tuple[Message, ...]:
    """Drop the oldest non-system messages (never the last) until `count(messages) <= budget`.

    >>> words = lambda ms: sum(len(m.content.split()) for m in ms)
    >>> ms = (Message("system", "s"), Message("user", "a b c"), Message("user", "d e"))
    >>> [m.content for m in fit_messages(ms, words, 3)]
    ['s', 'd e']
    """
    kept = list(messages)
    while count(tuple(kept)) > budget:
        droppable = [i for i, m in enumerate(kept[:-1]) if m.role != "system"]
        if not droppable:
            break
        del kept[droppable[0]]
    return tuple(kept)


def fit_request(
    request: Request,
    model: str,
    window: int,
    count: Callable[[tuple[Message, ...]], int],
) -> tuple[Message, ...]:
    """Apply the policy to a chat request: the messages to send, or ContextOverflow."""
    budget = window - request.max_tokens
    messages = request.messages
    if request.overflow == "trim":
        messages = fit_messages(messages, count, budget)
    used = count(messages)
    if used > budget:
        raise overflow_error(model, used, request.max_tokens, window)
    return messages
