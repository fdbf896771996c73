"""Model specs, models.toml and the wrapped backends that get_backend returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.config import Settings
from writersroom.errors import ConfigError, UnknownModel
from writersroom.llm.base import chat, complete
from writersroom.llm.cache import CachedBackend
from writersroom.llm.fake import FakeBackend
from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path
from writersroom.llm.log import CallLog, LoggedBackend
from writersroom.llm.registry import configured_names, get_backend, resolve


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path)


def write_models(settings: Settings, text: str) -> None:
    settings.models_file.write_text(text, encoding="utf-8")


def test_default_is_the_bundled_gguf(settings):
    entry = resolve(None, settings)
    assert (entry.backend, entry.path) == ("llamacpp", str(bundled_model_path()))


def test_prefixed_and_bare_specs(settings, tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"")
    hf_dir = tmp_path / "tiny"
    hf_dir.mkdir()
    (hf_dir / "config.json").write_text("{}")
    assert resolve(f"gguf:{gguf}", settings).backend == "llamacpp"
    assert resolve(str(gguf), settings).path == str(gguf)
    assert resolve(f"hf:{hf_dir}", settings).backend == "hf"
    assert resolve(str(hf_dir), settings).backend == "hf"
    assert resolve("fake", settings).backend == "fake"


def test_openai_base_url_precedence(settings):
    env = {"OPENAI_BASE_URL": "http://env:1/v1"}
    assert resolve("openai:m", settings, env=env).base_url == "http://env:1/v1"
    write_models(settings, '[openai]\nbase_url = "http://config:2/v1"\n')
    assert resolve("openai:m", settings, env=env).base_url == "http://config:2/v1"
    flag = resolve("openai:m", settings, base_url="http://flag:3/v1", env=env)
    assert (flag.base_url, flag.model, flag.api_key_env) == (
        "http://flag:3/v1",
        "m",
        "OPENAI_API_KEY",
    )
    assert resolve("openai:m", Settings(home=settings.home / "x"), env={}).base_url == (
        "https://api.openai.com/v1"
    )


def test_names_from_models_toml(settings):
    write_models(
        settings,
        """
[models.draft]
backend = "openai_compat"
base_url = "http://127.0.0.1:9/v1"
model = "qwen"
api_key_env = "DRAFT_KEY"
timeout = 5

[models.local]
backend = "llamacpp"
path = "~/models/x.gguf"
n_ctx = 2048
""",
    )
    draft = resolve("draft", settings)
    assert (draft.backend, draft.model, draft.api_key_env) == ("openai", "qwen", "DRAFT_KEY")
    assert draft.options == {"timeout": 5}
    local = resolve("local", settings)
    assert local.path == str(Path("~/models/x.gguf").expanduser())
    assert local.options == {"n_ctx": 2048}
    assert configured_names(settings) == ["default", "draft", "local"]


def test_unknown_model_lists_known_names(settings):
    write_models(settings, '[models.draft]\nbackend = "llamacpp"\npath = "x.gguf"\n')
    with pytest.raises(UnknownModel, match="unknown model 'nope'; known models: default, draft"):
        resolve("nope", settings)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('backend = "magic"', "backend must be one of"),
        ('backend = "llamacpp"', "set path"),
        ('backend = "openai"\nmodel = "m"', "set base_url and model"),
        ('backend = "llamacpp"\npath = "x"\ncolour = "red"', r"unknown keys \['colour'\]"),
    ],
)
def test_bad_entries_are_config_errors(settings, entry, message):
    write_models(settings, f"[models.bad]\n{entry}\n")
    with pytest.raises(ConfigError, match=message):
        resolve("bad", settings)


def test_invalid_toml_is_a_config_error(settings):
    write_models(settings, "[models.x\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        resolve("x", settings)


def test_settings_default_model_is_used(settings):
    assert resolve(None, Settings(home=settings.home, default_model="fake")).backend == "fake"


def test_wrapping_follows_settings(settings):
    backend = get_backend("fake", settings)
    assert isinstance(backend, LoggedBackend) and isinstance(backend.inner, CachedBackend)
    assert isinstance(backend.inner.inner, FakeBackend)
    bare = get_backend("fake", Settings(home=settings.home, cache=False, log=False))
    assert isinstance(bare, FakeBackend)


def test_default_backend_is_loaded_once_and_answers(settings):
    first = get_backend("default", settings)
    again = get_backend("default", Settings(home=settings.home, log=False))
    assert isinstance(again, CachedBackend)
    raw = again.inner
    assert isinstance(raw, LlamaCppBackend)
    assert first.inner.inner is raw  # one model in memory, however it is asked for
    assert raw.source == bundled_model_path() and raw.path.name.endswith(".q8_0.gguf")
    shipped = Settings(home=settings.home, log=False, default_weights="bundled")
    as_shipped = get_backend("default", shipped).inner
    assert as_shipped is get_backend(f"gguf:{bundled_model_path()}", shipped).inner
    assert as_shipped is not raw
    result = complete(first, chat("Say hello.", max_tokens=6, seed=1))
    assert result.text
    assert CallLog(settings.log_db).recent(1)[0].response == result.text


def test_registered_backend_kinds_work_from_models_toml(settings):
    from writersroom.llm.registry import BACKENDS, register_backend

    made = []

    def factory(entry, env):
        made.append(entry)
        return FakeBackend(reply=lambda r: f"{entry.options['voice']}: hi")

    register_backend("echo", factory, options={"voice"})
    try:
        write_models(settings, '[models.echo1]\nbackend = "echo"\nvoice = "MAYA"\n')
        backend = get_backend("echo1", Settings(home=settings.home, cache=False))
        assert complete(backend, chat("x")).text == "MAYA: hi"
        assert made[0].name == "echo1"
    finally:
        BACKENDS.pop("echo")
