"""The seam for server-side changes and blocking jobs (used by the AI routes): a change made with
`rooms.transact_from_thread` from a worker thread reaches every client like a client's edit and
is stored; a long blocking job does not hold up anyone's typing."""

from __future__ import annotations

import asyncio
import time

from websupport import PASSWORD, make_user

from writersroom.web.yclient import YClient
from writersroom.web.ydoc import fountain, shared_map, text_of


def test_server_change_from_a_worker_thread_reaches_clients(serve_app, web):
    import httpx

    url, app = serve_app(web)
    make_user(web.db_url, "a@example.com")
    with httpx.Client(base_url=url, headers={"Origin": url}) as http:
        http.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})
        pid = http.post("/api/projects", json={"title": "Seam"}).json()["id"]
        cookie = f"wr_session={http.cookies['wr_session']}"
    rooms, jobs = app.state.rooms, app.state.jobs

    def suggest(doc) -> str:
        shared_map(doc, "suggestions")["s1"] = {
            "id": "s1",
            "text": "More rain.",
            "status": "pending",
        }
        return "s1"

    def slow_job() -> str:  # a model call: blocking, on a worker thread
        time.sleep(1.5)
        return rooms.transact_from_thread(pid, suggest)

    async def scenario() -> tuple[float, dict]:
        a = YClient(url.replace("http", "ws") + "/ws/projects/" + pid, cookie=cookie, origin=url)
        b = YClient(url.replace("http", "ws") + "/ws/projects/" + pid, cookie=cookie, origin=url)
        await a.connect()
        await b.connect()
        job = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(jobs.run(slow_job), rooms.loop))
        started = time.monotonic()
        a.edit(lambda d: fountain(d).insert(0, "Typing while the job runs.\n"))
        while "Typing" not in text_of(b.doc):
            await asyncio.sleep(0.01)
        typed = time.monotonic() - started
        assert await job == "s1"
        while "s1" not in shared_map(b.doc, "suggestions"):
            await asyncio.sleep(0.01)
        seen = shared_map(b.doc, "suggestions")["s1"]
        await a.close()
        await b.close()
        return typed, seen

    typed, seen = asyncio.run(scenario())
    assert typed < 1.0  # the edit did not wait for the 1.5 s job
    assert seen["text"] == "More rain." and seen["status"] == "pending"
    stored = app.state.store.load(pid)
    assert shared_map(stored, "suggestions").to_py()["s1"]["text"] == "More rain."


def test_demoted_editor_can_no_longer_write(serve_app, web):
    import dataclasses

    import httpx

    url, _app = serve_app(dataclasses.replace(web, recheck_seconds=0.0))
    make_user(web.db_url, "o@example.com")
    make_user(web.db_url, "e@example.com")
    with httpx.Client(base_url=url, headers={"Origin": url}) as owner:
        owner.post("/api/auth/login", json={"email": "o@example.com", "password": PASSWORD})
        pid = owner.post("/api/projects", json={"title": "T"}).json()["id"]
        owner.post(
            f"/api/projects/{pid}/members", json={"email": "e@example.com", "role": "editor"}
        )
        with httpx.Client(base_url=url, headers={"Origin": url}) as editor:
            editor.post("/api/auth/login", json={"email": "e@example.com", "password": PASSWORD})
            cookie = f"wr_session={editor.cookies['wr_session']}"

        async def scenario() -> None:
            e = YClient(
                url.replace("http", "ws") + "/ws/projects/" + pid, cookie=cookie, origin=url
            )
            await e.connect()
            e.edit(lambda d: fountain(d).insert(0, "Allowed.\n"))
            await e.flush()
            demoted = owner.post(
                f"/api/projects/{pid}/members", json={"email": "e@example.com", "role": "viewer"}
            )
            assert demoted.json()["status"] == "added"
            e.edit(lambda d: fountain(d).insert(0, "Refused.\n"))
            await e.flush()
            await e.close()

        asyncio.run(scenario())
        assert owner.get(f"/api/projects/{pid}/script").text == "Allowed.\n"


def test_a_failed_store_write_closes_the_room_and_nothing_is_lost(serve_app, web):
    import httpx

    url, app = serve_app(web)
    make_user(web.db_url, "a@example.com")
    with httpx.Client(base_url=url, headers={"Origin": url}) as http:
        http.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})
        pid = http.post("/api/projects", json={"title": "Disk full"}).json()["id"]
        cookie = f"wr_session={http.cookies['wr_session']}"
    store = app.state.store
    ws = url.replace("http", "ws") + "/ws/projects/" + pid

    def refuse(project_id: str, update: bytes) -> int:
        raise OSError("disk full")

    async def scenario() -> str:
        a = YClient(ws, cookie=cookie, origin=url)
        b = YClient(ws, cookie=cookie, origin=url)
        await a.connect()
        await b.connect()
        store.append = refuse  # the next write fails, as on a full disk
        a.edit(lambda d: fountain(d).insert(0, "Not stored yet.\n"))
        while a.connected or b.connected:  # both sockets of the room are closed
            await asyncio.sleep(0.02)
        assert "Not stored" not in text_of(b.doc)  # never relayed before it was stored
        del store.append  # the disk is back
        await a.connect()  # the sync exchange sends the edit again; now it is stored
        await b.connect()
        await b.flush()
        text = text_of(b.doc)
        await a.close()
        await b.close()
        return text

    assert asyncio.run(scenario()) == "Not stored yet.\n"
    assert text_of(store.load(pid)) == "Not stored yet.\n"


def test_a_socket_that_only_reads_is_closed_after_logout(serve_app, web):
    import dataclasses

    import httpx

    url, _app = serve_app(dataclasses.replace(web, recheck_seconds=0.2))
    make_user(web.db_url, "r@example.com")
    with httpx.Client(base_url=url, headers={"Origin": url}) as http:
        http.post("/api/auth/login", json={"email": "r@example.com", "password": PASSWORD})
        pid = http.post("/api/projects", json={"title": "Logout"}).json()["id"]
        cookie = f"wr_session={http.cookies['wr_session']}"

        async def scenario() -> bool:
            reader = YClient(
                url.replace("http", "ws") + "/ws/projects/" + pid, cookie=cookie, origin=url
            )
            await reader.connect()
            assert reader.connected
            assert http.post("/api/auth/logout").status_code == 204
            for _ in range(300):  # the watcher closes it within a few recheck periods
                if not reader.connected:
                    break
                await asyncio.sleep(0.05)
            closed = not reader.connected
            await reader.close()
            return closed

        assert asyncio.run(scenario())
