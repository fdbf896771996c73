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

Several commands may work on one project at once (two terminals, the web app's jobs): every
read-modify-write holds the project lock (`locking.project_lock`) and re-reads state.json inside
it, so history numbers are unique and no command's change overwrites another's. A command making
an item claims it first (`Project.claim`); a commit that replaces an item states which version it
replaces (`base`), and is refused when another command (or a hand edit) changed it meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from writersroom.errors import ProjectError
from writersroom.files import write_atomic
from writersroom.story import locking
from writersroom.story.table import NAMES, Key, level_of_key
from writersroom.story.table import level_of as level_of  # re-exported: its old home
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
LEVELS = NAMES  # every level, in pipeline order (see table.py)
_DRAFT_FILE = re.compile(r"^(\d{3,})\.json$")
_OURS = {".lock", ".busy"}  # lock files, present before a project's first file
_CREATED = {"logline.json", "structure.json", "state.json", "history"}  # before project.json


def _left_by_create(path: Path) -> bool:
    """Whether `path` is what a `new` killed before writing project.json leaves behind."""
    temporary = path.name.startswith(".") and path.name.endswith(".tmp")  # from write_atomic
    return path.name in _CREATED or temporary


def draft_key(number: int) -> str:
    return str(Key.draft(number))


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
        """A level ("characters", "drafts": all of them) or one scene's draft ("drafts/3")."""
        if "/" in key:
            return self.drafts.get(Key.parse(key).number or 0)
        return getattr(self, key)

    @property
    def cues(self) -> tuple[str, ...]:
        return tuple(c.cue for c in self.characters or ())


class Project:
    """A handle on a project directory. Reads are fresh from disk; writes go through `commit`
    and hold the project lock (safe with other commands working on the same project)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.options = Options()
        self._local = threading.local()  # per thread: state.json while it holds the lock
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    # -- creating and opening -------------------------------------------------------------
    @classmethod
    def create(
        cls, root: str | Path, logline: Logline, structure: Structure, options: Options = Options()
    ) -> Project:
        root = Path(root)
        project = cls(root)
        project.options = options
        with project.transaction() as state:
            found = [p for p in root.iterdir() if p.name not in _OURS]
            if found and not all(_left_by_create(p) for p in found):
                raise ProjectError(
                    f"{root} exists and is not empty: choose a new --out directory "
                    "or continue it with 'writersroom resume'"
                )
            for path in found:  # a `new` killed before it finished: start it again
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            state.clear()
            state.update(items={}, locks=[])
            human = {"kind": "human", "via": "new"}
            project.commit("logline", logline, human, inputs={})
            project.commit("structure", structure, {"kind": "human", "via": "new"}, inputs={})
            write_atomic(  # last: a directory without project.json is a `new` cut short
                root / "project.json",
                _dump(
                    {
                        "format": FORMAT_VERSION,
                        "created": _now(),
                        "options": {k: getattr(options, k) for k in Options.__dataclass_fields__},
                    }
                ),
            )
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
        project._state()  # a broken state.json is reported now, not halfway through a run
        return project

    # -- the lock and state.json -------------------------------------------------------------
    @property
    def _tx(self) -> dict[str, Any] | None:
        tx: dict[str, Any] | None = getattr(self._local, "tx", None)
        return tx

    @_tx.setter
    def _tx(self, state: dict[str, Any] | None) -> None:
        self._local.tx = state

    @contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Hold the project lock and give state.json as it is on disk now; changes to the dict
        are saved on the way out. Nested transactions share the outer one's state."""
        with locking.project_lock(self.root):
            outer = self._tx
            state = outer if outer is not None else self._load_state()
            before = json.dumps(state, sort_keys=True)
            self._tx = state
            try:
                yield state
                if json.dumps(state, sort_keys=True) != before:
                    write_atomic(self.root / "state.json", _dump(state))
            finally:
                self._tx = outer

    def _load_state(self) -> dict[str, Any]:
        path = self.root / "state.json"
        state = _load_json(path) if path.exists() else {}
        if not isinstance(state, dict):
            raise ProjectError(f"{path}: not a state record; restore it or delete it")
        state.setdefault("items", {})
        state.setdefault("locks", [])
        return state

    def _state(self) -> dict[str, Any]:
        """state.json for reading: the open transaction's, else the file's (read again only
        when it changed on disk)."""
        if self._tx is not None:
            return self._tx
        path = self.root / "state.json"
        try:
            st = path.stat()
        except FileNotFoundError:
            return {"items": {}, "locks": []}
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._cache is None or self._cache[0] != stamp:
            self._cache = (stamp, self._load_state())
        return self._cache[1]

    @contextmanager
    def claim(self, keys: Sequence[str]) -> Iterator[None]:
        """Mark items as being made by this command (for as long as that takes). Raises
        ProjectError at once when another command is making one of them."""
        with locking.claim(self.root, keys):
            yield

    def busy(self, key: str) -> bool:
        """Whether another command is making the item now."""
        try:
            with locking.claim(self.root, [key]):
                return False
        except ProjectError:
            return True

    # -- reading ---------------------------------------------------------------------------
    def path_of(self, key: str) -> Path:
        return self.root / Key.parse(key).file

    def read(self, key: str) -> Any:
        """The stored value of an item, validated; None when it does not exist yet."""
        path = self.path_of(key)
        if not path.exists():
            return None
        kind = Key.parse(key).spec.stored
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
        """Every level as stored now (read under the lock: one consistent snapshot)."""
        with locking.reading(self.root):
            return self._bible()

    def _bible(self) -> Bible:
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
        fixed = [k for k in LEVELS if k != "drafts" and self.path_of(k).exists()]
        return fixed + [draft_key(n) for n in self.draft_numbers()]

    def info(self, key: str) -> dict[str, Any]:
        """state.json's record of an item: hash, inputs, origin, issues, history number."""
        return dict(self._state()["items"].get(key, {}))

    # -- writing ---------------------------------------------------------------------------
    def commit(
        self,
        key: str,
        value: Any,
        origin: Mapping[str, Any],
        *,
        inputs: Mapping[str, str],
        issues: list[dict[str, Any]] | None = None,
        base: int | None = None,
        round_: int | None = None,
    ) -> int:
        """Store a new value for an item with its origin and the input hashes it was made from.
        `base`: the version (history number, 0 for none) the value was made to replace; when
        another command or a hand edit changed the item since, nothing is stored and
        ProjectError says so. `round_`: the regeneration round the value was made in, now
        used up. Returns the new version's history number."""
        entry = {
            "key": key,
            "time": _now(),
            "hash": digest(value),
            "inputs": dict(inputs),
            "origin": dict(origin),
            "value": jsonable(value),
        }
        with self.transaction() as state:
            if base is not None:
                self._sync_one(key, state)  # a file edited by hand meanwhile is kept
                now = int(state["items"].get(key, {}).get("history", 0))
                if now != base:
                    raise ProjectError(
                        f"{key} was changed by another command or by hand while this one ran "
                        f"(now version {now}); this take was not saved: run the command again"
                    )
            n = self._next_history_number()
            name = f"{n:06d}-{key.replace('/', '-')}.json"
            write_atomic(self.root / "history" / name, _dump(entry))
            write_atomic(self.path_of(key), _dump(jsonable(value)))
            self._record(state, key, entry, n, issues=issues)
            if round_ is not None:
                self._use_round(state, key, round_)
        return n

    def version(self, key: str) -> int:
        """The history number of the item's current value (0 when it has none): what a
        command making it passes as `commit(..., base=)`."""
        return int(self.info(key).get("history", 0))

    @staticmethod
    def _record(
        state: dict[str, Any],
        key: str,
        entry: Mapping[str, Any],
        n: int,
        *,
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        state["items"][key] = {
            "hash": entry["hash"],
            "inputs": entry["inputs"],
            "origin": entry["origin"],
            "history": n,
            "issues": issues or [],
        }

    def remove(self, key: str) -> None:
        """Forget an item (its history stays)."""
        with self.transaction() as state:
            path = self.path_of(key)
            if path.exists():
                path.unlink()
            state["items"].pop(key, None)

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

    # -- regeneration rounds (each round of an item uses new seeds) --------------------------
    def round_of(self, key: str) -> int:
        return int(self._state().get("rounds", {}).get(key, 0))

    def next_round(self, key: str) -> int:
        """Use up the next round now (its seeds are never used again)."""
        with self.transaction() as state:
            round_ = int(state.get("rounds", {}).get(key, 0)) + 1
            self._use_round(state, key, round_)
            return round_

    def use_round(self, key: str, round_: int) -> None:
        """Record that a round was used up without a commit (its output was unusable)."""
        with self.transaction() as state:
            self._use_round(state, key, round_)

    @staticmethod
    def _use_round(state: dict[str, Any], key: str, round_: int) -> None:
        rounds = state.setdefault("rounds", {})
        rounds[key] = max(int(rounds.get(key, 0)), round_)

    # -- exported screenplay files: the hash of what was last written, to spot hand edits ----
    def export_hash(self, name: str) -> str | None:
        value = self._state().get("exports", {}).get(name)
        return str(value) if value else None

    def set_export_hash(self, name: str, value: str) -> None:
        with self.transaction() as state:
            state.setdefault("exports", {})[name] = value

    # -- locks -----------------------------------------------------------------------------
    @property
    def locks(self) -> set[str]:
        return set(self._state()["locks"])

    def set_lock(self, target: str, locked: bool) -> None:
        with self.transaction() as state:
            locks = set(state["locks"])
            state["locks"] = sorted(locks | {target} if locked else locks - {target})

    def is_locked(self, key: str, item: str | None = None) -> bool:
        level = level_of_key(key)
        return bool({key, level} & self.locks) or (
            item is not None and f"{level}/{item}" in self.locks
        )

    # -- edits made outside writersroom -----------------------------------------------------
    def sync(self) -> list[str]:
        """Finish interrupted commits and record files edited by hand. Returns the keys that
        were recorded as human edits."""
        with self.transaction() as state:
            edited = [key for key in self.keys() if self._sync_one(key, state)]
            for key in list(state["items"]):
                if not self.path_of(key).exists():  # deleted by hand: generate it again
                    state["items"].pop(key)
        return edited

    def _sync_one(self, key: str, state: dict[str, Any]) -> bool:
        """Bring state.json in line with the item's file (under the lock): finish a commit cut
        short, or record a hand edit (then True)."""
        value = self.read(key)
        if value is None:
            return False
        h = digest(value)
        known = state["items"].get(key, {})
        if known.get("hash") == h:
            return False
        n, entry = self._latest_entry(key)
        if entry.get("hash") == h and n > known.get("history", 0):
            self._record(state, key, entry, n)  # a commit cut short: finish it
            return False
        inputs = known.get("inputs", {})
        self.commit(key, value, {"kind": "human", "via": "file"}, inputs=inputs)
        return True

    def _latest_entry(self, key: str) -> tuple[int, dict[str, Any]]:
        paths = sorted((self.root / "history").glob(f"*-{key.replace('/', '-')}.json"))
        for path in reversed(paths):
            entry = _load_json(path)
            if entry.get("key") == key:
                return int(path.name.split("-")[0]), entry
        return 0, {}

    def with_options(self, **changes: Any) -> Project:
        """Change stored options (e.g. a new default seed) for this and later runs. The only
        way options change: running a command never does."""
        with self.transaction():
            meta = _load_json(self.root / "project.json")
            known = Options.__dataclass_fields__
            stored = Options(**{k: v for k, v in meta.get("options", {}).items() if k in known})
            self.options = replace(stored, **changes)
            meta["options"] = {k: getattr(self.options, k) for k in known}
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
