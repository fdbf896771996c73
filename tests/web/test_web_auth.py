"""Accounts: the users command, login, rate limiting, Origin check, headers, invitations."""

from __future__ import annotations

from click.testing import CliRunner
from websupport import ORIGIN, PASSWORD, make_user

from writersroom.cli import cli
from writersroom.web.security import CSP


def test_users_add_then_login(app_client, web):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["users", "add", "Ana@Example.com", "--password-stdin", "--admin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "added ana@example.com (admin)\n"
    again = runner.invoke(
        cli, ["users", "add", "ana@example.com", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    response = app_client.post(
        "/api/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["email"] == "ana@example.com"
    cookie = response.headers["set-cookie"]
    assert "wr_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert app_client.get("/api/me").json()["admin"] is True
    assert app_client.post("/api/auth/logout").status_code == 204
    assert app_client.get("/api/me").status_code == 401


def test_stored_password_is_argon2id(web):
    from sqlalchemy import select

    from writersroom.web.db import open_engine, session_factory
    from writersroom.web.tables import User

    make_user(web.db_url, "b@example.com")
    engine = open_engine(web.db_url)
    with session_factory(engine)() as db:
        stored = db.scalar(select(User.password_hash))
    engine.dispose()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_is_401_then_rate_limited(app_client, web):
    make_user(web.db_url, "c@example.com")
    for _ in range(web.login_attempts):
        bad = app_client.post(
            "/api/auth/login", json={"email": "c@example.com", "password": "nope"}
        )
        assert bad.status_code == 401
    blocked = app_client.post(
        "/api/auth/login", json={"email": "c@example.com", "password": PASSWORD}
    )
    assert blocked.status_code == 429


def test_state_changing_request_needs_same_origin(app_client, web):
    make_user(web.db_url, "d@example.com")
    body = {"email": "d@example.com", "password": PASSWORD}
    assert (
        app_client.post(
            "/api/auth/login", json=body, headers={"Origin": "https://evil.example"}
        ).status_code
        == 403
    )
    app_client.headers.pop("Origin")
    assert app_client.post("/api/auth/login", json=body).status_code == 403
    assert (
        app_client.post("/api/auth/login", json=body, headers={"Origin": ORIGIN}).status_code == 200
    )


def test_security_headers_and_openapi(app_client):
    response = app_client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    paths = response.json()["paths"]
    assert "/api/projects/{project_id}/script" in paths and "/api/auth/login" in paths
    assert app_client.get("/").headers["content-security-policy"] == CSP


def test_invitation_creates_the_account_and_membership(app_client, login):
    owner = login("owner@example.com")
    pid = owner.post("/api/projects", json={"title": "Heist"}).json()["id"]
    invited = owner.post(
        f"/api/projects/{pid}/members", json={"email": "New@Example.com", "role": "editor"}
    ).json()
    assert invited["status"] == "invited" and invited["invitation"]
    app_client.cookies.clear()
    bad = app_client.post("/api/auth/accept", json={"token": "nope", "password": PASSWORD})
    assert bad.status_code == 400
    accepted = app_client.post(
        "/api/auth/accept",
        json={"token": invited["invitation"], "password": PASSWORD, "name": "New"},
    )
    assert accepted.status_code == 200 and accepted.json()["email"] == "new@example.com"
    projects = app_client.get("/api/projects").json()
    assert projects == {"data": [{"id": pid, "title": "Heist", "role": "editor"}], "count": 1}
    reused = app_client.post(
        "/api/auth/accept", json={"token": invited["invitation"], "password": PASSWORD}
    )
    assert reused.status_code == 400


def test_oversized_bodies_are_refused(app_client, login, web):
    owner = login("big@example.com")
    huge = "x" * (web.upload_limit + 2**20 + 1)
    response = owner.post(
        "/api/projects", content=huge, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-security-policy"] == CSP
