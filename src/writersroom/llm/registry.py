"""Model specs and the models config file -> ready backends.

A spec is one of:

    default              the bundled SmolLM2-135M-Instruct GGUF (llama.cpp, in process; a Q8_0
                         copy by default, see Settings.default_weights and llm/quantize.py)
    gguf:PATH            any GGUF file through llama.cpp
    hf:PATH              a Hugging Face transformers model directory (extra [hf])
    openai:MODEL         an OpenAI-compatible server; base URL from --base-url, the [openai]
                         table of models.toml, or OPENAI_BASE_URL; key from OPENAI_API_KEY
    fake                 FakeBackend (empty replies), for wiring tests
    PATH                 a .gguf file, a transformers model directory, or a training run's
                         folder (`writersroom train --out RUN`: its exported GGUF, else model/)
    NAME                 an entry of $WRITERSROOM_HOME/models.toml:

    [openai]                          # optional defaults for openai:MODEL specs
    base_url = "http://127.0.0.1:8080/v1"
    api_key_env = "OPENAI_API_KEY"

    [models.draft]
    backend = "openai"                # openai | llamacpp | hf   (aliases: openai_compat, gguf)
    base_url = "http://127.0.0.1:8080/v1"
    model = "qwen2.5-7b-instruct"
    api_key_env = "DRAFT_KEY"         # optional
    [models.local]
    backend = "llamacpp"
    path = "~/models/screenwriter-q4.gguf"
    n_ctx = 4096                      # optional backend options

Loaded models are kept for the life of the process (a GGUF is loaded once). The backend returned
by `get_backend` is wrapped with the response cache and the call log as the settings ask.
"""

from __future__ import annotations

import json
import os
import threading
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from writersroom.config import Settings
from writersroom.errors import ConfigError, UnknownModel, one_line
from writersroom.llm.base import Backend
from writersroom.train.runs import is_run, run_model

BACKEND_ALIASES: dict[str, str] = {
    "llamacpp": "llamacpp",
    "gguf": "llamacpp",
    "llama.cpp": "llamacpp",
    "hf": "hf",
    "transformers": "hf",
    "openai": "openai",
    "openai_compat": "openai",
    "openai-compat": "openai",
    "fake": "fake",
}
_OPTIONS: dict[str, set[str]] = {
    "llamacpp": {
        "n_ctx",
        "n_threads",
        "n_parallel",
        "kv_size",
        "kv_unified",
        "n_gpu_layers",
        "weights",
        "weights_dir",
    },
    "hf": {"device", "dtype", "max_batch", "n_threads"},
    "openai": {
        "timeout",
        "max_retries",
        "backoff",
        "max_concurrency",
        "structured",
        "extra_sampling",
        "extra_body",
    },
    "fake": set(),
}
_ENTRY_KEYS = {"backend", "path", "base_url", "model", "api_key_env", "api_key"}


def _count(low: int) -> tuple[Callable[[Any], bool], str]:
    return (
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= low,
        f"a whole number >= {low}",
    )


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v >= 0


def _of_type(kind: type, what: str) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: isinstance(v, kind), what)


# option -> (check, what it must be); options of backends added by register_backend go unchecked
_OPTION_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "n_ctx": _count(16),
    "n_threads": _count(1),
    "n_parallel": _count(1),
    "kv_size": _count(16),
    "kv_unified": _of_type(bool, "true or false"),
    "n_gpu_layers": _count(-1),
    "weights": _of_type(str, 'a weights format, e.g. "q8_0"'),
    "weights_dir": _of_type(str, "a folder path"),
    "device": _of_type(str, 'a torch device, e.g. "cpu"'),
    "dtype": _of_type(str, 'a torch dtype name, e.g. "float32"'),
    "max_batch": _count(1),
    "timeout": (lambda v: _number(v) and v > 0, "a number of seconds > 0"),
    "max_retries": _count(0),
    "backoff": (_number, "a number of seconds >= 0"),
    "max_concurrency": _count(1),
    "structured": _of_type(str, "a structured-output mode"),
    "extra_sampling": _of_type(bool, "true or false"),
    "extra_body": _of_type(dict, "a table"),
}


@dataclass(frozen=True)
class ModelEntry:
    """A resolved model: which backend and what it needs."""

    name: str  # the spec or config name it came from
    backend: str  # llamacpp | hf | openai | fake
    path: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    api_key: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


def load_models(settings: Settings) -> dict[str, Any]:
    """The parsed models.toml ({} when there is none)."""
    path = settings.models_file
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({one_line(exc)})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from exc
    for table in ("models", "openai"):
        if not isinstance(data.get(table, {}), dict):
            raise ConfigError(f"{path}: {table} must be a table ([{table}...] sections)")
    for key, value in data.get("openai", {}).items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: openai.{key} must be a string, not {value!r}")
    return data


def configured_names(settings: Settings) -> list[str]:
    """`default` plus the names in models.toml."""
    models = load_models(settings).get("models", {})
    return ["default", *sorted(n for n in models if n != "default")]


def resolve(
    spec: str | None,
    settings: Settings,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ModelEntry:
    """Turn a spec (or the configured default) into a ModelEntry. Raises UnknownModel."""
    env = os.environ if env is None else env
    spec = spec or settings.default_model or "default"
    config = load_models(settings)
    models = config.get("models", {})
    if spec in models:
        return _from_config(spec, models[spec], settings)
    kind, _, rest = spec.partition(":")
    if spec == "default":
        from writersroom.llm.llamacpp import bundled_model_path

        weights = settings.default_weights
        options = {} if weights == "bundled" else {"weights": weights}
        return ModelEntry("default", "llamacpp", path=str(bundled_model_path()), options=options)
    if spec == "fake":
        return ModelEntry("fake", "fake")
    if kind in {"gguf", "hf"} and rest:
        run = Path(rest).expanduser()
        if kind == "hf" and is_run(run) and not (run / "config.json").is_file():
            return ModelEntry(spec, "hf", path=str(run / "model"))  # hf:RUN_DIR
        return ModelEntry(spec, BACKEND_ALIASES[kind], path=rest)
    if kind == "openai" and rest:
        defaults = config.get("openai", {})
        url = base_url or defaults.get("base_url") or env.get("OPENAI_BASE_URL")
        return ModelEntry(
            spec,
            "openai",
            base_url=url or "https://api.openai.com/v1",
            model=rest,
            api_key_env=defaults.get("api_key_env", "OPENAI_API_KEY"),
        )
    path = Path(spec).expanduser()
    if is_run(path):  # a training run's folder: its exported GGUF, else its merged model
        backend, model = run_model(path)
        name = f"{path.resolve().name}/{model.name}"
        return ModelEntry(spec, backend, path=str(model), options={"name": name})
    if path.suffix == ".gguf" and path.is_file():
        return ModelEntry(spec, "llamacpp", path=str(path))
    if path.is_dir() and (path / "config.json").is_file():
        return ModelEntry(spec, "hf", path=str(path))
    known = ", ".join(configured_names(settings))
    raise UnknownModel(
        f"unknown model {spec!r}; known models: {known} "
        f"(or use gguf:PATH, hf:PATH, openai:MODEL; configure names in {settings.models_file})"
    )


def _from_config(name: str, entry: Any, settings: Settings) -> ModelEntry:
    where = f"{settings.models_file} [models.{name}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    backend = BACKEND_ALIASES.get(str(entry.get("backend", "")))
    if backend is None:
        raise ConfigError(f"{where}: backend must be one of {sorted(BACKEND_ALIASES)}")
    unknown = set(entry) - _ENTRY_KEYS - _OPTIONS[backend]
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    for key in sorted(_ENTRY_KEYS & set(entry)):
        if not isinstance(entry[key], str):
            raise ConfigError(f"{where}: {key} must be a string, not {entry[key]!r}")
    for key in sorted(_OPTIONS[backend] & set(entry)):
        check, what = _OPTION_CHECKS.get(key, (lambda v: True, ""))
        if not check(entry[key]):
            raise ConfigError(f"{where}: {key} must be {what}, not {entry[key]!r}")
    if backend in {"llamacpp", "hf"} and not entry.get("path"):
        raise ConfigError(f'{where}: set path = "..." (the model file or directory)')
    if backend == "openai" and not (entry.get("base_url") and entry.get("model")):
        raise ConfigError(f"{where}: set base_url and model")
    options = {k: v for k, v in entry.items() if k in _OPTIONS[backend]}
    return ModelEntry(
        name,
        backend,
        path=str(Path(entry["path"]).expanduser()) if entry.get("path") else None,
        base_url=entry.get("base_url"),
        model=entry.get("model"),
        api_key_env=entry.get("api_key_env"),
        api_key=entry.get("api_key"),
        options=options,
    )


Factory = Callable[[ModelEntry, Mapping[str, str]], Backend]


def _fake(entry: ModelEntry, env: Mapping[str, str]) -> Backend:
    from writersroom.llm.fake import FakeBackend

    return FakeBackend()


def _openai(entry: ModelEntry, env: Mapping[str, str]) -> Backend:
    from writersroom.llm.openai_compat import OpenAICompatBackend

    api_key = entry.api_key or (env.get(entry.api_key_env) if entry.api_key_env else None)
    assert entry.base_url is not None and entry.model is not None
    return OpenAICompatBackend(
        entry.base_url,
        entry.model,
        api_key=api_key,
        api_key_env=entry.api_key_env,
        name=entry.name,
        **dict(entry.options),
    )


def _llamacpp(entry: ModelEntry, env: Mapping[str, str]) -> Backend:
    from writersroom.llm.llamacpp import LlamaCppBackend

    assert entry.path is not None
    return LlamaCppBackend(entry.path, **dict(entry.options))


def _hf(entry: ModelEntry, env: Mapping[str, str]) -> Backend:
    from writersroom.llm.hf import HFBackend

    assert entry.path is not None
    return HFBackend(entry.path, **dict(entry.options))


# backend kind -> factory; open_backend keeps what they make for the life of the process.
BACKENDS: dict[str, Factory] = {"fake": _fake, "openai": _openai, "llamacpp": _llamacpp, "hf": _hf}
_LOADED: dict[tuple[Any, ...], Backend] = {}
_LOCK = threading.Lock()


def register_backend(kind: str, factory: Factory, options: Iterable[str] = ()) -> None:
    """Make `backend = "KIND"` usable in models.toml; `options` are the extra keys it takes."""
    BACKENDS[kind] = factory
    BACKEND_ALIASES[kind] = kind
    _OPTIONS[kind] = set(options)


def open_backend(entry: ModelEntry, env: Mapping[str, str] | None = None) -> Backend:
    """The raw backend for an entry, made once per process (a GGUF is loaded once, a server
    keeps one connection pool)."""
    env = os.environ if env is None else env
    factory = BACKENDS[entry.backend]
    if entry.backend == "fake":  # stateful (records requests): a fresh one each time
        return factory(entry, env)
    where = str(Path(entry.path).resolve()) if entry.path else entry.base_url
    key_env = env.get(entry.api_key_env or "", "")
    options = json.dumps(dict(entry.options), sort_keys=True, default=str)
    key = (entry.backend, where, entry.model, entry.api_key, key_env, options)
    with _LOCK:
        if key not in _LOADED:
            try:
                _LOADED[key] = factory(entry, env)
            except (TypeError, ValueError) as exc:  # an option the backend refused
                raise ConfigError(f"model {entry.name!r}: {one_line(exc)}") from exc
        return _LOADED[key]


def wrap(backend: Backend, settings: Settings) -> Backend:
    """Add the response cache and the call log, as the settings ask."""
    if settings.cache:
        from writersroom.llm.cache import CachedBackend, ResponseCache

        backend = CachedBackend(backend, ResponseCache(settings.cache_db))
    if settings.log:
        from writersroom.llm.log import CallLog, LoggedBackend

        backend = LoggedBackend(backend, CallLog(settings.log_db))
    return backend


def get_backend(
    spec: str | None,
    settings: Settings,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Backend:
    """A ready backend for `spec` (None: the configured default), cached and logged per settings."""
    entry = resolve(spec, settings, base_url=base_url, env=env)
    return wrap(open_backend(entry, env), settings)
