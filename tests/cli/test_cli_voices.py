"""`writersroom voices / dialogue / style` through click; dialogue on the real bundled model."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli

HARBOUR = Path(__file__).parents[1] / "voice" / "fixtures" / "harbour.fountain"


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def real_model(monkeypatch, default_backend):
    monkeypatch.setattr("writersroom.cli.voices.open_backend", lambda *args: default_backend)
    return default_backend


def test_voices_json_and_text():
    data = json.loads(run("voices", str(HARBOUR), "--json").stdout)
    assert [c["name"] for c in data["characters"]] == ["CAPTAIN REEVE", "JEEVES", "MILO"]
    assert data["characters"][0]["profile"]["source"] == "lines"
    assert 0 < data["distinctiveness"] <= 1
    text = run("voices", str(HARBOUR)).stdout
    assert text.startswith("CAPTAIN REEVE (8 speeches)\n") and "distinctiveness" in text


def test_dialogue_json_on_the_real_model(real_model):
    out = run(
        "dialogue",
        "--script",
        str(HARBOUR),
        "--characters",
        "JEEVES,CAPTAIN REEVE",
        "--situation",
        "The rum has run out.",
        "--lines",
        "2",
        "--seed",
        "4",
        "--json",
    ).stdout
    lines = json.loads(out)["lines"]
    assert [x["character"] for x in lines] == ["JEEVES", "CAPTAIN REEVE"]
    assert all(set(x) == {"character", "parenthetical", "text"} and x["text"] for x in lines)


def test_dialogue_screenplay_form_with_a_style(real_model, tmp_path):
    run("style", "learn", str(HARBOUR), "--out", str(tmp_path / "s.json"))
    out = run(
        "dialogue",
        "--script",
        str(HARBOUR),
        "--characters",
        "MILO,JEEVES",
        "--situation",
        "A storm.",
        "--lines",
        "2",
        "--style",
        str(tmp_path / "s.json"),
        "--strategy",
        "actors",
        "--seed",
        "1",
    ).stdout
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["MILO", "JEEVES"]


def test_dialogue_errors_are_one_line(tmp_path):
    result = run("dialogue", "--characters", "A", "--situation", "x", code=1)
    assert "either --script SCRIPT or --project DIR" in result.output


def test_style_learn_and_compare(tmp_path):
    out = run("style", "learn", str(HARBOUR), "--out", str(tmp_path / "s.json"), "--name", "H")
    assert out.stdout.startswith("H: 276 words, ")
    data = json.loads(
        run("style", "compare", str(HARBOUR), "--style", str(tmp_path / "s.json"), "--json").stdout
    )
    assert data["similarity"] > 0 and "dialogue_ratio" in data["features"]
    text = run("style", "compare", str(HARBOUR), "--style", str(tmp_path / "s.json")).stdout
    assert text.startswith("Delta ")


MARK = "Reference pages (imitate their style):"
RAIN = Path(__file__).parents[1] / "revise" / "rain.fountain"


def _story_fake():
    import importlib.util

    path = Path(__file__).parents[1] / "story" / "fakestory.py"
    spec = importlib.util.spec_from_file_location("fakestory", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.StoryFake()


def test_new_and_regenerate_take_a_style(monkeypatch, tmp_path):
    fake = _story_fake()
    monkeypatch.setattr("writersroom.cli.story.open_backend", lambda *args: fake)
    run("style", "learn", str(HARBOUR), "--out", str(tmp_path / "s.json"))
    out = tmp_path / "p"
    common = ["--no-stream", "--style", str(tmp_path / "s.json")]
    run("new", "A keeper.", "--out", str(out), "--scenes", "2", "--characters", "2", *common)
    assert sum(MARK in r.messages[-1].content for r in fake.requests) >= 2
    before = len(fake.requests)
    run("regenerate", str(out), "drafts", "2", *common)
    assert all(MARK in r.messages[-1].content for r in fake.requests[before:])
    before = len(fake.requests)
    run("resume", str(out), *common)  # nothing missing: no calls
    assert len(fake.requests) == before
    result = run("regenerate", str(out), "drafts", "2", "--style", str(tmp_path / "no"), code=2)
    assert "does not exist" in result.output


def test_revise_takes_a_style(monkeypatch, tmp_path):
    from writersroom.llm.fake import FakeBackend

    fake = FakeBackend(["make_angrier JOE", "Coffee, now!"] * 4)
    monkeypatch.setattr("writersroom.cli.revise.get_backend", lambda *args: fake)
    run("style", "learn", str(HARBOUR), "--out", str(tmp_path / "s.json"))
    args = ["revise", str(RAIN), "make Joe angrier", "--scene", "2", "--out"]
    run(*args, str(tmp_path / "r.fountain"), "--style", str(tmp_path / "s.json"))
    rewrites = [r for r in fake.requests if "Rewrite JOE's line" in r.messages[-1].content]
    assert rewrites and all(MARK in r.messages[-1].content for r in rewrites)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = run(*args, str(tmp_path / "r2.fountain"), "--style", str(bad), code=1)
    assert "not a style file" in result.output
