"""The AI routes with scripted backends: suggestions stream into the shared doc and settle as
pending (or failed), the script is never touched, one running request per user per project,
drafts as jobs with the bible mirrored, lock and regenerate, coverage, the model list."""

from __future__ import annotations

import pytest
from aisupport import (
    SCENE,
    Gate,
    finished,
    job,
    load_story_fake,
    position,
    read,
    script,
    settled,
    suggestion,
    use_backends,
    wait_until,
)

from writersroom.errors import BackendUnavailable
from writersroom.llm.fake import FakeBackend
from writersroom.web.ydoc import shared_map


@pytest.fixture
def room(login, app_client):
    """(app, owner client, project id) with a two-scene script."""
    owner = login("owner@example.com")
    pid = owner.post("/api/projects", json={"title": "Harbour"}).json()["id"]
    assert owner.put(f"/api/projects/{pid}/script", content=SCENE.encode()).status_code == 204
    return app_client.app, owner, pid


def test_continue_streams_a_pending_insert_and_leaves_the_script(room, web):
    app, owner, pid = room
    fake = FakeBackend(["Thunder rolls over the bay.\n\nMAYA\nLock the door."])
    use_backends(app, web, default=fake)
    cursor = SCENE.index("EXT. PIER")
    at = position(app, pid, cursor)
    response = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at})
    assert response.status_code == 200, response.text
    sid = response.json()["suggestion"]
    done = settled(app, pid, sid)
    assert done["status"] == "pending", done
    assert done["kind"] == "insert" and done["start"] == done["end"] == at
    assert done["author"] == "ai:default"
    assert "Thunder rolls over the bay." in done["text"] and "MAYA\nLock the door." in done["text"]
    assert done["text"].endswith("\n\n")  # the next heading stays its own paragraph
    assert script(app, pid) == SCENE  # nothing lands in the script without an editor
    (request,) = fake.requests
    prompt = request.messages[-1].content
    assert "We close at ten." in prompt and "Fog rolls in." not in prompt  # only what is before
    assert request.grammar and '"MAYA"' in request.grammar and '"ELIAS"' in request.grammar


def test_suggestion_is_seen_while_it_streams(room, web):
    app, owner, pid = room
    gate = Gate(first="Rain ", rest="keeps falling.")
    use_backends(app, web, default=gate)
    at = position(app, pid, len(SCENE))
    sid = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at}).json()["suggestion"]
    partial = wait_until(lambda: "Rain" in suggestion(app, pid, sid).get("text", ""))
    assert partial
    assert suggestion(app, pid, sid)["status"] == "streaming"
    gate.open()
    done = settled(app, pid, sid)
    assert done["status"] == "pending"
    assert done["text"] == "\nRain keeps falling."  # a blank line after the script's last line


def test_rejecting_while_streaming_stops_the_stream(room, web):
    app, owner, pid = room
    gate = Gate()
    state = use_backends(app, web, default=gate)
    at = position(app, pid, len(SCENE))
    sid = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at}).json()["suggestion"]
    wait_until(lambda: suggestion(app, pid, sid).get("text"))

    def reject(doc) -> None:  # what an editor's browser does
        suggestions = shared_map(doc, "suggestions")
        suggestions[sid] = {**suggestions[sid], "status": "rejected"}

    app.state.rooms.transact_from_thread(pid, reject)
    gate.open()
    wait_until(lambda: not state.running)
    after = suggestion(app, pid, sid)
    assert after["status"] == "rejected" and "keeps falling" not in after["text"]


def test_a_failing_model_marks_the_suggestion_failed(room, web):
    app, owner, pid = room
    gate = Gate(error=BackendUnavailable("the model server went away"))
    use_backends(app, web, default=gate)
    at = position(app, pid, 0)
    sid = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at}).json()["suggestion"]
    gate.open()
    done = settled(app, pid, sid)
    assert done["status"] == "failed" and "went away" in done["error"]
    assert script(app, pid) == SCENE


def test_rewrite_replaces_the_selection_with_its_scene_as_context(room, web):
    app, owner, pid = room
    fake = FakeBackend(["Storm glass rattles. MAYA hoards her coins."])
    use_backends(app, web, default=fake)
    selected = "Rain on the glass. MAYA counts coins."
    begin = SCENE.index(selected)
    start, end = position(app, pid, begin), position(app, pid, begin + len(selected), before=True)
    body = {"start": start, "end": end, "instruction": "more menace"}
    sid = owner.post(f"/api/projects/{pid}/ai/rewrite", json=body).json()["suggestion"]
    done = settled(app, pid, sid)
    assert done["status"] == "pending" and done["kind"] == "replace"
    assert done["original"] == selected and done["instruction"] == "more menace"
    assert done["text"] == "Storm glass rattles. MAYA hoards her coins."
    prompt = fake.requests[0].messages[-1].content
    assert selected in prompt and "more menace" in prompt and "Then I am early." in prompt
    assert script(app, pid) == SCENE


def test_rewrite_needs_a_selection(room, web):
    app, owner, pid = room
    use_backends(app, web, default=FakeBackend())
    at = position(app, pid, 10)
    response = owner.post(
        f"/api/projects/{pid}/ai/rewrite", json={"start": at, "end": at, "instruction": "x"}
    )
    assert response.status_code == 400
    bad = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": "not base64!"})
    assert bad.status_code == 400
    assert not read(app, pid, lambda doc: shared_map(doc, "suggestions").to_py())


def test_dialogue_in_the_characters_voices(room, web):
    app, owner, pid = room
    fake = FakeBackend(["MAYA\nThe tide waits for nobody.\n\nELIAS\n(quietly)\nIt waits for me."])
    use_backends(app, web, default=fake)
    at = position(app, pid, SCENE.index("EXT. PIER"))
    body = {"at": at, "characters": ["MAYA", "ELIAS"], "situation": "the last boat", "lines": 2}
    sid = owner.post(f"/api/projects/{pid}/ai/dialogue", json=body).json()["suggestion"]
    done = settled(app, pid, sid)
    assert done["status"] == "pending", done
    assert "MAYA\nThe tide waits for nobody." in done["text"]
    assert "ELIAS\n(quietly)\nIt waits for me." in done["text"]
    (request,) = fake.requests  # the voice module's one-call exchange, grammar-fixed cues
    assert request.grammar and '"MAYA"' in request.grammar and '"ELIAS"' in request.grammar
    assert "the last boat" in request.messages[-1].content
    assert script(app, pid) == SCENE


def test_one_running_request_per_user_per_project(room, login, web):
    app, owner, pid = room
    gate = Gate()
    use_backends(app, web, default=gate)
    owner.post(f"/api/projects/{pid}/members", json={"email": "ed@example.com", "role": "editor"})
    editor = login("ed@example.com")
    at = position(app, pid, 0)
    first = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at})
    assert first.status_code == 200
    again = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at})
    assert again.status_code == 429
    assert owner.post(f"/api/projects/{pid}/ai/coverage", json={}).status_code == 429
    other = editor.post(f"/api/projects/{pid}/ai/continue", json={"at": at})
    assert other.status_code == 200  # another user is not held up
    gate.open()
    settled(app, pid, first.json()["suggestion"])
    settled(app, pid, other.json()["suggestion"])
    wait_until(lambda: not app.state.ai.running)
    last = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at})
    assert last.status_code == 200
    assert settled(app, pid, last.json()["suggestion"])["status"] == "pending"


def test_unknown_model_is_refused(room, web):
    app, owner, pid = room
    use_backends(app, web, default=FakeBackend())
    at = position(app, pid, 0)
    response = owner.post(f"/api/projects/{pid}/ai/continue", json={"at": at, "model": "nope"})
    assert response.status_code == 400 and "unknown model" in response.json()["detail"]
    assert not app.state.ai.running


def test_models_lists_default_and_configured_names(app_client, login, web):
    (web.settings.home / "models.toml").write_text(
        '[models.draft]\nbackend = "openai"\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "x"\n'
    )
    client = login("u@example.com")
    data = client.get("/api/models").json()["data"]
    assert {"name": "default", "default": True} in data
    assert {"name": "draft", "default": False} in data
    anonymous = app_client.get("/api/models")
    assert anonymous.status_code == 401


def _story_fake():
    fakestory = load_story_fake()
    return fakestory.StoryFake()


def test_draft_job_mirrors_the_bible_and_offers_the_screenplay(room, web):
    app, owner, pid = room
    use_backends(app, web, default=_story_fake())
    logline = "A lighthouse keeper guides a lost ship home."
    response = owner.post(f"/api/projects/{pid}/ai/draft", json={"logline": logline, "scenes": 2})
    assert response.status_code == 200, response.text
    jid = response.json()["job"]
    assert job(app, pid, jid)["kind"] == "draft"
    done = finished(app, pid, jid)
    assert done["status"] == "done", done
    assert done["progress"] == 1.0
    bible = read(app, pid, lambda doc: shared_map(doc, "bible").to_py())
    for level in ("logline", "title", "characters", "beats", "scenes"):
        assert bible.get(level), level
    assert bible["logline"]["text"] == logline
    assert len(bible["scenes"]) == 2
    offered = suggestion(app, pid, done["suggestion"])
    assert offered["status"] == "pending" and offered["kind"] == "replace"
    assert offered["original"] == SCENE  # the whole text, for an editor to accept or not
    assert "INT." in offered["text"] or "EXT." in offered["text"]
    assert script(app, pid) == SCENE
    wait_until(lambda: not app.state.ai.stories and not app.state.ai.running)  # slots free again


def test_draft_into_an_empty_script_is_an_insert(login, app_client, web):
    owner = login("owner@example.com")
    pid = owner.post("/api/projects", json={"title": "Blank"}).json()["id"]
    app = app_client.app
    use_backends(app, web, default=_story_fake())
    jid = owner.post(
        f"/api/projects/{pid}/ai/draft", json={"logline": "A keeper and a storm.", "scenes": 1}
    ).json()["job"]
    done = finished(app, pid, jid)
    offered = suggestion(app, pid, done["suggestion"])
    assert offered["kind"] == "insert" and offered["start"] == offered["end"]
    assert offered["original"] == "" and offered["text"].strip()
    assert script(app, pid) == ""


def test_lock_and_regenerate_through_the_story_engine(room, web):
    app, owner, pid = room
    fake = _story_fake()
    use_backends(app, web, default=fake)
    base = f"/api/projects/{pid}/ai/draft"
    missing = owner.post(f"{base}/lock", json={"level": "title", "lock": True})
    assert missing.status_code == 404
    jid = owner.post(base, json={"logline": "A keeper and a storm.", "scenes": 2}).json()["job"]
    finished(app, pid, jid)
    title = read(app, pid, lambda doc: shared_map(doc, "bible").to_py()["title"])

    locked = owner.post(f"{base}/lock", json={"level": "title", "lock": True})
    assert locked.status_code == 200, locked.text
    status = read(app, pid, lambda doc: shared_map(doc, "bible").to_py()["status"])
    assert any(s["key"] == "title" and s["locked"] for s in status)
    refused = finished(
        app, pid, owner.post(f"{base}/regenerate", json={"level": "title"}).json()["job"]
    )
    assert refused["status"] == "failed" and "locked" in refused["message"]

    owner.post(f"{base}/lock", json={"level": "title", "lock": False})
    again = owner.post(f"{base}/regenerate", json={"level": "title"})
    assert again.status_code == 200
    done = finished(app, pid, again.json()["job"])
    assert done["status"] == "done", done
    new_title = read(app, pid, lambda doc: shared_map(doc, "bible").to_py()["title"])
    assert new_title != title  # new seed, new take
    bad = owner.post(f"{base}/lock", json={"level": "nonsense", "lock": True})
    assert bad.status_code == 400


def test_coverage_of_the_current_script(room, login, web):
    app, owner, pid = room
    use_backends(app, web, default=FakeBackend(reply=lambda r: ""))
    owner.post(f"/api/projects/{pid}/members", json={"email": "v@example.com", "role": "viewer"})
    viewer = login("v@example.com")
    response = viewer.post(f"/api/projects/{pid}/ai/coverage", json={})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["verdict"] and "overall" in report["scores"]
    assert {c["name"] for c in report["characters"]} >= {"MAYA", "ELIAS"}
