"""A normalized corpus → tokenized, packed training rows (+ meta.json), split by script.

    meta = prepare(Path("corpus"), Path("runs/x/data"), tokenizer, block_size=512)
    rows = load_rows(Path("runs/x/data"), "train")      # memory-mapped (rows, block_size) arrays
    input_ids, labels = get_batch(rows, [3, 17, 5])

Scripts, not scenes, are held out, so no scene of a validation script is ever trained on. Each
script becomes examples in the base model's chat format that teach what the story engine asks for:

* `scene`: film, characters, scene heading and what happens → the scene in Fountain;
* `continue`: the scene so far → the next stretch of it (dialogue continuation);
* `text`: plain Fountain text (for models trained from scratch).

Every `scene` answer holds action and at least one speech, and the description that opens a stage
play's act is cut to its first sentences, so that a scene is taught as heading, short action, cues
and dialogue (not a page of setting). Paragraphs and speeches longer than an answer's budget are
split at sentence ends, so no answer is cut mid-line; an example that still does not fit its row is
left out rather than truncated (it would lose its end-of-turn token).

Only the answer tokens are trained on (the prompt is masked out). Examples are packed first-fit into
rows of `block_size` tokens; the rest of a row is padding with mask 0. The held-out `scene` prompts
are also written to `val_prompts.jsonl`, for the format and style evaluation of generated scenes.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from writersroom.errors import ConfigError
from writersroom.files import write_atomic
from writersroom.llm.base import Message
from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Lyrics,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Synopsis,
    Transition,
)
from writersroom.train.corpus import read_corpus

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

META = "meta.json"
VAL_PROMPTS = "val_prompts.jsonl"
DATA_VERSION = 3  # raised whenever the examples change, so old prepared data is redone
CHARS_PER_TOKEN = 3.2  # conservative for English screenplay text (SmolLM2); measured in prepare
PROMPT_TOKENS = 128  # system + user message frame of an example at CHARS_PER_TOKEN
OPENING_SHARE = 0.35  # of a scene answer's budget, at most, for the action that opens it

SYSTEM_SCENE = (
    "You are a screenwriter. Write one scene of a screenplay: short action paragraphs in present "
    "tense and dialogue under character names in capitals. Write only the scene itself."
)
SYSTEM_CONTINUE = (
    "You are a screenwriter. Continue the scene of a screenplay: short action paragraphs in "
    "present tense and dialogue under character names in capitals. Write only the new part of "
    "the scene."
)
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] "
    "+ '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@dataclass(frozen=True)
class Example:
    script: str  # script id in the corpus
    kind: str  # scene | continue | text
    messages: tuple[Message, ...]  # system, user, assistant (the answer); empty for text
    text: str = ""  # the plain text of a `text` example


@dataclass(frozen=True)
class Rows:
    tokens: np.ndarray  # (n_rows, block_size) token ids
    mask: np.ndarray  # (n_rows, block_size) 1 where the token is trained on

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


# -- prompts the story engine asks ----------------------------------------------------------------


def scene_prompt(title: str, characters: Sequence[str], heading: str, happens: str) -> str:
    """The user message of a `scene` example: what the story engine gives when it drafts a scene.

    >>> print(scene_prompt("Dust", ["MARA", "JOE"], "INT. BARN - NIGHT", "Mara hides the gun."))
    Film: Dust.
    Characters in this scene:
    - MARA
    - JOE
    Scene heading: INT. BARN - NIGHT
    What happens: Mara hides the gun.
    <BLANKLINE>
    Write the scene.
    """
    cast = "\n".join(f"- {name}" for name in characters) or "- (none named)"
    return (
        f"Film: {title}.\nCharacters in this scene:\n{cast}\nScene heading: {heading}\n"
        f"What happens: {happens}\n\nWrite the scene."
    )


def continue_prompt(title: str, characters: Sequence[str], heading: str, so_far: str) -> str:
    cast = "\n".join(f"- {name}" for name in characters) or "- (none named)"
    return (
        f"Film: {title}.\nCharacters in this scene:\n{cast}\nScene heading: {heading}\n\n"
        f"The scene so far:\n{so_far}\n\nContinue the scene from here."
    )


# -- scripts → examples ---------------------------------------------------------------------------


def scenes_of(doc: Screenplay) -> list[tuple[SceneHeading | None, list[Element]]]:
    """The document cut at scene headings; only the elements a scene is written with are kept."""
    scenes: list[tuple[SceneHeading | None, list[Element]]] = [(None, [])]
    for element in doc.elements:
        if isinstance(element, SceneHeading):
            scenes.append((element, []))
        elif isinstance(element, Action | Dialogue | Transition | Lyrics | Synopsis):
            scenes[-1][1].append(element)
    return [(h, body) for h, body in scenes if any(isinstance(e, Dialogue) for e in body)]


def examples_from_script(
    script_id: str,
    title: str,
    doc: Screenplay,
    *,
    tasks: Sequence[str],
    block_size: int,
    chars_per_token: float = CHARS_PER_TOKEN,
) -> list[Example]:
    """Every example one script gives, in script order, sized for rows of `block_size` tokens of
    a tokenizer that gives `chars_per_token`."""
    frame = round(PROMPT_TOKENS * CHARS_PER_TOKEN / chars_per_token)
    room = max(64, block_size - frame)  # tokens left after the prompt frame
    answer_chars = int(room * 0.75 * chars_per_token)
    context_chars = int(min(96, room * 0.25) * chars_per_token)
    out: list[Example] = []
    for heading, body in scenes_of(doc):
        body = _short_opening(_fit(body, answer_chars), int(answer_chars * OPENING_SHARE))
        chunks = list(_chunks(body, answer_chars))
        heading_text = heading.text if heading else ""
        for n, chunk in enumerate(chunks):
            # Long scenes (a stage play's act is one) give several examples. A stretch with
            # action and dialogue is posed as the scene to write under the scene's heading (that
            # is what a scene is taught as); the others, mostly talk, as continuations. In a
            # stage play most stretches are talk, so scenes are still the smaller part.
            as_scene = (
                "scene" in tasks
                and heading is not None
                and any(isinstance(e, Action) for e in chunk)
                and any(isinstance(e, Dialogue) for e in chunk)
            )
            if as_scene:
                assert heading is not None
                answer = _render([heading, *chunk])
                user = scene_prompt(title, _speakers(chunk), heading_text, _what_happens(chunk))
                out.append(
                    Example(
                        script_id,
                        "scene",
                        (
                            Message("system", SYSTEM_SCENE),
                            Message("user", user),
                            Message("assistant", answer),
                        ),
                    )
                )
            elif "continue" in tasks and n > 0:
                so_far = _so_far(chunks[n - 1], context_chars)
                user = continue_prompt(
                    title, _speakers(chunks[n - 1] + chunk), heading_text or "(none)", so_far
                )
                out.append(
                    Example(
                        script_id,
                        "continue",
                        (
                            Message("system", SYSTEM_CONTINUE),
                            Message("user", user),
                            Message("assistant", _render(chunk)),
                        ),
                    )
                )
            if "text" in tasks:
                lead = [heading] if heading is not None and n == 0 else []
                out.append(Example(script_id, "text", (), text=_render([*lead, *chunk])))
    return out


def _fit(body: list[Element], max_chars: int) -> list[Element]:
    """`body` with every action paragraph longer than `max_chars` and every speech longer than
    what an answer leaves after its opening action split at sentence ends (a speech into several
    speeches of the same speaker), so that every piece fits, and a scene's opening action and
    first speech fit together."""
    out: list[Element] = []
    speech_chars = int(max_chars * (1 - OPENING_SHARE))
    for element in body:
        if isinstance(element, Action) and len(element.text) > max_chars:
            out += [Action(piece) for piece in _pieces(element.text, max_chars)]
        elif isinstance(element, Dialogue) and len(_render([element])) > speech_chars:
            room = max(16, speech_chars - len(element.cue) - 16)
            lines: list[str | Parenthetical] = []
            size = 0
            for line in element.lines:
                parts = [line] if isinstance(line, Parenthetical) else _pieces(line, room)
                for part in parts:
                    length = len(part.text if isinstance(part, Parenthetical) else part) + 1
                    if lines and size + length > room:
                        out.append(Dialogue(element.speaker, tuple(lines), element.extension))
                        lines, size = [], 0
                    lines.append(part)
                    size += length
            if lines:
                out.append(Dialogue(element.speaker, tuple(lines), element.extension))
        else:
            out.append(element)
    return out


def _pieces(text: str, max_chars: int) -> list[str]:
    """`text` cut into pieces of at most `max_chars`: at line ends when it has several lines
    (verse), else at sentence ends (at spaces where one sentence is too long).

    >>> _pieces("One two. Three four five. Six.", 16)
    ['One two.', 'Three four five.', 'Six.']
    >>> _pieces("Line one,\\nline two,\\nline three.", 20)
    ['Line one,\\nline two,', 'line three.']
    """
    text = text.strip()
    if "\n" in text:
        sep, units = "\n", [u for line in text.split("\n") for u in _pieces(line, max_chars)]
    else:
        sentences = re.split(r"(?<=[.!?])\s+(?=\S)", re.sub(r"\s+", " ", text))
        sep = " "
        units = [u for s in sentences for u in (_wrap(s, max_chars) if len(s) > max_chars else [s])]
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + len(sep) + len(unit) <= max_chars:
            pieces[-1] += sep + unit
        else:
            pieces.append(unit)
    return pieces


def _wrap(sentence: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    for word in sentence.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _short_opening(body: list[Element], max_chars: int) -> list[Element]:
    """`body` with the action that opens it (a stage play's setting, often a page long) cut to
    its first `max_chars` characters' worth of paragraphs, at least one."""
    lead = 0
    while lead < len(body) and isinstance(body[lead], Action):
        lead += 1
    kept: list[Element] = []
    size = 0
    for element in body[:lead]:
        assert isinstance(element, Action)
        if size + len(element.text) > max_chars:
            if not kept:  # one long paragraph: its first sentences
                kept.append(Action(_pieces(element.text, max_chars)[0]))
            break
        kept.append(element)
        size += len(element.text)
    return kept + body[lead:]


def _chunks(body: list[Element], max_chars: int) -> Iterator[list[Element]]:
    chunk: list[Element] = []
    size = 0
    for element in body:
        length = len(_render([element]))
        if chunk and size + length > max_chars:
            yield chunk
            chunk, size = [], 0
        chunk.append(element)
        size += length
    if chunk:
        yield chunk


def _render(elements: Sequence[Element]) -> str:
    return fountain.render(Screenplay(elements=tuple(elements))).strip()


def _so_far(elements: Sequence[Element], max_chars: int) -> str:
    """The last whole elements of a stretch that fit in `max_chars` (a speech keeps its cue);
    the end of the last one when even that is too long."""
    kept: list[Element] = []
    for element in reversed(elements):
        if len(_render([element, *kept])) > max_chars:
            break
        kept.insert(0, element)
    return _render(kept) if kept else _tail(_render(elements[-1:]), max_chars)


def _tail(text: str, max_chars: int) -> str:
    """The end of `text`, cut at a paragraph boundary."""
    if len(text) <= max_chars:
        return text
    cut = text[-max_chars:]
    at = cut.find("\n\n")
    if 0 <= at < len(cut) - 2:
        return cut[at + 2 :]
    return cut[cut.find(" ") + 1 :] if " " in cut else cut


def _speakers(elements: Sequence[Element]) -> list[str]:
    seen: dict[str, None] = {}
    for element in elements:
        if isinstance(element, Dialogue):
            seen.setdefault(element.speaker, None)
    return list(seen)


def _what_happens(elements: Sequence[Element], max_words: int = 30) -> str:
    """A one-line beat: the scene's synopsis, else its first action, else who talks."""
    for element in elements[:6]:
        if isinstance(element, Synopsis | Action) and element.text.strip():
            words = re.sub(r"\s+", " ", element.text).strip().split(" ")
            sentence = " ".join(words[:max_words])
            return sentence if len(words) <= max_words else sentence.rstrip(",;:") + "..."
    names = _speakers(elements)
    if len(names) >= 2:
        return f"{', '.join(n.title() for n in names[:-1])} and {names[-1].title()} talk."
    return f"{names[0].title()} speaks." if names else "The scene plays out."


# -- split, tokenize, pack ------------------------------------------------------------------------


def split_scripts(
    ids: Sequence[str], val_fraction: float, seed: int
) -> tuple[list[str], list[str]]:
    """(train ids, validation ids): a seeded shuffle of whole scripts; at least one of each.

    >>> split_scripts(["a", "b", "c", "d"], 0.25, seed=1)
    (['a', 'b', 'c'], ['d'])
    """
    if len(ids) < 2:
        raise ConfigError(
            f"the corpus holds {len(ids)} script(s); at least 2 are needed so that one is held out"
        )
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n_val = min(len(ids) - 1, max(1, round(len(ids) * val_fraction)))
    val = set(order[:n_val])
    return [i for i in sorted(ids) if i not in val], [i for i in sorted(ids) if i in val]


def prepare(
    corpus_dir: Path,
    out_dir: Path,
    tokenizer: PreTrainedTokenizerBase | None,
    *,
    block_size: int = 512,
    val_fraction: float = 0.1,
    tasks: Sequence[str] = ("scene", "continue"),
    seed: int = 1337,
    vocab_size: int = 4096,
) -> dict[str, Any]:
    """Write train/val rows, masks, meta.json and, when `tokenizer` is None, a scratch tokenizer."""
    out_dir = Path(out_dir)
    scripts = read_corpus(Path(corpus_dir))
    train_ids, val_ids = split_scripts([e.id for e, _ in scripts], val_fraction, seed)

    def all_examples(chars_per_token: float) -> dict[str, list[Example]]:
        return {
            entry.id: examples_from_script(
                entry.id,
                entry.title,
                doc,
                tasks=tasks,
                block_size=block_size,
                chars_per_token=chars_per_token,
            )
            for entry, doc in scripts
        }

    examples = all_examples(CHARS_PER_TOKEN)
    if tokenizer is None:
        texts = [_example_text(x) for i in train_ids for x in examples[i]]
        tokenizer = train_tokenizer(texts, vocab_size)
        tokenizer.save_pretrained(str(out_dir / "tokenizer"))
        source = "scratch"
    else:
        source = str(getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__)
    # A tokenizer that needs more tokens for the same text than CHARS_PER_TOKEN allows for (a
    # small scratch vocabulary) gets shorter examples, with a 10% margin, so that answers still
    # fit their rows whole.
    chars_per_token = CHARS_PER_TOKEN
    measured = measure_chars_per_token(tokenizer, examples)
    if measured < CHARS_PER_TOKEN:
        chars_per_token = 0.9 * measured
        examples = all_examples(chars_per_token)
    dtype = np.uint16 if len(tokenizer) <= 65535 else np.uint32
    counts = {}
    for split, ids in (("train", train_ids), ("val", val_ids)):
        chosen = [x for i in ids for x in examples[i]]
        if split == "train":
            random.Random(seed).shuffle(chosen)
        encoded = _encode_all(tokenizer, chosen, block_size)
        tokens, mask = pack(encoded, block_size, _pad_id(tokenizer))
        out_dir.mkdir(parents=True, exist_ok=True)
        tokens.astype(dtype).tofile(out_dir / f"{split}.bin")
        mask.astype(np.uint8).tofile(out_dir / f"{split}_mask.bin")
        counts[split] = {
            "scripts": len(ids),
            "examples": len(chosen),
            "dropped": len(chosen) - len(encoded),  # too long for a row
            "rows": int(tokens.shape[0]),
            "target_tokens": int(mask.sum()),
            "kinds": {k: sum(x.kind == k for x in chosen) for k in tasks},
        }
        if counts[split]["rows"] == 0:
            raise ConfigError(
                f"the {split} split gives no examples; the corpus is too small or has no dialogue"
            )
    prompts = [
        json.dumps(
            {
                "script": x.script,
                "messages": [m.__dict__ for m in x.messages[:-1]],
                "reference": x.messages[-1].content,
            }
        )
        for i in val_ids
        for x in examples[i]
        if x.kind == "scene"
    ]
    write_atomic(out_dir / VAL_PROMPTS, "\n".join(prompts) + ("\n" if prompts else ""))
    meta = {
        "version": DATA_VERSION,
        "corpus": str(Path(corpus_dir).resolve()),
        "block_size": block_size,
        "tasks": list(tasks),
        "seed": seed,
        "val_fraction": val_fraction,
        "dtype": np.dtype(dtype).name,
        "chars_per_token": round(chars_per_token, 3),
        "tokenizer": {
            "source": source,
            "vocab_size": len(tokenizer),
            "pad_id": _pad_id(tokenizer),
            "eos_id": tokenizer.eos_token_id,
        },
        "split": {"train": train_ids, "val": val_ids},
        "counts": counts,
    }
    write_atomic(out_dir / META, json.dumps(meta, indent=1) + "\n")
    return meta


def measure_chars_per_token(
    tokenizer: PreTrainedTokenizerBase, examples: dict[str, list[Example]], sample: int = 256
) -> float:
    """Characters per token of `tokenizer` on a sample of the examples' text."""
    everything = [x for xs in examples.values() for x in xs]
    texts = [_example_text(everything[i]) for i in spread(len(everything), sample)]
    tokens = sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])
    return sum(len(t) for t in texts) / max(1, tokens)


def _example_text(example: Example) -> str:
    return (
        example.text if example.kind == "text" else "\n".join(m.content for m in example.messages)
    )


def _pad_id(tokenizer: PreTrainedTokenizerBase) -> int:
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    assert pad is not None, "the tokenizer has neither a pad nor an eos token"
    return int(pad)


def _encode_all(
    tokenizer: PreTrainedTokenizerBase, examples: Sequence[Example], block_size: int
) -> list[tuple[list[int], list[int]]]:
    """(token ids, loss mask) per example; prompts are masked out, answers kept."""
    prompts, answers = [], []
    for x in examples:
        if x.kind == "text":
            prompts.append("")
            answers.append(x.text + "\n\n")
            continue
        messages = [{"role": m.role, "content": m.content} for m in x.messages]
        prompt = str(
            tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
        )
        full = str(tokenizer.apply_chat_template(messages, tokenize=False))
        assert full.startswith(prompt), (
            "the chat template does not extend the prompt with the answer"
        )
        prompts.append(prompt)
        answers.append(full[len(prompt) :])
    prompt_ids = tokenizer(prompts, add_special_tokens=False)["input_ids"] if prompts else []
    answer_ids = tokenizer(answers, add_special_tokens=False)["input_ids"] if answers else []
    out = []
    eos = tokenizer.eos_token_id
    for x, p, a in zip(examples, prompt_ids, answer_ids, strict=True):
        if x.kind == "text" and eos is not None:
            a = [*a, eos]
        if len(p) > block_size * 3 // 4 or len(p) + len(a) > block_size:
            continue  # little room for an answer, or an answer that would be cut off
        out.append((p + a, [0] * len(p) + [1] * len(a)))
    return out


def pack(
    encoded: Sequence[tuple[list[int], list[int]]],
    block_size: int,
    pad_id: int,
    *,
    window: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """First-fit packing of whole examples into rows of `block_size` tokens: each example goes
    into the first of the last `window` rows with room for it, else into a new row (an example
    fills ~3/4 of a row; shorter ones fill the gaps that would otherwise be padding).

    >>> t, m = pack([([1, 2, 3], [0, 1, 1]), ([4, 5, 6], [1, 1, 1]), ([7, 8], [0, 1])], 5, 0)
    >>> t.tolist(), m.tolist()
    ([[1, 2, 3, 7, 8], [4, 5, 6, 0, 0]], [[0, 1, 1, 0, 1], [1, 1, 1, 0, 0]])
    """
    rows: list[list[int]] = []
    masks: list[list[int]] = []
    for ids, mask in encoded:
        first = max(0, len(rows) - window)
        at = next(
            (i for i in range(first, len(rows)) if len(rows[i]) + len(ids) <= block_size), None
        )
        if at is None:
            rows.append([])
            masks.append([])
            at = len(rows) - 1
        rows[at] += ids
        masks[at] += mask
    shape = (len(rows), block_size)
    return (
        np.array([r + [pad_id] * (block_size - len(r)) for r in rows], dtype=np.int64).reshape(
            shape
        ),
        np.array([m + [0] * (block_size - len(m)) for m in masks], dtype=np.uint8).reshape(shape),
    )


# -- the scratch tokenizer ------------------------------------------------------------------------


def train_tokenizer(texts: Sequence[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """A byte-level BPE (GPT-2 pre-tokenization, so llama.cpp reads it as `gpt-2`) with the ChatML
    special tokens and chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=bpe,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token=None,
        chat_template=CHATML,
        model_max_length=1 << 20,
    )


# -- reading prepared data ------------------------------------------------------------------------


def load_meta(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / META
    try:
        meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{data_dir} holds no prepared data (meta.json)") from exc
    return meta


def load_rows(data_dir: Path, split: str) -> Rows:
    """The packed rows of a split, memory-mapped (nothing is read until used)."""
    meta = load_meta(data_dir)
    block = int(meta["block_size"])
    tokens = np.memmap(Path(data_dir) / f"{split}.bin", dtype=meta["dtype"], mode="r")
    mask = np.memmap(Path(data_dir) / f"{split}_mask.bin", dtype=np.uint8, mode="r")
    return Rows(tokens.reshape(-1, block), mask.reshape(-1, block))


def spread(n: int, k: int) -> list[int]:
    """`k` indices evenly spread over `range(n)`, first and last included (all when k is 0 or n).

    >>> spread(10, 4), spread(3, 0)
    ([0, 3, 6, 9], [0, 1, 2])
    """
    if k == 0 or k >= n:
        return list(range(n))
    if k == 1:
        return [0]
    return [round(i * (n - 1) / (k - 1)) for i in range(k)]


def get_batch(rows: Rows, indices: Sequence[int] | np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, labels) for the rows at `indices`; labels are -100 where the mask is 0."""
    import torch

    index = np.asarray(indices, dtype=np.int64)
    tokens = torch.from_numpy(rows.tokens[index].astype(np.int64))
    mask = torch.from_numpy(rows.mask[index].astype(np.bool_))
    labels = tokens.masked_fill(~mask, -100)
    return tokens, labels


def read_val_prompts(data_dir: Path) -> list[dict[str, Any]]:
    """The held-out `scene` prompts: {"script", "messages": [{role, content}], "reference"}."""
    path = Path(data_dir) / VAL_PROMPTS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
