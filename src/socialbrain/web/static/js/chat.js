// The chat page: saved conversations in a sidebar (#chat/<id> in the URL, so a reload keeps the conversation),
// answers stream in, [n] citations open the original post. The server keeps the history of each conversation.
import { getJSON, send, streamEvents } from "./api.js";
import { clear, el, formatDate, formatLocal, toast, withCitations } from "./dom.js";
import { currentLang, t, userMessage } from "./i18n.js";
import { openPost } from "./panel.js";

const $ = (id) => document.getElementById(id);
let current = null; // the open conversation's id (null: a new one starts with the next question)
let busy = false;
let setRoute = () => {};

function addTurn(role, text) {
  const body = el("div", { class: "bubble-text", text });
  const turn = el("div", { class: `turn ${role}` }, el("div", { class: "who", text: role === "user" ? t("you") : t("past_self") }), body);
  $("chat-log").append(turn);
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

// The finished look of an answer: citations as buttons, the notice when the LLM was down, the sources.
function finishAnswer(turn, answer, sources, meta) {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const cite = (n) => { const s = byN.get(n); if (s) openPost(s.id); };
  const status = turn.querySelector(".turn-status") || turn.insertBefore(el("div", { class: "turn-status" }), turn.firstChild);
  status.textContent = meta.mode === "llm" ? t("mode_llm") : meta.mode === "retrieval" ? t("mode_retrieval") : "";
  if (meta.llm_error) {
    turn.classList.add("fallback");
    turn.insertBefore(el("div", { class: "notice", role: "status", text: t("llm_fallback") }), status.nextSibling);
  }
  clear(turn.querySelector(".bubble-text")).append(withCitations(answer, cite, new Set(byN.keys())));
  if (meta.dropped_citations && meta.dropped_citations.length) {
    turn.append(el("div", { class: "note", text: t("dropped", { list: meta.dropped_citations.join(", ") }) }));
  }
  if (meta.error) turn.append(el("div", { class: "error", text: userMessage(meta.error) }));
  if (sources.length) renderSources(turn, sources);
  turn.classList.remove("streaming");
  turn.classList.add("complete");
}

async function ask(question) {
  busy = true;
  $("chat-send").disabled = true;
  addTurn("user", question);
  const turn = addTurn("assistant", "");
  turn.classList.add("streaming");
  turn.scrollIntoView({ block: "end" });
  const body = turn.querySelector(".bubble-text");
  turn.prepend(el("div", { class: "turn-status", text: t("thinking") }));
  let answer = "";
  let sources = [];
  const meta = {};
  const request = {
    question,
    conversation: current || "new",
    kb: $("chat-kb").value || null,
    since: $("chat-since").value.trim() || null,
    until: $("chat-until").value.trim() || null,
    model: $("chat-model").value.trim() || null,
    mode: $("chat-use-llm").checked ? "auto" : "retrieval",
  };
  try {
    await streamEvents("/api/chat", request, (ev) => {
      if (ev.conversation && ev.conversation.id !== current) {
        current = ev.conversation.id;
        setRoute(`chat/${current}`);
        loadConversations();
      }
      if (ev.type === "meta") {
        meta.mode = ev.mode;
        turn.querySelector(".turn-status").textContent = ev.mode === "llm" ? t("mode_llm") : t("mode_retrieval");
        turn.dataset.mode = ev.mode;
      } else if (ev.type === "delta") {
        answer += ev.text;
        body.textContent = answer;
      } else if (ev.type === "sources") {
        sources = ev.sources || [];
      } else if (ev.type === "done") {
        if (typeof ev.answer === "string") answer = ev.answer;
        meta.dropped_citations = ev.dropped_citations;
        meta.llm_error = ev.llm_error;
      } else if (ev.type === "error") {
        meta.error = ev.message;
      }
    });
  } catch (e) {
    meta.error = e.message;
  } finally {
    finishAnswer(turn, answer, sources, meta);
    busy = false;
    $("chat-send").disabled = false;
    turn.scrollIntoView({ block: "end" });
    loadConversations();
  }
}

function renderMessages(conv) {
  const log = clear($("chat-log"));
  for (const m of conv.messages) {
    const turn = addTurn(m.role, m.content);
    if (m.role === "assistant") finishAnswer(turn, m.content, m.sources || [], m.meta || {});
  }
  const last = log.lastElementChild;
  if (last) last.scrollIntoView({ block: "end" });
}

// Open a stored conversation (from the sidebar or the URL); null starts a new one.
export async function openConversation(id, force = false) {
  if (busy) return;
  if (!id) {
    current = null;
    clear($("chat-log"));
    $("chat-title").textContent = t("new_chat");
    markActive();
    return;
  }
  if (!force && id === current && $("chat-log").childElementCount) { markActive(); return; }
  try {
    const conv = await getJSON(`/api/conversations/${encodeURIComponent(id)}`);
    current = conv.id;
    $("chat-title").textContent = conv.title;
    if (conv.kb && [...$("chat-kb").options].some((o) => o.value === conv.kb)) $("chat-kb").value = conv.kb;
    renderMessages(conv);
  } catch (e) {
    current = null;
    clear($("chat-log"));
    setRoute("chat");
    toast(userMessage(e.message));
  }
  markActive();
}

function markActive() {
  for (const li of document.querySelectorAll("#conv-list li")) {
    const on = li.dataset.id === current;
    li.classList.toggle("active", on);
    const open = li.querySelector(".conv-open");
    if (on) open.setAttribute("aria-current", "page"); else open.removeAttribute("aria-current");
  }
}

function startRename(li, conv) {
  const input = el("input", { class: "conv-rename", value: conv.title, maxLength: 200, "aria-label": t("rename") });
  const open = li.querySelector(".conv-open");
  open.hidden = true;
  li.prepend(input);
  input.focus();
  input.select();
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const title = input.value.trim();
    if (save && title && title !== conv.title) {
      try { await send("PATCH", `/api/conversations/${encodeURIComponent(conv.id)}`, { title }); } catch (e) { toast(userMessage(e.message)); }
    }
    await loadConversations();
    const again = document.querySelector(`#conv-list li[data-id="${CSS.escape(conv.id)}"] .conv-open`);
    if (again) again.focus();
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); finish(true); }
    if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
}

// Delete in two steps without a modal dialog: the first press turns × into "删除？", the second deletes.
async function removeConversation(conv, button) {
  if (button.dataset.armed !== "1") {
    button.dataset.armed = "1";
    button.textContent = t("confirm_delete_short");
    button.setAttribute("aria-label", t("confirm_delete_conv", { title: conv.title }));
    button.addEventListener("blur", () => { if (button.isConnected) loadConversations(); }, { once: true });
    return;
  }
  try {
    await send("DELETE", `/api/conversations/${encodeURIComponent(conv.id)}`);
    if (conv.id === current) { setRoute("chat"); await openConversation(null); }
    toast(t("deleted", { name: conv.title }));
  } catch (e) { toast(userMessage(e.message)); }
  await loadConversations();
}

export async function loadConversations() {
  let convs = [];
  try { convs = await getJSON("/api/conversations"); } catch (e) { toast(userMessage(e.message)); return; }
  const list = clear($("conv-list"));
  $("conv-empty").hidden = convs.length > 0;
  for (const c of convs) {
    const li = el("li", { dataset: { id: c.id } });
    li.append(
      el("a", { class: "conv-open", href: `#chat/${encodeURIComponent(c.id)}` },
        el("span", { class: "conv-title", text: c.title }),
        el("span", { class: "conv-when", text: formatLocal(c.updated_at) })),
      el("span", { class: "conv-actions" },
        el("button", { type: "button", class: "conv-rename-btn", text: "✎", title: t("rename"), "aria-label": `${t("rename")}: ${c.title}`, onclick: () => startRename(li, c) }),
        el("a", { class: "conv-export", href: `/api/conversations/${encodeURIComponent(c.id)}.md?lang=${currentLang()}`, download: `conversation-${c.id}.md`, text: "⇩", title: t("export_md"), "aria-label": `${t("export_md")}: ${c.title}` }),
        el("button", { type: "button", class: "conv-delete danger", text: "×", title: t("delete"), "aria-label": `${t("delete")}: ${c.title}`, onclick: (e) => removeConversation(c, e.currentTarget) })));
    list.append(li);
    if (c.id === current) $("chat-title").textContent = c.title;
  }
  markActive();
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
      const select = clear($("chat-model"));
      const models = [...new Set([info.model, ...(info.models || [])].filter(Boolean))];
      for (const m of models) select.append(el("option", { value: m, text: m }));
      select.value = info.model || models[0] || "";
    }
  } catch (e) { toast(userMessage(e.message)); }
}

export function initChat(route) {
  setRoute = route;
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
  $("chat-new").addEventListener("click", () => { setRoute("chat"); openConversation(null); $("chat-input").focus(); });
}
