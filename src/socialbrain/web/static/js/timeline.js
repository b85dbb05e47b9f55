// Timeline & search. The whole view lives in the URL (#timeline/2016/05?q=跑步&kb=…&platform=…&kind=…&sort=…&own=1&page=2),
// so a reload or a shared link shows the same page; every control changes the URL and the page follows it.
import { getJSON } from "./api.js";
import { clear, el, formatDate, highlighted } from "./dom.js";
import { currentLang, t, userMessage } from "./i18n.js";
import { openPost, showPost } from "./panel.js";

const $ = (id) => document.getElementById(id);
const PER_PAGE = 30;
const SEARCH_PER_PAGE = 20;
const SEARCH_K = 100; // the best 100 matches, paged here
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const EMPTY_VIEW = { year: null, month: null, page: 1, q: "", kb: "", platform: "", kind: "", sort: "", allYears: false, own: false };
let view = { ...EMPTY_VIEW };
let navigate = () => {};
let searchCache = { key: null, res: null };
let generation = 0; // a newer view started: answers for an older one are dropped, never drawn over it
const stale = (gen) => gen !== generation;

function routeOf(v) {
  let path = "timeline";
  if (v.year) path += `/${v.year}` + (v.month ? `/${String(v.month).padStart(2, "0")}` : "");
  const qs = new URLSearchParams();
  for (const key of ["q", "kb", "platform", "kind", "sort"]) if (v[key]) qs.set(key, v[key]);
  if (v.allYears) qs.set("all_years", "1");
  if (v.own) qs.set("own", "1");
  if (v.page > 1) qs.set("page", String(v.page));
  const query = qs.toString();
  return query ? `${path}?${query}` : path;
}

// Go to a view: the URL changes, and the hashchange handler renders it.
function go(changes) {
  const next = { ...view, ...changes };
  if (!("page" in changes)) next.page = 1;
  location.hash = routeOf(next);
}

function monthLabel(m) { return currentLang() === "zh" ? `${m}月` : MONTHS[m - 1]; }

function card(post, snippet) {
  const text = snippet ? highlighted(snippet) : (post.text || "") + (post.ref_text ? `  //${post.ref_author ? `@${post.ref_author}: ` : ""}${post.ref_text}` : "");
  return el("li", { class: "post", dataset: { id: String(post.id) } },
    el("button", { type: "button", class: "post-open", onclick: () => (snippet ? openPost(post.id) : showPost(post)) },
      el("div", { class: "post-head" },
        el("span", { class: "post-date", text: formatDate(post.date) }),
        el("span", { class: "post-platform", text: `${post.platform} · ${t(`kind_${post.kind}`)}` })),
      el("div", { class: "post-body" }, text)));
}

async function loadCalendar(gen) {
  let years = [];
  try { years = await getJSON("/api/calendar", { kb: view.kb || null, own_only: view.own ? "true" : null }); } catch (e) { $("tl-status").textContent = userMessage(e.message); return; }
  if (stale(gen)) return;
  const box = clear($("years"));
  const active = (on) => (on ? { "aria-current": "true" } : {});
  box.append(el("button", { type: "button", class: `year-all${view.year === null ? " active" : ""}`, text: t("all_posts"),
    ...active(view.year === null), onclick: () => go({ year: null, month: null }) }));
  for (const y of years) {
    const months = el("div", { class: "months" });
    for (const m of y.months) {
      const on = view.year === y.year && view.month === m.month;
      months.append(el("button", { type: "button", class: `month${on ? " active" : ""}`, ...active(on),
        text: monthLabel(m.month), title: t("posts_n", { n: m.posts }), "aria-label": `${y.year} ${monthLabel(m.month)} · ${t("posts_n", { n: m.posts })}`,
        dataset: { year: String(y.year), month: String(m.month) }, onclick: () => go({ year: y.year, month: m.month }) }));
    }
    const on = view.year === y.year && view.month === null;
    box.append(el("div", { class: `year${view.year === y.year ? " open" : ""}` },
      el("button", { type: "button", class: `year-btn${on ? " active" : ""}`, ...active(on), dataset: { year: String(y.year) },
        onclick: () => go({ year: y.year, month: null }) },
        el("span", { text: String(y.year) }), el("small", { text: t("posts_n", { n: y.posts }) })),
      months));
  }
  // bring the open year into the sidebar's view (a row that scrolls sideways on phones) without moving the page
  const open = box.querySelector(".year.open");
  if (open) {
    box.scrollTop = Math.max(0, open.offsetTop - box.offsetTop - 8);
    box.scrollLeft = Math.max(0, open.offsetLeft - box.offsetLeft - 8);
  }
}

function periodLabel() {
  if (!view.year) return null;
  if (!view.month) return currentLang() === "zh" ? `${view.year}年` : String(view.year);
  return currentLang() === "zh" ? `${view.year}年${view.month}月` : `${MONTHS[view.month - 1]} ${view.year}`;
}

// What is applied, as chips; each chip's × removes that one filter.
function renderApplied(extra = []) {
  const box = clear($("tl-applied"));
  const chips = [];
  if (view.q) chips.push([t("chip_search", { q: view.q }), { q: "", allYears: false }]);
  if (periodLabel()) chips.push([t("chip_period", { p: periodLabel() }), { year: null, month: null }]);
  if (view.kb && view.kb !== "all") chips.push([t("chip_kb", { kb: view.kb }), { kb: "" }]);
  if (view.platform) chips.push([t("chip_platform", { p: view.platform }), { platform: "" }]);
  if (view.kind) chips.push([t("chip_kind", { k: t(`kind_${view.kind}`) }), { kind: "" }]);
  if (view.allYears) chips.push([t("chip_all_years"), { allYears: false }]);
  if (view.own) chips.push([t("own_only"), { own: false }]);
  if (!chips.length && !extra.length) return;
  box.append(el("span", { class: "applied-label", text: t("applied") }));
  for (const [label, change] of chips) {
    box.append(el("span", { class: "chip" }, el("span", { text: label }),
      el("button", { type: "button", class: "chip-x", text: "×", "aria-label": t("remove_filter", { f: label }), onclick: () => go(change) })));
  }
  for (const label of extra) box.append(el("span", { class: "chip info", text: label }));
}

function setPager(page, pages) {
  $("tl-page").textContent = pages > 1 || page > 1 ? t("page_n", { page, pages }) : "";
  $("tl-prev").disabled = page <= 1;
  $("tl-next").disabled = page >= pages;
  $("tl-prev").parentElement.hidden = pages <= 1;
}

function showEmpty(detail, allYears) {
  $("tl-empty").hidden = false;
  $("tl-empty-detail").textContent = detail || "";
  $("tl-all-years").hidden = !allYears;
}

async function search(list, status, gen) {
  status.textContent = t("searching");
  const period = view.year ? `${view.year}${view.month ? `-${String(view.month).padStart(2, "0")}` : ""}` : null;
  const params = { q: view.q, k: SEARCH_K, kb: view.kb || null, platform: view.platform || null, kind: view.kind || null,
    since: period, until: period, all_years: view.allYears ? "true" : null, own_only: view.own ? "true" : null };
  const key = JSON.stringify(params);
  const res = searchCache.key === key ? searchCache.res : await getJSON("/api/search", params);
  searchCache = { key, res };
  if (stale(gen)) return;
  const extra = [];
  if (res.time_filter === "applied" && res.range_label) extra.push(t("time_filter", { expr: res.range_label }));
  renderApplied(extra);
  clear(list);
  $("tl-empty").hidden = true;
  if (!res.relevant || !res.hits.length) {
    status.textContent = "";
    let detail = t("no_relevant_hint");
    if (res.time_filter === "applied" && res.range_label) {
      detail = res.outside_range ? t("outside_range", { range: res.range_label, n: res.outside_range }) : t("none_any_time", { range: res.range_label });
    }
    showEmpty(detail, Boolean(res.outside_range));
    setPager(1, 1);
    return;
  }
  let hits = [...res.hits];
  if (view.sort === "newest") hits.sort((a, b) => (a.date < b.date ? 1 : -1));
  if (view.sort === "oldest") hits.sort((a, b) => (a.date < b.date ? -1 : 1));
  const pages = Math.max(1, Math.ceil(hits.length / SEARCH_PER_PAGE));
  const page = Math.min(view.page, pages);
  for (const h of hits.slice((page - 1) * SEARCH_PER_PAGE, page * SEARCH_PER_PAGE)) list.append(card(h, h.snippet));
  const notes = [t(hits.length >= SEARCH_K ? "results_top" : "results_n", { n: hits.length })];
  notes.push(view.sort === "newest" || view.sort === "oldest" ? t(`sort_${view.sort}`) : t("sort_relevance"));
  status.textContent = notes.join(" · ");
  setPager(page, pages);
}

async function loadPosts(gen) {
  const list = $("tl-posts");
  const status = $("tl-status");
  status.textContent = t("loading");
  try {
    if (view.q) {
      await search(list, status, gen);
      return;
    }
    renderApplied();
    const order = view.sort === "oldest" ? "asc" : "desc";
    const res = await getJSON("/api/posts", { year: view.year, month: view.month, page: view.page, per_page: PER_PAGE, order,
      kb: view.kb || null, platform: view.platform || null, kind: view.kind || null, own_only: view.own ? "true" : null });
    if (stale(gen)) return;
    clear(list);
    $("tl-empty").hidden = true;
    for (const p of res.posts) list.append(card(p, null));
    const pages = Math.max(1, Math.ceil(res.total / PER_PAGE));
    status.textContent = res.total ? `${t("posts_n", { n: res.total })} · ${t(order === "asc" ? "sort_oldest" : "sort_newest")}` : "";
    if (!res.total) showEmpty(view.year || view.kb || view.platform || view.kind || view.own ? t("no_posts_filtered") : t("empty_archive"), false);
    setPager(view.page, pages);
  } catch (e) {
    if (stale(gen)) return;
    status.textContent = userMessage(e.message);
    status.classList.add("error");
    return;
  }
  status.classList.remove("error");
}

async function loadPlatforms() {
  try {
    const stats = await getJSON("/api/stats");
    const select = $("tl-platform");
    while (select.options.length > 1) select.remove(1);
    for (const p of [...new Set(stats.platforms.map((x) => x.platform))]) select.append(el("option", { value: p, text: p }));
    select.value = view.platform;
  } catch (_) { /* the platform list is a convenience */ }
}

// Render the view the URL names: #timeline[/YYYY[/MM]]?q=&kb=&platform=&kind=&sort=&page=&all_years=1&own=1
export async function showTimeline(parts, params) {
  const gen = ++generation;
  const year = parseInt(parts[0], 10);
  const month = parseInt(parts[1], 10);
  view = {
    ...EMPTY_VIEW,
    year: Number.isFinite(year) ? year : null,
    month: Number.isFinite(year) && month >= 1 && month <= 12 ? month : null,
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    q: params.get("q") || "",
    kb: params.get("kb") || "",
    platform: params.get("platform") || "",
    kind: params.get("kind") || "",
    sort: params.get("sort") || "",
    allYears: params.get("all_years") === "1",
    own: params.get("own") === "1",
  };
  $("tl-q").value = view.q;
  if (view.kb && ![...$("tl-kb").options].some((o) => o.value === view.kb)) $("tl-kb").append(el("option", { value: view.kb, text: view.kb }));
  $("tl-kb").value = view.kb || "all";
  $("tl-kind").value = view.kind;
  $("tl-sort").value = view.sort;
  $("tl-own").checked = view.own;
  await loadPlatforms();
  await Promise.all([loadCalendar(gen), loadPosts(gen)]);
}

export function initTimeline(_setRoute, nav) {
  navigate = nav;
  $("tl-filters").addEventListener("submit", (e) => {
    e.preventDefault();
    // a new search looks at every year; a month picked afterwards narrows it (both show as chips)
    go({ q: $("tl-q").value.trim(), allYears: false, year: null, month: null });
  });
  $("tl-clear").addEventListener("click", () => { location.hash = "timeline"; });
  $("tl-kb").addEventListener("change", () => go({ kb: $("tl-kb").value === "all" ? "" : $("tl-kb").value }));
  $("tl-platform").addEventListener("change", () => go({ platform: $("tl-platform").value }));
  $("tl-kind").addEventListener("change", () => go({ kind: $("tl-kind").value }));
  $("tl-sort").addEventListener("change", () => go({ sort: $("tl-sort").value }));
  $("tl-own").addEventListener("change", () => go({ own: $("tl-own").checked }));
  $("tl-all-years").addEventListener("click", () => go({ allYears: true, year: null, month: null }));
  $("tl-prev").addEventListener("click", () => go({ page: Math.max(1, view.page - 1) }));
  $("tl-next").addEventListener("click", () => go({ page: view.page + 1 }));
}

