// A project's writers' room: the CodeMirror editor bound to the shared Y.Text "fountain" over
// y-websocket, presence, the connection indicator, and the side panels around the page.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, drawSelection, highlightActiveLine, placeholder } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";

import { api, projectPath } from "./api.js";
import { h, fill, debounce } from "./dom.js";
import { header } from "./header.js";
import { elements, fountainHighlight, elementCycling, fountainCompletions, currentElement, elementName } from "./fountain.js";
import { breakPositions, pageBreaks, pageCounter } from "./pages.js";
import { reviewDecorations, commentsPanel, suggestionsPanel } from "./review.js";
import { scenesPanel, cardsPanel, titlePanel } from "./outline.js";
import { versionsPanel } from "./versions.js";
import { aiPanel, coveragePanel, storyPanel } from "./ai.js";
import { membersPanel, transferMenu } from "./members.js";

const COLORS = ["#b5452b", "#2b6cb5", "#2b8a4b", "#8a2bb5", "#b58a2b", "#2b9fb5", "#b52b7a", "#5a6b2b"];

function colorFor(text) {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return COLORS[hash % COLORS.length];
}

export async function openProject(root, id, me) {
  let project;
  try {
    project = await api("GET", projectPath(id));
  } catch (error) {
    return fill(root, header(me), h("main.projects-page", {}, h("p.error", {}, `Cannot open this project: ${error.message}`), h("a", { href: "/" }, "All projects")));
  }
  const role = project.role;
  const ctx = {
    id,
    me,
    project,
    role,
    canEdit: role === "owner" || role === "editor",
    canComment: role !== "viewer",
    isOwner: role === "owner",
  };
  document.title = `${project.title} · writersroom`;

  const ydoc = new Y.Doc();
  const ytext = ydoc.getText("fountain");
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const provider = new WebsocketProvider(`${scheme}//${location.host}/ws/projects`, id, ydoc, { maxBackoffTime: 2000 });
  const color = colorFor(me.email);
  provider.awareness.setLocalStateField("user", { name: me.name || me.email, email: me.email, color, colorLight: `${color}33` });
  Object.assign(ctx, {
    ydoc,
    ytext,
    provider,
    comments: ydoc.getMap("comments"),
    suggestions: ydoc.getMap("suggestions"),
    bible: ydoc.getMap("bible"),
    jobs: ydoc.getMap("jobs"),
  });

  const undoManager = new Y.UndoManager(ytext);
  const elementLabel = h("span.element", { title: "Current element (Tab / Enter change it)" });
  const updateHooks = [];
  ctx.onUpdate = (fn) => updateHooks.push(fn);
  const view = new EditorView({
    parent: h("div.page-editor"),
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        EditorState.readOnly.of(!ctx.canEdit),
        EditorView.contentAttributes.of({ "aria-label": "Screenplay", "aria-readonly": String(!ctx.canEdit), spellcheck: "true" }),
        EditorView.lineWrapping,
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        placeholder(ctx.canEdit ? "INT. SOMEWHERE - DAY\n\nStart writing. Tab and Enter change the element." : "The script is empty."),
        elements,
        fountainHighlight,
        elementCycling,
        autocompletion({ override: [fountainCompletions], icons: false }),
        keymap.of([...completionKeymap, ...yUndoManagerKeymap, ...searchKeymap, ...defaultKeymap]),
        yCollab(ytext, provider.awareness, { undoManager }),
        pageBreaks,
        reviewDecorations,
        EditorView.updateListener.of((update) => {
          const name = elementName(currentElement(update.state));
          if (elementLabel.textContent !== name) elementLabel.textContent = name;
          for (const fn of updateHooks) fn(update);
        }),
      ],
    }),
  });
  ctx.view = view;
  // for the browser tests and the console
  window.writersroom = { view, ydoc, provider, ctx, breaks: () => breakPositions(view.state) };

  const status = h("span.status.connecting", { title: "Connection to the room" }, "Connecting…");
  const setStatus = () => {
    const connected = provider.wsconnected;
    status.className = `status ${connected ? (provider.synced ? "synced" : "connecting") : "offline"}`;
    status.textContent = connected ? (provider.synced ? "Saved" : "Syncing…") : provider.wsconnecting ? "Connecting…" : "Offline (edits kept here)";
    status.dataset.state = connected && provider.synced ? "synced" : connected ? "syncing" : "offline";
  };
  provider.on("status", setStatus);
  provider.on("sync", setStatus);
  // A refused handshake (no session, no longer a member) looks like any failed connection;
  // ask the API why before retrying forever. 4401/4403 close an open socket for the same reasons.
  const stopFor = (text) => {
    provider.disconnect();
    clearInterval(ticker);
    status.className = "status offline";
    status.dataset.state = "refused";
    status.textContent = text;
  };
  const why = debounce(async () => {
    if (provider.wsconnected) return;
    try {
      await api("GET", projectPath(id));
    } catch (error) {
      if (error.status === 401) stopFor("Signed out: sign in again");
      else if (error.status === 403 || error.status === 404) stopFor("No access to this project");
    }
  }, 500);
  provider.on("connection-close", (event) => {
    if (event && event.code === 4401) stopFor("Signed out: sign in again");
    else if (event && event.code === 4403) stopFor("No access to this project");
    else why();
  });
  provider.on("connection-error", () => why());
  const ticker = setInterval(setStatus, 1000);
  // A socket can outlive the network for minutes; when the browser knows it is offline, go
  // offline at once (edits stay in the Y.Doc and merge when the connection is back).
  window.addEventListener("offline", () => provider.disconnect());
  window.addEventListener("online", () => provider.connect());

  const presence = h("span.presence", { "aria-label": "Who is here" });
  const showPresence = () => {
    const people = [];
    provider.awareness.getStates().forEach((state, clientId) => {
      if (state.user) people.push({ ...state.user, self: clientId === ydoc.clientID });
    });
    fill(presence, ...people.map((p) => h("span.person", { title: p.email || "", style: `--who:${p.color || "#888"}` }, p.self ? `${p.name} (you)` : p.name)));
  };
  provider.awareness.on("change", showPresence);
  showPresence();

  const pages = pageCounter(ctx);
  const left = tabs([
    ["Scenes", scenesPanel(ctx)],
    ["Cards", cardsPanel(ctx)],
    ["Title page", titlePanel(ctx)],
  ]);
  const right = tabs([
    ["Suggestions", suggestionsPanel(ctx)],
    ["Comments", commentsPanel(ctx)],
    ["AI", aiPanel(ctx)],
    ["Coverage", coveragePanel(ctx)],
    ["Story", storyPanel(ctx)],
    ["Versions", versionsPanel(ctx)],
    ["Members", membersPanel(ctx)],
  ]);
  ctx.showTab = right.show;

  fill(
    root,
    header(me, h("span.project-title", {}, project.title), h("span.role-badge", {}, role), status, presence),
    h(
      "div.toolbar",
      {},
      transferMenu(ctx),
      h("span.spacer"),
      elementLabel,
      pages,
    ),
    h("main.room", {}, h("aside.left", {}, left.el), h("section.desk", {}, h("div.paper", {}, view.dom)), h("aside.right", {}, right.el)),
  );
  setStatus();
  if (ctx.canEdit) view.focus();
}

/** A tab strip: [[name, {el, onShow?}], ...] -> {el, show(name)}. */
function tabs(items) {
  const bar = h("div.tabs", { role: "tablist" });
  const body = h("div.tab-body");
  const buttons = new Map();
  const show = (name) => {
    for (const [label, panel] of items) {
      const active = label === name;
      buttons.get(label).setAttribute("aria-selected", String(active));
      panel.el.hidden = !active;
      if (active && panel.onShow) panel.onShow();
    }
  };
  for (const [label, panel] of items) {
    const button = h("button.tab", { type: "button", role: "tab", dataset: { tab: label }, onclick: () => show(label) }, label);
    buttons.set(label, button);
    bar.append(button);
    body.append(panel.el);
  }
  show(items[0][0]);
  return { el: h("div.tabbed", {}, bar, body), show };
}
