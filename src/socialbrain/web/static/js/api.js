// Talking to the server. Every request carries X-Socialbrain: 1 (the CSRF header the server requires on
// state-changing requests) and the same-origin cookie set by the login form.
const HEADERS = { "X-Socialbrain": "1" };

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function failure(resp) {
  let message = resp.statusText;
  try { const body = await resp.json(); message = body.detail || (body.error && body.error.message) || message; } catch (_) { /* not JSON */ }
  if (resp.status === 401) document.dispatchEvent(new CustomEvent("sb:login-required"));
  return new ApiError(resp.status, typeof message === "string" ? message : JSON.stringify(message));
}

export async function getJSON(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") qs.set(k, v);
  const url = qs.toString() ? `${path}?${qs}` : path;
  const resp = await fetch(url, { headers: HEADERS, credentials: "same-origin" });
  if (!resp.ok) throw await failure(resp);
  return resp.json();
}

export async function send(method, path, body) {
  const resp = await fetch(path, {
    method, credentials: "same-origin",
    headers: { ...HEADERS, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!resp.ok) throw await failure(resp);
  return resp.json();
}

// POST a JSON body and call onEvent for each server-sent event (one JSON object per `data:` line).
export async function streamEvents(path, body, onEvent, signal) {
  const resp = await fetch(path, {
    method: "POST", credentials: "same-origin", signal,
    headers: { ...HEADERS, "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (!resp.ok) throw await failure(resp);
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (data) onEvent(JSON.parse(data));
    }
  }
}

// Upload files with progress (XMLHttpRequest: fetch has no upload progress).
export function upload(path, files, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-Socialbrain", "1");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body.detail || xhr.statusText || "upload failed"));
    };
    xhr.onerror = () => reject(new ApiError(0, "network error"));
    xhr.send(form);
  });
}

export async function waitForJob(id, onProgress) {
  for (;;) {
    const job = await getJSON(`/api/jobs/${encodeURIComponent(id)}`);
    onProgress(job);
    if (job.status === "done" || job.status === "error" || job.status === "cancelled") return job;
    await new Promise((r) => setTimeout(r, 400));
  }
}
