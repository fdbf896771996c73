"""Per-sequence sampling for the llama.cpp engine: a sampler chain, and grammar-constrained
sampling that checks a shortlist of tokens instead of the whole vocabulary at every step."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

PENALTY_LAST_N = 64  # tokens the repetition penalties look back over
# llama_token_data as numpy sees it: {int32 id; float logit; float p}
_TOKEN_DATA = [("id", "<i4"), ("logit", "<f4"), ("p", "<f4")]


class SamplingError(RuntimeError):
    """The grammar cannot be parsed, or allows no next token."""


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.0
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    seed: int | None = None
    grammar: str | None = None  # GBNF, root rule "root"

    @property
    def penalized(self) -> bool:
        return self.repeat_penalty != 1.0 or bool(self.frequency_penalty or self.presence_penalty)


class Sampler:
    """llama.cpp's order: penalties, [grammar], top-k, top-p, min-p, temperature, seeded draw.

    The grammar is kept out of the chain: applying it to all ~50k candidates every step costs
    more than decoding a small model's token, so `sample` applies it to a shortlist (below).
    """

    def __init__(self, lib: Any, vocab: Any, n_vocab: int, s: Sampling) -> None:
        self.lib = lib
        self.n_vocab = n_vocab
        self.s = s
        self.grammar = None
        if s.grammar is not None:
            self.grammar = lib.llama_sampler_init_grammar(vocab, s.grammar.encode(), b"root")
            if not self.grammar:
                raise SamplingError("llama.cpp could not parse the grammar")
        params = lib.llama_sampler_chain_default_params()
        params.no_perf = True
        self.chain = lib.llama_sampler_chain_init(params)

        def add(sampler: Any) -> None:
            lib.llama_sampler_chain_add(self.chain, sampler)

        if s.penalized:
            add(
                # The bundled llama.cpp (llama-cpp-python 0.3.x) still takes n_vocab first.
                lib.llama_sampler_init_penalties(
                    n_vocab,
                    PENALTY_LAST_N,
                    s.repeat_penalty,
                    s.frequency_penalty,
                    s.presence_penalty,
                )
            )
        if s.temperature <= 0:
            add(lib.llama_sampler_init_greedy())
            return
        if s.top_k > 0:
            add(lib.llama_sampler_init_top_k(s.top_k))
        if s.top_p < 1.0:
            add(lib.llama_sampler_init_top_p(s.top_p, 1))
        if s.min_p > 0.0:
            add(lib.llama_sampler_init_min_p(s.min_p, 1))
        add(lib.llama_sampler_init_temp(s.temperature))
        add(lib.llama_sampler_init_dist(lib.LLAMA_DEFAULT_SEED if s.seed is None else s.seed))

    def free(self) -> None:
        if self.chain is not None:
            self.lib.llama_sampler_free(self.chain)
        if self.grammar is not None:
            self.lib.llama_sampler_free(self.grammar)
        self.chain = self.grammar = None

    def sample(self, ctx: Any, index: int) -> int:
        """The next token from the logits at batch position `index` (accepted into the state)."""
        if self.grammar is None:
            return int(self.lib.llama_sampler_sample(self.chain, ctx, index))
        import numpy as np  # a dependency of llama-cpp-python

        pointer = self.lib.llama_get_logits_ith(ctx, index)
        logits = np.ctypeslib.as_array(pointer, shape=(self.n_vocab,))
        # The grammar is applied to the highest logits first. When at least as many tokens
        # survive as the chain keeps (top-k, or 1 when greedy) the draw is exactly what checking
        # the whole vocabulary gives: every valid token outside the shortlist ranks lower.
        # Penalties could reorder logits, so with penalties (or top_k = 0) check them all.
        keep = 1 if self.s.temperature <= 0 else self.s.top_k
        if keep > 0 and not self.s.penalized:
            size = min(self.n_vocab, max(256, 4 * keep))
            ids = np.argpartition(logits, -size)[-size:]
            token = self._draw(ids, logits[ids], keep)
            if token is not None:
                return token
        token = self._draw(np.arange(self.n_vocab), logits, 1)
        if token is None:
            raise SamplingError("the grammar allows no next token")
        return token

    def _draw(self, ids: Any, logits: Any, at_least: int) -> int | None:
        import numpy as np

        lib = self.lib
        data = np.zeros(len(ids), dtype=_TOKEN_DATA)
        data["id"] = ids
        data["logit"] = logits
        array = lib.llama_token_data_array(
            data=data.ctypes.data_as(lib.llama_token_data_p),
            size=len(ids),
            selected=-1,
            sorted=False,
        )
        lib.llama_sampler_apply(self.grammar, ctypes.byref(array))
        if int(np.isfinite(data["logit"]).sum()) < at_least:
            return None
        lib.llama_sampler_apply(self.chain, ctypes.byref(array))
        if not 0 <= array.selected < array.size:
            return None
        chosen = array.data[array.selected]
        if not np.isfinite(chosen.logit):
            return None
        token = int(chosen.id)
        lib.llama_sampler_accept(self.grammar, token)
        lib.llama_sampler_accept(self.chain, token)
        return token
