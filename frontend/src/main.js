// The single-page app: a login form, the project list, or a project's writers' room, chosen by
// location.pathname ("/" or "/projects/{id}").

import { api, ApiError } from "./api.js";
import { h, fill } from "./dom.js";
import { header } from "./header.js";
import { openProject } from "./project.js";

const root = document.getElementById("app");

async function start() {
  const invite = new URLSearchParams(location.search).get("invite");
  if (invite) return showAccept(invite);
  let me;
  try {
    me = await api("GET", "/api/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showLogin();
    return fill(root, h("p.error", {}, `Cannot reach the server: ${error.message}`));
  }
  const match = location.pathname.match(/^\/projects\/([^/]+)/);
  if (match) return openProject(root, decodeURIComponent(match[1]), me);
  return showProjects(me);
}

function showLogin() {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const message = h("p.error", { role: "alert" });
  const form = h(
    "form.login",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        try {
          await api("POST", "/api/auth/login", { email: email.value, password: password.value });
          start();
        } catch (error) {
          message.textContent = error.status === 429 ? "Too many attempts; wait a minute and try again." : error.status === 401 ? "Wrong email or password." : error.message;
        }
      },
    },
    h("h1", {}, "writersroom"),
    h("label", {}, "Email", email),
    h("label", {}, "Password", password),
    h("button.primary", { type: "submit" }, "Sign in"),
    message,
  );
  fill(root, form);
  email.focus();
}

/** An invitation link (/?invite=TOKEN): choose a name and password, and the account exists. */
function showAccept(token) {
  const name = h("input", { name: "name", autocomplete: "name" });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true, minLength: 8 });
  const message = h("p.error", { role: "alert" });
  const form = h(
    "form.login",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api("POST", "/api/auth/accept", { token, password: password.value, name: name.value || undefined });
          location.href = "/";
        } catch (error) {
          message.textContent = error.message;
        }
      },
    },
    h("h1", {}, "writersroom"),
    h("p", {}, "You are invited to a writers' room. Choose your name and a password."),
    h("label", {}, "Name", name),
    h("label", {}, "Password", password),
    h("button.primary", { type: "submit" }, "Join"),
    message,
  );
  fill(root, form);
  name.focus();
}

async function showProjects(me) {
  const list = h("ul.projects");
  const title = h("input", { name: "title", placeholder: "Title of the new project", required: true });
  const message = h("p.error", { role: "alert" });
  const form = h(
    "form.new-project",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const { id } = await api("POST", "/api/projects", { title: title.value });
          location.href = `/projects/${encodeURIComponent(id)}`;
        } catch (error) {
          message.textContent = error.message;
        }
      },
    },
    title,
    h("button.primary", { type: "submit" }, "New project"),
  );
  fill(root, header(me), h("main.projects-page", {}, h("h2", {}, "Projects"), form, message, list));
  try {
    const { data } = await api("GET", "/api/projects");
    if (!data.length) list.append(h("li.empty", {}, "No projects yet."));
    for (const p of data) {
      list.append(h("li", {}, h("a", { href: `/projects/${encodeURIComponent(p.id)}` }, p.title || "(untitled)"), h("span.role", {}, p.role)));
    }
  } catch (error) {
    message.textContent = error.message;
  }
}

start();
