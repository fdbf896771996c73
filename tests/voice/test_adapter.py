"""`style learn --adapter`: a LoRA adapter trained on the references with the training pipeline,
on a tiny model and a few steps (the real preset takes CPU-minutes)."""

import json
from pathlib import Path

from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.voice.style import Style

TESTS = Path(__file__).parents[1]


def test_style_learn_with_an_adapter_trains_a_lora_model(tmp_path, tiny_model):
    base = tiny_model
    refs = [TESTS / "train" / "scripts" / n for n in ("garage.fountain", "lighthouse.fountain")]
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        [
            "style",
            "learn",
            *map(str, refs),
            "--adapter",
            "--out",
            str(out),
            "--max-steps",
            "2",
            "--base",
            str(base),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"adapter model in {out / 'model'}" in result.stdout
    run = json.loads((out / "run.json").read_text())
    assert run["steps"] == 2 and run["config"]["method"] == "lora"
    assert (out / "model" / "config.json").exists()
    assert Style.load(out).exemplars == Style.load(out / "style.json").exemplars
