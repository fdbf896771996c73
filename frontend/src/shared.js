// The shared Y.Doc of a project (docs/web.md): Y.Text "fountain" and the Y.Maps "comments",
// "suggestions", "bible" and "jobs", plus relative positions encoded as base64.

import * as Y from "yjs";

export function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64 of the relative position at `index` of `ytext` (assoc -1 keeps an end on its left). */
export function relpos(ytext, index, assoc = 0) {
  return toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, index, assoc)));
}

/** The absolute index of a base64 relative position, or null when it cannot be resolved. */
export function absolute(ydoc, encoded) {
  try {
    const pos = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(fromBase64(encoded)), ydoc);
    return pos ? pos.index : null;
  } catch {
    return null;
  }
}

/** A map entry as a plain object: entries may be stored as JSON objects or JSON strings. */
export function entry(value) {
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value instanceof Y.Map) return value.toJSON();
  return value && typeof value === "object" ? value : null;
}

/** Write `value` back in the representation the entry already has (string or object). */
export function storeEntry(ymap, key, value) {
  ymap.set(key, typeof ymap.get(key) === "string" ? JSON.stringify(value) : value);
}

/** All entries of `ymap`, oldest first (by "created", then key). */
export function entries(ymap) {
  const out = [];
  ymap.forEach((value, key) => {
    const item = entry(value);
    if (item) out.push({ id: key, ...item });
  });
  return out.sort((a, b) => String(a.created ?? "").localeCompare(String(b.created ?? "")) || String(a.id).localeCompare(String(b.id)));
}
