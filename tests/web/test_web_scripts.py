"""Import, export, pages, comments and versions over HTTP on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.screenplay import fountain, io
from writersroom.screenplay.paginate import paginate

GOLDEN = Path(__file__).parents[1] / "screenplay" / "golden"
SCENE = "INT. DINER - NIGHT\n\nRain on the glass.\n\nMARLA\nWe close at two.\n"


@pytest.fixture
def project(login):
    owner = login("owner@example.com")
    pid = owner.post("/api/projects", json={"title": "Diner"}).json()["id"]
    return owner, pid


def test_import_fountain_then_export_every_format(project):
    owner, pid = project
    assert owner.put(f"/api/projects/{pid}/script", content=SCENE.encode()).status_code == 204
    assert owner.get(f"/api/projects/{pid}/script").text == SCENE
    fdx = owner.get(f"/api/projects/{pid}/script?format=fdx")
    assert fdx.status_code == 200 and b"<FinalDraft" in fdx.content
    assert io.loads(fdx.content, "fdx") == fountain.parse(SCENE)
    pdf = owner.get(f"/api/projects/{pid}/script?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = owner.get(f"/api/projects/{pid}/script?format=html")
    assert "MARLA" in html.text
    assert owner.get(f"/api/projects/{pid}/script?format=doc").status_code == 422


def test_import_fdx_and_pdf(project):
    owner, pid = project
    doc = fountain.parse(SCENE)
    fdx = io.dumps(doc, "fdx")
    assert owner.put(f"/api/projects/{pid}/script", content=fdx).status_code == 204
    assert fountain.parse(owner.get(f"/api/projects/{pid}/script").text) == doc
    pdf = io.dumps(doc, "pdf")
    assert owner.put(f"/api/projects/{pid}/script", content=pdf).status_code == 204
    assert "We close at two." in owner.get(f"/api/projects/{pid}/script").text


def test_import_refuses_binary_and_oversized_files(project, web):
    owner, pid = project
    bad = owner.put(f"/api/projects/{pid}/script", content=b"\x00\x01binary\x00")
    assert bad.status_code == 422
    huge = owner.put(f"/api/projects/{pid}/script", content=b"x" * (web.upload_limit + 1))
    assert huge.status_code == 413


def test_pages_match_the_paginator(project):
    owner, pid = project
    text = (GOLDEN / "night-shift.fountain").read_text(encoding="utf-8")
    body = owner.post(f"/api/projects/{pid}/pages", json={"fountain": text}).json()
    script_pages = [p for p in paginate(fountain.parse(text)) if not p.is_title]
    assert body["pages"] == len(script_pages) == 2  # the title page is not counted
    (brk,) = body["breaks"]
    assert brk["page"] == 2
    assert text[brk["offset"] :].startswith("INT. DINER - LATER")


def test_comment_is_written_into_the_shared_doc(project, app_client):
    owner, pid = project
    made = owner.post(
        f"/api/projects/{pid}/comments",
        json={"start": "AAE=", "end": "AAI=", "quote": "Rain", "text": "<b>too wet</b>"},
    )
    assert made.status_code == 200
    cid = made.json()["id"]
    rooms = app_client.app.state.rooms
    comments = rooms.read_from_thread(pid, lambda doc: doc.get("comments", type=_map()).to_py())
    assert comments[cid]["text"] == "<b>too wet</b>"  # stored as given; rendered as text by the UI
    assert comments[cid]["author"] == "owner@example.com" and comments[cid]["resolved"] is False


def _map():
    from pycrdt import Map

    return Map


def test_versions_save_diff_restore(project):
    owner, pid = project
    owner.put(f"/api/projects/{pid}/script", content=SCENE.encode())
    vid = owner.post(f"/api/projects/{pid}/versions", json={"name": "First draft"}).json()["id"]
    changed = SCENE.replace("two", "three")
    owner.put(f"/api/projects/{pid}/script", content=changed.encode())
    diff = owner.get(f"/api/projects/{pid}/versions/{vid}/diff").json()["diff"]
    assert "-We close at two.\n+We close at three.\n" in diff
    assert owner.post(f"/api/projects/{pid}/versions/{vid}/restore").status_code == 204
    assert owner.get(f"/api/projects/{pid}/script").text == SCENE
    listed = owner.get(f"/api/projects/{pid}/versions").json()["data"]
    assert [v["name"] for v in listed] == ["Before restoring First draft", "First draft"]
    assert listed[0]["author"] == "owner@example.com"
    assert owner.get(f"/api/projects/{pid}/versions/999/diff").status_code == 404


def test_diff_lines_stand_alone_without_a_final_newline(project):
    owner, pid = project
    owner.put(f"/api/projects/{pid}/script", content=b"Mara waits.")
    vid = owner.post(f"/api/projects/{pid}/versions", json={"name": "one"}).json()["id"]
    owner.put(f"/api/projects/{pid}/script", content=b"Mara waits. And waits.")
    diff = owner.get(f"/api/projects/{pid}/versions/{vid}/diff").json()["diff"]
    assert "-Mara waits.\n+Mara waits. And waits.\n" in diff


def test_scripts_over_the_character_limit_are_refused(project, monkeypatch):
    owner, pid = project
    monkeypatch.setenv("WRITERSROOM_MAX_SCRIPT_CHARS", "40")
    refused = owner.put(f"/api/projects/{pid}/script", content=SCENE.encode())
    assert refused.status_code == 422 and "WRITERSROOM_MAX_SCRIPT_CHARS" in refused.text
    assert owner.get(f"/api/projects/{pid}/script").text == ""  # nothing was half-imported
    pages = owner.post(f"/api/projects/{pid}/pages", json={"fountain": SCENE})
    assert pages.status_code == 413
    monkeypatch.delenv("WRITERSROOM_MAX_SCRIPT_CHARS")
    assert owner.put(f"/api/projects/{pid}/script", content=SCENE.encode()).status_code == 204
