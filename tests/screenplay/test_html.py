"""HTML export: self-contained, escaped, styled."""

from __future__ import annotations

from writersroom.screenplay import fountain, html


def test_user_text_is_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    doc = fountain.parse(
        f"Title: {evil}\nAuthor: {evil}\n\nINT. {evil} - DAY #<b>#\n\n{evil}\n\n"
        f"@{evil}\n({evil})\n{evil}\n\n> {evil}\n\n# {evil}\n\n[[{evil}]]"
    )
    page = html.render(doc)
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") >= 8


def test_emphasis_and_structure() -> None:
    doc = fountain.parse(
        "INT. HOUSE - DAY #4#\n\nHe is **very** _tired_ [[hidden note]].\n\n"
        "A\nHi.\n\nB ^\nHey.\n\n===\n\n>THE END<"
    )
    page = html.render(doc)
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>very</b>" in page and "<u>tired</u>" in page
    assert "hidden note" not in page
    assert '<div class="dual">' in page
    assert 'class="number">4<' in page
    assert '<hr class="page-break">' in page
    assert '<p class="centered">THE END</p>' in page
    assert "@media print" in page and "<link" not in page and "src=" not in page
