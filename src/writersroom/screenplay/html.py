"""HTML export: `render(doc) -> str`, one self-contained page with screen and print CSS.

Every piece of user text goes through `html.escape`; emphasis becomes <b>, <i> and <u>.
Inline notes and boneyard are left out, as in print. Sections, synopses and standalone notes
are shown on screen (muted) and hidden when printing; boneyard blocks are left out.
"""

from __future__ import annotations

from html import escape

from writersroom.screenplay.markup import runs, visible
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Element,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    Transition,
)

__all__ = ["render"]

_CSS = """
body { background: #eee; margin: 0; }
.screenplay { font: 12pt/1 "Courier Prime", "Courier New", Courier, monospace;
  background: #fff; width: 8.5in; margin: 0.5in auto; padding: 1in 1in 1in 1.5in;
  box-sizing: border-box; }
.screenplay p { margin: 1em 0 0 0; white-space: pre-wrap; }
.title-page { text-align: center; padding-top: 3in; min-height: 8in; }
.title-page .title { font-weight: bold; text-decoration: underline; text-transform: uppercase; }
.title-page .bottom { text-align: left; margin-top: 3in; }
.title-page .right { text-align: right; }
.scene-heading { margin-top: 2em !important; text-transform: uppercase; }
.scene-heading .number { float: right; margin-right: -0.75in; }
.dialogue { margin: 1em 0 0 1in; width: 3.5in; }
.dialogue p { margin: 0; }
.dialogue .character { margin-left: 1in; text-transform: uppercase; }
.dialogue .parenthetical { margin-left: 0.5in; width: 2.5in; text-indent: -1ch; }
.dual { display: flex; gap: 0.25in; }
.dual .dialogue { margin-left: 0; width: 2.9in; }
.dual .dialogue .character { margin-left: 0.75in; }
.lyrics { margin-left: 1in !important; font-style: italic; }
.transition { text-align: right; margin-right: 0.4in !important; text-transform: uppercase; }
.centered { text-align: center; }
.page-break { border: 0; border-top: 1px dashed #bbb; margin: 1em -1in 0 -1.5in; }
.section, .synopsis, .note { color: #777; font-family: sans-serif; font-size: 10pt; }
.synopsis, .note { font-style: italic; }
@media print {
  body { background: #fff; }
  .screenplay { margin: 0; padding: 0; width: auto; }
  .section, .synopsis, .note, .page-break { display: none; }
  .page-break + * { break-before: page; }
  .title-page { break-after: page; }
  @page { size: letter; margin: 1in 1in 1in 1.5in; }
}
"""


def render(doc: Screenplay) -> str:
    """The whole document as one HTML page."""
    title = escape(_plain(doc.title or "Screenplay"))
    body = [_title_page(doc)] if doc.title_page else []
    elements = doc.elements
    n = 0
    while n < len(elements):
        element = elements[n]
        n += 1
        if isinstance(element, Dialogue) and n < len(elements):
            partner = elements[n]
            if isinstance(partner, Dialogue) and partner.dual and not element.dual:
                body.append(f'<div class="dual">{_speech(element)}{_speech(partner)}</div>')
                n += 1
                continue
        body.append(_element(element))
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        '<div class="screenplay">\n'
        + "\n".join(part for part in body if part)
        + "\n</div>\n</body>\n</html>\n"
    )


def _element(element: Element) -> str:
    match element:
        case SceneHeading(text=text, number=number):
            num = f'<span class="number">{escape(number)}</span>' if number else ""
            return f'<p class="scene-heading">{_inline(text)}{num}</p>'
        case Action(text=text, centered=centered):
            return f'<p class="{"centered" if centered else "action"}">{_inline(text)}</p>'
        case Dialogue():
            return _speech(element)
        case Lyrics(text=text):
            return f'<p class="lyrics">{_inline(text)}</p>'
        case Transition(text=text):
            return f'<p class="transition">{_inline(text)}</p>'
        case Section(text=text, depth=depth):
            return f'<p class="section depth-{depth}">{"#" * depth} {_inline(text)}</p>'
        case Synopsis(text=text):
            return f'<p class="synopsis">{_inline(text)}</p>'
        case Note(text=text):
            return f'<p class="note">[[{escape(text)}]]</p>'
        case Boneyard():
            return ""
        case PageBreak():
            return '<hr class="page-break">'
    raise TypeError(f"not a screenplay element: {element!r}")


def _speech(d: Dialogue) -> str:
    cue = d.speaker if d.extension is None else f"{d.speaker} ({d.extension})"
    parts = [f'<p class="character">{_inline(cue)}</p>']
    for line in d.lines:
        if isinstance(line, Parenthetical):
            parts.append(f'<p class="parenthetical">{_inline(line.text)}</p>')
        else:
            parts.append(f"<p>{_inline(line)}</p>")
    return f'<div class="dialogue">{"".join(parts)}</div>'


def _title_page(doc: Screenplay) -> str:
    centre, left, right = [], [], []
    for item in doc.title_page:
        key = item.key.lower()
        text = _inline(item.value)
        if key == "title":
            centre.append(f'<p class="title">{text}</p>')
        elif key in ("credit", "author", "authors", "source"):
            centre.append(f'<p class="{escape(key)}">{text}</p>')
        elif key in ("draft date", "date", "revision"):
            right.append(f"<p>{text}</p>")
        elif key in ("contact", "copyright", "notes"):
            left.append(f"<p>{text}</p>")
    bottom = (
        (f'<div class="bottom">{"".join(left)}<div class="right">{"".join(right)}</div></div>')
        if left or right
        else ""
    )
    return f'<div class="title-page">{"".join(centre)}{bottom}</div>'


def _inline(text: str) -> str:
    """Fountain markup as escaped HTML with <b>, <i>, <u>; notes and boneyard dropped."""
    out = []
    for piece_text, flags in runs(text, keep_hidden=False):
        piece = escape(piece_text)
        if flags & 4:
            piece = f"<u>{piece}</u>"
        if flags & 2:
            piece = f"<i>{piece}</i>"
        if flags & 1:
            piece = f"<b>{piece}</b>"
        out.append(piece)
    return "".join(out)


def _plain(text: str) -> str:
    return visible(text).replace("\n", " ")
