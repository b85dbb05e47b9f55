// Timeline & search: browse by year and month, filter by KB / platform / kind, full-text search.
import { getJSON } from "./api.js";
import { clear, el, formatDate, highlighted, toast } from "./dom.js";
import { currentLang, t } from "./i18n.js";
import { openPost, showPost } from "./panel.js";

const $ = (id) => document.getElementById(id);
const PER_PAGE = 30;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const view = { year: null, month: null, page: 1, q: "" };

function card(post, snippet) {
  const text = snippet ? highlighted(snippet) : (post.text || "") + (post.ref_text ? `  //${post.ref_author ? `@${post.ref_author}: ` : ""}${post.ref_text}` : "");
  const item = el("li", { class: "post", dataset: { id: String(post.id) } },
    el("button", { type: "button", class: "post-open", onclick: () => (snippet ? openPost(post.id) : showPost(post)) },
      el("div", { class: "post-head" },
        el("span", { class: "post-date", text: formatDate(post.date) }),
        el("span", { class: "post-platform", text: `${post.platform} · ${t(`kind_${post.kind}`)}` })),
      el("div", { class: "post-body" }, text)));
  return item;
}

function filters() {
  return { kb: $("tl-kb").value || null, platform: $("tl-platform").value || null, kind: $("tl-kind").value || null };
}

export async function loadCalendar() {
  const box = clear($("years"));
  let years = [];
  try { years = await getJSON("/api/calendar", { kb: $("tl-kb").value || null }); } catch (e) { toast(t("error", { message: e.message })); return; }
  box.append(el("button", { type: "button", class: `year-all${view.year === null ? " active" : ""}`, text: t("all_posts"),
    onclick: () => { Object.assign(view, { year: null, month: null, page: 1, q: "" }); $("tl-q").value = ""; loadCalendar(); loadPosts(); } }));
  for (const y of years) {
    const months = el("div", { class: "months" });
    for (const m of y.months) {
      months.append(el("button", { type: "button", class: `month${view.year === y.year && view.month === m.month ? " active" : ""}`,
        text: currentLang() === "zh" ? `${m.month}月` : MONTHS[m.month - 1], title: t("posts_n", { n: m.posts }), dataset: { year: String(y.year), month: String(m.month) },
        onclick: () => { Object.assign(view, { year: y.year, month: m.month, page: 1, q: "" }); $("tl-q").value = ""; loadCalendar(); loadPosts(); } }));
    }
    box.append(el("div", { class: "year" },
      el("button", { type: "button", class: `year-btn${view.year === y.year && view.month === null ? " active" : ""}`, dataset: { year: String(y.year) },
        onclick: () => { Object.assign(view, { year: y.year, month: null, page: 1, q: "" }); $("tl-q").value = ""; loadCalendar(); loadPosts(); } },
        el("span", { text: String(y.year) }), el("small", { text: t("posts_n", { n: y.posts }) })),
      months));
  }
}

export async function loadPosts() {
  const list = clear($("tl-posts"));
  const status = $("tl-status");
  status.textContent = t("loading");
  try {
    if (view.q) {
      status.textContent = t("searching");
      const res = await getJSON("/api/search", { q: view.q, k: 50, ...filters() });
      for (const h of res.hits) list.append(card(h, h.snippet));
      const notes = [res.hits.length ? t("results_n", { n: res.hits.length }) : t("no_results")];
      if (res.time_expression) notes.push(t("time_filter", { expr: res.time_expression }));
      notes.push(...(res.notes || []));
      status.textContent = notes.join(" · ");
      $("tl-page").textContent = "";
      $("tl-prev").disabled = $("tl-next").disabled = true;
      return;
    }
    const res = await getJSON("/api/posts", { year: view.year, month: view.month, page: view.page, per_page: PER_PAGE, ...filters() });
    for (const p of res.posts) list.append(card(p, null));
    const pages = Math.max(1, Math.ceil(res.total / PER_PAGE));
    status.textContent = res.total ? t("posts_n", { n: res.total }) : t("empty_archive");
    $("tl-page").textContent = t("page_n", { page: view.page, pages });
    $("tl-prev").disabled = view.page <= 1;
    $("tl-next").disabled = view.page >= pages;
  } catch (e) {
    status.textContent = t("error", { message: e.message });
  }
}

export async function loadPlatforms() {
  try {
    const stats = await getJSON("/api/stats");
    const select = $("tl-platform");
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const p of [...new Set(stats.platforms.map((x) => x.platform))]) select.append(el("option", { value: p, text: p }));
    select.value = keep;
  } catch (e) { toast(t("error", { message: e.message })); }
}

export function initTimeline() {
  $("tl-filters").addEventListener("submit", (e) => {
    e.preventDefault();
    view.q = $("tl-q").value.trim();
    view.page = 1;
    loadPosts();
  });
  $("tl-clear").addEventListener("click", () => {
    $("tl-q").value = "";
    for (const id of ["tl-platform", "tl-kind"]) $(id).value = "";
    Object.assign(view, { q: "", page: 1 });
    loadPosts();
  });
  for (const id of ["tl-kb", "tl-platform", "tl-kind"]) $(id).addEventListener("change", () => { view.page = 1; if (id === "tl-kb") loadCalendar(); loadPosts(); });
  $("tl-prev").addEventListener("click", () => { view.page = Math.max(1, view.page - 1); loadPosts(); });
  $("tl-next").addEventListener("click", () => { view.page += 1; loadPosts(); });
}
