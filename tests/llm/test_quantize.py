"""The default model runs a re-quantised copy of the bundled GGUF, made once and reused."""

from __future__ import annotations

import pytest

from writersroom.config import load_settings
from writersroom.errors import BackendUnavailable, ConfigError
from writersroom.llm.base import chat, complete
from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path
from writersroom.llm.quantize import cache_dir, requantized
from writersroom.llm.registry import resolve


def test_copy_is_made_once_and_reused(weights_cache):
    first = requantized(bundled_model_path(), "q8_0")
    made = first.stat().st_mtime_ns
    again = requantized(bundled_model_path(), "q8_0")
    assert again == first and again.stat().st_mtime_ns == made
    assert first.parent == weights_cache / "weights"
    assert first.read_bytes()[:4] == b"GGUF"
    # Q8_0 stores ~8.5 bits a weight against Q4_1's ~5: the copy is larger than the source
    assert first.stat().st_size > bundled_model_path().stat().st_size
    assert not [p for p in first.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_copy_generates_like_the_bundled_file(default_backend):
    assert default_backend.source == bundled_model_path()
    assert default_backend.path.name.endswith(".q8_0.gguf")
    assert default_backend.name == "SmolLM2-135M-Instruct.Q4_1@q8_0"
    request = chat("Name three colours.", max_tokens=16, temperature=0)
    copy = complete(default_backend, request).text
    bundled = LlamaCppBackend(bundled_model_path(), n_ctx=512, n_parallel=1)
    try:
        original = complete(bundled, request).text
    finally:
        bundled.close()
    # greedy decoding: the first words agree (the copy's weights are the same to ~0.4%)
    assert copy.split()[:3] == original.split()[:3]
    assert default_backend.cache_id != bundled.cache_id  # cached replies never mix the two


def test_a_file_that_is_not_gguf_gives_one_line_and_leaves_nothing(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model")
    with pytest.raises(BackendUnavailable, match=r"could not convert notes\.gguf to q8_0"):
        requantized(bad, "q8_0", tmp_path / "out")
    assert list((tmp_path / "out" / "weights").iterdir()) == []
    assert bad.read_text() == "not a model"


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(BackendUnavailable, match="unknown weights format 'q3'"):
        requantized(bundled_model_path(), "q3", tmp_path)


def test_default_spec_runs_the_configured_weights(writersroom_home):
    entry = resolve("default", load_settings())
    assert entry.options == {"weights": "q8_0"}
    (writersroom_home / "config.toml").write_text('default_weights = "bundled"\n')
    assert resolve("default", load_settings()).options == {}
    env = {"WRITERSROOM_HOME": str(writersroom_home), "WRITERSROOM_DEFAULT_WEIGHTS": "q4_0"}
    assert resolve("default", load_settings(env=env)).options == {"weights": "q4_0"}


def test_bad_weights_setting_is_one_line(writersroom_home):
    (writersroom_home / "config.toml").write_text('default_weights = "q2"\n')
    with pytest.raises(ConfigError, match="default_weights must be one of bundled, q8_0"):
        load_settings()


def test_cache_dir_follows_the_environment(tmp_path):
    assert cache_dir({"WRITERSROOM_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "writersroom"


def test_making_a_copy_prints_nothing(tmp_path, capfd):
    requantized(bundled_model_path(), "q4_0", tmp_path)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
