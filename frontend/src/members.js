// Members of a project (owners add people and set roles) and import/export of the script.

import { api, projectPath } from "./api.js";
import { h, fill } from "./dom.js";

const ROLES = ["viewer", "commenter", "editor", "owner"];

export function membersPanel(ctx) {
  const list = h("ul.members");
  const message = h("p.status-line", { role: "status" });
  const email = h("input", { type: "email", name: "member-email", placeholder: "email", required: true });
  const role = h("select", { name: "member-role" }, ...ROLES.map((r) => h("option", { value: r, selected: r === "editor" }, r)));
  const load = async () => {
    try {
      const project = await api("GET", projectPath(ctx.id));
      fill(list, ...(project.members || []).map((m) => h("li", {}, h("span.name", {}, m.name || m.email), " ", h("span.email", {}, m.email), " ", h("span.role", {}, m.role))));
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const form = h("form.add-member", {
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const added = await api("POST", projectPath(ctx.id, "/members"), { email: email.value, role: role.value });
        if (added && added.invitation) {
          const link = `${location.origin}/?invite=${encodeURIComponent(added.invitation)}`;
          fill(message, `${email.value} has no account yet: send them this link to join as ${role.value}: `, h("code.invite-link", {}, link));
        } else {
          message.textContent = `${email.value} is now ${role.value}.`;
        }
        email.value = "";
        load();
      } catch (error) {
        message.textContent = error.message;
      }
    },
  }, email, role, h("button.primary", { type: "submit" }, "Add"));
  return { el: h("div.panel", {}, list, ctx.isOwner ? form : null, message), onShow: load };
}

const TYPES = { fountain: "text/plain", spmd: "text/plain", txt: "text/plain", fdx: "application/xml", pdf: "application/pdf" };

export function transferMenu(ctx) {
  const base = projectPath(ctx.id, "/script?format=");
  const exports = ["fountain", "fdx", "pdf", "html"].map((f) => h("a.export", { href: base + f, download: "", dataset: { format: f } }, f.toUpperCase()));
  const message = h("span.status-line", { role: "status" });
  const file = h("input", {
    type: "file",
    name: "import",
    accept: ".fountain,.spmd,.txt,.fdx,.pdf",
    hidden: true,
    onchange: async () => {
      const chosen = file.files[0];
      if (!chosen) return;
      if (!confirm(`Replace the script with ${chosen.name}? Save a version first if you want to keep this one.`)) return;
      const ext = chosen.name.split(".").pop().toLowerCase();
      try {
        await api("PUT", projectPath(ctx.id, "/script"), chosen, { contentType: TYPES[ext] || "application/octet-stream" });
        message.textContent = `Imported ${chosen.name}.`;
      } catch (error) {
        message.textContent = `Import failed: ${error.message}`;
      }
      file.value = "";
    },
  });
  return h(
    "span.transfer",
    {},
    ctx.canEdit ? [file, h("button", { type: "button", onclick: () => file.click() }, "Import…")] : null,
    h("span.exports", {}, "Export: ", ...exports),
    message,
  );
}
