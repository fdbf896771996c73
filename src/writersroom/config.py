"""Settings, built once at the edges (CLI, scripts) and passed down as arguments.

Sources, later ones winning: defaults, `$WRITERSROOM_HOME/config.toml`, `WRITERSROOM_*` variables.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from writersroom.errors import ConfigError, one_line


def default_home(env: Mapping[str, str] | None = None) -> Path:
    """`$WRITERSROOM_HOME`, else `$XDG_DATA_HOME/writersroom`, else `~/.local/share/writersroom`."""
    env = os.environ if env is None else env
    if env.get("WRITERSROOM_HOME"):
        return Path(env["WRITERSROOM_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "writersroom"


@dataclass(frozen=True)
class Settings:
    home: Path  # holds config.toml, models.toml, log.db, cache.db
    default_model: str = "default"  # a models.toml name or a spec (default, gguf:PATH, …)
    cache: bool = True  # persistent response cache for seeded requests
    log: bool = True  # record every model call in log.db
    default_weights: str = "q8_0"  # the default model runs this copy of the bundled Q4_1
    #   GGUF: q8_0 (same quality, faster batches), q4_0, f16
    #   or "bundled" (the file as shipped); see llm/quantize.py

    @property
    def models_file(self) -> Path:
        return self.home / "models.toml"

    @property
    def log_db(self) -> Path:
        return self.home / "log.db"

    @property
    def cache_db(self) -> Path:
        return self.home / "cache.db"


def parse_bool(value: object) -> bool:
    """Read a config or environment flag; raises ValueError on anything else.

    >>> parse_bool("Yes"), parse_bool("0"), parse_bool(True)
    (True, False, True)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)


def _as_bool(name: str, value: object) -> bool:
    try:
        return parse_bool(value)
    except ValueError:
        raise ConfigError(f"{name} must be true or false, not {value!r}") from None


WEIGHTS = ("bundled", "q8_0", "q4_0", "f16")


def _weights(value: str) -> str:
    if value not in WEIGHTS:
        raise ConfigError(f"default_weights must be one of {', '.join(WEIGHTS)}, not {value!r}")
    return value


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the config file and the environment."""
    env = os.environ if env is None else env
    home = default_home(env)
    settings = Settings(home=home)
    config_path = path or home / "config.toml"
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML ({one_line(exc)})") from exc
        except OSError as exc:
            raise ConfigError(f"{config_path}: cannot read it ({exc.strerror})") from exc
        unknown = set(data) - {"default_model", "cache", "log", "default_weights"}
        if unknown:
            raise ConfigError(f"{config_path}: unknown keys {sorted(unknown)}")
        for key in ("default_model", "default_weights"):
            if key in data and not isinstance(data[key], str):
                raise ConfigError(f"{config_path}: {key} must be a string, not {data[key]!r}")
        if "default_model" in data:
            settings = replace(settings, default_model=data["default_model"])
        if "cache" in data:
            settings = replace(settings, cache=_as_bool("cache", data["cache"]))
        if "log" in data:
            settings = replace(settings, log=_as_bool("log", data["log"]))
        if "default_weights" in data:
            settings = replace(settings, default_weights=_weights(str(data["default_weights"])))
    if env.get("WRITERSROOM_MODEL"):
        settings = replace(settings, default_model=env["WRITERSROOM_MODEL"])
    if "WRITERSROOM_CACHE" in env:
        settings = replace(settings, cache=_as_bool("WRITERSROOM_CACHE", env["WRITERSROOM_CACHE"]))
    if env.get("WRITERSROOM_DEFAULT_WEIGHTS"):
        settings = replace(settings, default_weights=_weights(env["WRITERSROOM_DEFAULT_WEIGHTS"]))
    if "WRITERSROOM_LOG" in env:
        settings = replace(settings, log=_as_bool("WRITERSROOM_LOG", env["WRITERSROOM_LOG"]))
    return settings
