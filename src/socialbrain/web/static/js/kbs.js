// Knowledge bases: the list (with what each one holds), each KB's files (posts, dates, download, take out),
// create, drag-and-drop multi-file upload with progress and a result line per file, rebuild, delete, import log.
import { getJSON, send, upload, waitForJob } from "./api.js";
import { clear, el, formatDate, formatLocal, toast } from "./dom.js";
import { t, translateError, userMessage } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let onChange = () => {};
let openKB = null; // the KB whose files are shown

function jobText(job) {
  if (job.status === "error") return t("job_failed", { message: translateError(job.message) || job.message });
  if (job.status === "done") {
    const tot = job.result.totals || job.result;
    const parts = [t("import_done", { new: tot.new ?? 0, updated: tot.updated ?? 0, unchanged: tot.unchanged ?? 0, rejected: tot.rejected ?? 0 })];
    if (tot.failed) parts.push(t("files_failed", { n: tot.failed }));
    return parts.join("；");
  }
  if (job.status === "queued") return t("job_queued");
  return t("importing", { stage: job.stage || "", done: job.done, total: job.total || "?" });
}

// One line per uploaded file: imported (counts, skipped records with reasons), skipped, or failed (its error).
function renderResults(job) {
  const list = clear($("upload-results"));
  for (const f of (job.result && job.result.files) || []) {
    const name = String(f.path || "").split("/").pop();
    let text;
    let state = f.status;
    if (f.status === "imported") {
      text = t("file_imported", { new: f.new, updated: f.updated, unchanged: f.unchanged });
      if (f.rejected) {
        const why = Object.entries(f.reasons || {}).map(([r, n]) => `${r} ×${n}`).join("，");
        text += t("file_rejected", { n: f.rejected, why: why || (f.rejections || []).slice(0, 2).join("；") });
        state = "partial";
      }
    } else if (f.status === "skipped") {
      text = t("file_skipped", { why: translateError(f.message) || f.message || "" });
    } else {
      text = t("file_failed", { why: translateError(f.message) || f.message || "" });
    }
    list.append(el("li", { class: `result ${state}`, dataset: { status: f.status } },
      el("span", { class: "result-mark", "aria-hidden": "true", text: f.status === "failed" ? "✗" : f.status === "skipped" ? "–" : "✓" }),
      el("strong", { text: name }), el("span", { text: ` ${text}` })));
  }
}

function scopeText(kb) {
  if (kb.name === "all") return t("whole_archive");
  const f = kb.filter || {};
  const bits = [];
  if (f.since || f.until) bits.push(`${(f.since || "").slice(0, 10) || "…"} – ${(f.until || "").slice(0, 10) || "…"}`);
  if (f.platforms && f.platforms.length) bits.push(f.platforms.join(", "));
  if (f.kinds && f.kinds.length) bits.push(f.kinds.map((k) => t(`kind_${k}`)).join(", "));
  if (!bits.length) return t("files_only", { n: f.members || 0 });
  if (f.members) bits.push(t("plus_files", { n: f.members }));
  return bits.join(" · ");
}

export async function loadKBs() {
  let kbs = [];
  try { kbs = await getJSON("/api/kbs"); } catch (e) { toast(userMessage(e.message)); return []; }
  const rows = clear($("kb-rows"));
  for (const kb of kbs) {
    const actions = el("td", { class: "actions" },
      el("button", { type: "button", class: "files-btn", text: t("show_files"), "aria-expanded": String(openKB === kb.name),
        onclick: () => showFiles(openKB === kb.name ? null : kb.name) }));
    if (kb.name !== "all") {
      actions.append(
        el("button", { type: "button", class: "rebuild", text: t("rebuild"), onclick: () => rebuild(kb.name) }),
        el("button", { type: "button", class: "danger delete", text: t("delete"), "aria-label": `${t("delete")} ${kb.name}`, onclick: () => remove(kb.name) }));
    }
    rows.append(el("tr", { dataset: { kb: kb.name }, class: openKB === kb.name ? "open" : "" },
      el("td", { class: "kb-name", text: kb.name }),
      el("td", { text: kb.name === "all" ? "" : kb.description || "" }),
      el("td", { class: "kb-scope", text: scopeText(kb) }),
      el("td", { class: "kb-count", text: String(kb.posts) }),
      actions));
  }
  for (const id of ["chat-kb", "tl-kb", "upload-kb", "report-kb"]) {
    const select = $(id);
    const keep = select.value;
    clear(select);
    for (const kb of kbs) select.append(el("option", { value: kb.name, text: `${kb.name === "all" ? t("whole_archive") : kb.name} (${kb.posts})` }));
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }
  if (openKB && !kbs.some((k) => k.name === openKB)) showFiles(null);
  return kbs;
}

export async function showFiles(name) {
  openKB = name;
  for (const row of document.querySelectorAll("#kb-rows tr")) {
    const on = row.dataset.kb === name;
    row.classList.toggle("open", on);
    const b = row.querySelector(".files-btn");
    if (b) b.setAttribute("aria-expanded", String(on));
  }
  const box = $("kb-files");
  if (!name) { box.hidden = true; return; }
  let info;
  try { info = await getJSON(`/api/kbs/${encodeURIComponent(name)}/files`); } catch (e) { toast(userMessage(e.message)); return; }
  if (openKB !== name) return;
  $("kb-files-title").textContent = t("files_of", { kb: name === "all" ? t("whole_archive") : name, n: info.files.length });
  $("kb-files-note").textContent = info.files.length ? (info.members_only ? t("files_note_members") : name === "all" ? "" : t("files_note_filter"))
    : t("files_none");
  const rows = clear($("kb-file-rows"));
  for (const f of info.files) {
    const base = `/api/kbs/${encodeURIComponent(name)}/files/${encodeURIComponent(f.key)}`;
    const actions = el("td", { class: "actions" },
      el("a", { class: "download", href: `${base}.jsonl`, download: "", text: t("download_file"), "aria-label": `${t("download_file")} ${f.name}` }));
    if (info.members_only) {
      actions.append(el("button", { type: "button", class: "danger remove-file", text: t("remove_file"), "aria-label": `${t("remove_file")} ${f.name}`,
        onclick: async () => {
          try { await send("DELETE", base); toast(t("file_removed", { name: f.name })); } catch (e) { toast(userMessage(e.message)); }
          await loadKBs();
          await showFiles(name);
          onChange();
        } }));
    }
    rows.append(el("tr", { dataset: { key: f.key } },
      el("td", { class: "file-name", text: f.name || t("no_file") }),
      el("td", { class: "file-count", text: String(f.posts) }),
      el("td", { text: `${formatDate(f.first).slice(0, 10)} – ${formatDate(f.last).slice(0, 10)}` }),
      el("td", { text: formatLocal(f.imported_at) }),
      actions));
  }
  box.hidden = false;
}

async function loadImports() {
  try {
    const list = clear($("import-log"));
    for (const imp of await getJSON("/api/imports")) {
      const state = imp.status === "done" ? "" : ` · ${t(`import_${imp.status}`) || imp.status}`;
      list.append(el("li", { class: `import ${imp.status}`,
        text: `${formatLocal(imp.started_at)} · ${String(imp.path || "").split("/").pop()} · ${imp.importer || "?"} · ${t("import_counts", { new: imp.new ?? 0, updated: imp.updated ?? 0, unchanged: imp.unchanged ?? 0, rejected: imp.rejected ?? 0 })}${state}${imp.message ? ` — ${imp.message}` : ""}` }));
    }
  } catch (_) { /* the log is optional */ }
}

async function remove(name) {
  if (!window.confirm(t("confirm_delete", { name }))) return;
  try { await send("DELETE", `/api/kbs/${encodeURIComponent(name)}`); toast(t("deleted", { name })); } catch (e) { toast(userMessage(e.message)); }
  if (openKB === name) showFiles(null);
  await loadKBs();
  onChange();
}

async function rebuild(name) {
  const status = $("upload-status");
  status.textContent = t("rebuilding");
  try {
    const job = await send("POST", `/api/kbs/${encodeURIComponent(name)}/rebuild`);
    const end = await waitForJob(job.id, (j) => { status.textContent = `${name}: ${t("reindexing", { done: j.done, total: j.total || "?" })}`; });
    status.textContent = `${name}: ${end.status === "done" ? t("rebuilt") : jobText(end)}`;
    status.dataset.state = end.status;
  } catch (e) { status.textContent = userMessage(e.message); }
  await loadKBs();
}

function showPicked() {
  const list = clear($("upload-picked"));
  for (const f of $("upload-files").files) list.append(el("li", { text: `${f.name} · ${(f.size / 1024).toFixed(f.size < 10240 ? 1 : 0)} KB` }));
}

function initDrop() {
  const zone = $("drop-zone");
  const input = $("upload-files");
  for (const type of ["dragenter", "dragover"]) zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("over"); });
  for (const type of ["dragleave", "drop"]) zone.addEventListener(type, () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; showPicked(); }
  });
  input.addEventListener("change", showPicked);
}

export function initKBs(changed) {
  onChange = changed;
  initDrop();
  $("kb-create").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $("kb-name").value.trim();
    try {
      await send("POST", "/api/kbs", { name, description: $("kb-description").value.trim(),
        since: $("kb-since").value.trim() || null, until: $("kb-until").value.trim() || null });
      toast(t("created", { name }));
      $("kb-create").reset();
      await loadKBs();
      $("upload-kb").value = name;
      onChange();
    } catch (err) { toast(userMessage(err.message)); }
  });
  $("kb-upload").addEventListener("submit", async (e) => {
    e.preventDefault();
    const files = [...$("upload-files").files];
    if (!files.length) return;
    const kb = $("upload-kb").value || "all";
    const bar = $("upload-progress");
    const status = $("upload-status");
    clear($("upload-results"));
    status.dataset.state = "running";
    bar.hidden = false;
    bar.value = 0;
    try {
      const job = await upload(`/api/kbs/${encodeURIComponent(kb)}/files`, files, (pct) => {
        bar.value = pct;
        status.textContent = t("uploading", { pct });
      });
      const end = await waitForJob(job.id, (j) => {
        if (j.total) bar.value = Math.round((100 * j.done) / j.total);
        status.textContent = jobText(j);
      });
      bar.value = 100;
      status.textContent = jobText(end);
      status.dataset.state = end.status;
      renderResults(end);
      $("upload-files").value = "";
      clear($("upload-picked"));
    } catch (err) {
      status.textContent = userMessage(err.message);
      status.dataset.state = "error";
    }
    await loadKBs();
    if (openKB) await showFiles(openKB);
    await loadImports();
    onChange();
  });
}

export { loadImports };
