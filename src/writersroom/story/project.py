"""A story project: the story bible stored in a directory as human-readable JSON files.

    DIR/project.json          options (scene count, seed, ...) and the format version
    DIR/logline.json  title.json  characters.json  structure.json  beats.json  locations.json
    DIR/scenes.json           the scene list
    DIR/drafts/001.json       one file per drafted scene
    DIR/history/000001-title.json    every change: the value and its origin (model + seed +
                              prompt + raw output, or a human edit)
    DIR/state.json            per item: content hash, the hashes of the inputs it was made from,
                              its origin, open issues; and the locks

Writing an item is a small commit: history entry, then the item's file, then state.json, each
atomic. If a run dies between them, opening the project finishes the commit from the history
entry; a file whose content matches neither state nor history was edited by hand outside
writersroom and is recorded as a human edit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from writersroom.errors import ProjectError
from writersroom.files import write_atomic
from writersroom.story.types import (
    Beat,
    Character,
    Location,
    Logline,
    SceneDraft,
    SceneOutline,
    Structure,
    Title,
)

FORMAT_VERSION = 1
LEVELS = ("logline", "structure", "title", "characters", "beats", "locations", "scenes", "drafts")
_ALIASES = {
    "character": "characters",
    "cast": "characters",
    "beat": "beats",
    "outline": "beats",
    "location": "locations",
    "places": "locations",
    "scene": "scenes",
    "scene-list": "scenes",
    "draft": "drafts",
    "scene-text": "drafts",
    "text": "drafts",
}
_KINDS: dict[str, Any] = {
    "logline": Logline,
    "structure": Structure,
    "title": Title,
    "characters": tuple[Character, ...],
    "beats": tuple[Beat, ...],
    "locations": tuple[Location, ...],
    "scenes": tuple[SceneOutline, ...],
}
_DRAFT_FILE = re.compile(r"^(\d{3,})\.json$")


def level_of(name: str) -> str:
    """The canonical level for a name or alias; ProjectError lists the levels otherwise."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LEVELS:
        raise ProjectError(f"unknown level {name!r}: use one of {', '.join(LEVELS)}")
    return key


def draft_key(number: int) -> str:
    return f"drafts/{number}"


def jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    return value


def digest(value: Any) -> str:
    """A short content hash of a value (formatting of the file does not matter)."""
    text = json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Options:
    """How a project is developed; stored in project.json."""

    scenes: int = 8  # scenes in the screenplay
    characters: int = 4  # main characters
    locations: int = 0  # 0: derived from the scene count
    seed: int = 0  # base seed; each item's seed derives from it
    takes: int = 1  # drafts per scene; the best is kept (best-of-N)
    retries: int = 2  # redrafts of a scene that fails the checks
    concurrency: int = 8  # scenes drafted together (1: one after another)
    scene_blocks: int = 10  # most paragraphs (action or dialogue) in one drafted scene
    author: str = ""
    model: str = "default"  # the model spec used by `new` (informational)

    @property
    def location_count(self) -> int:
        return self.locations or max(3, min(6, (self.scenes + 2) // 2))


@dataclass(frozen=True)
class Bible:
    """Everything the project holds right now; None for what is not generated yet."""

    logline: Logline
    structure: Structure
    title: Title | None = None
    characters: tuple[Character, ...] | None = None
    beats: tuple[Beat, ...] | None = None
    locations: tuple[Location, ...] | None = None
    scenes: tuple[SceneOutline, ...] | None = None
    drafts: Mapping[int, SceneDraft] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        if key.startswith("drafts/"):
            return self.drafts.get(int(key.split("/")[1]))
        return getattr(self, key)

    @property
    def cues(self) -> tuple[str, ...]:
        return tuple(c.cue for c in self.characters or ())


class Project:
    """A handle on a project directory. Reads are fresh from disk; writes go through `commit`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.options = Options()
        self._state: dict[str, Any] = {"items": {}, "locks": []}

    # -- creating and opening -------------------------------------------------------------
    @classmethod
    def create(
        cls, root: str | Path, logline: Logline, structure: Structure, options: Options = Options()
    ) -> Project:
        root = Path(root)
        if root.exists() and any(root.iterdir()):
            raise ProjectError(
                f"{root} exists and is not empty: choose a new --out directory "
                "or continue it with 'writersroom resume'"
            )
        project = cls(root)
        project.options = options
        write_atomic(
            root / "project.json",
            _dump(
                {
                    "format": FORMAT_VERSION,
                    "created": _now(),
                    "options": {k: getattr(options, k) for k in Options.__dataclass_fields__},
                }
            ),
        )
        project._save_state()
        human = {"kind": "human", "via": "new"}
        project.commit("logline", logline, human, inputs={})
        project.commit("structure", structure, {"kind": "human", "via": "new"}, inputs={})
        return project

    @classmethod
    def open(cls, root: str | Path) -> Project:
        root = Path(root)
        meta_path = root / "project.json"
        if not meta_path.is_file():
            raise ProjectError(
                f"{root} is not a story project (no project.json); start one with 'writersroom new'"
            )
        meta = _load_json(meta_path)
        if meta.get("format") != FORMAT_VERSION:
            raise ProjectError(f"{meta_path}: unsupported project format {meta.get('format')!r}")
        project = cls(root)
        known = Options.__dataclass_fields__
        try:
            project.options = Options(
                **{k: v for k, v in meta.get("options", {}).items() if k in known}
            )
        except TypeError as exc:
            raise ProjectError(f"{meta_path}: bad options ({exc})") from exc
        state_path = root / "state.json"
        if state_path.exists():
            project._state = _load_json(state_path)
            project._state.setdefault("items", {})
            project._state.setdefault("locks", [])
        return project

    # -- reading ---------------------------------------------------------------------------
    def path_of(self, key: str) -> Path:
        if key.startswith("drafts/"):
            return self.root / "drafts" / f"{int(key.split('/')[1]):03d}.json"
        return self.root / f"{key}.json"

    def read(self, key: str) -> Any:
        """The stored value of an item, validated; None when it does not exist yet."""
        path = self.path_of(key)
        if not path.exists():
            return None
        kind = SceneDraft if key.startswith("drafts/") else _KINDS[key]
        try:
            return TypeAdapter(kind).validate_python(_load_json(path))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "(top)"
            raise ProjectError(
                f"{path}: {where}: {first['msg']}; fix the file or restore it "
                f"from {self.root / 'history'}"
            ) from exc

    def draft_numbers(self) -> list[int]:
        folder = self.root / "drafts"
        if not folder.is_dir():
            return []
        return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _DRAFT_FILE.match(p.name)))

    def bible(self) -> Bible:
        logline, structure = self.read("logline"), self.read("structure")
        if logline is None or structure is None:
            raise ProjectError(f"{self.root}: logline.json or structure.json is missing")
        return Bible(
            logline=logline,
            structure=structure,
            title=self.read("title"),
            characters=self.read("characters"),
            beats=self.read("beats"),
            locations=self.read("locations"),
            scenes=self.read("scenes"),
            drafts={n: self.read(draft_key(n)) for n in self.draft_numbers()},
        )

    def keys(self) -> list[str]:
        """Every item that exists, in pipeline order."""
        fixed = [k for k in LEVELS[:-1] if self.path_of(k).exists()]
        return fixed + [draft_key(n) for n in self.draft_numbers()]

    def info(self, key: str) -> dict[str, Any]:
        """state.json's record of an item: hash, inputs, origin, issues, history number."""
        return dict(self._state["items"].get(key, {}))

    # -- writing ---------------------------------------------------------------------------
    def commit(
        self,
        key: str,
        value: Any,
        origin: Mapping[str, Any],
        *,
        inputs: Mapping[str, str],
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        """Store a new value for an item with its origin and the input hashes it was made from."""
        entry = {
            "key": key,
            "time": _now(),
            "hash": digest(value),
            "inputs": dict(inputs),
            "origin": dict(origin),
            "value": jsonable(value),
        }
        n = self._next_history_number()
        write_atomic(self.root / "history" / f"{n:06d}-{key.replace('/', '-')}.json", _dump(entry))
        write_atomic(self.path_of(key), _dump(jsonable(value)))
        self._record(key, entry, n, issues=issues)

    def _record(
        self,
        key: str,
        entry: Mapping[str, Any],
        n: int,
        *,
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        self._state["items"][key] = {
            "hash": entry["hash"],
            "inputs": entry["inputs"],
            "origin": entry["origin"],
            "history": n,
            "issues": issues or [],
        }
        self._save_state()

    def remove(self, key: str) -> None:
        """Forget an item (its history stays)."""
        path = self.path_of(key)
        if path.exists():
            path.unlink()
        self._state["items"].pop(key, None)
        self._save_state()

    def history(self, key: str | None = None) -> list[dict[str, Any]]:
        folder = self.root / "history"
        if not folder.is_dir():
            return []
        entries = []
        for path in sorted(folder.glob("*.json")):
            entry = _load_json(path)
            if key is None or entry.get("key") == key:
                entries.append({"n": int(path.name.split("-")[0]), **entry})
        return entries

    def _next_history_number(self) -> int:
        folder = self.root / "history"
        numbers = (
            [int(p.name.split("-")[0]) for p in folder.glob("*.json")] if folder.is_dir() else []
        )
        return max(numbers, default=0) + 1

    def _save_state(self) -> None:
        write_atomic(self.root / "state.json", _dump(self._state))

    # -- regeneration rounds (each round of an item uses new seeds) --------------------------
    def round_of(self, key: str) -> int:
        return int(self._state.setdefault("rounds", {}).get(key, 0))

    def next_round(self, key: str) -> int:
        rounds = self._state.setdefault("rounds", {})
        rounds[key] = int(rounds.get(key, 0)) + 1
        self._save_state()
        return int(rounds[key])

    # -- exported screenplay files: the hash of what was last written, to spot hand edits ----
    def export_hash(self, name: str) -> str | None:
        value = self._state.setdefault("exports", {}).get(name)
        return str(value) if value else None

    def set_export_hash(self, name: str, value: str) -> None:
        self._state.setdefault("exports", {})[name] = value
        self._save_state()

    # -- locks -----------------------------------------------------------------------------
    @property
    def locks(self) -> set[str]:
        return set(self._state["locks"])

    def set_lock(self, target: str, locked: bool) -> None:
        locks = self.locks | {target} if locked else self.locks - {target}
        self._state["locks"] = sorted(locks)
        self._save_state()

    def is_locked(self, key: str, item: str | None = None) -> bool:
        level = key.split("/")[0]
        return bool({key, level} & self.locks) or (
            item is not None and f"{level}/{item}" in self.locks
        )

    # -- edits made outside writersroom -----------------------------------------------------
    def sync(self) -> list[str]:
        """Finish interrupted commits and record files edited by hand. Returns the keys that
        were recorded as human edits."""
        edited: list[str] = []
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for entry in self.history():
            latest[entry["key"]] = (entry["n"], entry)
        for key in self.keys():
            value = self.read(key)
            h = digest(value)
            known = self._state["items"].get(key, {})
            if known.get("hash") == h:
                continue
            n, entry = latest.get(key, (0, {}))
            if entry.get("hash") == h and n > known.get("history", 0):
                self._record(key, entry, n)  # a commit cut short: finish it
                continue
            inputs = known.get("inputs", {})
            self.commit(key, value, {"kind": "human", "via": "file"}, inputs=inputs)
            edited.append(key)
        for key in list(self._state["items"]):
            if not self.path_of(key).exists():  # deleted by hand: generate it again
                self._state["items"].pop(key)
                self._save_state()
        return edited

    def with_options(self, **changes: Any) -> Project:
        """Change stored options (e.g. a new default seed) for this and later runs."""
        self.options = replace(self.options, **changes)
        meta = _load_json(self.root / "project.json")
        meta["options"] = {k: getattr(self.options, k) for k in Options.__dataclass_fields__}
        write_atomic(self.root / "project.json", _dump(meta))
        return self


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProjectError(
            f"{path}: not valid JSON ({exc}); fix the file or restore it from "
            "the project's history/ folder"
        ) from exc
