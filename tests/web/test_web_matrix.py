"""The authorization matrix: every route x role (owner, editor, commenter, viewer, non-member,
anonymous) over HTTP and the websocket, and no read or write across projects."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from fastapi.testclient import TestClient
from websupport import ORIGIN, Server, make_user

from writersroom.web.yclient import YClient
from writersroom.web.ydoc import fountain, text_of

ROLES = ["owner", "editor", "commenter", "viewer", "nonmember", "anonymous"]
RANK = {"viewer": 0, "commenter": 1, "editor": 2, "owner": 3}
SCENE = b"INT. VAULT - NIGHT\n\nDust.\n"
COMMENT = {"start": "AA==", "end": "AA==", "quote": "", "text": "note"}

# (method, path, body, the least role that may call it); {p}: project, {v}: one of its versions
PROJECT_ROUTES = [
    ("GET", "/api/projects/{p}", None, "viewer"),
    ("POST", "/api/projects/{p}/members", {"email": "x@example.com", "role": "viewer"}, "owner"),
    ("GET", "/api/projects/{p}/script", None, "viewer"),
    ("GET", "/api/projects/{p}/script?format=fdx", None, "viewer"),
    ("PUT", "/api/projects/{p}/script", SCENE, "editor"),
    ("POST", "/api/projects/{p}/pages", {"fountain": "INT. X - DAY\n"}, "viewer"),
    ("POST", "/api/projects/{p}/comments", COMMENT, "commenter"),
    ("GET", "/api/projects/{p}/versions", None, "viewer"),
    ("POST", "/api/projects/{p}/versions", {"name": "v"}, "editor"),
    ("GET", "/api/projects/{p}/versions/{v}/diff", None, "viewer"),
    ("POST", "/api/projects/{p}/versions/{v}/restore", None, "editor"),
]
ACCOUNT_ROUTES = [  # any logged-in user; 401 for anonymous
    ("GET", "/api/me", None),
    ("GET", "/api/projects", None),
    ("POST", "/api/projects", {"title": "Mine"}),
]


def call(client: TestClient, method: str, path: str, body: object):
    if isinstance(body, bytes):
        return client.request(method, path, content=body)
    return client.request(method, path, json=body)


@pytest.fixture
def world(login, app_client, web):
    """Project A with one user per role, project B of another owner, a version in each."""
    clients = {role: login(f"{role}@example.com") for role in ROLES[:5]}
    clients["anonymous"] = TestClient(app_client.app, headers={"Origin": ORIGIN})
    owner = clients["owner"]
    a = owner.post("/api/projects", json={"title": "A"}).json()["id"]
    for role in ("editor", "commenter", "viewer"):
        owner.post(
            f"/api/projects/{a}/members", json={"email": f"{role}@example.com", "role": role}
        )
    owner.put(f"/api/projects/{a}/script", content=SCENE)
    va = owner.post(f"/api/projects/{a}/versions", json={"name": "a1"}).json()["id"]
    other = login("other@example.com")
    b = other.post("/api/projects", json={"title": "B"}).json()["id"]
    other.put(f"/api/projects/{b}/script", content=b"EXT. B - DAY\n\nSecret.\n")
    vb = other.post(f"/api/projects/{b}/versions", json={"name": "b1"}).json()["id"]
    yield clients, other, (a, va), (b, vb)
    clients["anonymous"].close()


def expected(role: str, least: str) -> int:
    if role == "anonymous":
        return 401
    if role == "nonmember":
        return 404
    return 200 if RANK[role] >= RANK[least] else 403


def test_http_matrix(world):
    clients, _other, (a, va), _b = world
    for role in ROLES:
        _http_row(clients[role], role, a, va)


def _http_row(client: TestClient, role: str, a: str, va: int) -> None:
    for method, path, body, least in PROJECT_ROUTES:
        response = call(client, method, path.format(p=a, v=va), body)
        got = 200 if response.status_code in (200, 204) else response.status_code
        assert got == expected(role, least), (role, method, path, response.text)
    for method, path, body in ACCOUNT_ROUTES:
        response = call(client, method, path, body)
        assert response.status_code == (401 if role == "anonymous" else 200), (role, path)


def test_no_cross_project_reads_or_writes(world):
    clients, other, (a, va), (b, vb) = world
    for role in ROLES:
        _cross_row(clients, other, role, (a, va), (b, vb))


def _cross_row(clients, other, role, project_a, project_b) -> None:
    (a, _va), (b, vb) = project_a, project_b
    before = (
        other.get(f"/api/projects/{b}").json(),
        other.get(f"/api/projects/{b}/script").text,
        other.get(f"/api/projects/{b}/versions").json(),
    )
    for method, path, body, _least in PROJECT_ROUTES:
        response = call(clients[role], method, path.format(p=b, v=vb), body)
        assert response.status_code == (401 if role == "anonymous" else 404), (role, path)
        if "{v}" in path:  # A's project with B's version: still nothing of B
            response = call(clients[role], method, path.format(p=a, v=vb), body)
            assert response.status_code in (401, 403, 404), (role, path)
    listed = clients[role].get("/api/projects")
    if role != "anonymous":
        assert b not in {p["id"] for p in listed.json()["data"]}
    after = (
        other.get(f"/api/projects/{b}").json(),
        other.get(f"/api/projects/{b}/script").text,
        other.get(f"/api/projects/{b}/versions").json(),
    )
    assert after == before


def test_matrix_covers_every_api_route(app_client):
    """A new route must be added to the matrix (the AI routes have their own tests)."""
    covered = {
        (m, p.split("?")[0].replace("{p}", "{project_id}").replace("{v}", "{version_id}"))
        for m, p, _b, _l in PROJECT_ROUTES
    }
    covered |= {(m, p) for m, p, _b in ACCOUNT_ROUTES}
    covered |= {
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/logout"),
        ("POST", "/api/auth/accept"),
    }
    # Read the OpenAPI schema: app.routes holds included routers as opaque objects in FastAPI
    # 0.165, so walking it would find no routes and the check would pass vacuously.
    routes = {
        (method.upper(), path)
        for path, operations in app_client.app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        if "ai" not in operation.get("tags", [])
    }
    assert len(routes) > 10
    assert routes - covered == set()


def test_websocket_matrix(web):
    from websupport import server_for

    server: Server = server_for(web.settings.home, web.db_url).start()
    try:
        _websocket_matrix(server)
    finally:
        server.stop()


def _websocket_matrix(server: Server) -> None:
    cookies = {}
    for role in ROLES[:5]:
        make_user(server.db_url, f"{role}@example.com")
        with server.session(f"{role}@example.com") as http:
            cookies[role] = f"wr_session={http.cookies['wr_session']}"
    cookies["anonymous"] = ""
    with server.session("owner@example.com") as http:
        a = http.post("/api/projects", json={"title": "A"}).json()["id"]
        for role in ("editor", "commenter", "viewer"):
            http.post(
                f"/api/projects/{a}/members", json={"email": f"{role}@example.com", "role": role}
            )
    make_user(server.db_url, "other@example.com")
    with server.session("other@example.com") as http:
        b = http.post("/api/projects", json={"title": "B"}).json()["id"]
        http.put(f"/api/projects/{b}/script", content=b"Secret.\n")

    async def attempt(role: str, pid: str) -> int | str:
        client = YClient(server.ws + pid, cookie=cookies[role], origin=server.url)
        try:
            await client.connect()
        except websockets.InvalidStatus as exc:
            return exc.response.status_code
        seen = text_of(client.doc)
        client.edit(lambda d: fountain(d).insert(len(fountain(d)), f"{role}.\n"))
        await client.flush()
        await client.close()
        return seen

    async def run():
        results = {role: await attempt(role, a) for role in ROLES}
        cross = {role: await attempt(role, b) for role in ROLES}
        return results, cross

    results, cross = asyncio.run(run())
    assert results["anonymous"] == 401 and results["nonmember"] == 403
    assert all(isinstance(results[r], str) for r in ("owner", "editor", "commenter", "viewer"))
    assert cross == {
        "owner": 403,
        "editor": 403,
        "commenter": 403,
        "viewer": 403,
        "nonmember": 403,
        "anonymous": 401,
    }
    with server.session("owner@example.com") as http:
        assert http.get(f"/api/projects/{a}/script").text == "owner.\neditor.\n"
    with server.session("other@example.com") as http:
        assert http.get(f"/api/projects/{b}/script").text == "Secret.\n"
