"""Perplexity under the default model: how predictable a text is to the bundled SmolLM2 GGUF.

Fluent, careful prose has a moderate per-token loss; garbled text a high one; text stuck in a loop
a very low one. Only the first `max_tokens` tokens of each text are read, and for a longer text its
last `max_tokens` too (degeneration late in a text is common in generated stories), which keeps a
whole screenplay to seconds (each scene is one or two short passes).

    lm = load_language_model()                 # the bundled GGUF; cached per process
    lm.token_losses("The ship sank.")          # [2.9, 0.4, ...] nats per token after the first
    read_signals(lm, story)                    # mean_loss, ..., tail_loss, tail_drop
"""

from __future__ import annotations

import atexit
import functools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from writersroom.errors import BackendUnavailable, MissingExtra

MAX_TOKENS = 128           # tokens read per text
HIGH_LOSS = 8.0            # nats: a token the model found very unlikely


class LanguageModel:
    """A GGUF model used only to score text (no sampling)."""

    def __init__(self, path: str | Path, *, n_ctx: int = 512) -> None:
        try:
            import llama_cpp
        except ImportError as exc:
            raise MissingExtra("default", "llama-cpp-python") from exc
        self.path = Path(path)
        if not self.path.is_file():
            raise BackendUnavailable(f"model file not found: {self.path}")
        self.n_ctx = n_ctx
        self._llm: Any = llama_cpp.Llama(
            str(self.path), n_ctx=n_ctx, n_batch=n_ctx, logits_all=True, verbose=False
        )
        self.name = self.path.stem
        # free the model before interpreter shutdown tears down llama_cpp's module globals
        atexit.register(self.close)

    def close(self) -> None:
        """Free the model (also done at exit)."""
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def token_losses(
        self, text: str, *, max_tokens: int = MAX_TOKENS, tail: bool = False
    ) -> list[float]:
        """Negative log-likelihood (nats) of each token after the first, up to `max_tokens`:
        the opening of the text, or with `tail=True` its last `max_tokens` tokens (read without
        what came before, so a late loop or late nonsense shows as it is)."""
        assert self._llm is not None, "the language model was closed"
        limit = min(max_tokens, self.n_ctx - 1)
        tokens = self._llm.tokenize(text.strip().encode("utf-8"), add_bos=True)
        tokens = tokens[:1] + tokens[1:][-limit:] if tail else tokens[: limit + 1]
        if len(tokens) < 2:
            return []
        self._llm.reset()
        self._llm.eval(tokens)
        logits = np.asarray(self._llm.scores[: len(tokens) - 1], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        log_z = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]
        picked = logits[np.arange(len(tokens) - 1), tokens[1:]]
        return [float(x) for x in log_z - picked]


@functools.cache
def load_language_model(path: str | None = None) -> LanguageModel:
    """The scoring model: `path`, or the bundled default GGUF."""
    if path is None:
        from writersroom.llm.llamacpp import bundled_model_path

        path = str(bundled_model_path())
    return LanguageModel(path)


def loss_signals(losses: Sequence[float]) -> dict[str, float]:
    """Mean and spread of the token losses, and the share of very unlikely tokens.

    >>> loss_signals([1.0, 3.0])["mean_loss"]
    2.0
    """
    if not losses:
        return {"mean_loss": 0.0, "loss_sd": 0.0, "high_loss_share": 0.0, "perplexity": 1.0}
    arr = np.asarray(losses)
    mean = float(arr.mean())
    return {
        "mean_loss": mean,
        "loss_sd": float(arr.std()),
        "high_loss_share": float((arr > HIGH_LOSS).mean()),
        "perplexity": math.exp(min(mean, 50.0)),
    }


def read_signals(lm: LanguageModel, text: str, *, ending: bool = True) -> dict[str, float]:
    """`loss_signals` of the opening and, with `ending`, `ending_signals` of the tail: one read
    for a text the first read covered whole, two for a longer one."""
    head = lm.token_losses(text)
    if not ending:
        return loss_signals(head)
    tail = lm.token_losses(text, tail=True) if len(head) >= MAX_TOKENS else head
    return {**loss_signals(head), **ending_signals(head, tail)}


def ending_signals(head: Sequence[float], tail: Sequence[float]) -> dict[str, float]:
    """The mean loss of the last tokens, and how far it falls below the opening's (a story that
    degenerates into a loop late on grows very predictable at its end).

    >>> ending_signals([3.0, 3.0], [1.0, 2.0])["tail_drop"]
    1.5
    """
    if not head or not tail:
        return {"tail_loss": 0.0, "tail_drop": 0.0}
    tail_loss = float(np.mean(tail))
    return {"tail_loss": tail_loss, "tail_drop": float(np.mean(head)) - tail_loss}
