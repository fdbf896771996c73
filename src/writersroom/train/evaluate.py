"""Before vs after: is the trained model better at writing scenes in the corpus's voice?

    report = compare_backends(base_backend, trained_backend, prompts, references)
    report["after"]["well_formed"]         # share of well-formed scenes, no grammar constraints

Three measures, each for the base model and the trained one:

* held-out perplexity on the validation rows (`perplexity`, computed in `train` too);
* format validity of scenes generated from held-out `scene` prompts without any grammar: a scene is
  well-formed when it opens with an `INT./EXT. PLACE - TIME` heading, has at least one action
  paragraph and at least one cue with dialogue, shows none of the format problems the evaluation
  module flags (headings without INT/EXT or time, empty speeches, leftover notes) and holds no chat
  talk ("Sure! Here is...", markdown). That is what a reader would call a scene, and no more: a
  generation cut off at `max_tokens` is judged without its unfinished last paragraph;
* style similarity to the training scripts: 1 minus the mean relative difference of a few style
  features (the evaluation module's dialogue ratio and speech length, plus action paragraph length,
  parentheticals per speech and question/exclamation rates), 1.0 meaning the same profile.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from writersroom.evaluate import script as signals
from writersroom.llm.base import Backend, Message, Request, complete_many
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Action, Dialogue, Parenthetical, SceneHeading
from writersroom.train import data as data_mod

_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT|EST)\.? .+ - .+$")
# Chat talk: an assistant's preamble at the start ("Sure! Here is..."; a character may well say
# "Of course" later on), or markdown and assistant asides anywhere.
_CHAT_OPENING = re.compile(r"(?i)^\s*(?:sure|certainly|of course|absolutely|here is|here's)\b")
_CHAT_MARKUP = re.compile(r"(?im)^\s*(?:as an ai|i hope (?:this|you)|note:|```|\*\*|#+ |[-*] )")


@dataclass(frozen=True)
class SceneCheck:
    well_formed: bool
    problems: tuple[str, ...]


def check_scene(text: str) -> SceneCheck:
    """Is `text` a well-formed screenplay scene? Pure; no model.

    >>> check_scene("INT. DINER - NIGHT\\n\\nMARY waits.\\n\\nMARY\\nCoffee?").well_formed
    True
    >>> check_scene("Sure! Here is a scene about Mary.").problems
    ('no_heading_first', 'no_dialogue', 'chat_talk')
    """
    doc = fountain.parse(text.strip())
    problems = []
    first = next(
        (e for e in doc.elements if not (isinstance(e, Action) and not e.text.strip())), None
    )
    if not isinstance(first, SceneHeading) or not _HEADING.match(first.text.upper()):
        problems.append("no_heading_first")
    if not any(isinstance(e, Action) and e.text.strip() for e in doc.elements):
        problems.append("no_action")
    speeches = [
        e
        for e in doc.elements
        if isinstance(e, Dialogue)
        and any(isinstance(line, str) and line.strip() for line in e.lines)
    ]
    if not speeches:
        problems.append("no_dialogue")
    if _CHAT_OPENING.match(text) or _CHAT_MARKUP.search(text):
        problems.append("chat_talk")
    issues = signals.format_issues(doc, signals.scene_texts(doc))
    problems += sorted(
        k
        for k in issues
        if k
        in {"heading_without_int_ext", "heading_without_time", "empty_dialogue", "leftover_note"}
    )
    return SceneCheck(not problems, tuple(problems))


def style_features(texts: Sequence[str]) -> dict[str, float]:
    """A small style profile of Fountain texts."""
    docs = [fountain.parse(t) for t in texts]
    scenes = [s for doc in docs for s in signals.scene_texts(doc)]
    dialogue = signals.dialogue_signals(scenes) if scenes else {}
    speeches = [e for doc in docs for e in doc.elements if isinstance(e, Dialogue)]
    actions = [
        e.text for doc in docs for e in doc.elements if isinstance(e, Action) and e.text.strip()
    ]
    spoken = " ".join(line for s in speeches for line in s.lines if isinstance(line, str))
    sentences = max(1, len(re.findall(r"[.!?]+", spoken)))
    return {
        "dialogue_ratio": float(dialogue.get("dialogue_ratio", 0.0)),
        "speech_words": float(dialogue.get("mean_speech_words", 0.0)),
        "action_words": sum(len(a.split()) for a in actions) / max(1, len(actions)),
        "parentheticals": sum(isinstance(line, Parenthetical) for s in speeches for line in s.lines)
        / max(1, len(speeches)),
        "questions": spoken.count("?") / sentences,
        "exclamations": spoken.count("!") / sentences,
    }


def style_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """1 - the mean relative difference of two profiles (1.0 = identical, 0.0 = nothing alike).

    >>> style_similarity({"x": 1.0, "y": 2.0}, {"x": 1.0, "y": 2.0})
    1.0
    """
    keys = sorted(set(a) & set(b))
    if not keys:
        return 0.0
    diffs = [abs(a[k] - b[k]) / (abs(a[k]) + abs(b[k])) if a[k] or b[k] else 0.0 for k in keys]
    return 1.0 - sum(diffs) / len(diffs)


def generate_scenes(
    backend: Backend,
    prompts: Sequence[dict[str, Any]],
    *,
    max_tokens: int = 320,
    temperature: float = 0.7,
    repeat_penalty: float = 1.1,
    seed: int = 7,
) -> list[str]:
    """One scene per held-out prompt, sampled without grammar constraints (the same settings for
    every model compared); a scene cut off at `max_tokens` loses its unfinished last paragraph."""
    requests = [
        Request(
            messages=tuple(Message(m["role"], m["content"]) for m in p["messages"]),
            max_tokens=max_tokens,
            temperature=temperature,
            repeat_penalty=repeat_penalty,
            seed=seed + i,
        )
        for i, p in enumerate(prompts)
    ]
    return [
        drop_cut_paragraph(c.text) if c.finish_reason == "length" else c.text.strip()
        for c in complete_many(backend, requests)
    ]


def drop_cut_paragraph(text: str) -> str:
    """`text` without its last paragraph, which a generation stopped by the token limit leaves
    unfinished (a cue without its speech, half a sentence).

    >>> drop_cut_paragraph("INT. HALL - DAY\\n\\nRain.\\n\\nMARY\\nWhere is")
    'INT. HALL - DAY\\n\\nRain.'
    """
    text = text.strip()
    at = text.rfind("\n\n")
    return text[:at].rstrip() if at > 0 else text


def score_scenes(texts: Sequence[str], reference: dict[str, float]) -> dict[str, Any]:
    checks = [check_scene(t) for t in texts]
    profile = style_features(texts)
    return {
        "n": len(texts),
        "well_formed": sum(c.well_formed for c in checks) / max(1, len(checks)),
        "problems": dict(Counter(p for c in checks for p in c.problems)),
        "style_similarity": style_similarity(profile, reference),
        "dialogue_share": profile["dialogue_ratio"],
        "samples": list(texts[:3]),
    }


def compare_backends(
    before: Backend,
    after: Backend,
    prompts: Sequence[dict[str, Any]],
    references: Sequence[str],
    **options: Any,
) -> dict[str, Any]:
    """Generate the same held-out scenes with both models and score them against the references
    (the training scripts' text)."""
    reference = style_features(references)
    return {
        "prompts": len(prompts),
        "reference_style": reference,
        "before": score_scenes(generate_scenes(before, prompts, **options), reference),
        "after": score_scenes(generate_scenes(after, prompts, **options), reference),
    }


def held_out_prompts(data_dir: Path, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` held-out scene prompts, spread over the validation scripts."""
    prompts = data_mod.read_val_prompts(data_dir)
    if len(prompts) <= limit:
        return prompts
    step = len(prompts) / limit
    return [prompts[int(i * step)] for i in range(limit)]


def training_references(data_dir: Path, limit_chars: int = 400_000) -> list[str]:
    """Text of the training scripts (capped), the reference for style similarity."""
    meta = data_mod.load_meta(data_dir)
    corpus = Path(meta["corpus"])
    texts, size = [], 0
    for script_id in meta["split"]["train"]:
        path = corpus / "scripts" / f"{script_id}.fountain"
        if path.exists():
            text = path.read_text(encoding="utf-8")[
                : limit_chars // max(1, len(meta["split"]["train"]))
            ]
            texts.append(text)
            size += len(text)
    return texts


def perplexity(model: Any, data_dir: Path, *, rows: int = 0, batch_size: int = 8) -> float:
    """exp(mean loss per target token) of an HF model on the held-out rows (0 = all)."""
    import torch

    from writersroom.train.train import lm_loss

    val = data_mod.load_rows(data_dir, "val")
    limit = len(val) if rows == 0 else min(rows, len(val))
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for first in range(0, limit, batch_size):
            x, y = data_mod.get_batch(val, range(first, min(limit, first + batch_size)))
            n = int((y[:, 1:] != -100).sum())
            if n:
                total += lm_loss(model, x, y).item() * n
                count += n
    return math.exp(total / max(1, count))
