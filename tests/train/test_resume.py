"""A run interrupted for real (Ctrl-C, or kill -9) resumes and ends exactly where an uninterrupted
run ends."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from writersroom.errors import ConfigError
from writersroom.train import data
from writersroom.train.config import load_config
from writersroom.train.train import train

SETTINGS = {
    "base": "scratch",
    "method": "full",
    "n_layer": 1,
    "n_head": 2,
    "n_kv_head": 2,
    "n_embd": 32,
    "block_size": 256,
    "batch_size": 2,
    "max_steps": 240,  # long enough that a child is caught mid-run even when steps are fast
    "warmup_steps": 5,
    "eval_interval": 120,
    "eval_rows": 2,
    "checkpoint_interval": 5,
    "keep_checkpoints": 2,
    "sample_tokens": 0,
    "log_interval": 50,
    "learning_rate": 0.01,
    "threads": 1,
    "tasks": "text",
}


@pytest.fixture(scope="module")
def prepared(tiny_corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prepared")
    data.prepare(
        tiny_corpus,
        out,
        None,
        block_size=256,
        val_fraction=0.25,
        tasks=("text",),
        seed=1337,
        vocab_size=320,
    )
    return out


def weights(run: Path) -> dict[str, torch.Tensor]:
    return load_file(str(run / "model" / "model.safetensors"))


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(prepared: Path, runs: dict[int, Path]) -> dict[int, str]:
    """Start one child process per run (together, so that their start-up overlaps) and stop each
    with its signal once its first checkpoint exists. Returns each child's output."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = {}
    for sig, run in runs.items():
        args = [f"{k}={v}" for k, v in {**SETTINGS, "data": prepared, "out": run}.items()]
        procs[sig] = subprocess.Popen(
            [sys.executable, "-m", "writersroom.train.train", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # A shell that runs the suite in the background starts it with SIGINT ignored, and
            # the children would inherit that (Python then raises no KeyboardInterrupt).
            preexec_fn=_default_sigint,
        )
    waiting = dict(procs)
    deadline = time.monotonic() + 240
    while waiting and time.monotonic() < deadline:
        for sig, proc in list(waiting.items()):
            # Any checkpoint will do: with keep_checkpoints the first ones are soon deleted.
            checkpoints = runs[sig] / "checkpoints"
            if any(checkpoints.glob("meta_*.json")) or proc.poll() is not None:
                proc.send_signal(sig)
                del waiting[sig]
        time.sleep(0.01)
    outputs = {}
    for sig, proc in procs.items():
        outputs[sig] = proc.communicate(timeout=120)[0].decode()
        assert proc.returncode != 0, f"finished before it could be interrupted:\n{outputs[sig]}"
    return outputs


def test_interrupted_runs_resume_to_the_same_weights(prepared, tmp_path):
    runs = {sig: tmp_path / f"cut-{sig.name}" for sig in (signal.SIGINT, signal.SIGKILL)}
    outputs = interrupt(prepared, runs)
    whole = train(
        load_config(None, {**SETTINGS, "data": str(prepared), "out": str(tmp_path / "whole")})
    )
    assert whole.steps == SETTINGS["max_steps"]
    for sig, run in runs.items():
        output = outputs[sig]
        done = sorted(int(p.stem.split("_")[1]) for p in (run / "checkpoints").glob("meta_*.json"))
        assert done and done[-1] < SETTINGS["max_steps"] and not (run / "model").exists()
        if sig == signal.SIGINT:
            assert "interrupted at step" in output

        resumed = train(load_config(None, {**SETTINGS, "data": str(prepared), "out": str(run)}))
        assert resumed.steps == SETTINGS["max_steps"]
        assert resumed.val_loss_before == pytest.approx(whole.val_loss_before)
        a, b = weights(tmp_path / "whole"), weights(run)
        assert a.keys() == b.keys()
        for name in a:
            torch.testing.assert_close(a[name], b[name], rtol=1e-5, atol=1e-6, msg=name)
        history = json.loads((run / "run.json").read_text())["history"]
        assert [h["step"] for h in history] == [0, 120, 240]


def test_resume_refuses_a_run_with_other_settings(prepared, tmp_path):
    config = {**SETTINGS, "max_steps": 5, "data": str(prepared), "out": str(tmp_path / "r")}
    train(load_config(None, config))
    with pytest.raises(ConfigError, match="other settings \\(n_embd\\)"):
        train(load_config(None, {**config, "max_steps": 10, "n_embd": 64}))
    # More steps with the same settings continue the run; --no-resume starts over.
    assert train(load_config(None, {**config, "max_steps": 10})).steps == 10
    assert train(load_config(None, {**config, "max_steps": 3, "resume": "false"})).steps == 3
