"""The authorization matrix of the AI routes: every AI route x role (owner, editor, commenter,
viewer, non-member, anonymous), and nothing of another project reachable through them."""

from __future__ import annotations

from aisupport import SCENE, load_story_fake, position, read, settled, use_backends, wait_until
from fastapi.testclient import TestClient
from test_web_matrix import ROLES, expected  # the same roles and answers as the other routes
from websupport import ORIGIN

from writersroom.evaluate import Tools
from writersroom.web.ydoc import shared_map, text_of

LOGLINE = "A keeper and a storm."


def routes(at: str, start: str, end: str) -> list[tuple[str, dict, str]]:
    """(path under /api/projects/{p}/ai, body, the least role that may call it)."""
    return [
        ("continue", {"at": at, "max_tokens": 8}, "editor"),
        ("rewrite", {"start": start, "end": end, "instruction": "x"}, "editor"),
        ("dialogue", {"at": at, "characters": ["MAYA"], "situation": "x", "lines": 1}, "editor"),
        ("draft", {"logline": LOGLINE, "scenes": 1}, "editor"),
        ("draft/regenerate", {"level": "title"}, "editor"),
        ("draft/lock", {"level": "title", "lock": False}, "editor"),
        ("coverage", {}, "viewer"),
    ]


def _quiet(app, pid: str) -> None:
    """Wait until no AI work runs (each role's call settles before the next)."""
    wait_until(lambda: not app.state.ai.running and not app.state.ai.stories)
    pending = read(app, pid, lambda doc: shared_map(doc, "suggestions").to_py())
    for sid in pending:
        settled(app, pid, sid)


def test_ai_matrix(login, app_client, web):
    app = app_client.app
    fake = load_story_fake()

    def reply(request) -> str:  # story prompts in form, anything else a line of dialogue
        try:
            return fake.story_reply(request)
        except AssertionError:
            return "MAYA\nNot tonight."

    state = use_backends(app, web, default=fake.StoryFake(reply=reply))
    state.tools["default"] = Tools()  # coverage from code signals only: the roles are the point
    clients = {role: login(f"{role}@example.com") for role in ROLES[:5]}
    clients["anonymous"] = TestClient(app, headers={"Origin": ORIGIN})
    owner = clients["owner"]
    a = owner.post("/api/projects", json={"title": "A"}).json()["id"]
    for role in ("editor", "commenter", "viewer"):
        owner.post(
            f"/api/projects/{a}/members", json={"email": f"{role}@example.com", "role": role}
        )
    owner.put(f"/api/projects/{a}/script", content=SCENE.encode())
    other = login("other@example.com")
    b = other.post("/api/projects", json={"title": "B"}).json()["id"]
    other.put(f"/api/projects/{b}/script", content=b"EXT. B - DAY\n\nSecret.\n")
    first = owner.post(f"/api/projects/{a}/ai/draft", json={"logline": LOGLINE, "scenes": 1})
    assert first.status_code == 200
    _quiet(app, a)

    begin = SCENE.index("Rain")
    at, start = position(app, a, begin), position(app, a, begin)
    end = position(app, a, begin + 4, before=True)
    for role in ROLES:
        for path, body, least in routes(at, start, end):
            response = clients[role].post(f"/api/projects/{a}/ai/{path}", json=body)
            assert response.status_code == expected(role, least), (role, path, response.text)
            _quiet(app, a)
            cross = clients[role].post(f"/api/projects/{b}/ai/{path}", json=body)
            assert cross.status_code == (401 if role == "anonymous" else 404), (role, path)
        models = clients[role].get("/api/models")
        assert models.status_code == (401 if role == "anonymous" else 200)
    assert read(app, b, lambda doc: shared_map(doc, "suggestions").to_py()) == {}
    assert read(app, b, lambda doc: shared_map(doc, "jobs").to_py()) == {}
    assert read(app, b, text_of) == "EXT. B - DAY\n\nSecret.\n"
    assert read(app, a, text_of) == SCENE  # only suggestions, never the script
    clients["anonymous"].close()


def test_matrix_covers_every_ai_route(app_client):
    covered = {f"/api/projects/{{project_id}}/ai/{p}" for p, _b, _l in routes("", "", "")}
    covered.add("/api/models")
    paths = app_client.app.openapi()["paths"]  # included routers may not be flat in .routes
    found = {
        path
        for path, operations in paths.items()
        if any("ai" in op.get("tags", ()) for op in operations.values())
    }
    assert found == covered
