"""An FDX file's own layout: its `<ElementSettings>` and `<PageLayout>` as a `PageLayout`, and back.

Final Draft keeps, per paragraph type, where the paragraph sits and how it looks:

    <ElementSettings Type="Dialogue">
      <FontSpec Font="Courier Prime" Size="12" Style=""/>
      <ParagraphSpec Alignment="Left" FirstIndent="0.00" LeftIndent="2.50" RightIndent="6.00"
                     SpaceBefore="0" Spacing="1" StartsNewPage="No"/>
    </ElementSettings>

Our `PageLayout` defaults were measured on Final Draft 11's PDFs of files with Final Draft 11's
own settings (`FD11` below), and a few of the measured values are not what those settings say
(Final Draft prints one blank line before a Lyric paragraph whose SpaceBefore is 0). So a file's
setting changes the layout only where it differs from Final Draft 11's: an unchanged template
paginates exactly as before, a multicam template's double-spaced dialogue (`Spacing="2"`) and
bold or underlined headings (`Style="Bold+Underline+AllCaps"`) are honoured.

    setting        PageLayout field                     note
    LeftIndent     ElementStyle.left                    inches from the page's left edge
    RightIndent    ElementStyle.right, .cells           cells change by the width's change * 10
    SpaceBefore    ElementStyle.space_before            points; 12 points make a line
    Spacing        ElementStyle.spacing                 1, 2 (1.5 counts as 2)
    Alignment      ElementStyle.align                   Left, Right, Center
    Style          caps, bold, italic, underline        AllCaps, Bold, Italic, Underline
    FirstIndent    PageLayout.paren_hang                the parenthetical's hanging "("
    PageLayout     top_margin, bottom_margin, paper     points; PageSize Width/Height in inches

Paragraph types the model reads as Action (New Act, End of Act, Cold Opening, Shot, ...) keep
their alignment and emphasis through `paragraph_look`: the reader centres them and adds the
emphasis to their text. Font, font size and per-paragraph overrides are not read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from writersroom.screenplay.layout import PAPER_SIZES, ElementStyle, PageLayout

__all__ = ["FD11", "Look", "Spec", "paragraph_look", "read_layout", "settings_xml"]


@dataclass(frozen=True)
class Spec:
    """One `<ElementSettings>`: Final Draft's own units (inches, points)."""

    left: float
    right: float
    before: int  # points
    align: str = "Left"
    style: frozenset[str] = frozenset()  # AllCaps, Bold, Italic, Underline
    spacing: int = 1
    first: float = 0.0  # FirstIndent, inches
    new_page: bool = False


def _caps(*names: str) -> frozenset[str]:
    return frozenset(names)


# Final Draft 11's settings (Big Fish's FDX); `render` writes these for an unchanged layout.
FD11: dict[str, Spec] = {
    "General": Spec(1.50, 7.50, 0),
    "Scene Heading": Spec(1.50, 7.50, 24, style=_caps("AllCaps")),
    "Action": Spec(1.50, 7.50, 12),
    "Character": Spec(3.50, 7.25, 12, style=_caps("AllCaps")),
    "Parenthetical": Spec(3.00, 5.50, 0, first=-0.10),
    "Dialogue": Spec(2.50, 6.00, 0),
    "Transition": Spec(5.50, 7.10, 12, "Right", _caps("AllCaps")),
    "Shot": Spec(1.50, 7.50, 12, style=_caps("AllCaps")),
    "Lyric": Spec(2.50, 7.38, 0, style=_caps("Italic")),
    "New Act": Spec(1.50, 7.50, 0, "Center", _caps("Underline", "AllCaps"), new_page=True),
    "End of Act": Spec(1.50, 7.50, 24, "Center", _caps("Underline", "AllCaps")),
    "Cold Opening": Spec(1.50, 7.50, 12, "Center", _caps("Underline", "AllCaps")),
}
_WRITTEN: tuple[str, ...] = (
    "General",
    "Scene Heading",
    "Action",
    "Character",
    "Parenthetical",
    "Dialogue",
    "Transition",
    "Shot",
    "Lyric",
)

# Paragraph types with a PageLayout style of their own.
_FIELDS = {
    "Scene Heading": "scene_heading",
    "Action": "action",
    "Character": "character",
    "Parenthetical": "parenthetical",
    "Dialogue": "dialogue",
    "Transition": "transition",
    "Lyric": "lyrics",
}
_STYLE_FLAGS = {"AllCaps": "caps", "Bold": "bold", "Italic": "italic", "Underline": "underline"}
_DEFAULT = PageLayout()


@dataclass(frozen=True)
class Look:
    """How a paragraph type the model reads as Action is printed."""

    centered: bool
    flags: int  # 1 bold, 2 italic, 4 underline (as fdx._runs gives them)
    new_page: bool


# --- reading ---------------------------------------------------------------------------------
def _number(text: str | None, default: float) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def _spec(settings: ET.Element, base: Spec) -> Spec:
    para = settings.find("ParagraphSpec")
    font = settings.find("FontSpec")
    p = para.attrib if para is not None else {}
    style = base.style
    if font is not None and font.get("Style") is not None:
        style = frozenset(s for s in (font.get("Style") or "").split("+") if s in _STYLE_FLAGS)
    spacing = _number(p.get("Spacing"), base.spacing)
    return Spec(
        left=_number(p.get("LeftIndent"), base.left),
        right=_number(p.get("RightIndent"), base.right),
        before=round(_number(p.get("SpaceBefore"), base.before)),
        align=p.get("Alignment") or base.align,
        style=style,
        spacing=max(1, round(spacing + 0.01)),  # 1.5 -> 2: the grid has whole lines
        first=_number(p.get("FirstIndent"), base.first),
        new_page=(p.get("StartsNewPage") or ("Yes" if base.new_page else "No")) == "Yes",
    )


def _specs(root: ET.Element) -> dict[str, Spec]:
    out = {}
    for settings in root.findall("ElementSettings"):
        kind = settings.get("Type") or ""
        out[kind] = _spec(settings, FD11.get(kind, FD11["General"]))
    return out


def _styled(style: ElementStyle, spec: Spec, fd11: Spec, lpi: float) -> ElementStyle:
    """`style` with whatever `spec` changes from Final Draft 11's `fd11`."""
    changes: dict[str, object] = {}
    if (spec.left, spec.right) != (fd11.left, fd11.right):
        widen = (spec.right - spec.left) - (fd11.right - fd11.left)
        changes |= {"left": spec.left, "right": spec.right}
        changes["cells"] = max(1, style.cells + round(widen * 10))
    if spec.before != fd11.before:
        changes["space_before"] = round(spec.before * lpi / 72)
    if spec.align != fd11.align and spec.align in ("Left", "Right", "Center"):
        changes["align"] = spec.align.lower()
    for name, attr in _STYLE_FLAGS.items():
        if (name in spec.style) != (name in fd11.style):
            changes[attr] = name in spec.style
    if spec.spacing != fd11.spacing:
        changes["spacing"] = spec.spacing
    return replace(style, **changes) if changes else style  # type: ignore[arg-type]


def read_layout(root: ET.Element) -> PageLayout | None:
    """The layout an FDX document asks for; None when it is Final Draft 11's (our default)."""
    layout = _DEFAULT
    specs = _specs(root)
    changes: dict[str, object] = {}
    for kind, attr in _FIELDS.items():
        if kind in specs:
            style = _styled(getattr(layout, attr), specs[kind], FD11[kind], layout.lpi)
            if style != getattr(layout, attr):
                changes[attr] = style
    if "action" in changes:  # centred text sits in the action column
        action = changes["action"]
        assert isinstance(action, ElementStyle)
        changes["centered"] = replace(
            layout.centered, left=action.left, right=action.right, cells=action.cells
        )
    paren = specs.get("Parenthetical")
    if paren is not None and paren.first != FD11["Parenthetical"].first:
        changes["paren_hang"] = max(0.0, -paren.first)
    page = root.find("PageLayout")
    if page is not None:
        top = _number(page.get("TopMargin"), 72) / 72
        bottom = _number(page.get("BottomMargin"), 72) / 72
        if abs(top - layout.top_margin) > 1e-6:
            changes["top_margin"] = top
        if abs(bottom - layout.bottom_margin) > 1e-6:
            changes["bottom_margin"] = bottom
        size = page.find("PageSize")
        if size is not None:
            wh = (_number(size.get("Width"), 8.5), _number(size.get("Height"), 11.0))
            for name, (w, h) in PAPER_SIZES.items():
                if abs(w - wh[0]) < 0.03 and abs(h - wh[1]) < 0.03 and name != layout.paper:
                    changes["paper"] = name
    return replace(layout, **changes) if changes else None  # type: ignore[arg-type]


def paragraph_look(root: ET.Element) -> dict[str, Look]:
    """For paragraph types read as Action: centred?, emphasis, starts a new page?"""
    specs = FD11 | _specs(root)
    out = {}
    for kind, spec in specs.items():
        if kind in _FIELDS:
            continue
        flags = ("Bold" in spec.style) | ("Italic" in spec.style) << 1
        flags |= ("Underline" in spec.style) << 2
        out[kind] = Look(spec.align == "Center", flags, spec.new_page)
    return out


# --- writing ---------------------------------------------------------------------------------
def _spec_of(style: ElementStyle, default: ElementStyle, fd11: Spec, hang: float | None) -> Spec:
    """Final Draft 11's spec with what `style` changes from our `default`."""
    spec = fd11
    if (style.left, style.right) != (default.left, default.right):
        spec = replace(spec, left=style.left, right=style.right)
    if style.space_before != default.space_before:
        spec = replace(spec, before=style.space_before * 12)
    if style.align != default.align:
        spec = replace(spec, align=style.align.capitalize())
    flags = set(spec.style)
    for name, attr in _STYLE_FLAGS.items():
        if getattr(style, attr) != getattr(default, attr):
            flags.symmetric_difference_update({name})
    if style.spacing != default.spacing:
        spec = replace(spec, spacing=style.spacing)
    if hang is not None:
        spec = replace(spec, first=-hang)
    return replace(spec, style=frozenset(flags))


def _settings(kind: str, spec: Spec) -> str:
    style = "+".join(s for s in ("Bold", "Italic", "Underline", "AllCaps") if s in spec.style)
    return (
        f'  <ElementSettings Type="{kind}">\n'
        f'    <FontSpec Font="Courier Prime" Size="12" Style="{style}"/>\n'
        f'    <ParagraphSpec Alignment="{spec.align}" FirstIndent="{spec.first:.2f}" '
        f'Leading="Regular" LeftIndent="{spec.left:.2f}" RightIndent="{spec.right:.2f}" '
        f'SpaceBefore="{spec.before}" Spacing="{spec.spacing}" '
        f'StartsNewPage="{"Yes" if spec.new_page else "No"}"/>\n'
        f"  </ElementSettings>\n"
    )


def settings_xml(layout: PageLayout | None) -> str:
    """`<ElementSettings>` and `<PageLayout>` for `layout` (None: Final Draft 11's)."""
    layout = layout or _DEFAULT
    out = []
    for kind in _WRITTEN:
        spec = FD11[kind]
        attr = _FIELDS.get(kind)
        if attr is not None and layout != _DEFAULT:
            hang = layout.paren_hang if kind == "Parenthetical" else None
            if hang is not None and hang == _DEFAULT.paren_hang:
                hang = None
            spec = _spec_of(getattr(layout, attr), getattr(_DEFAULT, attr), spec, hang)
        out.append(_settings(kind, spec))
    width, height = layout.page_size
    out.append(
        f'  <PageLayout BottomMargin="{_points(layout.bottom_margin)}" FooterMargin="36" '
        f'HeaderMargin="36" TopMargin="{_points(layout.top_margin)}">\n'
        f'    <PageSize Height="{height:.2f}" Width="{width:.2f}"/>\n'
        "  </PageLayout>\n"
    )
    return "".join(out)


def _points(inches: float) -> str:
    points = round(inches * 72, 2)
    return str(int(points)) if points == int(points) else str(points)
