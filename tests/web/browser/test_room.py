"""The writers' room in Chromium: co-writing, suggestions, roles, XSS, offline edits, kill -9."""

from __future__ import annotations

import base64
import time

from playwright.sync_api import expect
from pycrdt import Text

from conftest import editor_text, type_at_end, wait_synced, wait_text


def test_login_form_and_two_users_see_each_others_text_and_cursor(server, open_room):
    pid = server.project("ana@example.com", "Diner", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid, login_form=True)
    ben = open_room("ben@example.com", pid)

    ana.click(".cm-content")
    ana.keyboard.type("INT. DINER - NIGHT", delay=5)
    ana.keyboard.press("Enter")  # heading -> blank line, then action
    ana.keyboard.type("Rain on the windows.", delay=5)
    wait_text(ben, "Rain on the windows.")

    type_at_end(ben, "\nA neon sign flickers.")
    wait_text(ana, "A neon sign flickers.")
    assert editor_text(ana) == editor_text(ben)
    assert editor_text(ana).startswith("INT. DINER - NIGHT\n\nRain on the windows.")

    # each sees the other's cursor, labelled with the other's name
    ana.click(".cm-content")
    ana.wait_for_selector(".cm-ySelectionCaret", timeout=10_000)
    ben.wait_for_selector(".cm-ySelectionCaret", timeout=10_000)
    ana.wait_for_function(
        "() => [...document.querySelectorAll('.cm-ySelectionInfo')]"
        ".some(e => e.textContent === 'Ben')"
    )
    ben.wait_for_function(
        "() => [...document.querySelectorAll('.cm-ySelectionInfo')]"
        ".some(e => e.textContent === 'Ana')"
    )
    # presence lists both
    assert "Ben" in ana.inner_text(".presence")
    # the heading was classified and styled as one
    assert ana.locator(".cm-line.fl-heading").first.inner_text() == "INT. DINER - NIGHT"
    time.sleep(0.2)


def _suggestion(doc, sid: str, find: str, **fields) -> None:
    """Put a replace suggestion for the first `find` in the script into doc's "suggestions"."""
    from pycrdt import Assoc, Map, Text

    text = doc.get("fountain", type=Text)
    at = str(text).index(find)
    start = text.sticky_index(at, Assoc.AFTER).encode()
    end = text.sticky_index(at + len(find), Assoc.BEFORE).encode()
    doc.get("suggestions", type=Map)[sid] = {
        "id": sid,
        "author": "ai:fake",
        "kind": "replace",
        "start": base64.b64encode(start).decode(),
        "end": base64.b64encode(end).decode(),
        "original": find,
        "instruction": "say more",
        "created": "2026-12-04T12:00:00Z",
        **fields,
    }


def test_suggestion_streams_is_seen_and_accepted_in_part(server, open_room, yclient):
    pid = server.project("ana@example.com", "Diner", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    ben = open_room("ben@example.com", pid)
    type_at_end(ana, "INT. DINER - NIGHT\n\nMara waits.")
    wait_text(ben, "Mara waits.")

    ai = yclient("ana@example.com", pid)
    ai.sync(lambda doc: _suggestion(doc, "s1", "waits", text="waits, and", status="streaming"))
    # streaming text is visible to both, inline and in the panel; it cannot be accepted yet
    for page in (ana, ben):
        page.wait_for_selector(".cm-suggestion-text[data-status=streaming]")
        assert page.inner_text(".cm-suggestion-text") == "waits, and"
        assert page.is_disabled("li.suggestion button.accept")
    ai.sync(lambda doc: _suggestion(doc, "s1", "waits", text="waits, and waits", status="pending"))
    ben.wait_for_selector("li.suggestion[data-status=pending] button.accept:not([disabled])")
    assert ben.input_value("li.suggestion textarea") == "waits, and waits"
    assert "waits, and" not in editor_text(ana)  # nothing lands before someone accepts

    # Ben takes part of it: edits the proposed text, then accepts
    ben.fill("li.suggestion textarea", "waits alone")
    ben.click("li.suggestion button.accept")
    wait_text(ana, "Mara waits alone.")
    wait_text(ben, "Mara waits alone.")
    ana.wait_for_selector(".cm-suggestion-text", state="detached")
    ai.sync()
    assert ai.maps("suggestions")["s1"]["status"] == "accepted"
    assert ai.maps("suggestions")["s1"]["text"] == "waits alone"
    assert ai.text().endswith("Mara waits alone.")
    assert server.script(pid, "ana@example.com").rstrip().endswith("Mara waits alone.")


def test_suggestion_is_rejected_and_viewers_cannot_accept(server, open_room, yclient):
    pid = server.project(
        "ana@example.com", "Diner", {"ben@example.com": "editor", "vic@example.com": "viewer"}
    )
    ana = open_room("ana@example.com", pid)
    type_at_end(ana, "Mara waits.")
    vic = open_room("vic@example.com", pid)
    yclient("ben@example.com", pid).sync(
        lambda doc: _suggestion(doc, "s2", "waits", text="sleeps", status="pending")
    )
    vic.wait_for_selector("li.suggestion")
    assert vic.locator("li.suggestion button").count() == 0
    ana.wait_for_selector("li.suggestion button.reject")
    ana.click("li.suggestion button.reject")
    ana.wait_for_selector("li.suggestion", state="detached")
    vic.wait_for_selector(".cm-suggestion-text", state="detached")
    assert editor_text(vic) == "Mara waits."


def test_viewer_cannot_change_the_script(server, open_room, yclient):
    pid = server.project("ana@example.com", "Diner", {"vic@example.com": "viewer"})
    ana = open_room("ana@example.com", pid)
    type_at_end(ana, "INT. DINER - NIGHT")
    vic = open_room("vic@example.com", pid)
    wait_text(vic, "INT. DINER - NIGHT")

    # the UI: a read-only editor that ignores typing and pasting
    assert vic.get_attribute(".cm-content", "aria-readonly") == "true"
    vic.click(".cm-content")
    vic.keyboard.type("VANDAL", delay=5)
    vic.keyboard.press("Enter")
    assert editor_text(vic) == "INT. DINER - NIGHT"
    assert vic.locator("li.suggestion button, form.save-version, form.draft").count() == 0

    # the protocol: an update forced over the websocket is refused by the server
    rogue = yclient("vic@example.com", pid)
    rogue.sync(lambda doc: doc.get("fountain", type=Text).insert(0, "VANDAL "))
    time.sleep(1.0)
    assert "VANDAL" not in editor_text(ana)
    assert "VANDAL" not in server.script(pid, "ana@example.com")
    fresh = yclient("ana@example.com", pid)
    fresh.sync()
    assert fresh.text() == "INT. DINER - NIGHT"


XSS = '<img src=x onerror="window.__xss=1;alert(1)">'


def test_xss_in_a_name_a_comment_and_the_script_renders_as_text(server, open_room):
    server.add_user("mal@example.com", XSS)
    pid = server.project("ana@example.com", "Diner", {"mal@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    mal = open_room("mal@example.com", pid)
    dialogs: list[str] = []
    for page in (ana, mal):
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    payload = "<script>window.__xss=2</script>" + XSS
    type_at_end(mal, f"INT. DINER - NIGHT\n\n{payload}\n\n@{payload}\nHello.")
    wait_text(ana, "Hello.")
    mal.evaluate(
        "() => { const v = window.writersroom.view;"
        " v.dispatch({selection: {anchor: 0, head: v.state.doc.length}}); }"
    )
    mal.click("button.tab[data-tab=Comments]")
    mal.fill("form.comment-form textarea", payload)
    mal.click("form.comment-form button[type=submit]")
    ana.click("button.tab[data-tab=Comments]")
    ana.wait_for_selector("li.comment")

    assert ana.inner_text("li.comment .text") == payload
    assert ana.inner_text("li.comment .author") in (XSS, "mal@example.com")
    expect(ana.locator(".presence")).to_contain_text(XSS)
    for page in (ana, mal):
        assert page.evaluate("() => window.__xss") is None
        # (CodeMirror's own cm-widgetBuffer images carry no src)
        assert page.locator("img[src], img[onerror], img:not(.cm-widgetBuffer)").count() == 0
        assert page.locator("#app script").count() == 0
    assert dialogs == []


def test_offline_edits_merge_on_reconnect(server, open_room):
    pid = server.project("ana@example.com", "Diner", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    ben = open_room("ben@example.com", pid)
    type_at_end(ana, "INT. DINER - NIGHT\n\nMara waits.")
    wait_text(ben, "Mara waits.")

    ben.context.set_offline(True)
    ben.wait_for_selector(".status[data-state=offline]", timeout=15_000)
    type_at_end(ben, "\n\nBen wrote this offline.")
    type_at_end(ana, "\n\nAna wrote this meanwhile.")
    time.sleep(1.0)
    assert "offline" not in editor_text(ana)
    assert "meanwhile" not in editor_text(ben)

    ben.context.set_offline(False)
    wait_text(ana, "Ben wrote this offline.", timeout=20_000)
    wait_text(ben, "Ana wrote this meanwhile.", timeout=20_000)
    assert editor_text(ana) == editor_text(ben)
    assert "Ben wrote this offline." in server.script(pid, "ana@example.com")


def test_kill_9_and_restart_loses_no_acknowledged_edit(server, open_room):
    pid = server.project("ana@example.com", "Diner", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    ben = open_room("ben@example.com", pid)
    lines = [f"Line {i} of the scene." for i in range(12)]
    for line in lines:
        type_at_end(ana, line + "\n")
    # acknowledged: the server stores an update before it relays it, so what Ben has is stored
    wait_text(ben, lines[-1])
    server.kill9()
    ana.wait_for_selector(".status[data-state=offline]", timeout=15_000)
    type_at_end(ana, "Written while the server was down.\n")

    server.start()
    wait_text(ben, "Written while the server was down.", timeout=30_000)
    text = server.script(pid, "ben@example.com")
    for line in [*lines, "Written while the server was down."]:
        assert line in text
    ben.reload()
    wait_synced(ben)
    assert editor_text(ben) == editor_text(ana)


def test_ai_requests_from_the_panels_arrive_as_suggestions_and_jobs(server, open_room):
    # The "fake" model (empty replies) exercises the whole path without loading a model: the
    # AI panel's request, the server's suggestion in the shared doc, both editors seeing it
    # (as a failed one: the model wrote nothing), an editor dismissing it.
    pid = server.project("ana@example.com", "AI", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    ben = open_room("ben@example.com", pid)
    type_at_end(ana, "INT. DINER - NIGHT\n\nMara waits.")
    wait_text(ben, "Mara waits.")
    add_fake = "s => { s.append(new Option('fake', 'fake')); s.value = 'fake'; }"

    ana.click("button.tab[data-tab=AI]")
    ana.eval_on_selector("div.panel.ai select[name=model]", add_fake)
    ana.click("button:has-text('Continue from cursor')")
    for page in (ana, ben):
        page.wait_for_selector("li.suggestion[data-status=failed]", timeout=60_000)
        assert page.inner_text("li.suggestion .author") == "ai:fake"
        expect(page.locator("li.suggestion .error")).to_contain_text("wrote nothing")
    assert editor_text(ana) == editor_text(ben)
    assert editor_text(ana).endswith("Mara waits.")
    ben.click("li.suggestion button.dismiss")
    ana.wait_for_selector("li.suggestion", state="detached")

    ana.click("button.tab[data-tab=Story]")
    ana.eval_on_selector("form.draft select[name=model]", add_fake)
    ana.fill("textarea[name=logline]", "A waitress keeps a diner open for a man who never comes.")
    ana.click("form.draft button[type=submit]")
    for page in (ana, ben):
        page.click("button.tab[data-tab=Story]")
        page.wait_for_selector("li.job", timeout=60_000)
    assert "draft" in ana.inner_text("li.job")
