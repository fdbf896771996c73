"""Chromium on a long script (Big Fish, about 128 pages, from ../shared): it opens, keystrokes
show while another user types in the same script, both users' text lands, and the page count
follows. The open time and keystroke latency are printed and recorded as test properties;
benchmarks/web_browser.py turns them into figures. Skips (also under CI) when ../shared is
absent."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
from pathlib import Path

import pytest

from conftest import editor_text, wait_synced

BIG_FISH = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "fixtures"
    / "fountain"
    / "screenplain"
    / "examples"
    / "Big-Fish.fountain"
)

# keydown -> the frame after CodeMirror updated the DOM (rAF, then a task: the paint is done)
MEASURE_KEYS = """() => {
  window.__latency = [];
  document.querySelector('.cm-content').addEventListener('keydown', () => {
    const t0 = performance.now();
    requestAnimationFrame(() => setTimeout(() => window.__latency.push(performance.now() - t0)));
  }, true);
}"""


async def _type_elsewhere(client, stop: asyncio.Event, anchor: str) -> int:
    """Another user types a character every 100 ms in another scene."""
    from pycrdt import Text

    await client.connect()
    sent = 0
    try:
        while not stop.is_set():
            text = client.doc.get("fountain", type=Text)
            at = str(text).index(anchor) + len(anchor)
            client.edit(lambda doc, at=at: doc.get("fountain", type=Text).insert(at, "z"))
            sent += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)
        await client.flush()
    finally:
        await client.close()
    return sent


@pytest.mark.skipif(not BIG_FISH.exists(), reason=f"{BIG_FISH} is absent (../shared)")
def test_big_fish_opens_fast_and_keystrokes_show_fast(server, open_room, yclient, record_property):
    fountain = BIG_FISH.read_text(encoding="utf-8")
    pid = server.project("ana@example.com", "Big Fish", {"ben@example.com": "editor"})
    with contextlib.closing(server.client("ana@example.com")) as api:
        r = api.put(f"/api/projects/{pid}/script?format=fountain", content=fountain.encode())
        assert r.status_code in (200, 204), r.text

    page = open_room("ana@example.com", pid)
    page.wait_for_function("() => window.writersroom.view.state.doc.length > 100000")
    page.wait_for_selector(".cm-line")
    opened_ms = page.evaluate("performance.now()")  # since navigation started
    page.wait_for_function("() => Number(document.querySelector('.pages').dataset.pages) > 100")
    pages = int(page.get_attribute(".pages", "data-pages"))
    record_property("open_ms", round(opened_ms))
    record_property("pages", pages)

    # Ben types in another scene (a pycrdt client) while Ana types in hers
    ben = yclient("ben@example.com", pid)
    stop = asyncio.Event()
    background = asyncio.run_coroutine_threadsafe(
        _type_elsewhere(ben.client, stop, "FADE IN:"), ben.loop
    )
    page.evaluate(MEASURE_KEYS)
    page.evaluate(
        "() => { const v = window.writersroom.view, at = v.state.doc.length;"
        " v.dispatch({selection: {anchor: at}, scrollIntoView: true}); v.focus(); }"
    )
    page.keyboard.type("\n\nWill types a line while Ben types at the top.", delay=40)
    ben.loop.call_soon_threadsafe(stop.set)
    sent = background.result(30)
    latency = page.evaluate("window.__latency")
    p95 = statistics.quantiles(latency, n=20)[-1]
    record_property("keystroke_p50_ms", round(statistics.median(latency), 1))
    record_property("keystroke_p95_ms", round(p95, 1))
    print(
        f"open {opened_ms:.0f} ms, {pages} pages, keystroke p50 "
        f"{statistics.median(latency):.1f} ms p95 {p95:.1f} ms, {sent} remote edits"
    )

    assert sent > 10
    wait_synced(page)
    page.wait_for_function(
        "n => (window.writersroom.view.state.doc.toString().match(/FADE IN:z/g) || []).length"
        " && window.writersroom.view.state.doc.toString().includes('z'.repeat(n))",
        arg=sent,
    )
    assert editor_text(page).endswith("Will types a line while Ben types at the top.")
    assert 120 <= pages <= 135
    # The timing goals (open < 2 s, keystroke p95 < 50 ms) are measured, not asserted: timings
    # depend on the machine and its load. benchmarks/web_browser.py runs this scenario and
    # records the figures in benchmarks/results/web_browser.md.
