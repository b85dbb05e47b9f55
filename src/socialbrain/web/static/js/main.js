// Entry point: language, login, page switching (#chat / #timeline / #reports / #kbs).
import { getJSON, send } from "./api.js";
import { loadModels, initChat } from "./chat.js";
import { applyLanguage, currentLang, setLanguage, t } from "./i18n.js";
import { initKBs, loadImports, loadKBs } from "./kbs.js";
import { initPanel } from "./panel.js";
import { initReports, loadReportOptions } from "./reports.js";
import { initTimeline, loadCalendar, loadPlatforms, loadPosts } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const PAGES = ["chat", "timeline", "reports", "kbs"];

function show(page) {
  if (!PAGES.includes(page)) page = "chat";
  for (const p of PAGES) $(`page-${p}`).hidden = p !== page;
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.page === page);
  document.body.dataset.page = page;
  if (page === "timeline") { loadCalendar(); loadPlatforms(); loadPosts(); }
  if (page === "reports") loadReportOptions();
  if (page === "kbs") { loadKBs(); loadImports(); }
}

async function start() {
  await loadKBs();
  await loadModels();
  show(location.hash.slice(1));
  document.body.dataset.ready = "1";
}

function showLogin() {
  $("login").hidden = false;
  $("login-token").focus();
}

document.addEventListener("DOMContentLoaded", async () => {
  applyLanguage();
  initPanel();
  initChat();
  initTimeline();
  initReports();
  initKBs(() => { if (document.body.dataset.page === "timeline") { loadCalendar(); loadPosts(); } });
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => { location.hash = b.dataset.page; });
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  $("lang-toggle").addEventListener("click", () => setLanguage(currentLang() === "zh" ? "en" : "zh"));
  document.addEventListener("sb:language", () => show(document.body.dataset.page || "chat"));
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
