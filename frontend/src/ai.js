// AI in the room. Requests go to /api/projects/{id}/ai/*; results arrive as suggestions in the
// shared doc (see review.js), drafts report progress in Y.Map "jobs" and the story bible in
// Y.Map "bible". Coverage comes back as JSON and is rendered as text (never as HTML).

import { api, projectPath } from "./api.js";
import { h, fill } from "./dom.js";
import { characters } from "./fountain.js";
import { entries, entry, relpos } from "./shared.js";

let modelsCache = null;

function modelPicker() {
  const select = h("select", { name: "model", title: "Model" }, h("option", { value: "" }, "default model"));
  modelsCache ??= api("GET", "/api/models").catch(() => ({ data: [] }));
  modelsCache.then(({ data }) => {
    for (const m of data || []) select.append(h("option", { value: m.default ? "" : m.name }, m.default ? `${m.name} (default)` : m.name));
  });
  return select;
}

function withModel(select, body) {
  return select.value ? { ...body, model: select.value } : body;
}

function section(title, ...children) {
  return h("section.ai-section", {}, h("h4", {}, title), ...children);
}

export function aiPanel(ctx) {
  const model = modelPicker();
  const message = h("p.status-line", { role: "status" });
  const run = async (label, path, body) => {
    message.textContent = `${label}: asking the model…`;
    try {
      const result = await api("POST", projectPath(ctx.id, path), withModel(model, body));
      message.textContent = result.suggestion ? `${label}: the suggestion is being written (Suggestions tab).` : `${label}: started.`;
      ctx.showTab(result.job ? "Story" : "Suggestions");
    } catch (error) {
      message.textContent = `${label}: ${error.message}`;
    }
  };
  const cursor = () => relpos(ctx.ytext, ctx.view.state.selection.main.head);

  const instruction = h("input", { name: "instruction", placeholder: "e.g. make it terser, more menace" });
  const rewrite = h("form", {
    onsubmit: (event) => {
      event.preventDefault();
      const sel = ctx.view.state.selection.main;
      if (sel.empty) return (message.textContent = "Select the text to rewrite first.");
      run("Rewrite", "/ai/rewrite", { start: relpos(ctx.ytext, sel.from), end: relpos(ctx.ytext, sel.to, -1), instruction: instruction.value });
    },
  }, instruction, h("button", { type: "submit" }, "Rewrite selection"));

  const who = h("div.who");
  const situation = h("input", { name: "situation", placeholder: "What happens in the exchange" });
  const lines = h("input", { name: "lines", type: "number", min: 1, max: 40, value: 6, title: "Lines" });
  const dialogue = h("form", {
    onsubmit: (event) => {
      event.preventDefault();
      const chosen = [...who.querySelectorAll("input:checked")].map((box) => box.value);
      if (!chosen.length) return (message.textContent = "Choose at least one character.");
      run("Dialogue", "/ai/dialogue", { at: cursor(), characters: chosen, situation: situation.value, lines: Number(lines.value) || 6 });
    },
  }, who, situation, h("label.inline", {}, "lines ", lines), h("button", { type: "submit" }, "Write dialogue at cursor"));
  const listCharacters = () => {
    const checked = new Set([...who.querySelectorAll("input:checked")].map((box) => box.value));
    const names = characters(ctx.view.state);
    fill(who, names.length ? null : h("span.hint", {}, "No characters in the script yet."), ...names.map((name) => h("label.inline", {}, h("input", { type: "checkbox", value: name, checked: checked.has(name) }), name)));
  };

  const el = h(
    "div.panel.ai",
    {},
    ctx.canEdit
      ? [
          h("label.inline", {}, "Model ", model),
          section("Continue", h("button", { type: "button", onclick: () => run("Continue", "/ai/continue", { at: cursor() }) }, "Continue from cursor")),
          section("Rewrite", rewrite),
          section("Dialogue", dialogue),
          h("p.hint", {}, "Everything the model writes arrives as a suggestion; nothing lands in the script until someone accepts it."),
        ]
      : h("p.hint", {}, "Editors and owners ask the model; everyone sees its suggestions."),
    message,
  );
  return { el, onShow: listCharacters };
}

/** Render a coverage report (writersroom's Coverage.to_dict()) as text nodes. */
export function renderCoverage(report) {
  const scores = Object.entries(report.scores || {});
  const grade = (s) => (s >= 4 ? "Excellent" : s >= 3 ? "Good" : s >= 2 ? "Fair" : "Poor");
  return h(
    "div.coverage-report",
    {},
    h("h3", {}, report.title || "Coverage"),
    h("p.verdict", {}, "Verdict: ", h("strong", { dataset: { verdict: report.verdict || "" } }, report.verdict || "—")),
    report.logline ? h("p", {}, h("strong", {}, "Logline: "), report.logline) : null,
    report.premise && report.premise !== report.logline ? h("p", {}, h("strong", {}, "Premise: "), report.premise) : null,
    scores.length
      ? h("table.grid", {}, h("thead", {}, h("tr", {}, h("th", {}, "Criterion"), h("th", {}, "Score"), h("th", {}, "Grade"))),
          h("tbody", {}, ...scores.map(([name, score]) => h("tr", { className: name === "overall" ? "overall" : "" }, h("td", {}, name), h("td.num", {}, Number(score).toFixed(1)), h("td", {}, grade(Number(score)))))))
      : null,
    report.synopsis ? [h("h4", {}, "Synopsis"), h("p.synopsis", {}, report.synopsis)] : null,
    (report.suggestions || []).length ? [h("h4", {}, "Notes"), h("ol.notes", {}, ...report.suggestions.map((s) => h("li", {}, h("span.where", {}, `${s.where}: `), s.text)))] : null,
    (report.characters || []).length
      ? [h("h4", {}, "Characters"), h("table.grid", {}, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Lines"), h("th", {}, "Share"), h("th", {}, "Scenes"))),
          h("tbody", {}, ...report.characters.map((c) => h("tr", {}, h("td", {}, c.name), h("td.num", {}, String(c.lines)), h("td.num", {}, `${Math.round((c.share || 0) * 100)}%`), h("td.num", {}, String(c.scenes))))))]
      : null,
    (report.notes || []).length ? h("p.hint", {}, report.notes.join(" ")) : null,
  );
}

export function coveragePanel(ctx) {
  const model = modelPicker();
  const out = h("div.coverage");
  const button = h("button.primary", {
    type: "button",
    onclick: async () => {
      button.disabled = true;
      fill(out, h("p.status-line", {}, "Reading the script…"));
      try {
        fill(out, renderCoverage(await api("POST", projectPath(ctx.id, "/ai/coverage"), withModel(model, {}))));
      } catch (error) {
        fill(out, h("p.error", {}, error.message));
      } finally {
        button.disabled = false;
      }
    },
  }, "Run coverage");
  return { el: h("div.panel", {}, h("div.row", {}, button, model), out) };
}

export function storyPanel(ctx) {
  const model = modelPicker();
  const logline = h("textarea", { name: "logline", rows: 3, placeholder: "A logline: who wants what, and what stands in the way" });
  const scenesInput = h("input", { name: "scenes", type: "number", min: 1, max: 120, value: 8 });
  const message = h("p.status-line", { role: "status" });
  const jobs = h("ol.jobs");
  const bible = h("div.bible");
  const form = h("form.draft", {
    onsubmit: async (event) => {
      event.preventDefault();
      message.textContent = "Starting the draft…";
      try {
        await api("POST", projectPath(ctx.id, "/ai/draft"), withModel(model, { logline: logline.value, scenes: Number(scenesInput.value) || 8 }));
        message.textContent = "Drafting: progress below; the screenplay arrives as a suggestion.";
      } catch (error) {
        message.textContent = error.message;
      }
    },
  }, logline, h("label.inline", {}, "scenes ", scenesInput), h("label.inline", {}, "model ", model), h("button.primary", { type: "submit" }, "Draft screenplay"));
  const renderJobs = () => {
    const items = entries(ctx.jobs).reverse();
    fill(jobs, ...items.map((j) => h("li.job", { dataset: { status: j.status || "" } }, h("span", {}, `${j.kind || "job"} · ${j.status || ""}`), typeof j.progress === "number" ? h("progress", { max: 1, value: j.progress > 1 ? j.progress / 100 : j.progress }) : null, h("span.message", {}, j.message || ""))));
  };
  const story = async (label, path, body) => {
    message.textContent = `${label}…`;
    try {
      const result = await api("POST", projectPath(ctx.id, path), withModel(model, body));
      message.textContent = result.stale ? `${label}: done; stale now: ${result.stale.join(", ") || "nothing"}.` : `${label}: started.`;
    } catch (error) {
      message.textContent = `${label}: ${error.message}`;
    }
  };
  const levelButtons = (level) =>
    ctx.canEdit && level !== "status"
      ? h(
          "span.level-actions",
          {},
          h("button.link", { type: "button", onclick: () => story(`Regenerate ${level}`, "/ai/draft/regenerate", { level }) }, "Regenerate"),
          " · ",
          h("button.link", { type: "button", onclick: () => story(`Lock ${level}`, "/ai/draft/lock", { level, lock: true }) }, "Lock"),
          " · ",
          h("button.link", { type: "button", onclick: () => story(`Unlock ${level}`, "/ai/draft/lock", { level, lock: false }) }, "Unlock"),
        )
      : null;
  const renderBible = () => {
    const levels = [];
    ctx.bible.forEach((value, key) => levels.push([key, entry(value) ?? value]));
    fill(
      bible,
      levels.length ? h("h4", {}, "Story bible") : null,
      levels.length && ctx.canEdit ? h("button", { type: "button", onclick: () => story("Regenerate stale levels", "/ai/draft/regenerate", { stale: true }) }, "Regenerate what is stale") : null,
      ...levels.map(([key, value]) => h("details", { dataset: { level: key } }, h("summary", {}, key, " ", levelButtons(key)), h("pre", {}, typeof value === "string" ? value : JSON.stringify(value, null, 2)))),
    );
  };
  ctx.jobs.observe(renderJobs);
  ctx.bible.observeDeep(renderBible);
  ctx.provider.on("sync", () => (renderJobs(), renderBible()));
  return { el: h("div.panel", {}, ctx.canEdit ? form : null, message, jobs, bible), onShow: () => (renderJobs(), renderBible()) };
}
