// DOM helpers. User data (post text, names, answers) only ever goes in through textContent or
// attributes set as properties: never innerHTML.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "role" || k.includes("-")) node.setAttribute(k, v === true ? "" : String(v));
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function clear(node) { while (node.firstChild) node.firstChild.remove(); return node; }

// A link only for http(s) URLs; anything else (javascript:, data:) is not a link.
export function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

// Text with 【matched】 words as <mark> elements.
export function highlighted(text) {
  const frag = document.createDocumentFragment();
  const parts = String(text).split(/(【[^】]*】)/);
  for (const p of parts) {
    if (p.startsWith("【") && p.endsWith("】")) frag.append(el("mark", { text: p.slice(1, -1) }));
    else if (p) frag.append(document.createTextNode(p));
  }
  return frag;
}

// Answer text with [n] / [1, 2] turned into buttons that open source n.
export function withCitations(text, onCite, known) {
  const frag = document.createDocumentFragment();
  const re = /\[(\d+(?:\s*[,，]\s*\d+)*)\]/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) frag.append(document.createTextNode(text.slice(last, m.index)));
    const nums = m[1].split(/[,，]/).map((s) => parseInt(s.trim(), 10));
    for (const n of nums) {
      if (known && !known.has(n)) { frag.append(document.createTextNode(`[${n}]`)); continue; }
      frag.append(el("button", { type: "button", class: "cite", text: `[${n}]`, dataset: { n: String(n) },
        onclick: () => onCite(n) }));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(document.createTextNode(text.slice(last)));
  return frag;
}

export function formatDate(iso) {
  // post dates come from the server already in the user's zone (the `timezone` setting, socialbrain.localtime),
  // which may differ from the browser's: show the date-time part of the ISO string as written
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || "");
  return m ? `${m[1]} ${m[2]}` : (iso || "");
}

// A server timestamp (UTC, ISO) in the browser's own time zone: "2026-11-29 16:07".
export function formatLocal(iso) {
  const d = new Date(iso || "");
  if (Number.isNaN(d.getTime())) return iso || "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function clearToast() {
  clearTimeout(toastTimer);
  const box = document.getElementById("toast");
  box.hidden = true;
  box.textContent = "";
}

let toastTimer = null;
export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 5000);
}
