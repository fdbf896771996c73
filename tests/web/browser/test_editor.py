"""The script editor in Chromium: element cycling, autocomplete, navigator, cards, title page,
live page count and breaks, versions, members, import and export."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from conftest import PASSWORD, editor_text, type_at_end, wait_text

SCENE = (
    "INT. DINER - NIGHT\n\nMara waits.\n\nMARA\nHe said nine.\n\n"
    "BOB\n(quietly)\nHi.\n\nEXT. LOT\n\n"
)


def keys(page, *steps: str) -> None:
    """Type text; steps in braces are key names: keys(page, "mara", "{Enter}")."""
    for step in steps:
        if step.startswith("{") and step.endswith("}"):
            page.keyboard.press(step[1:-1])
        else:
            page.keyboard.type(step, delay=10)


def test_new_project_tab_enter_cycling_and_autocomplete(server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    page.goto(server.url + "/")
    page.fill("input[name=email]", "ana@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=title]", "Cycling")
    page.click("form.new-project button")
    page.wait_for_url("**/projects/*")
    page.wait_for_function("() => window.writersroom && window.writersroom.provider.synced")
    page.click(".cm-content")

    # Final Draft's table (docs/web.md): Enter after a heading, action or dialogue starts a new
    # paragraph; Tab on an empty line starts a cue (typed in capitals); Enter after a cue or a
    # parenthetical goes to dialogue; Tab turns dialogue into a parenthetical and back; Tab on
    # an action line makes it a cue; Tab at the end of a cue opens a parenthetical.
    keys(page, "INT. DINER - NIGHT", "{Enter}", "Mara waits.", "{Enter}", "{Tab}", "mara")
    expect(page.locator(".toolbar .element")).to_have_text("Character")
    keys(page, "{Enter}", "He said nine.", "{Tab}")
    assert editor_text(page).endswith("MARA\n(He said nine.)")
    keys(page, "{Tab}", "{Enter}", "bob", "{Tab}")
    assert editor_text(page).endswith("He said nine.\n\nBOB")
    keys(page, "{Tab}", "quietly", "{Enter}", "Hi.", "{Enter}", "{Tab}", "{Tab}")
    expect(page.locator(".toolbar .element")).to_have_text("Scene Heading")
    keys(page, "ext. lot", "{Enter}")
    assert editor_text(page) == SCENE

    # autocomplete: cues from the script's speakers, headings from its headings
    keys(page, "{Tab}", "m")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    time.sleep(0.2)
    assert "MARA" in page.inner_text(".cm-tooltip-autocomplete")
    keys(page, "{Enter}")
    assert editor_text(page).endswith("\n\nMARA")
    keys(page, "{Enter}", "Bob?", "{Enter}", "INT. D")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    time.sleep(0.2)  # a completion can be taken by keyboard 75 ms after it shows
    keys(page, "{Enter}")
    assert editor_text(page).endswith("Bob?\n\nINT. DINER - NIGHT")
    line_types = page.eval_on_selector_all(".cm-line", "ls => ls.map(l => l.className)")
    assert any("fl-cue" in c for c in line_types)
    assert any("fl-paren" in c for c in line_types)
    assert any("fl-dialogue" in c for c in line_types)
    context.close()


LONG = "\n\n".join(
    f"INT. ROOM {i} - DAY\n\n= Scene {i} in short.\n\nThe room is bare.\n\n"
    f"MARA\nLine {i}.\n\nBOB ^\nReply {i}."
    for i in range(1, 13)
)


def test_navigator_cards_title_page_and_live_page_breaks(server, open_room):
    pid = server.project("ana@example.com", "Long", {})
    page = open_room("ana@example.com", pid)
    page.evaluate("t => window.writersroom.view.dispatch({changes: {from: 0, insert: t}})", LONG)
    page.wait_for_function("() => window.writersroom.breaks().length > 0")
    pages = int(page.get_attribute(".pages", "data-pages"))
    breaks = page.evaluate("window.writersroom.breaks()")
    assert pages >= 2
    assert [b["page"] for b in breaks] == list(range(2, pages + 1))
    assert editor_text(page)[breaks[0]["pos"] :].startswith(("INT.", "The room", "MARA", "BOB"))
    # the marker is drawn where the page starts (the editor draws what is in view)
    page.eval_on_selector(".cm-scroller", "d => d.scrollTop = d.scrollHeight")
    expect(page.locator(".page-break").last).to_have_text(f"{pages}.")

    # page count and breaks follow a change (the promise resolves when the count changes; the
    # time is printed, not asserted: docs/web.md gives the figure, timings vary by machine)
    elapsed = page.evaluate(
        """() => new Promise(resolve => {
          const label = document.querySelector('.pages'), before = label.dataset.pages;
          const t0 = performance.now();
          const done = () => label.dataset.pages !== before && resolve(performance.now() - t0);
          new MutationObserver(done).observe(label, {attributes: true});
          const v = window.writersroom.view;
          const more = 'A long paragraph of action.\\n\\n'.repeat(40);
          v.dispatch({changes: {from: 0, insert: more}});
        })"""
    )
    print(f"page count followed a change in {elapsed:.0f} ms")

    # the navigator jumps to a scene; cards show the synopses
    page.click("button.scene:has-text('INT. ROOM 7 - DAY')")
    head = page.evaluate("window.writersroom.view.state.selection.main.head")
    assert editor_text(page)[head:].startswith("INT. ROOM 7 - DAY")
    page.click("button.tab[data-tab=Cards]")
    expect(page.locator(".card").nth(6)).to_contain_text("Scene 7 in short.")

    # dual dialogue is shown as such
    assert page.locator(".cm-line.fl-cue.fl-dual").count() >= 1

    # the title page form writes the Fountain title page
    page.eval_on_selector(".cm-scroller", "d => d.scrollTop = 0")
    page.click("button.tab[data-tab='Title page']")
    page.fill("form.title-page input[name=Title]", "The Long Night")
    page.fill("form.title-page input[name=Author]", "Ana Lima")
    page.click("form.title-page button[type=submit]")
    assert editor_text(page).startswith("Title: The Long Night\nAuthor: Ana Lima\n\n")
    assert page.locator(".cm-line.fl-title-key").count() >= 2


def test_versions_members_export_and_import(server, open_room, tmp_path):
    pid = server.project("ana@example.com", "Versions", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    ben = open_room("ben@example.com", pid)
    ana.click(".cm-content")
    keys(ana, "INT. DINER - NIGHT", "{Enter}", "Mara waits.")
    wait_text(ben, "Mara waits.")

    ana.click("button.tab[data-tab=Versions]")
    ana.fill("input[name=version-name]", "First <b>draft</b>")
    ana.click("form.save-version button")
    expect(ana.locator("li.version .name")).to_have_text("First <b>draft</b>")
    type_at_end(ana, " And waits.")
    wait_text(ben, "And waits.")
    ana.click("li.version button:has-text('Diff')")
    expect(ana.locator(".diff pre .add", has_text="+Mara waits. And waits.")).to_have_count(1)
    ana.once("dialog", lambda d: d.accept())
    ana.click("li.version button:has-text('Restore')")
    ana.wait_for_function(
        "() => !window.writersroom.view.state.doc.toString().includes('And waits.')"
    )
    ben.wait_for_function(
        "() => !window.writersroom.view.state.doc.toString().includes('And waits.')"
    )
    assert editor_text(ben) == "INT. DINER - NIGHT\n\nMara waits."

    # members: the owner adds a commenter; an editor sees the list but no form
    ana.click("button.tab[data-tab=Members]")
    ana.fill("input[name=member-email]", "vic@example.com")
    ana.select_option("select[name=member-role]", "commenter")
    ana.click("form.add-member button")
    expect(ana.locator("ul.members")).to_contain_text("vic@example.com")
    ben.click("button.tab[data-tab=Members]")
    expect(ben.locator("ul.members")).to_contain_text("vic@example.com")
    assert ben.locator("form.add-member").count() == 0

    # export links download the script; import replaces it
    with ana.expect_download() as download:
        ana.click("a.export[data-format=fountain]")
    assert "Mara waits." in download.value.path().read_text()
    upload = tmp_path / "new.fountain"
    upload.write_text("EXT. BEACH - DAY\n\nWaves.\n")
    ana.once("dialog", lambda d: d.accept())
    ana.set_input_files("input[name=import]", str(upload))
    wait_text(ben, "Waves.")
    assert "Mara waits." not in editor_text(ben)
    time.sleep(0.2)


def test_invitation_link_commenter_and_signed_out_socket(server, open_room, browser):
    pid = server.project("ana@example.com", "Invites", {"ben@example.com": "editor"})
    ana = open_room("ana@example.com", pid)
    type_at_end(ana, "INT. DINER - NIGHT\n\nMara waits.")

    # the owner invites someone without an account, as a commenter; the link makes the account
    ana.click("button.tab[data-tab=Members]")
    ana.fill("input[name=member-email]", "cleo@example.com")
    ana.select_option("select[name=member-role]", "commenter")
    ana.click("form.add-member button")
    link = ana.inner_text("code.invite-link")
    assert link.startswith(server.url + "/?invite=")
    context = browser.new_context()
    cleo = context.new_page()
    cleo.goto(link)
    cleo.fill("input[name=name]", "Cleo")
    cleo.fill("input[name=password]", "a long enough password")
    cleo.click("form.login button[type=submit]")
    cleo.click("ul.projects a:has-text('Invites')")
    cleo.wait_for_function("() => window.writersroom && window.writersroom.provider.synced")
    wait_text(cleo, "Mara waits.")

    # a commenter reads and comments but cannot type into the script
    assert cleo.get_attribute(".cm-content", "aria-readonly") == "true"
    cleo.click(".cm-content")
    cleo.keyboard.type("nope", delay=5)
    cleo.keyboard.press("Enter")
    assert editor_text(cleo) == editor_text(ana)
    assert "nope" not in editor_text(cleo)
    cleo.evaluate(
        "() => { const v = window.writersroom.view, t = v.state.doc.toString();"
        " v.dispatch({selection: {anchor: t.indexOf('Mara'), head: t.length}}); }"
    )
    cleo.click("button.tab[data-tab=Comments]")
    cleo.fill("form.comment-form textarea", "Why does she wait?")
    cleo.click("form.comment-form button[type=submit]")
    ana.click("button.tab[data-tab=Comments]")
    expect(ana.locator("li.comment blockquote")).to_have_text("Mara waits.")
    expect(ana.locator(".cm-comment-anchor")).to_have_text("Mara waits.")
    context.close()

    # signing out elsewhere closes the room's socket; the page says why instead of retrying
    ben = open_room("ben@example.com", pid)
    r = ben.context.request.post(server.url + "/api/auth/logout", headers={"Origin": server.url})
    assert r.ok
    time.sleep(5.5)  # the server re-checks a socket's session on a write after 5 s
    type_at_end(ben, " Still here?")
    expect(ben.locator(".status")).to_have_text("Signed out: sign in again", timeout=15_000)
