"""The coverage report as one self-contained HTML page: inline CSS and inline SVG charts (speaking
share per character, scene lengths across the script, act structure, tension and sentiment arc).
No scripts, fonts or stylesheets are fetched from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from writersroom.evaluate.records import Coverage, grade
from writersroom.evaluate.report import LABELS, criteria
from writersroom.evaluate.script import ACT_TARGET

ACT_COLOURS = {1: "#4e79a7", 2: "#f28e2b", 3: "#59a14f"}
CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%} td,th{padding:.25em .5em;border-bottom:1px solid #eee}
th{text-align:left} td.n{text-align:right} .verdict{font-size:1.3em;font-weight:bold}
.Pass{color:#b03a2e} .Consider{color:#b9770e} .Recommend{color:#1e8449}
.bar{background:#4e79a7;height:.8em;display:inline-block} svg text{font-size:11px;fill:#333}
.muted{color:#777}
"""


def _svg(width: int, height: int, body: Sequence[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
            + "".join(body) + "</svg>")


def share_chart(cov: Coverage, top: int = 10) -> str:
    """Horizontal bars: each character's share of the spoken words."""
    cast = cov.characters[:top]
    if not cast:
        return '<p class="muted">No dialogue.</p>'
    row, left, width = 22, 140, 600
    peak = max(c.share for c in cast) or 1.0
    body = []
    for i, c in enumerate(cast):
        y = i * row + 4
        w = (width - left - 60) * c.share / peak
        body.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(c.name[:20])}'
                    "</text>")
        body.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="16" fill="#4e79a7"/>')
        body.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{c.share:.0%}</text>')
    return _svg(width, len(cast) * row + 8, body, "speaking share per character")


def scene_chart(cov: Coverage) -> str:
    """Vertical bars: each scene's length in eighths of a page, coloured by act."""
    if not cov.scenes:
        return ""
    width, height, pad = 900, 160, 30
    peak = max(r.eighths for r in cov.scenes) or 1
    step = (width - pad) / len(cov.scenes)
    body = [f'<line x1="{pad}" y1="{height - 20}" x2="{width}" y2="{height - 20}" stroke="#999"/>',
            f'<text x="0" y="14">{peak / 8:.1f}p</text>']
    for r in cov.scenes:
        h = (height - 40) * r.eighths / peak
        x = pad + r.index * step
        body.append(f'<rect x="{x:.1f}" y="{height - 20 - h:.1f}" width="{max(1.0, step - 1):.1f}" '
                    f'height="{h:.1f}" fill="{ACT_COLOURS.get(r.act, "#888")}">'
                    f"<title>{escape(r.heading)}: {r.eighths}/8 page</title></rect>")
    body.append(f'<text x="{pad}" y="{height - 4}">scene 1</text>')
    body.append(f'<text x="{width}" y="{height - 4}" text-anchor="end">scene {len(cov.scenes)}'
                "</text>")
    return _svg(width, height, body, "scene lengths across the script")


def act_chart(cov: Coverage) -> str:
    """Two stacked bars: the script's act shares above the usual 25/50/25."""
    if not cov.acts:
        return ""
    width, left = 900, 90
    body = []
    for row, (name, shares) in enumerate((("this script", cov.acts), ("usual", ACT_TARGET))):
        x, y = float(left), row * 30 + 4
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{name}</text>')
        for act, share in enumerate(shares, 1):
            w = (width - left) * share
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" '
                        f'fill="{ACT_COLOURS[act]}"/>')
            if w > 50:
                body.append(f'<text x="{x + 4:.1f}" y="{y + 15}" style="fill:#fff">Act {act} '
                            f"{share:.0%}</text>")
            x += w
    return _svg(width, 64, body, "act structure")


def arc_chart(cov: Coverage) -> str:
    """Lines over the scenes: tension (0..1) and sentiment (-1..1)."""
    n = len(cov.scenes)
    if n < 2:
        return '<p class="muted">One scene: no arc to draw.</p>'
    width, height, pad = 900, 180, 30

    def points(values: Sequence[float]) -> str:
        step = (width - pad) / (n - 1)
        return " ".join(f"{pad + i * step:.1f},{10 + (height - 30) * (1 - v):.1f}"
                        for i, v in enumerate(values))

    tension = [r.tension for r in cov.scenes]
    mood = [(r.sentiment + 1) / 2 for r in cov.scenes]
    mid = 10 + (height - 30) / 2
    body = [f'<line x1="{pad}" y1="{mid}" x2="{width}" y2="{mid}" stroke="#ddd"/>',
            f'<polyline points="{points(tension)}" fill="none" stroke="#e15759" stroke-width="2"/>',
            f'<polyline points="{points(mood)}" fill="none" stroke="#76b7b2" stroke-width="2" '
            'stroke-dasharray="5,3"/>',
            f'<text x="{pad}" y="{height - 4}">tension</text>',
            f'<text x="{pad + 70}" y="{height - 4}" style="fill:#76b7b2">sentiment (dashed)</text>']
    return _svg(width, height, body, "tension and sentiment arc")


def to_html(cov: Coverage) -> str:
    """The whole report as one HTML document."""
    s = cov.signals
    rows = "".join(
        f"<tr><td>{LABELS[c]}</td><td class=n>{cov.scores[c]:.1f}</td><td>{grade(cov.scores[c])}"
        f'</td><td><span class="bar" style="width:{cov.scores[c] * 30:.0f}px"></span></td></tr>'
        for c in criteria(cov)
    )
    notes = "".join(f"<li><b>{escape(n.where)}</b> ({escape(n.criterion)}): {escape(n.text)}</li>"
                    for n in cov.suggestions)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Coverage: {escape(cov.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>Coverage: {escape(cov.title)}</h1>",
        f'<p class="verdict {cov.verdict}">Verdict: {cov.verdict} '
        f'<span class="muted">(overall {cov.scores["overall"]:.1f} / 5)</span></p>',
        f"<h2>Logline</h2><p>{escape(cov.logline or '(none given)')}</p>",
        f"<h2>Synopsis</h2><p>{escape(cov.synopsis)}</p>",
        f"<h2>Grid</h2><table><tr><th>Criterion<th>Score<th>Grade<th></tr>{rows}</table>",
        f"<h2>Notes</h2><ul>{notes or '<li>None.</li>'}</ul>",
    ]
    if cov.kind == "screenplay":
        parts += [
            f"<p>{s.get('pages', 0):.0f} pages · {s.get('scenes', 0):.0f} scenes · "
            f"dialogue {s.get('dialogue_ratio', 0):.0%} of words · speaker distinctiveness "
            f"{s.get('speaker_distinctiveness', 0):.2f}</p>",
            "<h2>Speaking share</h2>", share_chart(cov),
            "<h2>Scene lengths</h2>", scene_chart(cov),
            "<h2>Act structure</h2>", act_chart(cov),
        ]
    parts += ["<h2>Tension and sentiment</h2>", arc_chart(cov)]
    about = "".join(f"<li>{escape(n)}</li>" for n in cov.notes)
    parts += [f'<h2>About this report</h2><ul class="muted">{about}</ul>', "</body></html>\n"]
    return "\n".join(parts)
