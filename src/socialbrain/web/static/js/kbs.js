// Knowledge bases: list with counts, create, upload files with progress, delete, rebuild; import log.
import { getJSON, send, upload, waitForJob } from "./api.js";
import { clear, el, toast } from "./dom.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let onChange = () => {};

function jobText(job) {
  if (job.status === "error") return t("job_error", { message: job.message });
  if (job.status === "done") {
    const totals = job.result.totals || job.result;
    return t("import_done", { new: totals.new ?? 0, updated: totals.updated ?? 0, unchanged: totals.unchanged ?? 0, rejected: totals.rejected ?? 0 });
  }
  return t("importing", { stage: job.stage || "", done: job.done, total: job.total || "?" });
}

export async function loadKBs() {
  let kbs = [];
  try { kbs = await getJSON("/api/kbs"); } catch (e) { toast(t("error", { message: e.message })); return []; }
  const rows = clear($("kb-rows"));
  for (const kb of kbs) {
    const actions = el("td", { class: "actions" });
    if (kb.name !== "all") {
      actions.append(
        el("button", { type: "button", class: "rebuild", text: t("rebuild"), onclick: () => rebuild(kb.name) }),
        el("button", { type: "button", class: "danger delete", text: t("delete"), onclick: () => remove(kb.name) }));
    }
    rows.append(el("tr", { dataset: { kb: kb.name } },
      el("td", { class: "kb-name", text: kb.name }),
      el("td", { text: kb.description || (kb.name === "all" ? t("whole_archive") : "") }),
      el("td", { class: "kb-count", text: String(kb.posts) }),
      actions));
  }
  for (const id of ["chat-kb", "tl-kb", "upload-kb", "report-kb"]) {
    const select = $(id);
    const keep = select.value;
    clear(select);
    for (const kb of kbs) select.append(el("option", { value: kb.name, text: `${kb.name} (${kb.posts})` }));
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }
  return kbs;
}

async function loadImports() {
  try {
    const list = clear($("import-log"));
    for (const imp of await getJSON("/api/imports")) {
      list.append(el("li", { text: `${(imp.started_at || "").slice(0, 16)} ${imp.importer} ${imp.path.split("/").pop()} — +${imp.new ?? 0} ~${imp.updated ?? 0} =${imp.unchanged ?? 0} ✗${imp.rejected ?? 0} ${imp.status}` }));
    }
  } catch (_) { /* the log is optional */ }
}

async function remove(name) {
  if (!window.confirm(t("confirm_delete", { name }))) return;
  try { await send("DELETE", `/api/kbs/${encodeURIComponent(name)}`); toast(t("deleted", { name })); } catch (e) { toast(t("error", { message: e.message })); }
  await loadKBs();
  onChange();
}

async function rebuild(name) {
  const status = $("upload-status");
  status.textContent = t("rebuilding");
  try {
    const job = await send("POST", `/api/kbs/${encodeURIComponent(name)}/rebuild`);
    const end = await waitForJob(job.id, (j) => { status.textContent = `${name}: ${jobText(j)}`; });
    status.textContent = `${name}: ${end.status === "done" ? "✓" : jobText(end)}`;
  } catch (e) { status.textContent = t("error", { message: e.message }); }
  await loadKBs();
}

export function initKBs(changed) {
  onChange = changed;
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
    } catch (err) { toast(t("error", { message: err.message })); }
  });
  $("kb-upload").addEventListener("submit", async (e) => {
    e.preventDefault();
    const files = [...$("upload-files").files];
    if (!files.length) return;
    const kb = $("upload-kb").value || "all";
    const bar = $("upload-progress");
    const status = $("upload-status");
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
      $("kb-upload").reset();
    } catch (err) {
      status.textContent = t("error", { message: err.message });
      status.dataset.state = "error";
    }
    await loadKBs();
    await loadImports();
    onChange();
  });
}

export { loadImports };
