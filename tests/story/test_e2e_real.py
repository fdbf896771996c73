"""The story pipeline end to end on real models: the bundled default model in process, and the
same model behind a real OpenAI-compatible server (llama_cpp.server) through the `openai:`
backend. Small projects (2 scenes, short scenes) keep this fast; the structure is asserted, not
the drama (a 135M model writes weak drama; benchmarks/story.py reports its outputs)."""

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from writersroom import story
from writersroom.config import Settings
from writersroom.llm.llamacpp import bundled_model_path
from writersroom.llm.registry import get_backend
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Action, Dialogue, SceneHeading
from writersroom.story.checks import check_scene
from writersroom.story.project import Project
from writersroom.story.scenetext import parse_scene_text
from writersroom.story.types import SceneDraft


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# the engine tests' own helper: a real llama_cpp.server on a free port
llama_cpp_server = _load(Path(__file__).parents[1] / "llm" / "llm_servers.py").llama_cpp_server
LOGLINE = (
    "A retired lighthouse keeper must guide a lost ship home through the worst storm in years."
)
HEADING = re.compile(r"^(INT\.|EXT\.|INT\./EXT\.) [A-Z0-9][A-Z0-9 '&/-]* - [A-Z]+$")
SMALL = {
    "structure": "custom:Beginning,End",
    "scenes": 2,
    "characters": 2,
    "locations": 2,
    "scene_blocks": 5,
}


def assert_well_formed(root, scenes: int) -> None:
    project = Project.open(root)
    bible = project.bible()
    doc = fountain.parse((root / "screenplay.fountain").read_text(encoding="utf-8"))
    headings = [e.text for e in doc.elements if isinstance(e, SceneHeading)]
    assert len(headings) == scenes
    assert all(HEADING.match(h) for h in headings), headings
    assert "INT/EXT." not in (root / "screenplay.fountain").read_text(encoding="utf-8")
    speakers = {e.speaker for e in doc.elements if isinstance(e, Dialogue)}
    assert speakers and speakers <= set(bible.cues)
    for outline in bible.scenes:
        draft = bible.drafts[outline.number]
        assert draft.blocks, f"scene {outline.number} is empty"
        # the file on disk reads back to the same blocks, and passes the coherence checks
        text = story.show(root, "drafts", str(outline.number)).split("\n", 2)[2]
        reread = SceneDraft(number=outline.number, blocks=tuple(parse_scene_text(text)))
        assert reread.blocks == draft.blocks
        issues = check_scene(draft, outline, bible.cues, list(bible.drafts.values()))
        assert not [
            i
            for i in issues
            if i.kind in ("meta_commentary", "unknown_speaker", "empty_scene", "repeated_block")
        ], issues
    assert any(isinstance(e, Action) for e in doc.elements)
    origin = project.info("drafts/1")["origin"]
    assert origin["kind"] == "model" and origin["calls"][0]["seed"] is not None
    assert (root / "screenplay.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_the_default_model_drafts_a_well_formed_screenplay(default_backend, tmp_path):
    story.new(LOGLINE, tmp_path / "p", backend=default_backend, seed=3, **SMALL)
    assert_well_formed(tmp_path / "p", 2)
    # regenerating one scene with the real model changes only that scene
    before = Project.open(tmp_path / "p").bible().drafts
    story.regenerate(tmp_path / "p", "drafts", "2", backend=default_backend)
    after = Project.open(tmp_path / "p").bible().drafts
    assert after[1] == before[1] and after[2] != before[2]
    assert_well_formed(tmp_path / "p", 2)


@pytest.mark.slow
def test_the_same_pipeline_runs_on_an_openai_compatible_server(tmp_path):
    settings = Settings(home=tmp_path / "home", cache=False, log=False)
    with llama_cpp_server(bundled_model_path(), tmp_path / "server.log") as url:
        backend = get_backend("openai:smollm2", settings, base_url=url)
        story.new(LOGLINE, tmp_path / "p", backend=backend, seed=4, **{**SMALL, "scenes": 1})
    assert_well_formed(tmp_path / "p", 1)
    assert Project.open(tmp_path / "p").info("title")["origin"]["model"] == "openai:smollm2"


@pytest.mark.slow
def test_kill_9_midway_then_resume_keeps_finished_work(default_backend, tmp_path):
    out = tmp_path / "p"
    command = [
        sys.executable,
        "-m",
        "writersroom",
        "new",
        LOGLINE,
        "--out",
        str(out),
        "--structure",
        "custom:Beginning,End",
        "--scenes",
        "2",
        "--characters",
        "2",
        "--scene-blocks",
        "5",
        "--seed",
        "5",
        "--no-stream",
    ]
    env = {**os.environ, "WRITERSROOM_CACHE": "0", "WRITERSROOM_LOG": "0"}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 600
        while not (out / "beats.json").exists():
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    done = {p.name: p.read_bytes() for p in out.glob("*.json") if p.name != "state.json"}
    assert {"logline.json", "title.json", "characters.json", "beats.json"} <= set(done)
    story.resume(out, backend=default_backend)
    for name, data in done.items():
        assert (out / name).read_bytes() == data, f"{name} was redone"
    project = Project.open(out)
    assert len(project.history("characters")) == 1
    assert_well_formed(out, 2)
