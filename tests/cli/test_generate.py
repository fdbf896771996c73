"""`writersroom generate`, `models` and `log` end to end on the real default model."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.llm.cache import ResponseCache
from writersroom.llm.log import CallLog


@pytest.fixture
def run(writersroom_home):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_generate_streams_text_and_reruns_from_the_cache(run, writersroom_home):
    first = run("generate", "Describe a haunted lighthouse.", "--seed", "4", "--max-tokens", "16")
    assert first.exit_code == 0, first.output
    assert len(first.output.split()) >= 4 and first.output.endswith("\n")
    again = run("generate", "Describe a haunted lighthouse.", "--seed", "4", "--max-tokens", "16")
    assert again.output == first.output
    calls = CallLog(writersroom_home / "log.db").recent(2)
    assert [c.cached for c in calls] == [True, False]


def test_no_cache_leaves_the_cache_empty(run, writersroom_home):
    result = run("generate", "Hi", "--seed", "1", "--max-tokens", "4", "--no-cache")
    assert result.exit_code == 0
    assert len(ResponseCache(writersroom_home / "cache.db")) == 0


def test_json_schema_output_is_exactly_json(run, tmp_path):
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string", "maxLength": 40}, "pages": {"type": "integer"}},
        "required": ["title", "pages"],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    result = run(
        "generate",
        "A film as JSON.",
        "--json-schema",
        str(path),
        "--seed",
        "2",
        "--max-tokens",
        "80",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"title", "pages"} and isinstance(data["pages"], int)
    assert result.output == result.output.strip() + "\n"


def test_raw_prompt_and_stop(run):
    result = run(
        "generate",
        "1, 2, 3, 4,",
        "--raw",
        "--temperature",
        "0",
        "--max-tokens",
        "20",
        "--stop",
        "8",
    )
    assert result.exit_code == 0
    assert "8" not in result.output


def test_prompt_from_stdin(run):
    result = run("generate", "-", "--seed", "1", "--max-tokens", "4", input="Say hi.")
    assert result.exit_code == 0 and result.output.strip()


def test_unknown_model_is_a_one_line_error(run):
    result = run("generate", "hi", "--model", "nope")
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown model 'nope'; known models: default")
    assert len(result.output.strip().splitlines()) == 1


def test_bad_schema_file_is_a_one_line_error(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = run("generate", "hi", "--json-schema", str(bad))
    assert result.exit_code == 1
    assert f"{bad}: not a JSON Schema file" in result.output


def test_models_checks_each_model(run, writersroom_home, tmp_path):
    (writersroom_home / "models.toml").write_text(
        f'[models.gone]\nbackend = "llamacpp"\npath = "{tmp_path / "gone.gguf"}"\n'
    )
    result = run("models", "--json")
    assert result.exit_code == 1
    reports = json.loads(result.output[: result.output.rindex("]") + 1])
    assert [r["name"] for r in reports] == ["default", "gone"]
    assert reports[0]["ok"] and reports[0]["answer"]
    assert not reports[1]["ok"] and "model file not found" in reports[1]["error"]
    assert "Error: not answering: gone" in result.output


def test_models_list_without_check_and_path(run, writersroom_home):
    listed = run("models", "--no-check")
    assert listed.exit_code == 0 and listed.output.startswith("default")
    assert run("models", "path").output.strip() == str(writersroom_home / "models.toml")


def test_log_shows_recent_calls(run):
    run("generate", "Name a dog.", "--seed", "1", "--max-tokens", "4")
    run("generate", "Name a cat.", "--seed", "1", "--max-tokens", "4")
    rows = json.loads(run("log", "-n", "1", "--json").output)
    assert len(rows) == 1 and rows[0]["messages"][-1]["content"] == "Name a cat."
    text = run("log").output
    assert "> Name a cat." in text and "> Name a dog." in text
