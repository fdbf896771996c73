// Live page count and page-break markers, from the server's own paginator (Final Draft parity):
// POST /api/projects/{id}/pages {"fountain"} -> {"pages", "breaks": [{"page", "offset"}]}.
// Requests are debounced (250 ms after typing stops, 600 ms at most) so the count and breaks
// follow a change within a second; the offsets are mapped through whatever was typed while the
// request was in flight.

import { StateField, StateEffect, ChangeSet } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";
import { api, projectPath } from "./api.js";
import { h, debounce } from "./dom.js";

class PageBreakWidget extends WidgetType {
  constructor(page) {
    super();
    this.page = page;
  }
  eq(other) {
    return other.page === this.page;
  }
  toDOM() {
    return h("div.page-break", { "aria-label": `Page ${this.page}` }, h("span", {}, `${this.page}.`));
  }
}

const setBreaks = StateEffect.define();

export const pageBreaks = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setBreaks)) return e.value;
    return tr.docChanged ? value.map(tr.changes) : value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The page breaks shown now: [{page, pos}] (pos: the start of the page's first line). */
export function breakPositions(state) {
  const out = [];
  for (const iter = state.field(pageBreaks).iter(); iter.value; iter.next()) out.push({ page: iter.value.spec.widget.page, pos: iter.from });
  return out;
}

/** Code-point offsets (Python) -> UTF-16 offsets (JavaScript) in `text`. */
function utf16Offsets(text, offsets) {
  if (!/[\uD800-\uDFFF]/.test(text)) return offsets;
  const sorted = [...offsets].sort((a, b) => a - b);
  const result = new Map();
  let points = 0;
  let units = 0;
  for (const target of sorted) {
    while (points < target && units < text.length) {
      units += text.codePointAt(units) > 0xffff ? 2 : 1;
      points += 1;
    }
    result.set(target, units);
  }
  return offsets.map((o) => result.get(o));
}

/** The "N pages" label in the toolbar; it keeps the break markers in the editor current. */
export function pageCounter(ctx) {
  const label = h("span.pages", { title: "Pages (writersroom's paginator)" }, "– pages");
  let since = null; // changes made since the text in flight was taken
  let inFlight = false;
  let again = false;
  const refresh = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const { view } = ctx;
    const text = view.state.doc.toString();
    since = ChangeSet.empty(text.length);
    try {
      const result = await api("POST", projectPath(ctx.id, "/pages"), { fountain: text });
      const breaks = result.breaks || [];
      const offsets = utf16Offsets(text, breaks.map((b) => b.offset));
      const ranges = [];
      breaks.forEach((b, i) => {
        const at = since.mapPos(Math.min(offsets[i], text.length), 1);
        const line = view.state.doc.lineAt(at);
        ranges.push(Decoration.widget({ widget: new PageBreakWidget(b.page), block: true, side: -1 }).range(line.from));
      });
      const shown = breakPositions(view.state);
      const same = shown.length === ranges.length && ranges.every((r, i) => r.from === shown[i].pos && breaks[i].page === shown[i].page);
      if (!same) view.dispatch({ effects: setBreaks.of(Decoration.set(ranges, true)) });
      label.textContent = `${result.pages} ${result.pages === 1 ? "page" : "pages"}`;
      label.dataset.pages = String(result.pages);
    } catch (error) {
      label.title = `Page count unavailable: ${error.message}`;
    } finally {
      since = null;
      inFlight = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = debounce(refresh, 250, 600); // while others type nonstop, still every 600 ms
  ctx.onUpdate((update) => {
    if (!update.docChanged) return;
    if (since) since = since.compose(update.changes);
    schedule();
  });
  ctx.provider.on("sync", (synced) => synced && schedule());
  return label;
}
