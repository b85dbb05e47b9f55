// The side panel (a full-screen sheet on phones) that shows one original post with its date and link.
import { getJSON } from "./api.js";
import { clear, el, formatDate, safeUrl, toast } from "./dom.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export function showPost(post) {
  $("post-date").textContent = formatDate(post.date);
  const meta = clear($("post-meta"));
  const bits = [post.platform, post.account ? `@${post.account}` : null, post.author && post.author !== post.account ? post.author : null,
    post.kind ? t(`kind_${post.kind}`) : null];
  const counts = [["likes", post.likes], ["reposts", post.reposts], ["comments", post.comments]]
    .filter(([, n]) => n !== null && n !== undefined).map(([k, n]) => `${t(k)} ${n}`);
  meta.append(el("span", { text: [...bits.filter(Boolean), ...counts].join(" · ") }));
  if (post.location) meta.append(el("span", { class: "loc", text: ` · ${post.location}` }));
  $("post-text").textContent = post.text || "";
  const ref = $("post-ref");
  if (post.ref_text) {
    ref.textContent = (post.ref_author ? `@${post.ref_author}: ` : "") + post.ref_text;
    ref.hidden = false;
  } else {
    ref.hidden = true;
    ref.textContent = "";
  }
  const link = $("post-link");
  const url = safeUrl(post.url);
  if (url) { link.href = url; link.hidden = false; } else { link.removeAttribute("href"); link.hidden = true; }
  const panel = $("post-panel");
  panel.dataset.postId = String(post.id);
  panel.hidden = false;
  document.body.classList.add("panel-open");
}

export function closePanel() {
  $("post-panel").hidden = true;
  document.body.classList.remove("panel-open");
}

export async function openPost(id) {
  try {
    showPost(await getJSON(`/api/posts/${encodeURIComponent(id)}`));
  } catch (e) {
    toast(t("error", { message: e.message }));
  }
}

export function initPanel() {
  $("post-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closePanel(); });
}
