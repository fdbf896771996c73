// Comments and suggestions: both live in the shared doc (Y.Maps "comments" and "suggestions"),
// anchored by relative positions, shown in the script as decorations and listed in side panels.
// Comments are created through the server (POST .../comments); an editor accepts or rejects a
// suggestion in ONE Yjs transaction (replace the range with its text, set the status).

import { StateField, StateEffect, EditorSelection } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";
import { api, projectPath } from "./api.js";
import { h, fill, when } from "./dom.js";
import { absolute, entries, entry, relpos, storeEntry } from "./shared.js";

class ProposedText extends WidgetType {
  constructor(id, text, status) {
    super();
    Object.assign(this, { id, text, status });
  }
  eq(other) {
    return other.id === this.id && other.text === this.text && other.status === this.status;
  }
  toDOM() {
    return h("span.cm-suggestion-text", { dataset: { suggestion: this.id, status: this.status }, title: "Suggested text" }, this.text || "…");
  }
  ignoreEvent() {
    return false;
  }
}

const setReview = StateEffect.define();

export const reviewDecorations = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setReview)) return e.value;
    return tr.docChanged ? value.map(tr.changes) : value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const OPEN = new Set(["streaming", "pending"]);

function computeDecorations(ctx) {
  const { ydoc, view } = ctx;
  const length = view.state.doc.length;
  const ranges = [];
  const clamp = (n) => Math.max(0, Math.min(n, length));
  for (const c of entries(ctx.comments)) {
    if (c.resolved) continue;
    const from = absolute(ydoc, c.start);
    const to = absolute(ydoc, c.end);
    if (from === null || to === null || to <= from) continue;
    ranges.push(Decoration.mark({ class: "cm-comment-anchor", attributes: { "data-comment": String(c.id) } }).range(clamp(from), clamp(to)));
  }
  for (const s of entries(ctx.suggestions)) {
    if (!OPEN.has(s.status)) continue;
    const from = absolute(ydoc, s.start);
    const to = s.end ? absolute(ydoc, s.end) : from;
    if (from === null) continue;
    const end = to === null ? from : clamp(Math.max(from, to));
    if (end > from) ranges.push(Decoration.mark({ class: "cm-suggestion-original", attributes: { "data-suggestion": String(s.id) } }).range(clamp(from), end));
    ranges.push(Decoration.widget({ widget: new ProposedText(String(s.id), s.text || "", s.status), side: 1 }).range(end));
  }
  return Decoration.set(ranges, true);
}

/** Recompute the decorations after the maps change (outside of any editor update). */
function watch(ctx, ymap, render) {
  let queued = false;
  const refresh = () => {
    if (queued) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      ctx.view.dispatch({ effects: setReview.of(computeDecorations(ctx)) });
      render();
    }, 0);
  };
  ymap.observe(refresh);
  ctx.provider.on("sync", refresh);
  return refresh;
}

function jumpTo(ctx, from, to = from) {
  const length = ctx.view.state.doc.length;
  ctx.view.dispatch({ selection: EditorSelection.range(Math.min(from, length), Math.min(to, length)), scrollIntoView: true });
  ctx.view.focus();
}

// --- comments ---------------------------------------------------------------------------------

export function commentsPanel(ctx) {
  const list = h("ol.comments");
  const text = h("textarea", { name: "comment", rows: 3, placeholder: "Select text in the script, then write a comment" });
  const message = h("p.error", { role: "alert" });
  const form = h(
    "form.comment-form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        const sel = ctx.view.state.selection.main;
        if (sel.empty) return (message.textContent = "Select the text the comment is about first.");
        if (!text.value.trim()) return;
        try {
          await api("POST", projectPath(ctx.id, "/comments"), {
            start: relpos(ctx.ytext, sel.from),
            end: relpos(ctx.ytext, sel.to, -1),
            quote: ctx.view.state.sliceDoc(sel.from, sel.to),
            text: text.value,
          });
          text.value = "";
        } catch (error) {
          message.textContent = error.message;
        }
      },
    },
    text,
    h("button.primary", { type: "submit" }, "Comment"),
    message,
  );
  const render = () => {
    const items = entries(ctx.comments).filter((c) => !c.resolved);
    fill(
      list,
      items.length ? null : h("li.empty", {}, "No comments."),
      ...items.map((c) =>
        h(
          "li.comment",
          {
            dataset: { comment: String(c.id) },
            onclick: () => {
              const from = absolute(ctx.ydoc, c.start);
              if (from !== null) jumpTo(ctx, from, absolute(ctx.ydoc, c.end) ?? from);
            },
          },
          h("div.meta", {}, h("span.author", {}, c.author || ""), " ", h("time", {}, when(c.created))),
          c.quote ? h("blockquote", {}, c.quote) : null,
          h("div.text", {}, c.text || ""),
        ),
      ),
    );
  };
  watch(ctx, ctx.comments, render);
  render();
  return { el: h("div.panel", {}, ctx.canComment ? form : h("p.hint", {}, "Viewers read comments; commenters and editors write them."), list) };
}

// --- suggestions ------------------------------------------------------------------------------

/** Accept suggestion `id` with `text` (its own text, or the text as edited): one transaction. */
export function acceptSuggestion(ctx, id, text) {
  const { ydoc, ytext, suggestions } = ctx;
  const current = entry(suggestions.get(id));
  if (!current || !OPEN.has(current.status)) return false;
  const from = absolute(ydoc, current.start);
  const to = current.end ? absolute(ydoc, current.end) : from;
  if (from === null) throw new Error("The text this suggestion was anchored to is gone; reject it.");
  ydoc.transact(() => {
    if (to !== null && to > from) ytext.delete(from, to - from);
    if (text) ytext.insert(from, text);
    storeEntry(suggestions, id, { ...current, text, status: "accepted" });
  }, "accept-suggestion");
  return true;
}

export function rejectSuggestion(ctx, id) {
  const current = entry(ctx.suggestions.get(id));
  if (!current) return;
  ctx.ydoc.transact(() => storeEntry(ctx.suggestions, id, { ...current, status: "rejected" }), "reject-suggestion");
}

export function suggestionsPanel(ctx) {
  const list = h("ol.suggestions");
  const closed = h("p.hint");
  const drafts = new Map(); // id -> text being edited here (not yet accepted)
  const render = () => {
    const items = entries(ctx.suggestions);
    const open = items.filter((s) => OPEN.has(s.status) || s.status === "failed");
    const done = items.length - open.length;
    closed.textContent = done ? `${done} accepted or rejected.` : "";
    fill(list, open.length ? null : h("li.empty", {}, "No open suggestions."), ...open.map((s) => card(s)));
  };
  const failed = (s) =>
    h(
      "li.suggestion.failed",
      { dataset: { suggestion: String(s.id), status: "failed" } },
      h("div.meta", {}, h("span.author", {}, s.author || ""), " · ", h("span.kind", {}, s.kind || "insert"), " · ", h("span.state", {}, "failed")),
      s.instruction ? h("div.instruction", {}, s.instruction) : null,
      h("p.error", {}, s.error || "The model could not write this suggestion."),
      ctx.canEdit ? h("button.dismiss", { type: "button", onclick: () => rejectSuggestion(ctx, String(s.id)) }, "Dismiss") : null,
    );
  const card = (s) => {
    if (s.status === "failed") return failed(s);
    const id = String(s.id);
    const streaming = s.status === "streaming";
    const editable = ctx.canEdit && !streaming;
    const textArea = h("textarea", { rows: Math.min(12, 2 + (s.text || "").split("\n").length), readOnly: !editable, name: "suggestion-text" });
    textArea.value = drafts.has(id) ? drafts.get(id) : s.text || "";
    textArea.addEventListener("input", () => drafts.set(id, textArea.value));
    const message = h("p.error", { role: "alert" });
    const buttons = ctx.canEdit
      ? h(
          "div.buttons",
          {},
          h("button.primary.accept", {
            type: "button",
            disabled: streaming,
            onclick: () => {
              try {
                acceptSuggestion(ctx, id, textArea.value);
                drafts.delete(id);
              } catch (error) {
                message.textContent = error.message;
              }
            },
          }, drafts.has(id) ? "Accept edited" : "Accept"),
          h("button.reject", { type: "button", onclick: () => (rejectSuggestion(ctx, id), drafts.delete(id)) }, "Reject"),
        )
      : null;
    return h(
      "li.suggestion",
      {
        dataset: { suggestion: id, status: s.status },
        onfocusin: () => {
          const from = absolute(ctx.ydoc, s.start);
          if (from !== null) ctx.view.dispatch({ effects: EditorView.scrollIntoView(from, { y: "center" }) });
        },
      },
      h("div.meta", {}, h("span.author", {}, s.author || ""), " · ", h("span.kind", {}, s.kind || "insert"), " · ", h("span.state", {}, streaming ? "writing…" : s.status)),
      s.instruction ? h("div.instruction", {}, s.instruction) : null,
      s.kind === "replace" && s.original ? h("del.original", {}, s.original) : null,
      textArea,
      buttons,
      message,
    );
  };
  // Re-render on changes, but never under the writer's hands: keep a focused card's text.
  const rerender = () => {
    const focused = document.activeElement?.closest?.("li.suggestion");
    if (focused && list.contains(focused)) {
      const s = entry(ctx.suggestions.get(focused.dataset.suggestion));
      if (s && OPEN.has(s.status) && s.status === focused.dataset.status) return;
    }
    render();
  };
  watch(ctx, ctx.suggestions, rerender);
  render();
  return { el: h("div.panel", {}, ctx.canEdit ? null : h("p.hint", {}, "Only editors and owners accept or reject suggestions."), list, closed) };
}
