"""A style applied to any writing request: the habits in the system prompt, and the reference
passages nearest what is asked put before the ask, as pages to imitate.

    request = scene_request(ctx)                       # any chat Request that writes text
    request = styled_request(request, style, query=ctx.outline.summary)

This is how `--style` reaches the writing steps that have a prompt of their own (story scene
drafting, `revise` rewrites and beats); `dialogue` poses the passages as worked examples of its
own format instead (`voice.dialogue`). The grammar, sampling and everything else of the request
are kept.
"""

from __future__ import annotations

from dataclasses import replace

from writersroom.llm.base import Message, Request
from writersroom.voice.exemplars import nearest
from writersroom.voice.style import Style

PASSAGES = 2  # reference passages put before the ask
PASSAGE_CHARS = 900  # each clipped to about a third of a page


def style_note(style: Style) -> str:
    """The style's measurable habits as one instruction line."""
    return f"Write in the style of the reference pages: {style.notes()}."


def reference_pages(style: Style, query: str, k: int = PASSAGES) -> str:
    """The `k` exemplar passages nearest `query`, nearest last (closest to the ask)."""
    found = nearest(query, list(style.exemplars), k) if style.exemplars else []
    clipped = [
        p if len(p) <= PASSAGE_CHARS else p[:PASSAGE_CHARS].rsplit("\n", 1)[0] for p in found
    ]
    return "\n\n".join(reversed(clipped))


def styled_request(request: Request, style: Style | None, *, query: str) -> Request:
    """`request` conditioned on `style` (unchanged when `style` is None). The system message
    (added when missing) gets the habits; the last user message is preceded by the nearest
    reference passages."""
    if style is None or not request.messages:
        return request
    messages = list(request.messages)
    note = style_note(style)
    if messages[0].role == "system":
        messages[0] = replace(messages[0], content=f"{messages[0].content}\n{note}")
    else:
        messages.insert(0, Message("system", note))
    pages = reference_pages(style, query)
    if pages:
        last = max(i for i, m in enumerate(messages) if m.role == "user")
        messages[last] = replace(
            messages[last],
            content=f"Reference pages (imitate their style):\n{pages}\n\n{messages[last].content}",
        )
    return replace(request, messages=tuple(messages))
