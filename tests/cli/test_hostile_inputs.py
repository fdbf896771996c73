"""Every command against hostile inputs: missing, empty, binary, truncated, huge and wrong-format
files, bad URLs, bad model specs, bad options, damaged files in the writersroom home, unreadable
and read-only folders. Each must end with one clear line (`Error: ...`), a non-zero exit status
and no traceback. Bad inputs fail before a model loads, so no case generates text.

A new command gets its cases here: `test_every_command_meets_hostile_inputs` names the ones
that have none.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from writersroom.cli import cli
from writersroom.screenplay import fountain
from writersroom.screenplay import io as screenplay_io

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Hostile (and a few good) files, by name; paths as strings for the command lines."""
    d = tmp_path_factory.mktemp("hostile")
    good = (ROOT / "examples" / "the-last-ferry.fountain").read_text(encoding="utf-8")
    fdx = (ROOT / "tests" / "screenplay" / "golden" / "night-shift.fdx").read_bytes()
    pdf = screenplay_io.dumps(fountain.parse(good), "pdf")
    assert isinstance(pdf, bytes)
    noise = bytes(range(256)) * 16
    contents: dict[str, bytes] = {
        "good.fountain": good.encode(),
        "good.fdx": fdx,
        "empty.fountain": b"",
        "empty.fdx": b"",
        "empty.pdf": b"",
        "empty.json": b"",
        "empty.txt": b"",
        "binary.fountain": noise,
        "binary.fdx": noise,
        "binary.pdf": noise,
        "binary.json": noise,
        "binary.txt": noise,
        "binary.toml": noise,
        "binary.jsonl": noise,
        "nul.fountain": b"INT. A\x00B - DAY\n\nx\x00y\n",
        "truncated.fdx": fdx[: len(fdx) // 2],
        "truncated.pdf": pdf[: len(pdf) // 2],
        "truncated.json": b'{"elements": [{"ty',
        "pdf-named.fdx": pdf,
        "fdx-named.pdf": fdx,
        "html-named.fdx": b"<?xml version='1.0'?><html><body/></html>",
        "wrong-shape.json": b'{"title_page": 3, "elements": "x"}',
        "notes.docx": b"PK\x03\x04",
        "entities.fdx": (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<FinalDraft><Content><Paragraph Type="Action"><Text>&b;</Text></Paragraph>'
            b"</Content></FinalDraft>"
        ),
    }
    paths = {}
    for name, data in contents.items():
        (d / name).write_bytes(data)
        paths[name] = str(d / name)
    huge = d / "huge.fountain"  # sparse: larger than any screenplay, costs no disk
    with huge.open("wb") as handle:
        handle.truncate(screenplay_io.MAX_BYTES + 1)
    (d / "folder.fountain").mkdir()
    (d / "not-a-project").mkdir()
    (d / "no-config-model").mkdir()
    paths |= {
        "huge.fountain": str(huge),
        "folder.fountain": str(d / "folder.fountain"),
        "not-a-project": str(d / "not-a-project"),
        "no-config-model": str(d / "no-config-model"),
        "missing.fountain": str(d / "missing.fountain"),
        "missing-dir": str(d / "missing-dir"),
        "under-a-file.fountain": str(d / "good.fountain" / "x.fountain"),
        "under-a-file.pdf": str(d / "good.fountain" / "x.pdf"),
        "out.fdx": str(d / "out.fdx"),
        "out-dir": str(d / "out"),
    }
    return paths


def run(args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=True)


def assert_one_line_failure(result: Result, pattern: str) -> None:
    """Non-zero exit, no traceback, and the output ends with one `Error:` line matching."""
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        shown = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        pytest.fail(f"uncaught {type(exc).__name__}:\n{shown}")
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert result.output.rstrip("\n").endswith(errors[0]), f"more after the error:\n{result.output}"
    assert re.search(pattern, errors[0], re.IGNORECASE), errors[0]
    assert len(errors[0]) < 400, errors[0]


# (command line with <file> names from the `files` fixture, the message it must give)
CASES: list[tuple[list[str], str]] = [
    # convert: every kind of bad input file, and outputs that cannot be written
    (["convert", "<missing.fountain>", "<out.fdx>"], "no such file"),
    (["convert", "<folder.fountain>", "<out.fdx>"], "is a directory"),
    (["convert", "<under-a-file.fountain>", "<out.fdx>"], "not a directory"),
    (["convert", "<binary.fountain>", "<out.fdx>"], "binary"),
    (["convert", "<nul.fountain>", "-"], "binary"),
    (["convert", "<empty.fdx>", "-"], "empty"),
    (["convert", "<binary.fdx>", "-"], "XML"),
    (["convert", "<truncated.fdx>", "-"], "broken XML"),
    (["convert", "<pdf-named.fdx>", "-"], "XML"),
    (["convert", "<html-named.fdx>", "-"], "not a Final Draft document"),
    (["convert", "<entities.fdx>", "-"], "entit"),
    (["convert", "<empty.pdf>", "-"], "not a PDF"),
    (["convert", "<binary.pdf>", "-"], "not a PDF"),
    (["convert", "<truncated.pdf>", "-"], "cannot read the PDF"),
    (["convert", "<fdx-named.pdf>", "-"], "not a PDF"),
    (["convert", "<empty.json>", "-"], "not valid JSON"),
    (["convert", "<binary.json>", "-"], "binary"),
    (["convert", "<truncated.json>", "-"], "not valid JSON"),
    (["convert", "<wrong-shape.json>", "-"], "expected a list"),
    (["convert", "<notes.docx>", "-"], "unknown file type"),
    (["convert", "<huge.fountain>", "-"], "too large"),
    (["convert", "<good.fountain>", "<under-a-file.pdf>"], "cannot write"),
    (["convert", "<good.fountain>", "<folder.fountain>"], "is a directory"),
    (["convert", "<good.fountain>", "-", "--to", "docx"], "Invalid value for '--to'"),
    (["convert", "<good.fountain>", "-", "--from", "rtf"], "Invalid value for '--from'"),
    # the other commands that read a script
    (["report", "<binary.pdf>"], "not a PDF"),
    (["report", "<missing.fountain>"], "no such file"),
    (["report", "<huge.fountain>"], "too large"),
    (["evaluate", "<binary.txt>", "--no-model"], "binary"),
    (["evaluate", "<missing.fountain>", "--no-model"], "no such file|not found|does not exist"),
    (["evaluate", "<truncated.fdx>", "--no-model"], "XML"),
    (["evaluate", "--batch", "<binary.jsonl>", "--no-model"], "binary"),
    (["evaluate", "--batch", "<truncated.json>", "--no-model"], "JSON"),
    (["voices", "<binary.fountain>"], "binary"),
    (["voices", "<truncated.pdf>"], "cannot read the PDF"),
    (["check", "<truncated.fdx>"], "broken XML"),
    (["changes", "<binary.fountain>"], "binary"),
    (
        ["revise", "<missing.fountain>", "rename MAYA to JO", "-o", "<out.fdx>", "-m", "fake"],
        "no such",
    ),
    (["revise", "<binary.pdf>", "rename MAYA to JO", "-o", "<out.fdx>", "-m", "fake"], "not a PDF"),
    (["revise", "<good.fountain>", "cut it", "-o", "<out.fdx>", "-m", "fake"], "nothing to change"),
    (
        ["revise", "<good.fountain>", "--scene", "1", "rewrite", "-o", "<out.fdx>", "-m", "nope"],
        "unknown model",
    ),
    (["style", "learn", "<binary.pdf>", "--out", "<out-dir>"], "not a PDF"),
    (["style", "compare", "<good.fountain>", "--style", "<binary.json>"], "not a style file"),
    (["style", "compare", "<good.fountain>", "--style", "<truncated.json>"], "not a style file"),
    (
        ["dialogue", "--script", "<binary.fdx>", "--characters", "A,B", "--situation", "x"],
        "XML",
    ),
    # generate: bad model specs, bad base URLs, bad options and files
    (["generate", "hi", "-m", "nope"], "unknown model 'nope'"),
    (["generate", "hi", "-m", "gguf:<missing.fountain>"], "not found"),
    (["generate", "hi", "-m", "gguf:<binary.fountain>"], "could not load"),
    (["generate", "hi", "-m", "hf:<missing-dir>"], "not found"),
    (["generate", "hi", "-m", "hf:<no-config-model>"], "no config.json"),
    (["generate", "hi", "-m", "openai:"], "unknown model"),
    (["generate", "hi", "-m", ":"], "unknown model"),
    (["generate", "hi", "-m", "<binary.pdf>"], "unknown model"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "localhost:8080"], "http:// or https://"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "ftp://host/v1"], "http:// or https://"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "http://"], "http:// or https://"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "not a url"], "http:// or https://"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "file:///etc"], "http:// or https://"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "http://[::1"], "bad base URL"),
    (["generate", "hi", "-m", "openai:x", "--base-url", "http://256.1.1.1/v1"], "bad base URL"),
    (["generate", "hi", "--max-tokens", "0"], "Invalid value for '--max-tokens'"),
    (["generate", "hi", "--temperature", "-1"], "Invalid value for '--temperature'"),
    (["generate", "hi", "--top-p", "abc"], "Invalid value for '--top-p'"),
    (["generate", "hi", "-m", "fake", "--json-schema", "<binary.json>"], "not a JSON Schema"),
    (["generate", "hi", "-m", "fake", "--json-schema", "<missing.fountain>"], "JSON Schema"),
    (["generate"], "Missing argument 'PROMPT'"),
    (["models", "test", "nope"], "nope"),
    (["log", "-n", "0"], "Invalid value for '-n'"),
    # story projects: not a project, missing, a file; outputs that cannot be written
    (["show", "<not-a-project>"], "not a story project"),
    (["show", "<missing-dir>"], "does not exist|not a story project"),
    (["show", "<good.fountain>"], "is a file|not a story project"),
    (["regenerate", "<not-a-project>", "drafts"], "not a story project"),
    (["resume", "<not-a-project>"], "not a story project"),
    (["export", "<not-a-project>", "<out.fdx>"], "not a story project"),
    (["edit", "<not-a-project>", "logline", "--from-file", "<binary.txt>"], "not a story project"),
    (["new", "x", "--out", "<good.fountain>", "-m", "fake"], "is a file|not empty|exists"),
    (["new", "x", "--out", "<under-a-file.fountain>", "-m", "fake"], "not a directory"),
    (["new", "x", "--out", "<out-dir>", "--structure", "<binary.txt>", "-m", "fake"], "structure"),
    (["new", "x", "--out", "<out-dir>", "-m", "nope"], "unknown model"),
    (["new", "x", "--out", "<out-dir>", "--scenes", "0"], "Invalid value for '--scenes'"),
    # training
    (["corpus", "build", "<binary.fountain>", "--out", "<out-dir>"], "no usable scripts"),
    (["corpus", "build", "<missing.fountain>", "--out", "<out-dir>"], "does not exist"),
    # (a bad corpus file is refused after the base model loads, ~25 CPU-s: not repeated here)
    (["train", "<missing.fountain>", "--out", "<out-dir>"], "does not exist"),
    (["train", "<good.fountain>", "--out", "<out-dir>", "--n-layer", "abc"], "n_layer"),
    (["train", "<good.fountain>", "--out", "<out-dir>", "--config", "<binary.toml>"], "TOML"),
    (["train", "<good.fountain>", "--out", "<out-dir>", "--method", "xx"], "'--method'"),
    (["export-model", "<not-a-project>"], "run|model"),
    (["export-model", "<missing-dir>"], "does not exist"),
    (["export-model", "<not-a-project>", "--gguf", "q2"], "Invalid value for '--gguf'"),
    # the web app's commands: bad database and broker URLs fail before anything listens
    (["serve", "--db", "nonsense://"], "database"),
    (["serve", "--redis", "garbage"], "redis"),
    (["serve", "--port", "0"], "Invalid value for '--port'"),
    (["users", "add", "a@example.com", "--password-stdin", "--db", "nonsense://"], "database"),
    # a command that does not exist
    (["no-such-command"], "No such command"),
]


def _ids(case: tuple[list[str], str]) -> str:
    return " ".join(case[0])[:80]


@pytest.mark.parametrize(("args", "pattern"), CASES, ids=[_ids(c) for c in CASES])
def test_hostile_input_gives_one_line(files, args, pattern):
    stdin = "pw\n" if args[:2] == ["users", "add"] else None
    filled = [re.sub(r"<([\w.-]+)>", lambda m: files[m.group(1)], a) for a in args]
    assert_one_line_failure(run(filled, stdin), pattern)


# damaged files in the writersroom home: (file, contents, command line, message)
HOME_CASES: list[tuple[str, bytes, list[str], str]] = [
    ("config.toml", bytes(range(256)), ["generate", "hi", "-m", "fake"], "not valid TOML"),
    ("config.toml", b"default_model = 3\n", ["models", "--no-check"], "must be a string"),
    ("config.toml", b"cache = 'maybe'\n", ["log"], "true or false"),
    ("config.toml", b"default_weights = 'q2'\n", ["log"], "default_weights"),
    ("models.toml", bytes(range(256)), ["models", "--no-check"], "not valid TOML"),
    ("models.toml", b"models = 3\n", ["models", "--no-check"], "must be a table"),
    ("models.toml", b"[openai]\nbase_url = 3\n", ["generate", "hi", "-m", "openai:x"], "string"),
    (
        "models.toml",
        b"[models.x]\nbackend = 'llamacpp'\npath = 'x.gguf'\nn_ctx = 'big'\n",
        ["generate", "hi", "-m", "x"],
        "n_ctx must be a whole number",
    ),
    (
        "models.toml",
        b"[models.x]\nbackend = 'openai'\nbase_url = 'http://127.0.0.1:1/v1'\nmodel = 'm'\n"
        b"timeout = 'slow'\n",
        ["generate", "hi", "-m", "x"],
        "timeout must be a number",
    ),
    (
        "models.toml",
        b"[models.x]\nbackend = 'openai'\nbase_url = 'http://127.0.0.1:1/v1'\nmodel = 'm'\n"
        b"structured = 'weird'\n",
        ["generate", "hi", "-m", "x"],
        "structured must be one of",
    ),
    (
        "models.toml",
        b"[models.x]\nbackend = 'openai'\nbase_url = 'localhost:1'\nmodel = 'm'\n",
        ["generate", "hi", "-m", "x"],
        "http:// or https://",
    ),
    (
        "models.toml",
        b"[models.x]\nbackend = 'llamacpp'\npath = 3\n",
        ["generate", "hi", "-m", "x"],
        "path must be a string",
    ),
    ("models.toml", b"[models.x]\nbackend = 'gpt'\n", ["generate", "hi", "-m", "x"], "backend"),
    ("log.db", bytes(range(256)) * 8, ["log"], "SQLite"),
    ("cache.db", bytes(range(256)) * 8, ["generate", "hi", "-m", "fake", "--seed", "1"], "SQLite"),
]


@pytest.mark.parametrize(
    ("name", "data", "args", "pattern"),
    HOME_CASES,
    ids=[f"{c[0]}:{c[3][:30]}" for c in HOME_CASES],
)
def test_damaged_home_files_give_one_line(writersroom_home, name, data, args, pattern):
    (writersroom_home / name).write_bytes(data)
    assert_one_line_failure(run(args), pattern)


def test_a_home_that_is_a_file_gives_one_line(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("WRITERSROOM_HOME", str(home))
    assert_one_line_failure(run(["generate", "hi", "-m", "fake"]), "SQLite|not a directory")


@pytest.mark.skipif(IS_ROOT, reason="root reads and writes any file, whatever its mode")
def test_unreadable_and_read_only_paths_give_one_line(files, tmp_path):
    locked = tmp_path / "locked.fountain"
    locked.write_text("INT. A - DAY\n")
    locked.chmod(0)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o500)
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0)
    try:
        assert_one_line_failure(run(["convert", str(locked), "-"]), "permission denied")
        out = str(read_only / "out.fdx")
        assert_one_line_failure(run(["convert", files["good.fountain"], out]), "permission")
        assert_one_line_failure(
            run(["new", "x", "--out", str(read_only / "p"), "-m", "fake"]), "permission"
        )
        assert_one_line_failure(run(["show", str(closed)]), "permission|not a story project")
    finally:
        read_only.chmod(0o700)
        closed.chmod(0o700)


def _leaf_commands() -> list[tuple[str, ...]]:
    ctx = click.Context(cli)
    found: list[tuple[str, ...]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, (*path, name))
        else:
            found.append(path)

    walk(cli, ())
    return found


# commands that read no input: only the unknown-option case applies to them
NO_INPUT = {("models", "path")}


def test_every_command_meets_hostile_inputs():
    covered = {tuple(args[:2]) for args, _ in CASES} | {tuple(args[:1]) for args, _ in CASES}
    covered |= NO_INPUT
    covered |= {tuple(args[:1]) for _, _, args, _ in HOME_CASES}
    missing = [" ".join(path) for path in _leaf_commands() if path not in covered]
    assert not missing, f"add hostile-input cases to {Path(__file__).name} for: {missing}"


@pytest.mark.parametrize("path", _leaf_commands(), ids=" ".join)
def test_every_command_refuses_an_unknown_option(path):
    assert_one_line_failure(run([*path, "--no-such-option"]), "No such option")
