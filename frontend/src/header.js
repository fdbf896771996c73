// The bar at the top of every page after login.

import { api } from "./api.js";
import { h } from "./dom.js";

export function header(me, ...extra) {
  return h(
    "header.top",
    {},
    h("a.brand", { href: "/" }, "writersroom"),
    ...extra,
    h("span.spacer"),
    h("span.me", { title: me.email }, me.name || me.email),
    h("button.link", { onclick: logout }, "Sign out"),
  );
}

async function logout() {
  await api("POST", "/api/auth/logout").catch(() => {});
  location.href = "/";
}
