// Fountain in CodeMirror: a line classifier (one pass over the document, kept in a StateField),
// the highlighting built on it, Final Draft-style Tab/Enter element cycling, and autocomplete of
// character cues and scene headings taken from the script itself.
//
// Element types: title-key | title | heading | action | cue | paren | dialogue | transition |
// centered | section | synopsis | pagebreak | lyric | note | boneyard | blank

import { StateField, StateEffect, RangeSetBuilder, EditorSelection, Prec } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, keymap } from "@codemirror/view";

const TITLE_KEYS = /^(title|credit|authors?|source|draft date|date|contact|copyright|notes|revision|format)\s*:/i;
const ANY_KEY = /^[A-Za-z][A-Za-z ]*:/;
const HEADING = /^(int|ext|est|int\.?\/ext|i\/e)[. ]/i;
const SCENE_NUMBER = /\s*#[^#\s]+#\s*$/;

/** The cue without its extension, dual marker or force: "BOB (V.O.) ^" -> "BOB". */
export function speakerOf(cue) {
  return cue.trim().replace(/^@/, "").replace(/\^$/, "").replace(/\(.*\)\s*$/, "").trim();
}

function isCueText(text) {
  const t = text.replace(/\^$/, "").trim();
  if (!/[A-Z]/.test(t)) return false;
  const name = t.replace(/\(.*\)\s*$/, "");
  return name === name.toUpperCase() && !/[.!?:]$/.test(name.trim()) && name.trim().length > 0;
}

/**
 * Classify every line of `lines`; returns {types, dual} (arrays indexed by 0-based line).
 * Follows fountain.io: headings, cues and transitions need a blank line before them; a cue
 * is an uppercase line followed by dialogue (or one that cannot be an action line: no final
 * sentence punctuation, so "BOB" is a cue while "SILENCE." is action).
 */
export function classify(lines) {
  const n = lines.length;
  const types = new Array(n);
  const dual = new Array(n);
  run((i) => lines[i], n, types, dual, 0, null);
  return { types, dual };
}

/**
 * Classify lines from `start` (which follows a blank line, or is 0) into `types`/`dual`; `line(i)`
 * gives line i's text. Stops after a blank line i for which `stop(i)` is true (the rest of the
 * document is known to be classified as before) and returns where it stopped.
 */
function run(line, n, types, dual, start, stop) {
  let i = start;
  if (start === 0 && n && TITLE_KEYS.test(line(0))) {
    for (; i < n && line(i).trim() !== ""; i++) {
      types[i] = ANY_KEY.test(line(i)) && !/^\s/.test(line(i)) ? "title-key" : "title";
      dual[i] = false;
    }
  }
  let prevBlank = true;
  let inDialogue = false;
  let boneyard = false;
  let lastCue = -1;
  for (; i < n; i++) {
    const text = line(i);
    const t = text.trim();
    dual[i] = false;
    if (boneyard || (t.startsWith("/*") && !t.includes("*/"))) {
      types[i] = "boneyard";
      boneyard = boneyard ? !t.includes("*/") : true;
      continue;
    }
    if (t === "" && !(inDialogue && text === "  ")) {
      types[i] = "blank";
      prevBlank = true;
      inDialogue = false;
      if (stop && stop(i)) return i + 1;
      continue;
    }
    const nextBlank = i + 1 >= n || line(i + 1).trim() === "";
    let type = "action";
    if (inDialogue) {
      type = t.startsWith("(") ? "paren" : "dialogue";
      dual[i] = dual[lastCue];
    } else if (/^={3,}$/.test(t)) type = "pagebreak";
    else if (t.startsWith("#")) type = "section";
    else if (t.startsWith("=")) type = "synopsis";
    else if (t.startsWith("~")) type = "lyric";
    else if (t.startsWith("[[") && t.endsWith("]]")) type = "note";
    else if (/^>.*<$/.test(t)) type = "centered";
    else if (t.startsWith(">")) type = "transition";
    else if (t.startsWith("!")) type = "action";
    else if (prevBlank && (HEADING.test(t) || /^\.[^.]/.test(t))) type = "heading";
    else if (prevBlank && nextBlank && /TO:$/.test(t) && t === t.toUpperCase()) type = "transition";
    else if (prevBlank && (t.startsWith("@") || (isCueText(t) && (!nextBlank || !/[.!?]$/.test(t))))) {
      type = "cue";
      inDialogue = true;
      lastCue = i;
      if (t.endsWith("^")) {
        dual[i] = true;
        // the dialogue block before this one is the left half
        for (let j = i - 2; j >= 0 && types[j] !== "blank"; j--) {
          if (["cue", "paren", "dialogue"].includes(types[j])) dual[j] = true;
        }
      }
    }
    types[i] = type;
    prevBlank = false;
  }
  return n;
}

function docLines(doc) {
  const lines = [];
  for (const iter = doc.iterLines(); !iter.next().done; ) lines.push(iter.value);
  return lines;
}

/**
 * Reclassify after a change: from two paragraphs before the first changed line to the first
 * blank line after the change that was blank before it too; the rest is shifted, not redone
 * (a keystroke in a 128-page script touches a few lines, not 5,000).
 */
function reclassify(old, tr) {
  const doc = tr.state.doc;
  const n = doc.lines;
  const delta = n - tr.startState.doc.lines;
  let fromB = Infinity;
  let toB = -1;
  tr.changes.iterChangedRanges((fA, tA, fB, tB) => {
    fromB = Math.min(fromB, fB);
    toB = Math.max(toB, tB);
  });
  const first = doc.lineAt(fromB).number - 1;
  const last = doc.lineAt(toB).number - 1;
  let start = first;
  for (let blanks = 0; start > 0; start--) {
    if (old.types[start - 1] === "blank" && ++blanks === 2) break;
  }
  const types = old.types.slice(0, start);
  const dual = old.dual.slice(0, start);
  const line = (i) => doc.line(i + 1).text;
  const stop = (i) => i > last && old.types[i - delta] === "blank" && !(i + 1 < n && line(i + 1).trim().endsWith("^"));
  const end = run(line, n, types, dual, start, stop);
  for (let i = end; i < n; i++) {
    types[i] = old.types[i - delta];
    dual[i] = old.dual[i - delta];
  }
  return { types, dual };
}

/** The classified document: {types, dual} for the current state. */
export const elements = StateField.define({
  create: (state) => classify(docLines(state.doc)),
  update: (value, tr) => (tr.docChanged ? reclassify(value, tr) : value),
});

/** Element type of the (1-based) line `number`. */
export function lineType(state, number) {
  return state.field(elements).types[number - 1] ?? "action";
}

/** Scenes: [{heading, from, line, synopses: [text], number}] in document order. */
export function scenes(state) {
  const { types } = state.field(elements);
  const out = [];
  for (let i = 0; i < types.length; i++) {
    const line = state.doc.line(i + 1);
    if (types[i] === "heading") {
      const text = line.text.trim().replace(/^\./, "");
      const number = (text.match(/#([^#\s]+)#\s*$/) || [])[1] || null;
      out.push({ heading: text.replace(SCENE_NUMBER, ""), from: line.from, line: i + 1, synopses: [], number });
    } else if (types[i] === "synopsis" && out.length) {
      out[out.length - 1].synopses.push(line.text.trim().replace(/^=\s*/, ""));
    }
  }
  return out;
}

/** Speakers in order of first appearance. */
export function characters(state) {
  const { types } = state.field(elements);
  const seen = new Set();
  for (let i = 0; i < types.length; i++) {
    if (types[i] === "cue") {
      const name = speakerOf(state.doc.line(i + 1).text);
      if (name) seen.add(name);
    }
  }
  return [...seen];
}

/** The title page block as [{key, value}], and the character range it occupies. */
export function titlePage(state) {
  const { types } = state.field(elements);
  const fields = [];
  let to = 0;
  for (let i = 0; i < types.length && types[i].startsWith("title"); i++) {
    const line = state.doc.line(i + 1);
    to = line.to;
    if (types[i] === "title-key") {
      const at = line.text.indexOf(":");
      fields.push({ key: line.text.slice(0, at).trim(), value: line.text.slice(at + 1).trim() });
    } else if (fields.length) {
      const last = fields[fields.length - 1];
      last.value = last.value ? `${last.value}\n${line.text.trim()}` : line.text.trim();
    }
  }
  return { fields, to };
}

/** Fountain text of a title page block (values may hold several lines). */
export function renderTitlePage(fields) {
  return fields
    .filter((f) => f.value.trim())
    .map((f) => {
      const lines = f.value.split("\n").map((l) => l.trim()).filter(Boolean);
      return lines.length === 1 ? `${f.key}: ${lines[0]}` : `${f.key}:\n${lines.map((l) => `    ${l}`).join("\n")}`;
    })
    .join("\n");
}

// --- highlighting -----------------------------------------------------------------------------

const lineDeco = {};
const lineClass = (type, dual) => {
  const key = `${type}${dual ? "+dual" : ""}`;
  lineDeco[key] ??= Decoration.line({ class: `fl-${type}${dual ? " fl-dual" : ""}` });
  return lineDeco[key];
};
const INLINE = [
  [/\[\[[\s\S]*?\]\]/g, Decoration.mark({ class: "fl-note" })],
  [/\/\*[\s\S]*?\*\//g, Decoration.mark({ class: "fl-boneyard" })],
  [/\*\*\*[^*\n]+\*\*\*/g, Decoration.mark({ class: "fl-bold fl-italic" })],
  [/\*\*[^*\n]+\*\*/g, Decoration.mark({ class: "fl-bold" })],
  [/(^|[^*])(\*[^*\s][^*\n]*\*)/g, Decoration.mark({ class: "fl-italic" }), 2],
  [/(^|[^\\\w])(_[^_\n]+_)/g, Decoration.mark({ class: "fl-underline" }), 2],
];
const titleKeyMark = Decoration.mark({ class: "fl-title-key-name" });

function buildDecorations(view) {
  const { state } = view;
  const { types, dual } = state.field(elements);
  const builder = new RangeSetBuilder();
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = state.doc.lineAt(pos);
      const i = line.number - 1;
      const marks = [];
      if (types[i] === "title-key") marks.push([line.from, line.from + line.text.indexOf(":") + 1, titleKeyMark]);
      for (const [pattern, deco, group] of INLINE) {
        pattern.lastIndex = 0;
        for (let m; (m = pattern.exec(line.text)); ) {
          const start = group ? m.index + m[1].length : m.index;
          const text = group ? m[group] : m[0];
          marks.push([line.from + start, line.from + start + text.length, deco]);
        }
      }
      builder.add(line.from, line.from, lineClass(types[i] ?? "action", dual[i]));
      marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [a, b, deco] of marks) builder.add(a, b, deco);
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

export const fountainHighlight = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = buildDecorations(view);
    }
    update(update) {
      if (update.docChanged || update.viewportChanged) this.decorations = buildDecorations(update.view);
    }
  },
  { decorations: (v) => v.decorations },
);

// --- element cycling (Final Draft's Tab and Enter) ---------------------------------------------
//
// A new element on an empty line has no text to classify yet, so Tab/Enter remember the chosen
// element for that line ("pending"); typing on a pending cue, heading or transition line is
// uppercased.  The table (docs/web.md):
//
//   element        Enter (at end of line)             Tab
//   scene heading  blank line, then action            -
//   action         blank line, then action            line becomes a cue (uppercased); on an
//                                                     empty line: start a cue
//   cue            next line: dialogue                next line: parenthetical "()"
//   parenthetical  next line: dialogue                becomes dialogue (parentheses removed)
//   dialogue       blank line, then action            becomes a parenthetical (wrapped)
//                  (Tab there starts a cue)
//   transition     blank line, then scene heading     -
//   empty line     pending element cycles on Tab: action -> cue -> scene heading -> transition
//   Shift-Enter    a plain line break, always

const setPending = StateEffect.define();
export const pending = StateField.define({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) {
      if (e.is(setPending)) return e.value && { ...e.value, pos: tr.state.doc.lineAt(e.value.pos).from };
    }
    if (!value) return value;
    const at = tr.changes.mapPos(value.pos);
    const head = tr.state.selection.main.head;
    if (tr.state.doc.lineAt(head).number !== tr.state.doc.lineAt(at).number) return null;
    return { ...value, pos: tr.state.doc.lineAt(at).from };
  },
});

export function currentElement(state) {
  const line = state.doc.lineAt(state.selection.main.head);
  const p = state.field(pending);
  if (p && state.doc.lineAt(p.pos).number === line.number) return p.type;
  const type = lineType(state, line.number);
  if (type === "action" && line.text.trim() !== "") {
    const prev = line.number > 1 ? state.doc.line(line.number - 1).text.trim() : "";
    if (prev === "" && isCueText(line.text)) return "cue";
  }
  return line.text.trim() === "" ? "empty" : type;
}

function insertAndPend(view, text, type, cursorBack = 0) {
  const { head } = view.state.selection.main;
  const end = head + text.length - cursorBack;
  view.dispatch({
    changes: { from: head, insert: text },
    selection: EditorSelection.cursor(end),
    effects: setPending.of(type ? { pos: head + text.length, type } : null),
    scrollIntoView: true,
    userEvent: "input",
  });
  return true;
}

function enter(view) {
  const { state } = view;
  const sel = state.selection.main;
  if (!sel.empty || state.readOnly) return false;
  const line = state.doc.lineAt(sel.head);
  const element = line.text.trim() === "" ? "empty" : currentElement(state);
  if (element === "paren" && line.text.slice(sel.head - line.from).trim() === ")") {
    view.dispatch({ selection: EditorSelection.cursor(line.to) }); // Enter inside "(...)" leaves it
  } else if (sel.head !== line.to) return false;
  switch (element) {
    case "cue":
    case "paren":
      return insertAndPend(view, "\n", "dialogue");
    case "dialogue":
    case "heading":
    case "action":
    case "centered":
    case "lyric":
      return insertAndPend(view, "\n\n", "action");
    case "transition":
      return insertAndPend(view, "\n\n", "heading");
    case "empty":
      view.dispatch({ effects: setPending.of(null) });
      return false;
    default:
      return false;
  }
}

const CYCLE = ["action", "cue", "heading", "transition"];

function tab(view) {
  const { state } = view;
  if (state.readOnly || !state.selection.main.empty) return false;
  const line = state.doc.lineAt(state.selection.main.head);
  const text = line.text;
  const element = currentElement(state);
  const replace = (insert, type = null, cursor = null) => {
    view.dispatch({
      changes: { from: line.from, to: line.to, insert },
      selection: EditorSelection.cursor(cursor ?? line.from + insert.length),
      effects: setPending.of(type ? { pos: line.from, type } : null),
      userEvent: "input",
    });
    return true;
  };
  if (text.trim() === "") {
    const p = state.field(pending);
    const now = p && state.doc.lineAt(p.pos).number === line.number ? p.type : "action";
    const next = CYCLE[(CYCLE.indexOf(now) + 1) % CYCLE.length] || "cue";
    view.dispatch({ effects: setPending.of({ pos: line.from, type: next }) });
    return true;
  }
  if (element === "action") return replace(text.toUpperCase(), "cue");
  if (element === "cue") return insertAndPend(view, "\n()", "paren", 1);
  if (element === "dialogue") return replace(`(${text.trim()})`, "paren", line.from + text.trim().length + 1);
  if (element === "paren") return replace(text.trim().replace(/^\(/, "").replace(/\)$/, ""), "dialogue");
  return true; // keep focus in the editor
}

const UPPER = new Set(["cue", "heading", "transition"]);
const upperInput = EditorView.inputHandler.of((view, from, to, text) => {
  const p = view.state.field(pending);
  if (!p || !UPPER.has(p.type) || text === text.toUpperCase()) return false;
  if (view.state.doc.lineAt(from).from !== p.pos) return false;
  view.dispatch({
    changes: { from, to, insert: text.toUpperCase() },
    selection: EditorSelection.cursor(from + text.length),
    userEvent: "input.type",
  });
  return true;
});

export const elementCycling = [
  pending,
  upperInput,
  Prec.high(keymap.of([{ key: "Enter", run: enter }, { key: "Tab", run: tab }])),
];

/** A class on the editor naming the pending element, shown in the status bar. */
export function elementName(type) {
  return {
    heading: "Scene Heading", action: "Action", cue: "Character", paren: "Parenthetical",
    dialogue: "Dialogue", transition: "Transition", centered: "Centered", section: "Section",
    synopsis: "Synopsis", note: "Note", boneyard: "Boneyard", lyric: "Lyric",
    pagebreak: "Page Break", "title-key": "Title Page", title: "Title Page", empty: "Action",
  }[type] ?? type;
}

// --- autocomplete --------------------------------------------------------------------------------

/** Completion source: cues from the script's speakers, headings from the script's headings. */
export function fountainCompletions(context) {
  const { state } = context;
  const line = state.doc.lineAt(context.pos);
  const before = line.text.slice(0, context.pos - line.from);
  const prevBlank = line.number === 1 || state.doc.line(line.number - 1).text.trim() === "";
  if (!prevBlank || before.trim() === "") return null;
  if (HEADING.test(before) || /^\./.test(before)) {
    const seen = new Set(scenes(state).map((s) => s.heading).filter((hd) => hd !== before.trim()));
    const options = [...seen]
      .filter((hd) => hd.toUpperCase().startsWith(before.toUpperCase()))
      .map((label) => ({ label, type: "heading" }));
    return options.length ? { from: line.from, options, validFor: /^[^\n]*$/ } : null;
  }
  const element = currentElement(state);
  if ((element !== "cue" && !/^@?[A-Z][A-Z0-9 .'-]*$/.test(before)) || before !== before.toUpperCase()) return null;
  const typed = before.replace(/^@/, "");
  const options = characters(state)
    .filter((name) => name.startsWith(typed) && name !== typed)
    .map((label) => ({ label, type: "cue" }));
  return options.length ? { from: line.from + (before.length - typed.length), options } : null;
}
