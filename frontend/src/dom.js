// Tiny DOM helpers. Every string goes in through textContent or an attribute, never innerHTML:
// names, comments, script text and server messages are all user-supplied.

/** h("button.primary", {onclick, title}, "Save", child, ...) -> HTMLElement */
export function h(spec, props = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && key !== "list" && key !== "form") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `el` with `children` (strings become text nodes). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Call `fn` `ms` after the last call, but no later than `maxWait` after the first unserved one. */
export function debounce(fn, ms, maxWait = Infinity) {
  let timer = null;
  let first = null;
  const fire = () => {
    clearTimeout(timer);
    first = null;
    fn();
  };
  const wrapped = () => {
    first ??= performance.now();
    clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(ms, first + maxWait - performance.now())));
  };
  wrapped.cancel = () => {
    clearTimeout(timer);
    first = null;
  };
  return wrapped;
}

/** A short, readable time for ISO strings or epoch seconds. */
export function when(value) {
  if (value === undefined || value === null || value === "") return "";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return isNaN(date) ? String(value) : date.toLocaleString();
}
