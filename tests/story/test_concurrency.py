"""Several commands on one project at once: threads and real processes, with the scripted story
model (the processes run the real CLI; only the model is scripted and slowed down)."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fakestory import StoryFake, story_reply

from writersroom import story
from writersroom.errors import ProjectError
from writersroom.story import locking
from writersroom.story.pipeline import develop, regenerate
from writersroom.story.project import Project
from writersroom.story.types import ActionBlock, SceneDraft, Title

WORKER = Path(__file__).parent / "story_worker.py"


def history_numbers(root: Path) -> list[int]:
    return sorted(int(p.name.split("-")[0]) for p in (root / "history").glob("*.json"))


def assert_consistent(project: Project) -> None:
    """Every history number once, and state.json agrees with every item's file."""
    numbers = history_numbers(project.root)
    assert numbers == list(range(1, len(numbers) + 1))
    assert project.sync() == []  # nothing looks like a hand edit: no write was lost
    for key in project.keys():  # noqa: SIM118 (not a dict)
        assert project.history(key)[-1]["n"] == project.version(key), key


def test_threads_committing_at_once_lose_nothing(make_project):
    root = make_project().root

    shared = Project.open(root)

    def work(t: int) -> None:
        project = Project.open(root) if t % 2 else shared  # own handles and a shared one
        for i in range(8):
            draft = SceneDraft(number=t * 10 + i, blocks=(ActionBlock(text=f"Take {t}.{i}."),))
            project.commit(f"drafts/{t * 10 + i}", draft, {"kind": "model"}, inputs={})
            project.next_round("title")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    project = Project.open(root)
    assert len(project.draft_numbers()) == 48
    assert project.round_of("title") == 48
    assert_consistent(project)


_COMMITS = """
import sys
from pathlib import Path
from writersroom.story.project import Project
from writersroom.story.types import ActionBlock, SceneDraft
root, first = Path(sys.argv[1]), int(sys.argv[2])
while not (root / "go").exists():
    pass
project = Project.open(root)
for n in range(first, first + 25):
    draft = SceneDraft(number=n, blocks=(ActionBlock(text=f"Take {n}."),))
    project.commit(f"drafts/{n}", draft, {"kind": "model"}, inputs={})
    project.next_round("title")
"""


def test_processes_committing_at_once_lose_nothing(make_project):
    root = make_project().root
    procs = [
        subprocess.Popen([sys.executable, "-c", _COMMITS, str(root), str(first)])
        for first in (1, 101)
    ]
    time.sleep(0.5)
    (root / "go").touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    (root / "go").unlink()
    project = Project.open(root)
    assert len(project.draft_numbers()) == 50
    assert project.round_of("title") == 50
    assert_consistent(project)


def start(
    root: Path, *args: str, delay: float = 0.0, hold: Path | None = None
) -> subprocess.Popen[str]:
    """A `writersroom` command in a process of its own; it starts when root/../go exists, and
    its model answers only once `hold` exists."""
    go = root.parent / "go"
    env = {**os.environ, "NO_COLOR": "1"}
    if hold is not None:
        env["STORY_WORKER_HOLD"] = str(hold)
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(delay), str(go), *args, "--no-stream"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_until_claimed(root: Path, key: str, proc: subprocess.Popen[str]) -> None:
    path = locking.claim_path(root, key)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if path.exists():
            fd = os.open(path, os.O_RDWR)
            try:
                if not locking._try_lock(fd):
                    return
                locking._unlock(fd)
            finally:
                os.close(fd)
        time.sleep(0.02)
    raise AssertionError(f"{key} was never claimed")


@pytest.fixture
def drafted(make_project):
    project = make_project(scenes=3)
    develop(project, StoryFake())
    return project


def test_two_processes_regenerating_different_scenes_lose_nothing(drafted):
    root = drafted.root
    before = drafted.bible().drafts
    first = history_numbers(root)[-1]
    hold = root.parent / "hold"
    procs = [start(root, "regenerate", str(root), "drafts", n, hold=hold) for n in ("1", "2")]
    (root.parent / "go").touch()
    for n, proc in zip((1, 2), procs, strict=True):
        wait_until_claimed(root, f"drafts/{n}", proc)  # both in flight at once
    hold.touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    project = Project.open(root)
    after = project.bible().drafts
    assert after[1] != before[1] and after[2] != before[2] and after[3] == before[3]
    assert [e["key"] for e in project.history() if e["n"] > first].count("drafts/1") == 1
    assert [e["key"] for e in project.history() if e["n"] > first].count("drafts/2") == 1
    assert project.round_of("drafts/1") == project.round_of("drafts/2") == 1
    assert_consistent(project)
    screenplay = (root / "screenplay.fountain").read_text(encoding="utf-8")
    for n in (1, 2):  # the last export saw both new takes
        assert after[n].blocks[0].text in screenplay


def test_the_same_scene_twice_at_once_one_wins_and_the_other_is_told(drafted):
    root = drafted.root
    first = history_numbers(root)[-1]
    hold = root.parent / "hold"
    slow = start(root, "regenerate", str(root), "drafts", "1", hold=hold)
    (root.parent / "go").touch()
    wait_until_claimed(root, "drafts/1", slow)
    second = start(root, "regenerate", str(root), "drafts", "1")
    _, err = second.communicate(timeout=120)
    hold.touch()
    assert second.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(
        f"Error: drafts/1 is being made by another command (process {slow.pid})"
    )
    assert slow.wait(timeout=120) == 0, slow.communicate()
    project = Project.open(root)
    assert [e["key"] for e in project.history() if e["n"] > first] == ["drafts/1"]
    assert project.round_of("drafts/1") == 1  # the refused command used no round
    assert_consistent(project)


def test_an_edit_made_while_a_scene_is_redrafted_is_kept(drafted):
    root = drafted.root
    hold = root.parent / "hold"
    slow = start(root, "regenerate", str(root), "drafts", "1", hold=hold)
    (root.parent / "go").touch()
    wait_until_claimed(root, "drafts/1", slow)
    while not hold.with_name("hold.asked").exists():  # the take is being written
        time.sleep(0.02)
    story.edit(root, "drafts", "1", text="Maya paints the lamp red.\n\nMAYA TORRES\nThere.\n")
    hold.touch()
    _, err = slow.communicate(timeout=120)
    assert slow.returncode == 1
    assert "drafts/1 changed by another command or by hand while being drafted" in err
    project = Project.open(root)
    assert project.read("drafts/1").blocks[0].text == "Maya paints the lamp red."
    assert project.history("drafts/1")[-1]["origin"] == {"kind": "human", "via": "edit"}
    assert_consistent(project)


def test_a_file_edited_by_hand_during_a_regeneration_is_not_overwritten(drafted):
    path = drafted.path_of("title")

    def edit_while_asked(request):
        if "memorable title" in request.messages[-1].content:
            path.write_text('{"text": "Written By Hand"}\n', encoding="utf-8")
        return story_reply(request)

    with pytest.raises(ProjectError, match="title was changed by another command or by hand"):
        regenerate(drafted, StoryFake(edit_while_asked), "title")
    project = Project.open(drafted.root)
    assert project.read("title") == Title(text="Written By Hand")
    assert project.history("title")[-1]["origin"] == {"kind": "human", "via": "file"}
    assert_consistent(project)


def test_continue_does_not_change_the_stored_options(drafted):
    stored = json.loads((drafted.root / "project.json").read_text())
    regenerate(drafted, StoryFake(), "characters", more=True)
    regenerate(drafted, StoryFake(), "locations", more=True)
    assert json.loads((drafted.root / "project.json").read_text()) == stored
    assert len(drafted.bible().characters) == 4
    regenerate(drafted, StoryFake(), "locations")  # a whole new level keeps the count
    assert len(drafted.bible().locations) == 4
    drafted.with_options(seed=9)  # the explicit call does change them
    assert json.loads((drafted.root / "project.json").read_text())["options"]["seed"] == 9


def test_a_lock_held_too_long_gives_a_one_line_error(tmp_path):
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with locking.project_lock(tmp_path):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with (
            pytest.raises(ProjectError, match="locked by another writersroom command"),
            locking.project_lock(tmp_path, wait=0.1),
        ):
            pass
        with locking.project_lock(tmp_path / "other", wait=0.1):  # other projects are free
            pass
    finally:
        release.set()
        thread.join()
    with locking.project_lock(tmp_path, wait=0.1), locking.project_lock(tmp_path, wait=0.1):
        pass  # re-entrant in one thread
