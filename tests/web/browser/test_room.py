"""The writers' room in Chromium: co-writing, suggestions, roles, XSS, offline edits, kill -9."""

from __future__ import annotations

import time

from conftest import editor_text, wait_text


def type_at_end(page, text: str) -> None:
    page.evaluate(
        "() => { const v = window.writersroom.view;"
        " v.dispatch({selection: {anchor: v.state.doc.length}}); v.focus(); }"
    )
    page.keyboard.type(text, delay=5)


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
