import json

import numpy as np
import pytest
from transformers import AutoTokenizer

from writersroom.errors import ConfigError
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Action, Dialogue, SceneHeading, Screenplay
from writersroom.train import data
from writersroom.train.corpus import read_corpus


def test_split_is_by_script_and_seeded():
    ids = [f"s{i}" for i in range(10)]
    train, val = data.split_scripts(ids, 0.2, seed=3)
    assert len(val) == 2 and not set(train) & set(val) and sorted(train + val) == sorted(ids)
    assert data.split_scripts(ids, 0.2, seed=3) == (train, val)
    assert data.split_scripts(list(reversed(ids)), 0.2, seed=3) == (train, val)
    with pytest.raises(ConfigError, match="at least 2"):
        data.split_scripts(["only"], 0.5, seed=1)


def test_examples_teach_scene_writing_and_continuation(tiny_corpus):
    entry, doc = next((e, d) for e, d in read_corpus(tiny_corpus) if e.id == "lighthouse")
    examples = data.examples_from_script(
        entry.id, entry.title, doc, tasks=("scene", "continue"), block_size=64
    )
    scenes = [x for x in examples if x.kind == "scene"]
    continues = [x for x in examples if x.kind == "continue"]
    assert scenes and continues
    first = scenes[0]
    system, user, answer = first.messages
    assert (system.role, user.role, answer.role) == ("system", "user", "assistant")
    assert "Scene heading: INT. LIGHTHOUSE - NIGHT" in user.content
    assert "- ELSA" in user.content and "What happens: Rain hammers the glass." in user.content
    assert answer.content.startswith("INT. LIGHTHOUSE - NIGHT\n\nRain hammers")
    assert fountain.parse(answer.content).elements[0].text == "INT. LIGHTHOUSE - NIGHT"
    assert "The scene so far:" in continues[0].messages[1].content


def test_long_settings_and_speeches_are_cut_at_sentence_ends_and_every_scene_has_a_speech():
    setting = " ".join(f"A chair stands by wall {i}." for i in range(80))  # a page of setting
    speech = " ".join(f"I said so {i} times." for i in range(60))
    doc = Screenplay(
        elements=(
            SceneHeading("INT. LIBRARY - NIGHT"),
            Action(setting),
            Dialogue("LADY B", (speech,)),
            Action("She sits."),
            Dialogue("CUSINS", ("Quite.",)),
        )
    )
    examples = data.examples_from_script("x", "X", doc, tasks=("scene", "continue"), block_size=256)
    budget = int((256 - data.PROMPT_TOKENS) * 0.75 * data.CHARS_PER_TOKEN)
    answers = [fountain.parse(x.messages[-1].content) for x in examples]
    scenes = [a for a, x in zip(answers, examples, strict=True) if x.kind == "scene"]
    assert scenes and all(
        any(isinstance(e, Dialogue) for e in a.elements)
        and any(isinstance(e, Action) for e in a.elements)
        for a in scenes
    )
    # The scene opens with its heading and the first sentences of the setting, then the speech.
    opening = scenes[0].elements
    assert opening[0] == SceneHeading("INT. LIBRARY - NIGHT")
    assert isinstance(opening[1], Action) and opening[1].text.startswith(
        "A chair stands by wall 0."
    )
    assert len(opening[1].text) <= budget * data.OPENING_SHARE and "wall 79." not in opening[1].text
    assert isinstance(opening[2], Dialogue) and opening[2].speaker == "LADY B"
    # The long speech is split into speeches of the same speaker, at sentence ends, none lost.
    pieces = [
        str(line)
        for a in answers
        for e in a.elements
        if isinstance(e, Dialogue) and e.speaker == "LADY B"
        for line in e.lines
    ]
    assert len(pieces) > 1 and all(p.endswith("times.") and len(p) <= budget for p in pieces)
    assert all(f"I said so {i} times." in " ".join(pieces) for i in range(60))


def test_prepare_masks_prompts_and_keeps_scripts_apart(tiny_corpus, tmp_path):
    meta = data.prepare(
        tiny_corpus,
        tmp_path / "d",
        None,
        block_size=256,
        val_fraction=0.25,
        tasks=("scene", "continue"),
        seed=5,
        vocab_size=400,
    )
    assert not set(meta["split"]["train"]) & set(meta["split"]["val"])
    assert meta["counts"]["val"]["scripts"] == 1 and meta["counts"]["train"]["rows"] > 0
    # A 400-token vocabulary needs ~1.8 tokens where SmolLM2 needs one: examples are sized for it.
    assert meta["chars_per_token"] < 2.5 and meta["version"] == data.DATA_VERSION
    train_counts = meta["counts"]["train"]
    assert train_counts["dropped"] < train_counts["examples"] / 4
    tokenizer = AutoTokenizer.from_pretrained(str(tmp_path / "d" / "tokenizer"))
    assert len(tokenizer) == meta["tokenizer"]["vocab_size"] <= 400
    rows = data.load_rows(tmp_path / "d", "val")
    assert rows.tokens.shape == (meta["counts"]["val"]["rows"], 256)
    # Only answers are trained on: the masked-in tokens of a row decode to Fountain scene text.
    row, mask = np.asarray(rows.tokens[0]), np.asarray(rows.mask[0]).astype(bool)
    trained = tokenizer.decode(row[mask].tolist())
    assert "You are a screenwriter" not in trained and "Film:" not in trained
    assert "You are a screenwriter" in tokenizer.decode(row.tolist())
    val_script = meta["split"]["val"][0]
    prompts = data.read_val_prompts(tmp_path / "d")
    assert prompts and {p["script"] for p in prompts} == {val_script}
    x, y = data.get_batch(rows, [0])
    assert (y[0][~mask] == -100).all() and (y[0][mask] == x[0][mask]).all()
    # Answers are whole: every trained stretch ends with the end-of-turn token (and a newline).
    ends = np.flatnonzero(mask[:-1] & ~mask[1:])
    assert len(ends) and all(tokenizer.eos_token_id in row[i - 1 : i + 1] for i in ends)
    assert json.loads((tmp_path / "d" / "meta.json").read_text())["block_size"] == 256


def test_the_scratch_tokenizer_round_trips_and_has_chat_tokens(tiny_corpus, tmp_path):
    texts = [(tiny_corpus / "scripts" / "garage.fountain").read_text()]
    tokenizer = data.train_tokenizer(texts, 300)
    sample = "INT. GARAGE - NIGHT\n\nMAYA\n(laughing)\nCome on!"
    assert tokenizer.decode(tokenizer(sample)["input_ids"]) == sample
    chat = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert chat == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") == tokenizer.eos_token_id
