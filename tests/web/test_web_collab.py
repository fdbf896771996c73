"""The websocket room against a real `writersroom serve` process: sync, relay, presence, roles,
durability across kill -9, offline edits, refused handshakes."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from websupport import Server, make_user

from writersroom.web.yclient import YClient
from writersroom.web.ydoc import fountain, text_of


def setup_project(server: Server, roles: dict[str, str]) -> tuple[str, dict[str, str]]:
    """An owner's project with members in `roles`; returns (id, email -> cookie header)."""
    cookies = {}
    for email in ["owner@example.com", *roles]:
        make_user(server.db_url, email)
        with server.session(email) as http:
            cookies[email] = f"wr_session={http.cookies['wr_session']}"
    with server.session("owner@example.com") as http:
        pid = http.post("/api/projects", json={"title": "Room"}).json()["id"]
        for email, role in roles.items():
            assert (
                http.post(
                    f"/api/projects/{pid}/members", json={"email": email, "role": role}
                ).status_code
                == 200
            )
    return pid, cookies


def client(server: Server, pid: str, cookie: str) -> YClient:
    return YClient(server.ws + pid, cookie=cookie, origin=server.url)


async def until(check, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


def test_two_editors_converge_and_see_presence(server):
    pid, cookies = setup_project(server, {"ed@example.com": "editor"})

    async def scenario():
        a = client(server, pid, cookies["owner@example.com"])
        b = client(server, pid, cookies["ed@example.com"])
        await a.connect()
        await b.connect()
        a.edit(lambda d: fountain(d).insert(0, "INT. DINER - NIGHT\n\n"))
        await until(lambda: "DINER" in text_of(b.doc))
        b.edit(lambda d: fountain(d).insert(len(fountain(d)), "Rain on the glass.\n"))
        await until(lambda: "Rain" in text_of(a.doc))
        await a.set_presence(
            {"user": {"name": "Owner", "color": "#f00", "email": "owner@example.com"}}
        )
        await until(lambda: any(s and s["user"]["name"] == "Owner" for s in b.presence.values()))
        await a.close()
        await until(lambda: not b.presence)  # leaving removes the presence
        await b.flush()
        await b.close()
        return text_of(b.doc)

    text = asyncio.run(scenario())
    assert text == "INT. DINER - NIGHT\n\nRain on the glass.\n"
    with server.session("owner@example.com") as http:
        assert http.get(f"/api/projects/{pid}/script").text == text


@pytest.mark.parametrize("role", ["viewer", "commenter"])
def test_read_only_roles_cannot_change_the_script(server, role):
    pid, cookies = setup_project(server, {"ro@example.com": role})

    async def scenario():
        owner = client(server, pid, cookies["owner@example.com"])
        reader = client(server, pid, cookies["ro@example.com"])
        await owner.connect()
        owner.edit(lambda d: fountain(d).insert(0, "FADE IN:\n"))
        await owner.flush()
        await reader.connect()
        assert text_of(reader.doc) == "FADE IN:\n"  # reading is allowed
        reader.edit(lambda d: fountain(d).insert(0, "HACKED "))
        await reader.set_presence(
            {"user": {"name": "R", "color": "#0f0", "email": "ro@example.com"}}
        )
        await reader.flush()  # the server has handled (and refused) the update
        await until(lambda: bool(owner.presence))  # presence is allowed for every member
        await owner.flush()
        owner_text = text_of(owner.doc)
        await owner.close()
        await reader.close()
        return owner_text

    assert asyncio.run(scenario()) == "FADE IN:\n"
    with server.session("owner@example.com") as http:
        assert http.get(f"/api/projects/{pid}/script").text == "FADE IN:\n"


def test_kill_9_loses_no_acknowledged_edit(server):
    pid, cookies = setup_project(server, {})
    cookie = cookies["owner@example.com"]

    async def write() -> str:
        a = client(server, pid, cookie)
        await a.connect()
        for i in range(60):
            a.edit(lambda d, i=i: fountain(d).insert(len(fountain(d)), f"Line {i}.\n"))
        await a.flush()  # acknowledged: the server answered a message sent after every edit
        text = text_of(a.doc)
        server.kill()
        await a.close()
        return text

    written = asyncio.run(write())
    server.start()

    async def read() -> str:
        b = client(server, pid, cookie)
        await b.connect()
        text = text_of(b.doc)
        await b.close()
        return text

    assert asyncio.run(read()) == written
    assert written.count("\n") == 60


def test_offline_edits_merge_on_reconnect(server):
    pid, cookies = setup_project(server, {"ed@example.com": "editor"})

    async def scenario():
        a = client(server, pid, cookies["owner@example.com"])
        b = client(server, pid, cookies["ed@example.com"])
        await a.connect()
        a.edit(lambda d: fountain(d).insert(0, "Middle.\n"))
        await a.flush()
        await b.connect()
        await a.close()  # a goes offline and keeps writing
        a.edit(lambda d: fountain(d).insert(0, "Offline start.\n"))
        b.edit(lambda d: fountain(d).insert(len(fountain(d)), "Online end.\n"))
        await b.flush()
        await a.connect()  # the sync exchange carries both ways
        await until(lambda: text_of(a.doc) == text_of(b.doc))
        await a.flush()
        text = text_of(a.doc)
        await a.close()
        await b.close()
        return text

    text = asyncio.run(scenario())
    assert text == "Offline start.\nMiddle.\nOnline end.\n"
    with server.session("owner@example.com") as http:
        assert http.get(f"/api/projects/{pid}/script").text == text


def test_handshake_is_refused_before_accept(server):
    pid, cookies = setup_project(server, {})
    make_user(server.db_url, "stranger@example.com")
    with server.session("stranger@example.com") as http:
        stranger = f"wr_session={http.cookies['wr_session']}"

    async def status(cookie: str, origin: str) -> int:
        try:
            ws = await websockets.connect(
                server.ws + pid, additional_headers={"Cookie": cookie, "Origin": origin}
            )
        except websockets.InvalidStatus as exc:
            return exc.response.status_code
        await ws.close()
        return 101

    async def all_cases():
        return [
            await status("", server.url),
            await status(cookies["owner@example.com"], "http://evil.example"),
            await status(cookies["owner@example.com"], ""),
            await status(stranger, server.url),
            await status(cookies["owner@example.com"], server.url),
        ]

    assert asyncio.run(all_cases()) == [401, 403, 403, 403, 101]


def test_malformed_messages_close_the_socket(server):
    pid, cookies = setup_project(server, {})

    async def scenario():
        a = client(server, pid, cookies["owner@example.com"])
        await a.connect()
        a.send_raw(bytes([0, 2, 5, 1, 2]))  # an update message with a truncated payload
        await until(lambda: not a.connected)
        b = client(server, pid, cookies["owner@example.com"])  # the room still works
        await b.connect()
        await b.close()

    asyncio.run(scenario())


def test_presence_cannot_speak_for_another_client_and_big_frames_close(server):
    pid, cookies = setup_project(server, {"ed@example.com": "editor"})

    async def scenario():
        a = client(server, pid, cookies["owner@example.com"])
        b = client(server, pid, cookies["ed@example.com"])
        watcher = client(server, pid, cookies["owner@example.com"])
        for each in (a, b, watcher):
            await each.connect()
        await a.set_presence({"user": {"name": "A", "color": "#111", "email": "a"}})
        await until(lambda: a.doc.client_id in watcher.presence)
        forged = _awareness_for(a.doc.client_id, 99, None)  # b tries to remove a's presence
        b.send_raw(forged)
        await b.flush()
        await watcher.flush()
        assert a.doc.client_id in watcher.presence
        b.send_raw(bytes([0, 2]) + _varuint(9 * 2**20) + b"\0" * (9 * 2**20))
        await until(lambda: not b.connected)
        for each in (a, watcher):
            await each.close()

    asyncio.run(scenario())


def _varuint(n: int) -> bytes:
    from pycrdt import write_var_uint

    return write_var_uint(n)


def _awareness_for(client_id: int, clock: int, state) -> bytes:
    import json

    from pycrdt import Encoder

    from writersroom.web import protocol

    encoder = Encoder()
    encoder.write_var_uint(1)
    encoder.write_var_uint(client_id)
    encoder.write_var_uint(clock)
    encoder.write_var_string(json.dumps(state))
    return protocol.awareness(encoder.to_bytes())


def test_a_client_that_reads_too_slowly_is_disconnected():
    from writersroom.web.routes.collab import QUEUE, Client

    class Socket:  # records what the pump does with it
        def __init__(self):
            self.sent, self.closed = [], None

        async def send_bytes(self, message):
            self.sent.append(message)

        async def close(self, code, reason=""):
            self.closed = code

    async def scenario():
        socket = Socket()
        slow = Client(socket, "slow@example.com", "viewer")  # type: ignore[arg-type]
        for _ in range(QUEUE + 1):
            slow.push(b"update")
        await slow.pump()
        return socket

    socket = asyncio.run(scenario())
    assert socket.closed == 1013 and socket.sent == []
