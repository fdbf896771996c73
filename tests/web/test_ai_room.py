"""The AI routes end to end on a real server (uvicorn on 127.0.0.1) with pycrdt clients over real
websockets: a long AI job does not hold up anyone's typing, and on the real bundled model
(`default`) continue and rewrite arrive as pending suggestions every client sees, while the
script changes only when a client accepts one."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from aisupport import SCENE, Gate, use_backends
from websupport import PASSWORD, make_user

from writersroom.web.ai import entry_of
from writersroom.web.aiprompts import encode_position, resolve
from writersroom.web.yclient import YClient
from writersroom.web.ydoc import fountain, shared_map, text_of


@contextlib.contextmanager
def _room(serve_app, web, editors=("a@example.com",)):
    """(url, app, project id, {email: (http client, cookie)}) with SCENE as the script."""
    url, app = serve_app(web)
    clients = {}
    with contextlib.ExitStack() as stack:
        for email in editors:
            make_user(web.db_url, email)
            http = stack.enter_context(httpx.Client(base_url=url, headers={"Origin": url}))
            assert http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
            clients[email] = (http, f"wr_session={http.cookies['wr_session']}")
        owner = clients[editors[0]][0]
        pid = owner.post("/api/projects", json={"title": "Harbour"}).json()["id"]
        for email in editors[1:]:
            owner.post(f"/api/projects/{pid}/members", json={"email": email, "role": "editor"})
        owner.put(f"/api/projects/{pid}/script", content=SCENE.encode())
        yield url, app, pid, clients


def _client(url: str, pid: str, cookie: str) -> YClient:
    return YClient(url.replace("http", "ws", 1) + "/ws/projects/" + pid, cookie=cookie, origin=url)


def _suggestion(client: YClient, sid: str) -> dict:
    return entry_of(shared_map(client.doc, "suggestions").get(sid))


async def _until(check, timeout: float = 300.0):
    async with asyncio.timeout(timeout):
        while not (value := check()):
            await asyncio.sleep(0.02)
        return value


def test_typing_goes_on_while_an_ai_job_runs(serve_app, web):
    with _room(serve_app, web, ("a@example.com", "b@example.com")) as (url, app, pid, clients):
        gate = Gate(first="The fog ", rest="lifts.")
        use_backends(app, web, default=gate)
        http_a, cookie_a = clients["a@example.com"]
        _http_b, cookie_b = clients["b@example.com"]

        async def scenario() -> None:
            a, b = _client(url, pid, cookie_a), _client(url, pid, cookie_b)
            await a.connect()
            await b.connect()
            at = encode_position(a.doc, len(text_of(a.doc)))
            response = await asyncio.to_thread(
                http_a.post, f"/api/projects/{pid}/ai/continue", json={"at": at}
            )
            sid = response.json()["suggestion"]
            await _until(lambda: _suggestion(b, sid).get("text"))  # the job is streaming
            b.edit(lambda d: fountain(d).insert(0, "Typed while the model works.\n"))
            await _until(lambda: text_of(a.doc).startswith("Typed while"))
            # the edit arrived while the job is still running (its model is waiting)
            assert _suggestion(a, sid)["status"] == "streaming" and not gate.opened.is_set()
            gate.open()
            done = await _until(lambda: _suggestion(b, sid).get("status") == "pending")
            assert done
            await a.close()
            await b.close()

        asyncio.run(scenario())


def test_continue_and_rewrite_on_the_default_model(serve_app, web):
    emails = ("a@example.com", "b@example.com")
    with _room(serve_app, web, emails) as (url, _app, pid, clients):
        http_a, cookie_a = clients["a@example.com"]
        http_b, _cookie_b = clients["b@example.com"]
        selected = "Rain on the glass. MAYA counts coins."

        async def scenario() -> tuple[str, dict, dict]:
            a = _client(url, pid, cookie_a)
            await a.connect()
            begin = text_of(a.doc).index(selected)
            at = encode_position(a.doc, len(text_of(a.doc)))
            start = encode_position(a.doc, begin)
            end = encode_position(a.doc, begin + len(selected), before=True)
            base = f"/api/projects/{pid}/ai"
            asks = await asyncio.gather(  # two users at once: one engine, decoded together
                asyncio.to_thread(
                    http_a.post, f"{base}/continue", json={"at": at, "max_tokens": 24}
                ),
                asyncio.to_thread(
                    http_b.post,
                    f"{base}/rewrite",
                    json={"start": start, "end": end, "instruction": "darker", "max_tokens": 24},
                ),
            )
            assert all(r.status_code == 200 for r in asks), [r.text for r in asks]
            ids = [r.json()["suggestion"] for r in asks]
            await _until(
                lambda: all(_suggestion(a, s).get("status") not in (None, "streaming") for s in ids)
            )
            cont, rew = (_suggestion(a, s) for s in ids)
            untouched = text_of(a.doc)

            # accept the rewrite as an editor's browser does: one transaction
            def accept(doc) -> None:
                lo, hi = resolve(doc, rew["start"]), resolve(doc, rew["end"])
                text = fountain(doc)
                prefix = str(text)[:lo].encode()
                span = str(text)[lo:hi].encode()
                del text[len(prefix) : len(prefix) + len(span)]
                text.insert(len(prefix), rew["text"])
                shared_map(doc, "suggestions")[rew["id"]] = {**rew, "status": "accepted"}

            a.edit(accept)
            await a.flush()
            await a.close()
            return untouched, cont, rew

        untouched, cont, rew = asyncio.run(scenario())
        assert untouched == SCENE  # suggestions only, until someone accepts
        assert cont["status"] == "pending" and cont["kind"] == "insert", cont
        assert cont["text"].strip() and cont["author"] == "ai:default"
        assert rew["status"] == "pending" and rew["kind"] == "replace", rew
        assert rew["original"] == selected and rew["text"].strip()
        assert "\n" not in rew["text"]  # a rewrite inside a line stays on it (grammar)
        stored = http_a.get(f"/api/projects/{pid}/script").text
        assert stored == SCENE.replace(selected, rew["text"])


def test_draft_from_a_logline_on_the_default_model(serve_app, web):
    """The story engine drafts on the real bundled model through the web route: the job's
    progress and the bible reach a connected client, and the screenplay arrives as one pending
    suggestion while the script stays as it was."""
    with _room(serve_app, web) as (url, _app, pid, clients):
        http, cookie = clients["a@example.com"]

        async def scenario() -> tuple[dict, dict, dict, str]:
            a = _client(url, pid, cookie)
            await a.connect()
            logline = "A lighthouse keeper finds a message in a bottle addressed to her."
            asked = await asyncio.to_thread(
                http.post, f"/api/projects/{pid}/ai/draft", json={"logline": logline, "scenes": 1}
            )
            assert asked.status_code == 200, asked.text
            jid = asked.json()["job"]

            def job() -> dict:
                return entry_of(shared_map(a.doc, "jobs").get(jid))

            await _until(lambda: job().get("status") in ("done", "failed"), timeout=900.0)
            done = job()
            bible = shared_map(a.doc, "bible").to_py()
            offered = _suggestion(a, done.get("suggestion", "")) if done.get("suggestion") else {}
            text = text_of(a.doc)
            await a.close()
            return done, bible, offered, text

        done, bible, offered, text = asyncio.run(scenario())
        assert done["status"] == "done", done
        assert bible.get("characters") and bible.get("scenes"), sorted(bible)
        assert offered["status"] == "pending" and offered["kind"] == "replace", offered
        assert offered["author"] == "ai:default"
        assert "INT." in offered["text"] or "EXT." in offered["text"]
        assert text == SCENE  # nothing lands in the script until someone accepts
