// node --test frontend/test: the Fountain classifier, and its incremental form against a full
// pass after thousands of random edits.

import { test } from "node:test";
import assert from "node:assert/strict";
import { EditorState } from "@codemirror/state";
import { classify, elements, scenes, characters } from "../src/fountain.js";

const SCRIPT = `Title: The Diner
Author: Ana

INT. DINER - NIGHT

= Mara waits.

Rain. MARA (40s) stirs a coffee.

MARA
(to herself)
He said nine.

WAITRESS
It's ten.

MARA ^
I know.

CUT TO:

/* cut
this */

EXT. LOT - DAY

> THE END <

SILENCE.
`;

test("classifies every Fountain element", () => {
  const { types, dual } = classify(SCRIPT.split("\n"));
  const at = (text) => types[SCRIPT.split("\n").indexOf(text)];
  assert.equal(at("Title: The Diner"), "title-key");
  assert.equal(at("INT. DINER - NIGHT"), "heading");
  assert.equal(at("= Mara waits."), "synopsis");
  assert.equal(at("Rain. MARA (40s) stirs a coffee."), "action");
  assert.equal(at("MARA"), "cue");
  assert.equal(at("(to herself)"), "paren");
  assert.equal(at("He said nine."), "dialogue");
  assert.equal(at("CUT TO:"), "transition");
  assert.equal(at("this */"), "boneyard");
  assert.equal(at("> THE END <"), "centered");
  assert.equal(at("SILENCE."), "action");
  const lines = SCRIPT.split("\n");
  assert.equal(dual[lines.indexOf("MARA ^")], true);
  assert.equal(dual[lines.indexOf("It's ten.")], true); // the left half
  assert.equal(dual[lines.indexOf("He said nine.")], false);
});

test("scenes and characters come from the script", () => {
  const state = EditorState.create({ doc: SCRIPT, extensions: [elements] });
  assert.deepEqual(scenes(state).map((s) => [s.heading, s.synopses]), [["INT. DINER - NIGHT", ["Mara waits."]], ["EXT. LOT - DAY", []]]);
  assert.deepEqual(characters(state), ["MARA", "WAITRESS"]);
});

test("incremental classification equals a full pass after random edits", () => {
  let state = EditorState.create({ doc: SCRIPT.repeat(20), extensions: [elements] });
  const pieces = ["\n", "\n\n", "MARA", "BOB ^", "(quietly)", "INT. X - DAY", "/*", "*/", "a", "  ", "CUT TO:", "Title: x", "= note"];
  let seed = 7;
  const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let k = 0; k < 2000; k++) {
    const length = state.doc.length;
    const from = rand(length + 1);
    const to = Math.min(length, from + (rand(3) === 0 ? rand(40) : 0));
    const insert = rand(4) === 0 ? "" : pieces[rand(pieces.length)];
    state = state.update({ changes: { from, to, insert } }).state;
    assert.deepEqual(state.field(elements), classify(state.doc.toString().split("\n")), `edit ${k}`);
  }
});
