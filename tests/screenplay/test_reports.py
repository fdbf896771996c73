"""Reports on top of the paginator: scene pages and eighths, characters, runtime."""

from __future__ import annotations

from writersroom.screenplay import fountain, reports


def _script(scenes: int, actions: int) -> str:
    parts = ["Title: Long Night\nAuthor: A. Writer"]
    for n in range(1, scenes + 1):
        parts.append(f"INT. ROOM {n} - NIGHT")
        parts += [f"Something happens in room {n}, beat {k}." for k in range(actions)]
        parts.append(f"MARA\nLine {n}.")
    return "\n\n".join(parts)


def test_scene_pages_and_lengths_follow_the_pages() -> None:
    doc = fountain.parse(_script(scenes=12, actions=8))
    r = reports.report(doc)
    assert r.title == "Long Night"
    assert r.pages >= 4 and r.sheets == r.pages + 1  # the title page
    pages = [s.page for s in r.scenes]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == r.pages
    assert all(s.eighths >= 1 for s in r.scenes)
    total = sum(s.eighths for s in r.scenes)
    assert abs(total - r.pages * 8) <= 8 + len(r.scenes)  # rounding per scene
    assert r.runtime_minutes in (r.pages, r.pages - 1)
    assert r.characters[0].name == "MARA" and r.characters[0].lines == 12
    assert [s.int_ext for s in r.scenes] == ["INT"] * 12


def test_short_scene_is_one_eighth_and_numbers_are_kept() -> None:
    r = reports.report(fountain.parse("INT. A - DAY #5A#\n\nGo.\n\nEXT. B - NIGHT\n\nStop."))
    assert [(s.number, s.page, s.length) for s in r.scenes] == [("5A", 1, "1/8"), ("2", 1, "1/8")]
    assert r.pages == 1 and r.runtime_minutes == 1


def test_empty_document() -> None:
    r = reports.report(fountain.parse(""))
    assert (r.pages, r.sheets, r.runtime_minutes, r.scenes) == (0, 0, 0, ())


def test_to_data_is_plain() -> None:
    import json

    data = reports.to_data(reports.report(fountain.parse("INT. A - DAY\n\nBOB\nHi.")))
    assert json.loads(json.dumps(data))["scenes"][0]["length"] == "1/8"
    assert data["characters"][0] == {"name": "BOB", "lines": 1, "words": 1, "scenes": 1}
