// Reports: the yearly review and the portrait, made as a background job on the server. Progress arrives as
// server-sent events; the finished report (self-contained HTML, no scripts) is shown in a sandboxed frame,
// with a download link per format. Reports are cached by the server until the archive changes.
import { getJSON, send } from "./api.js";
import { clear, el, formatLocal, toast } from "./dom.js";
import { t, userMessage } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const FORMAT_LABELS = { html: "HTML", md: "Markdown", json: "JSON", png: "PNG" };
let options = null;
let current = { job: null, source: null, report: null };
let setRoute = () => {};

function kind() {
  return document.querySelector("input[name=report-kind]:checked").value;
}

// Progress stages as words: "map 2020-09" → "读 2020年9月 的帖子", "2019 words" → "2019 年分词".
function stageText(stage) {
  if (!stage) return "";
  if (stage === "render") return t("stage_render");
  if (stage === "done") return t("stage_done");
  if (stage === "earlier years") return t("stage_earlier");
  if (stage === "map") return t("stage_map_all");
  if (stage === "reduce") return t("stage_reduce");
  const map = /^map (\d{4})(?:-(\d{2}))?/.exec(stage);
  if (map) return t(map[2] ? "stage_map_month" : "stage_map_year", { y: map[1], m: String(parseInt(map[2] || "1", 10)) });
  const words = /^(\d{4}) words$/.exec(stage);
  if (words) return t("stage_year_words", { y: words[1] });
  return stage;
}

function renderSections() {
  const box = clear($("report-section-list"));
  if (!options) return;
  const names = kind() === "portrait" ? options.portrait_sections : options.year_sections;
  for (const name of names) {
    box.append(el("label", { class: "section-choice" },
      el("input", { type: "checkbox", value: name, checked: true }), ` ${t(`sec_${name}`)}`));
  }
  $("report-sections").hidden = !$("report-public").checked;
}

function syncKind() {
  const portrait = kind() === "portrait";
  for (const node of document.querySelectorAll("#report-form .for-year")) node.hidden = portrait;
  for (const node of document.querySelectorAll("#report-form .for-portrait")) node.hidden = !portrait;
  renderSections();
}

export async function loadReportOptions() {
  try {
    options = await getJSON("/api/reports/options", { kb: $("report-kb").value || null });
  } catch (e) { toast(userMessage(e.message)); return; }
  loadHistory();
  const select = $("report-year");
  const keep = select.value;
  clear(select);
  for (const y of options.years) select.append(el("option", { value: String(y.year), text: `${y.year} · ${t("posts_n", { n: y.posts })}` }));
  if (options.years.length > 1) select.append(el("option", { value: "all", text: t("all_years") }));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  else if (options.default_year) select.value = String(options.default_year);
  if (!$("report-aspects").value) $("report-aspects").value = options.aspects.join("，");
  const llm = $("report-llm");
  llm.disabled = !options.llm.available;
  if (!options.llm.available) llm.checked = false;
  $("report-llm-note").textContent = options.llm.available ? "" : t("report_no_llm");
  $("report-llm-note").hidden = options.llm.available;
  $("report-go").disabled = options.years.length === 0;
  if (!options.years.length) setStatus(t("report_empty"));
  syncKind();
}

function request(confirm) {
  const body = { kind: kind(), kb: $("report-kb").value || null, public: $("report-public").checked,
    use_llm: $("report-llm").checked, confirm };
  if (body.kind === "year") body.year = $("report-year").value || null;
  else body.aspects = $("report-aspects").value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
  if (body.public) body.sections = [...document.querySelectorAll("#report-section-list input:checked")].map((i) => i.value);
  return body;
}

function setStatus(text, state) {
  $("report-progress-box").hidden = false;
  $("report-status").textContent = text;
  if (state) $("report-progress-box").dataset.state = state;
}

function busy(on) {
  $("report-go").disabled = on;
  $("report-cancel").hidden = !on;
  $("report-progress").hidden = !on;
}

function showReport(report, note) {
  current.report = report;
  setRoute(`reports/${report.id}`);
  markHistory();
  const frame = $("report-frame");
  frame.src = report.files.html.url;
  frame.hidden = false;
  frame.dataset.report = report.id;
  const box = clear($("report-downloads"));
  for (const [fmt, file] of Object.entries(report.files)) {
    box.append(el("a", { class: "download", href: `${file.url}?download=1`, download: file.name,
      text: t("download", { fmt: FORMAT_LABELS[fmt] || fmt }), dataset: { format: fmt } }));
  }
  if (report.public) box.append(el("p", { class: "note", text: t("report_public_note", { n: report.redactions || 0 }) }));
  box.hidden = false;
  setStatus(note, "done");
  busy(false);
}

function follow(job) {
  current.job = job.id;
  const bar = $("report-progress");
  const box = $("report-progress-box");
  box.dataset.events = "0";
  setStatus(job.status === "queued" ? t("report_queued") : t("report_starting"), "running");
  busy(true);
  const source = new EventSource(`/api/reports/${encodeURIComponent(job.id)}/events`);
  current.source = source;
  const end = () => { source.close(); if (current.source === source) current.source = null; current.job = null; };
  source.onmessage = (msg) => {
    const ev = JSON.parse(msg.data);
    if (ev.type === "progress") {
      box.dataset.events = String(Number(box.dataset.events) + 1);
      if (ev.status === "queued") { setStatus(t("report_queued"), "running"); return; }
      bar.value = ev.total ? Math.round((100 * ev.done) / ev.total) : 0;
      setStatus(ev.stage ? t(ev.total ? "report_running" : "report_running_stage", { stage: stageText(ev.stage), done: ev.done, total: ev.total }) : t("report_starting"), "running");
    } else if (ev.type === "done") {
      end();
      showReport(ev.report, t("report_done", { s: ev.report.seconds }));
      loadHistory();
    } else if (ev.type === "cancelled") {
      end();
      setStatus(t("report_cancelled"), "cancelled");
      busy(false);
    } else if (ev.type === "error") {
      end();
      setStatus(userMessage(ev.message), "error");
      busy(false);
    }
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED || current.source !== source) return;
    end();
    setStatus(userMessage("network error"), "error");
    busy(false);
  };
}

async function generate(confirm = false) {
  if (current.source) return;
  $("report-frame").hidden = true;
  $("report-downloads").hidden = true;
  setStatus(t("report_starting"), "running");
  busy(true);
  try {
    const res = await send("POST", "/api/reports", request(confirm));
    if (res.needs_confirm) {
      busy(false);
      const c = res.cost;
      if (window.confirm(t("report_confirm", { posts: c.posts, tokens: c.tokens.toLocaleString(), calls: c.calls, llm: res.llm }))) return generate(true);
      setStatus(t("report_cancelled"), "cancelled");
      return;
    }
    if (res.cached) showReport(res.report, t("report_cached", { when: formatLocal(res.report.created_at) }));
    else follow(res.job);
  } catch (e) {
    setStatus(userMessage(e.message), "error");
    busy(false);
  }
}

// The reports made before (cached on the server), newest first; each one has its own URL #reports/<id>.
async function loadHistory() {
  let reports = [];
  try { reports = await getJSON("/api/reports"); } catch (_) { return; }
  const list = clear($("report-history-list"));
  $("report-history").hidden = reports.length === 0;
  for (const r of reports) {
    const label = `${r.title}${r.public ? ` · ${t("report_public_short")}` : ""}${r.kb && r.kb !== "all" ? ` · ${r.kb}` : ""}`;
    list.append(el("li", { dataset: { id: r.id } },
      el("a", { href: `#reports/${encodeURIComponent(r.id)}`, text: label }),
      el("span", { class: "note", text: ` ${formatLocal(r.created_at)}` })));
  }
  markHistory();
}

function markHistory() {
  for (const li of document.querySelectorAll("#report-history-list li")) {
    const on = current.report && li.dataset.id === current.report.id;
    li.classList.toggle("active", Boolean(on));
    const a = li.querySelector("a");
    if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

// Show a cached report by id (from the URL or the history list).
export async function openReport(id) {
  if (current.report && current.report.id === id && !$("report-frame").hidden) return;
  try {
    const report = await getJSON(`/api/reports/${encodeURIComponent(id)}`);
    showReport(report, t("report_cached", { when: formatLocal(report.created_at) }));
  } catch (e) {
    setStatus(userMessage(e.message), "error");
  }
}

async function cancel() {
  if (!current.job) return;
  setStatus(t("report_cancelling"), "running");
  try { await send("POST", `/api/reports/${encodeURIComponent(current.job)}/cancel`); } catch (e) { toast(userMessage(e.message)); }
}

export function initReports(route) {
  setRoute = route;
  $("report-form").addEventListener("submit", (e) => { e.preventDefault(); generate(); });
  for (const r of document.querySelectorAll("input[name=report-kind]")) r.addEventListener("change", syncKind);
  $("report-public").addEventListener("change", () => { $("report-sections").hidden = !$("report-public").checked; });
  $("report-kb").addEventListener("change", loadReportOptions);
  $("report-cancel").addEventListener("click", cancel);
  busy(false);
  $("report-progress-box").hidden = true;
}
