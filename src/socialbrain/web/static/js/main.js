// Entry point: language, login, and the URL: every page's state lives in the hash, so reloading or sharing a
// link comes back to the same place (#chat/<conversation>, #timeline/2016/05?q=…, #reports/<report id>, #kbs).
import { getJSON, send } from "./api.js";
import { initChat, loadConversations, loadModels, openConversation } from "./chat.js";
import { clearToast } from "./dom.js";
import { applyLanguage, currentLang, setLanguage, t } from "./i18n.js";
import { initKBs, loadImports, loadKBs } from "./kbs.js";
import { initPanel } from "./panel.js";
import { initReports, loadReportOptions, openReport } from "./reports.js";
import { initTimeline, showTimeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const PAGES = ["chat", "timeline", "reports", "kbs"];

// "#timeline/2016/05?q=跑步" → { page: "timeline", parts: ["2016", "05"], params: URLSearchParams }
export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "");
  const [path, query = ""] = raw.split("?", 2);
  const [page, ...parts] = path.split("/").map((p) => decodeURIComponent(p));
  return { page: PAGES.includes(page) ? page : "chat", parts: parts.filter(Boolean), params: new URLSearchParams(query) };
}

let lastPage = null;
let force = false; // re-render the current page (after a language change)

// Change the URL without re-running the page (the page already shows that state).
export function setRoute(route) {
  const next = `#${route}`;
  if (location.hash !== next) history.replaceState(null, "", next);
}

// Change the URL as a navigation: a history entry the back button returns to.
export function navigate(route) {
  const next = `#${route}`;
  if (location.hash !== next) history.pushState(null, "", next);
}

function selectTab(page) {
  for (const p of PAGES) $(`page-${p}`).hidden = p !== page;
  for (const b of document.querySelectorAll(".tab")) {
    const on = b.dataset.page === page;
    b.classList.toggle("active", on);
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.tabIndex = on ? 0 : -1;
  }
  document.body.dataset.page = page;
  document.title = `${t(`tab_${page}`)} · socialbrain`;
}

function route() {
  const { page, parts, params } = parseHash();
  if (page !== lastPage) clearToast(); // a message about the last page means nothing on the next one
  lastPage = page;
  selectTab(page);
  if (page === "chat") { loadConversations(); openConversation(parts[0] || null, force); }
  force = false;
  if (page === "timeline") showTimeline(parts, params);
  if (page === "reports") { loadReportOptions().then(() => { if (parts[0]) openReport(parts[0]); }); }
  if (page === "kbs") { loadKBs(); loadImports(); }
}

async function start() {
  await loadKBs();
  await loadModels();
  route();
  document.body.dataset.ready = "1";
}

function showLogin() {
  $("login").hidden = false;
  $("login-token").focus();
}

function initTabs() {
  const tabs = [...document.querySelectorAll(".tab")];
  for (const [i, b] of tabs.entries()) {
    b.addEventListener("click", () => { if (parseHash().page !== b.dataset.page) location.hash = b.dataset.page; });
    b.addEventListener("keydown", (e) => { // arrow keys move between tabs (the WAI-ARIA tabs pattern)
      const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[e.key];
      if (step === undefined) return;
      e.preventDefault();
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      next.click();
    });
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  applyLanguage();
  const small = window.matchMedia("(max-width: 700px)").matches;
  if (small) $("conv-box").open = false; // phones: the conversation list folds away above the chat
  initPanel();
  initChat(setRoute);
  initTimeline(setRoute, navigate);
  initReports(setRoute);
  initKBs(() => { if (document.body.dataset.page === "timeline") route(); });
  initTabs();
  $("skip-link").addEventListener("click", (e) => { e.preventDefault(); $("main").focus(); });
  window.addEventListener("hashchange", route);
  $("lang-toggle").addEventListener("click", () => setLanguage(currentLang() === "zh" ? "en" : "zh"));
  document.addEventListener("sb:language", () => { lastPage = null; force = true; route(); });
  document.addEventListener("sb:login-required", showLogin);
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await send("POST", "/api/login", { token: $("login-token").value });
      $("login").hidden = true;
      $("login-error").textContent = "";
      await start();
    } catch (_) { $("login-error").textContent = t("wrong_token"); }
  });
  const auth = await getJSON("/api/auth");
  if (auth.required && !auth.ok) showLogin();
  else await start();
});
