import json

import numpy as np
import pytest
from transformers import AutoTokenizer

from writersroom.errors import ConfigError
from writersroom.screenplay import fountain
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
