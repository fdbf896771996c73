"""End to end, as a user runs it: scripts → corpus → training → GGUF → generation with the result
through the llama.cpp backend (and the registry's bare-path spec, so `--model PATH` works)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from transformers import AutoModelForCausalLM, AutoTokenizer

from writersroom.cli import cli
from writersroom.config import load_settings
from writersroom.llm.base import Request, chat, complete
from writersroom.llm.llamacpp import LlamaCppBackend
from writersroom.llm.registry import get_backend
from writersroom.train.config import load_config
from writersroom.train.export import export_model
from writersroom.train.train import train

SCRIPTS = Path(__file__).parent / "scripts"
CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_scripts_to_a_scratch_model_that_generates(tmp_path):
    run("corpus", "build", str(SCRIPTS), "--out", str(tmp_path / "corpus"))
    run(
        "train",
        str(tmp_path / "corpus"),
        "--config",
        str(CONFIGS / "train-tiny-cpu.toml"),
        "--out",
        str(tmp_path / "run"),
        "--max-steps",
        "16",
        "--n-layer",
        "2",
        "--n-embd",
        "64",
        "--vocab-size",
        "400",
        "--tasks",
        "text",
        "--batch-size",
        "4",
        "--eval-interval",
        "8",
        "--checkpoint-interval",
        "8",
        "--warmup-steps",
        "2",
        "--sample-tokens",
        "8",
    )
    report = json.loads((tmp_path / "run" / "run.json").read_text())
    assert report["val_loss_after"] < report["val_loss_before"]  # it learned something
    # CPU time (the budget on a laptop) is recorded for the run and along its loss curve.
    assert report["cpu_seconds"] > report["step_cpu_seconds"] > 0
    cpu = [h["cpu_seconds"] for h in report["history"]]
    assert [h["step"] for h in report["history"]] == [0, 8, 16] and cpu == sorted(cpu)
    assert sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir()) == [
        "meta_000008.json",
        "meta_000016.json",
        "model_000008.pt",
        "model_000016.pt",
        "optim_000008.pt",
        "optim_000016.pt",
    ]

    exported = json.loads(run("export-model", str(tmp_path / "run"), "--gguf", "q8_0", "--json"))
    gguf = Path(exported["files"][0]["path"])
    check = exported["files"][0]["verification"]
    assert gguf == tmp_path / "run" / "model-q8_0.gguf"
    assert check["tokens_match"] and check["top1_agreement"] >= 0.9
    card = (tmp_path / "run" / "README.md").read_text()
    assert "held-out perplexity" in card and "| lighthouse | The Lighthouse Keeper |" in card

    # The GGUF, served by the llama.cpp backend through the registry's bare-path spec (what
    # `--model PATH` gives every command), continues a prompt as the trained HF model does: the
    # two agree wherever the HF model's choice is clear. Greedy text is not compared whole: the
    # GGUF holds Q8_0 weights and runs other kernels, so where two tokens nearly tie, which one
    # wins depends on the CPU. "Clear" means a lead larger than four times the largest logit
    # difference the export measured between the two.
    backend = get_backend(str(gguf), load_settings())
    prompt = "INT. GARAGE - NIGHT\n\nMAYA\n"
    answer = complete(backend, Request(prompt=prompt, max_tokens=6, temperature=0.0))
    assert answer.usage.output_tokens == 6
    clear = _clear_greedy_prefix(tmp_path / "run" / "model", prompt, 6, 4 * check["max_logit_diff"])
    assert answer.text.startswith(clear)
    cli_answer = run(
        "generate",
        prompt,
        "--model",
        str(gguf),
        "--raw",
        "--max-tokens",
        "6",
        "--temperature",
        "0",
        "--no-cache",
        "--no-stream",
    )
    assert cli_answer.rstrip("\n") == answer.text.rstrip("\n")


@pytest.mark.slow
def test_lora_on_the_default_model_exports_a_gguf_that_runs(tiny_corpus, base_cache, tmp_path):
    config = load_config(
        CONFIGS / "lora-default.toml",
        {
            "data": str(tiny_corpus),
            "out": str(tmp_path / "lora"),
            "max_steps": 2,
            "lora_layers": 2,
            "batch_size": 1,
            "eval_interval": 2,
            "eval_rows": 1,
            "checkpoint_interval": 2,
            "val_fraction": 0.25,
            "warmup_steps": 1,
        },
    )
    result = train(config, cache_dir=base_cache)
    assert result.steps == 2 and result.model_dir == tmp_path / "lora" / "model"
    assert result.ppl_before < 50  # the real base model, not random weights
    files = export_model(tmp_path / "lora", types=("q8_0",))
    check = files[0].verification
    assert check is not None and check.tokens_match and check.top1_agreement >= 0.8

    backend = LlamaCppBackend(files[0].path)
    scene = complete(backend, chat("Write a short scene in a lighthouse.", max_tokens=48, seed=1))
    assert len(scene.text.split()) >= 5


def _clear_greedy_prefix(model_dir: Path, prompt: str, tokens: int, margin: float) -> str:
    """The HF model's greedy continuation of `prompt`, up to the first step whose top token leads
    the runner-up by less than `margin` logits."""
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
    out = model.generate(
        input_ids=ids,
        max_new_tokens=tokens,
        do_sample=False,
        pad_token_id=tokenizer.pad_token_id,
        output_scores=True,
        return_dict_in_generate=True,
    )
    new = out.sequences[0, ids.shape[1] :]
    clear = 0
    for scores in out.scores:
        top2 = scores[0].topk(2).values
        if float(top2[0] - top2[1]) < margin:
            break
        clear += 1
    return str(tokenizer.decode(new[:clear], skip_special_tokens=True))
