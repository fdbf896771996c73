// The JSON API (docs/web.md). Same-origin fetch: the browser sends the session cookie and the
// Origin header the server checks on state-changing requests.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body, { raw = false, contentType } = {}) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
      init.headers["Content-Type"] = contentType || "application/octet-stream";
    } else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  const response = await fetch(path, init);
  if (!response.ok) throw new ApiError(response.status, await errorText(response));
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

async function errorText(response) {
  try {
    const data = await response.json();
    const detail = data.detail ?? data.error ?? data.message;
    if (typeof detail === "string") return detail;
    if (detail !== undefined) return JSON.stringify(detail);
  } catch {
    // not JSON: fall through
  }
  return `${response.status} ${response.statusText}`;
}

export const projectPath = (id, rest = "") => `/api/projects/${encodeURIComponent(id)}${rest}`;
