// The script's derived views: the scene navigator, index cards (headings with their synopses,
// "= ..." lines) and the title page form. All are rebuilt from the classified document.

import { EditorSelection } from "@codemirror/state";
import { h, fill, debounce } from "./dom.js";
import { scenes, titlePage, renderTitlePage } from "./fountain.js";

/** Jump to scene `index` (0-based) as the script is now (the list may be older than the text). */
function jump(ctx, index) {
  const scene = scenes(ctx.view.state)[index];
  if (!scene) return;
  ctx.view.dispatch({ selection: EditorSelection.cursor(scene.from), scrollIntoView: true });
  ctx.view.focus();
}

/** Re-render `panel` after changes, only while it is shown and only when `key()` changed. */
function live(ctx, panel, key, render) {
  let last = null;
  panel.onShow = () => {
    last = key();
    render();
  };
  const later = debounce(() => {
    if (panel.el.hidden) return;
    const now = key();
    if (now !== last) panel.onShow();
  }, 300, 2000);
  ctx.onUpdate((update) => update.docChanged && later());
  return panel;
}

const outlineKey = (ctx) => JSON.stringify(scenes(ctx.view.state).map((s) => [s.heading, s.number, s.synopses]));

export function scenesPanel(ctx) {
  const list = h("ol.scene-list");
  const render = () => {
    const all = scenes(ctx.view.state);
    fill(
      list,
      all.length ? null : h("li.empty", {}, "No scene headings yet (INT. / EXT.)."),
      ...all.map((s, i) => h("li", {}, h("button.link.scene", { type: "button", onclick: () => jump(ctx, i) }, h("span.number", {}, s.number || String(i + 1)), " ", s.heading))),
    );
  };
  return live(ctx, { el: h("div.panel", {}, list) }, () => outlineKey(ctx), render);
}

export function cardsPanel(ctx) {
  const grid = h("div.cards");
  const render = () => {
    const all = scenes(ctx.view.state);
    fill(
      grid,
      all.length ? null : h("p.empty", {}, "Index cards appear for each scene; add a synopsis with a line starting '= '."),
      ...all.map((s, i) =>
        h("button.card", { type: "button", onclick: () => jump(ctx, i) }, h("span.card-heading", {}, `${s.number || i + 1}. ${s.heading}`), h("span.card-synopsis", {}, s.synopses.join(" ") || "—")),
      ),
    );
  };
  return live(ctx, { el: h("div.panel", {}, grid) }, () => outlineKey(ctx), render);
}

const FIELDS = ["Title", "Credit", "Author", "Source", "Draft date", "Contact", "Copyright", "Notes"];

export function titlePanel(ctx) {
  const inputs = new Map(FIELDS.map((key) => [key, h(key === "Contact" || key === "Notes" ? "textarea" : "input", { name: key, readOnly: !ctx.canEdit, rows: 3 })]));
  const form = h(
    "form.title-page",
    {
      onsubmit: (event) => {
        event.preventDefault();
        const { state } = ctx.view;
        const { fields, to } = titlePage(state);
        const extra = fields.filter((f) => !FIELDS.some((k) => k.toLowerCase() === f.key.toLowerCase()));
        const text = renderTitlePage([...FIELDS.map((key) => ({ key, value: inputs.get(key).value })), ...extra]);
        let insert = text;
        if (to === 0 && text) insert = `${text}\n\n`;
        const rest = state.doc.sliceString(to, to + 2);
        if (to > 0 && !text) insert = "";
        ctx.view.dispatch({ changes: { from: 0, to: to === 0 ? 0 : to + (text ? 0 : rest.startsWith("\n\n") ? 2 : rest.startsWith("\n") ? 1 : 0), insert }, userEvent: "input" });
      },
    },
    ...FIELDS.map((key) => h("label", {}, key, inputs.get(key))),
    ctx.canEdit ? h("button.primary", { type: "submit" }, "Save title page") : null,
  );
  const render = () => {
    if (form.contains(document.activeElement)) return;
    const { fields } = titlePage(ctx.view.state);
    for (const key of FIELDS) {
      const found = fields.find((f) => f.key.toLowerCase() === key.toLowerCase() || (key === "Author" && f.key.toLowerCase() === "authors"));
      inputs.get(key).value = found ? found.value : "";
    }
  };
  return live(ctx, { el: h("div.panel", {}, form) }, () => JSON.stringify(titlePage(ctx.view.state)), render);
}
