// The chat page: answers stream in, [n] citations open the original post, multi-turn history.
import { getJSON, streamEvents } from "./api.js";
import { clear, el, formatDate, toast, withCitations } from "./dom.js";
import { t } from "./i18n.js";
import { openPost } from "./panel.js";

const $ = (id) => document.getElementById(id);
let history = [];
let busy = false;

function addTurn(role, text) {
  const body = el("div", { class: "bubble-text", text });
  const turn = el("div", { class: `turn ${role}` }, el("div", { class: "who", text: role === "user" ? t("you") : t("past_self") }), body);
  $("chat-log").append(turn);
  turn.scrollIntoView({ block: "end" });
  return turn;
}

function renderSources(turn, sources) {
  const list = el("ol", { class: "sources" });
  for (const s of sources) {
    const text = (s.text || "").replace(/\s+/g, " ");
    list.append(el("li", { dataset: { n: String(s.n), id: String(s.id) } },
      el("button", { type: "button", class: "source", onclick: () => openPost(s.id) },
        el("span", { class: "src-n", text: `[${s.n}]` }),
        el("span", { class: "src-date", text: formatDate(s.date).slice(0, 10) }),
        el("span", { class: "src-platform", text: s.platform || "" }),
        el("span", { class: "src-text", text: text.length > 90 ? `${text.slice(0, 90)}…` : text }))));
  }
  turn.append(el("details", { class: "sources-box", open: true }, el("summary", { text: `${t("sources")} (${sources.length})` }), list));
}

async function ask(question) {
  busy = true;
  $("chat-send").disabled = true;
  addTurn("user", question);
  const turn = addTurn("assistant", "");
  turn.classList.add("streaming");
  const body = turn.querySelector(".bubble-text");
  const status = el("div", { class: "turn-status", text: t("thinking") });
  turn.prepend(status);
  let answer = "";
  let sources = [];
  const byN = new Map();
  const request = {
    question, history,
    kb: $("chat-kb").value || null,
    since: $("chat-since").value.trim() || null,
    until: $("chat-until").value.trim() || null,
    model: $("chat-model").value.trim() || null,
    mode: $("chat-use-llm").checked ? "auto" : "retrieval",
  };
  const cite = (n) => { const s = byN.get(n); if (s) openPost(s.id); };
  try {
    await streamEvents("/api/chat", request, (ev) => {
      if (ev.type === "meta") {
        status.textContent = ev.mode === "llm" ? t("mode_llm") : t("mode_retrieval");
        turn.dataset.mode = ev.mode;
      } else if (ev.type === "delta") {
        answer += ev.text;
        body.textContent = answer;
      } else if (ev.type === "sources") {
        sources = ev.sources || [];
        for (const s of sources) byN.set(s.n, s);
      } else if (ev.type === "done") {
        if (typeof ev.answer === "string") answer = ev.answer;
        if (ev.dropped_citations && ev.dropped_citations.length) {
          turn.append(el("div", { class: "note", text: t("dropped", { list: ev.dropped_citations.join(", ") }) }));
        }
      } else if (ev.type === "error") {
        turn.append(el("div", { class: "error", text: ev.message }));
      }
    });
    clear(body).append(withCitations(answer, cite, new Set(byN.keys())));
    if (sources.length) renderSources(turn, sources);
    history = [...history, { role: "user", content: question }, { role: "assistant", content: answer }].slice(-12);
  } catch (e) {
    turn.append(el("div", { class: "error", text: t("error", { message: e.message }) }));
  } finally {
    turn.classList.remove("streaming");
    turn.classList.add("complete");
    busy = false;
    $("chat-send").disabled = false;
    turn.scrollIntoView({ block: "end" });
  }
}

export async function loadModels() {
  try {
    const info = await getJSON("/api/llm");
    const note = $("chat-llm-note");
    if (!info.available) {
      note.textContent = t("no_llm");
      note.hidden = false;
      $("chat-use-llm").checked = false;
      $("chat-use-llm").disabled = true;
      $("chat-model").disabled = true;
    } else {
      note.hidden = true;
      $("chat-model").value = info.model || "";
      const list = clear($("model-list"));
      for (const m of info.models || []) list.append(el("option", { value: m }));
    }
  } catch (e) { toast(t("error", { message: e.message })); }
}

export function initChat() {
  $("chat-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("chat-input").value.trim();
    if (!q || busy) return;
    $("chat-input").value = "";
    ask(q);
  });
  $("chat-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("chat-form").requestSubmit(); }
  });
  $("chat-new").addEventListener("click", () => { history = []; clear($("chat-log")); });
}
