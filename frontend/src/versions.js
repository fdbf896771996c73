// Named versions: list, save, diff against the current text, restore.

import { api, projectPath } from "./api.js";
import { h, fill, when } from "./dom.js";

export function versionsPanel(ctx) {
  const list = h("ol.versions");
  const diff = h("div.diff");
  const message = h("p.error", { role: "alert" });
  const name = h("input", { name: "version-name", placeholder: "Name, e.g. 'Table read draft'", required: true });
  const load = async () => {
    try {
      const { data } = await api("GET", projectPath(ctx.id, "/versions"));
      fill(
        list,
        data.length ? null : h("li.empty", {}, "No saved versions."),
        ...data.map((v) =>
          h(
            "li.version",
            { dataset: { version: String(v.id) } },
            h("span.name", {}, v.name || "(unnamed)"),
            h("span.meta", {}, `${when(v.created)} · ${v.author || ""}`),
            h("button.link", { type: "button", onclick: () => showDiff(v) }, "Diff"),
            ctx.canEdit ? h("button.link", { type: "button", onclick: () => restore(v) }, "Restore") : null,
          ),
        ),
      );
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const showDiff = async (v) => {
    try {
      const result = await api("GET", projectPath(ctx.id, `/versions/${encodeURIComponent(v.id)}/diff`));
      const lines = (result.diff || "").split("\n");
      fill(
        diff,
        h("h4", {}, `Changes since “${v.name}”`),
        result.diff ? h("pre", {}, ...lines.map((line) => h(`span.${line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "same"}`, {}, `${line}\n`))) : h("p", {}, "No differences."),
      );
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const restore = async (v) => {
    if (!confirm(`Restore “${v.name}”? The current text is saved as a version first.`)) return;
    try {
      await api("POST", projectPath(ctx.id, `/versions/${encodeURIComponent(v.id)}/restore`));
      load();
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const form = h(
    "form.save-version",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api("POST", projectPath(ctx.id, "/versions"), { name: name.value });
          name.value = "";
          load();
        } catch (error) {
          message.textContent = error.message;
        }
      },
    },
    name,
    h("button.primary", { type: "submit" }, "Save version"),
  );
  return { el: h("div.panel", {}, ctx.canEdit ? form : null, message, list, diff), onShow: load };
}
