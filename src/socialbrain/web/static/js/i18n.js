// UI text in Chinese and English. Default from navigator.language, remembered in localStorage.
const TEXT = {
  zh: {


    kb_scope: "范围", actions: "操作", file_name: "文件", file_span: "时间范围", file_when: "导入时间",
    drop_hint: "把文件拖到这里，或点击选择（可多选）", job_failed: "失败：{message}", job_queued: "排队中……",
    files_failed: "{n} 个文件失败", file_imported: "新增 {new}，更新 {updated}，未变 {unchanged}",
    file_rejected: "；跳过 {n} 条（{why}）", file_skipped: "已跳过：{why}", file_failed: "失败：{why}",
    files_only: "只含上传的文件（{n} 条）", plus_files: "另加上传的 {n} 条", show_files: "文件",
    files_of: "“{kb}”的文件（{n} 个）", files_note_members: "这个知识库只含上传的文件：可以把某个文件移出（帖子仍在归档里）。",
    files_note_filter: "这个知识库由日期等条件决定：这里列出它的帖子来自哪些文件。", files_none: "还没有文件：在下面上传。",
    download_file: "下载", remove_file: "移出", file_removed: "已把“{name}”移出", no_file: "（未知文件）",
    import_counts: "新增 {new} 更新 {updated} 未变 {unchanged} 跳过 {rejected}", import_failed: "失败", import_running: "进行中",
    import_interrupted: "中断", reindexing: "重建索引 {done}/{total}", rebuilt: "索引已重建",
    sort: "排序", sort_default: "默认", sort_relevance: "按相关度", sort_newest: "从新到旧", sort_oldest: "从旧到新",
    no_relevant: "没有找到相关的帖子", no_relevant_hint: "换个说法，或者去掉一些筛选条件再试。",
    outside_range: "{range}没有找到相关的帖子；不限时间有 {n} 条相关的。", none_any_time: "{range}没有找到相关的帖子；不限时间也没有。",
    search_all_years: "不限时间再搜一次", no_posts_filtered: "这些筛选条件下没有帖子：去掉一个筛选试试。",
    applied: "筛选：", chip_search: "搜索“{q}”", chip_period: "时间 {p}", chip_kb: "知识库 {kb}", chip_platform: "平台 {p}",
    chip_kind: "类型 {k}", chip_all_years: "不限时间", remove_filter: "去掉筛选：{f}", results_top: "最相关的 {n} 条",
    years_label: "年份和月份", pages_label: "翻页",
    stage_map_month: "读 {y}年{m}月 的帖子", stage_map_year: "读 {y} 年的帖子", stage_map_all: "各时期读完了",
    stage_reduce: "汇总成文", stage_year_words: "{y} 年分词", report_running_stage: "生成中：{stage}",
    report_history: "以前生成的报告", report_public_short: "公开版",
    skip: "跳到正文", nav_label: "页面", conversations: "对话记录", no_conversations: "还没有保存的对话：提一个问题就会开始一个。",
    rename: "重命名", export_md: "导出 Markdown", confirm_delete_conv: "再按一次删除对话“{title}”（不能恢复）", confirm_delete_short: "删除？",
    ask_label: "问题", search_label: "搜索帖子", files_label: "选择文件", token_label: "访问令牌",
    llm_fallback: "大模型暂时连不上，下面先列出检索到的原帖。",
    brand_sub: "社交大脑", tab_chat: "对话", tab_timeline: "时间线", tab_kbs: "知识库",
    kb: "知识库", since: "从", until: "到", model: "模型", use_llm: "用大模型回答", new_chat: "新对话",
    date_ph: "如 2016-05", ask_ph: "问问过去的自己……（Enter 发送，Shift+Enter 换行）", send: "发送",
    search_ph: "全文搜索，例如：跑步 马拉松", platform: "平台", kind: "类型", any: "全部",
    kind_original: "原创", kind_repost: "转发", kind_reply: "回复", kind_comment: "评论", kind_chat: "聊天",
    search: "搜索", clear: "清除", prev: "上一页", next: "下一页",
    kbs_title: "知识库", kb_name: "名称", kb_desc: "说明", kb_posts: "帖子数", kb_create: "新建知识库",
    kb_create_hint: "留空日期 = 只含上传的文件。", create: "创建",
    upload_title: "上传导出文件或 .txt", upload: "上传并导入", imports_title: "导入记录",
    open_original: "打开原帖", login_title: "需要访问令牌", login: "登录",
    all_posts: "全部帖子", posts_n: "{n} 条", page_n: "第 {page} / {pages} 页",
    searching: "搜索中……", results_n: "找到 {n} 条结果", no_results: "没有结果。",
    time_filter: "时间：{expr}", loading: "加载中……", empty_archive: "归档还是空的：先到“知识库”上传导出文件。",
    you: "你", past_self: "过去的你", sources: "来源", thinking: "检索中……",
    mode_llm: "大模型回答", mode_retrieval: "检索结果（没有用大模型）",
    no_llm: "没有配置大模型：显示检索到的原帖。启动时加 --llm-url 可用大模型回答。",
    dropped: "已去掉不存在的引用：{list}",
    delete: "删除", rebuild: "重建", confirm_delete: "删除知识库“{name}”？归档里的帖子不会被删除。",
    uploading: "上传中 {pct}%", importing: "导入中：{stage} {done}/{total}", import_done: "完成：新增 {new}，更新 {updated}，未变 {unchanged}，跳过 {rejected}",
    job_error: "失败：{message}", created: "已创建“{name}”", deleted: "已删除“{name}”", rebuilding: "重建中……",
    whole_archive: "整个归档", likes: "赞", reposts: "转", comments: "评", error: "出错了：{message}",
    wrong_token: "令牌不对", open_post: "查看原帖",
    tab_reports: "回顾", report_year: "年度回顾", report_portrait: "画像", year: "年份", all_years: "全部年份",
    aspects: "方面", aspects_ph: "工作，健身，个人项目……（逗号分隔）", report_use_llm: "用大模型写叙述",
    report_public: "公开版（隐去隐私）", report_sections: "公开哪些部分", report_make: "生成", cancel: "取消",
    report_queued: "排队中……", report_running: "生成中：{stage}（第 {done} / {total} 步）", report_starting: "开始生成……",
    report_cached: "来自缓存：归档没有变化（{when}）", report_done: "完成，用时 {s} 秒", report_cancelled: "已取消",
    report_cancelling: "正在取消……", download: "下载 {fmt}", report_no_llm: "没有配置大模型：报告只有统计，叙述需要大模型（启动时加 --llm-url）。",
    report_confirm: "将把约 {posts} 条帖子（约 {tokens} 个 token，{calls} 次调用）发送给 {llm}。继续吗？",
    report_empty: "归档还是空的：先到“知识库”上传导出文件。", report_public_note: "公开版：私密和隐藏的帖子不计入，手机号、邮箱、身份证号、地址和别人的名字都会被替换（{n} 处）。",
    stage_words: "分词", stage_render: "排版", stage_done: "收尾", stage_earlier: "往年对比",
    sec_overview: "概览", sec_calendar: "日历", sec_rhythm: "作息", sec_highlights: "高光", sec_words: "关键词",
    sec_topics: "话题", sec_people: "人与话题", sec_places: "地点", sec_mood: "心情", sec_narrative: "叙述",
    sec_aspects: "各个方面", sec_personality: "性格", sec_forgotten_voices: "被遗忘的声音",
  },
  en: {


    kb_scope: "Scope", actions: "Actions", file_name: "File", file_span: "Dates", file_when: "Imported",
    drop_hint: "Drop files here, or click to choose (several at once)", job_failed: "Failed: {message}", job_queued: "Queued…",
    files_failed: "{n} files failed", file_imported: "{new} new, {updated} updated, {unchanged} unchanged",
    file_rejected: "; {n} records skipped ({why})", file_skipped: "skipped: {why}", file_failed: "failed: {why}",
    files_only: "uploaded files only ({n} posts)", plus_files: "plus {n} uploaded posts", show_files: "Files",
    files_of: "Files of “{kb}” ({n})", files_note_members: "This knowledge base holds only uploaded files: a file can be taken out (its posts stay in the archive).",
    files_note_filter: "This knowledge base is defined by dates or platforms: these are the files its posts came from.", files_none: "No files yet: upload some below.",
    download_file: "Download", remove_file: "Take out", file_removed: "Took “{name}” out", no_file: "(unknown file)",
    import_counts: "{new} new {updated} updated {unchanged} unchanged {rejected} skipped", import_failed: "failed", import_running: "running",
    import_interrupted: "interrupted", reindexing: "re-indexing {done}/{total}", rebuilt: "index rebuilt",
    sort: "Sort", sort_default: "Default", sort_relevance: "by relevance", sort_newest: "newest first", sort_oldest: "oldest first",
    no_relevant: "No relevant posts found", no_relevant_hint: "Try other words, or remove some filters.",
    outside_range: "Nothing relevant in {range}; {n} relevant posts at other times.", none_any_time: "Nothing relevant in {range}, nor at any other time.",
    search_all_years: "Search all years", no_posts_filtered: "No posts match these filters: remove one.",
    applied: "Filters:", chip_search: "search “{q}”", chip_period: "time {p}", chip_kb: "KB {kb}", chip_platform: "platform {p}",
    chip_kind: "kind {k}", chip_all_years: "all years", remove_filter: "Remove filter: {f}", results_top: "the {n} most relevant",
    years_label: "Years and months", pages_label: "Pages",
    stage_map_month: "reading posts of {m}/{y}", stage_map_year: "reading posts of {y}", stage_map_all: "all periods read",
    stage_reduce: "writing it up", stage_year_words: "words of {y}", report_running_stage: "Working: {stage}",
    report_history: "Reports made before", report_public_short: "public",
    skip: "Skip to content", nav_label: "Pages", conversations: "Conversations", no_conversations: "No saved conversations yet: ask a question to start one.",
    rename: "Rename", export_md: "Export Markdown", confirm_delete_conv: "Press again to delete “{title}” (cannot be undone)", confirm_delete_short: "Delete?",
    ask_label: "Question", search_label: "Search posts", files_label: "Choose files", token_label: "Access token",
    llm_fallback: "The LLM cannot be reached right now: here are the retrieved posts instead.",
    brand_sub: "your past self", tab_chat: "Chat", tab_timeline: "Timeline", tab_kbs: "Knowledge bases",
    kb: "KB", since: "From", until: "To", model: "Model", use_llm: "Answer with LLM", new_chat: "New chat",
    date_ph: "e.g. 2016-05", ask_ph: "Ask your past self… (Enter to send, Shift+Enter for a new line)", send: "Send",
    search_ph: "Full-text search, e.g. running marathon", platform: "Platform", kind: "Kind", any: "All",
    kind_original: "Original", kind_repost: "Repost", kind_reply: "Reply", kind_comment: "Comment", kind_chat: "Chat",
    search: "Search", clear: "Clear", prev: "Previous", next: "Next",
    kbs_title: "Knowledge bases", kb_name: "Name", kb_desc: "Description", kb_posts: "Posts", kb_create: "New knowledge base",
    kb_create_hint: "Leave the dates empty for a KB of uploaded files only.", create: "Create",
    upload_title: "Upload exports or .txt", upload: "Upload and import", imports_title: "Imports",
    open_original: "Open the original", login_title: "Access token required", login: "Log in",
    all_posts: "All posts", posts_n: "{n} posts", page_n: "Page {page} of {pages}",
    searching: "Searching…", results_n: "{n} results", no_results: "No results.",
    time_filter: "Time: {expr}", loading: "Loading…", empty_archive: "The archive is empty: upload an export under Knowledge bases.",
    you: "You", past_self: "Past you", sources: "Sources", thinking: "Retrieving…",
    mode_llm: "LLM answer", mode_retrieval: "Retrieved posts (no LLM)",
    no_llm: "No LLM configured: showing retrieved posts. Start with --llm-url to get written answers.",
    dropped: "Removed citations that do not exist: {list}",
    delete: "Delete", rebuild: "Rebuild", confirm_delete: "Delete the knowledge base “{name}”? Posts stay in the archive.",
    uploading: "Uploading {pct}%", importing: "Importing: {stage} {done}/{total}", import_done: "Done: {new} new, {updated} updated, {unchanged} unchanged, {rejected} skipped",
    job_error: "Failed: {message}", created: "Created “{name}”", deleted: "Deleted “{name}”", rebuilding: "Rebuilding…",
    whole_archive: "the whole archive", likes: "likes", reposts: "reposts", comments: "comments", error: "Error: {message}",
    wrong_token: "Wrong token", open_post: "Open post",
    tab_reports: "Review", report_year: "Year in review", report_portrait: "Portrait", year: "Year", all_years: "All years",
    aspects: "Aspects", aspects_ph: "work, fitness, side projects… (comma-separated)", report_use_llm: "Narrative by LLM",
    report_public: "Public edition (redacted)", report_sections: "Sections to publish", report_make: "Generate", cancel: "Cancel",
    report_queued: "Queued…", report_running: "Working: {stage} (step {done} of {total})", report_starting: "Starting…",
    report_cached: "From cache: the archive has not changed ({when})", report_done: "Done in {s} s", report_cancelled: "Cancelled",
    report_cancelling: "Cancelling…", download: "Download {fmt}", report_no_llm: "No LLM configured: statistics only; the narrative needs an LLM (start with --llm-url).",
    report_confirm: "This sends about {posts} posts (~{tokens} tokens, {calls} calls) to {llm}. Continue?",
    report_empty: "The archive is empty: upload an export under Knowledge bases.", report_public_note: "Public edition: private and hidden posts left out; phone numbers, e-mails, ID numbers, addresses and other people's names replaced ({n} places).",
    stage_words: "words", stage_render: "layout", stage_done: "finishing", stage_earlier: "earlier years",
    sec_overview: "Overview", sec_calendar: "Calendar", sec_rhythm: "Rhythm", sec_highlights: "Highlights", sec_words: "Words",
    sec_topics: "Topics", sec_people: "People", sec_places: "Places", sec_mood: "Mood", sec_narrative: "Narrative",
    sec_aspects: "Aspects", sec_personality: "Personality", sec_forgotten_voices: "Forgotten voices",
  },
};

let lang = localStorage.getItem("sb-lang") ||
  ((navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en");

export function currentLang() { return lang; }

export function t(key, vars = {}) {
  const s = (TEXT[lang] && TEXT[lang][key]) || TEXT.zh[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : ""));
}

export function applyLanguage(root = document) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-ph]")) el.placeholder = t(el.dataset.i18nPh);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  const toggle = document.getElementById("lang-toggle");
  if (toggle) toggle.textContent = lang === "zh" ? "EN" : "中文";
}

export function setLanguage(next) {
  lang = next === "en" ? "en" : "zh";
  localStorage.setItem("sb-lang", lang);
  applyLanguage();
  document.dispatchEvent(new CustomEvent("sb:language"));
}

// Server errors (one English line) in the user's language, each with what to do about it. The first pattern
// that matches wins; an unknown message is shown as it came, after "出错了：".
const ERRORS = [
  [/cannot reach the LLM|LLM (?:is )?unavailable|ConnectError|connect timeout/i,
    { zh: "连不上大模型。检查启动时的 --llm-url 地址、模型服务是否在运行；也可以关掉“用大模型回答”，只看检索到的原帖。",
      en: "Cannot reach the LLM. Check the --llm-url address and that the model server is running, or switch off \u201cAnswer with LLM\u201d to see the retrieved posts." }],
  [/(since|until)=('[^']*'|\S+): (?:use YYYY|.*not a date)/i,
    { zh: "日期看不懂：{2}。可以写 2016、2016-05、2016-05-04，或“去年”“三年前”这样的说法。",
      en: "Cannot read the date {2}. Write 2016, 2016-05, 2016-05-04, or a phrase such as \u201clast year\u201d." }],
  [/since=('[^']*'|\S+) is not before until=('[^']*'|\S+)/i,
    { zh: "开始日期 {1} 不早于结束日期 {2}：把它们对调一下。", en: "The start {1} is not before the end {2}: swap them." }],
  [/no conversation '([^']*)'/i,
    { zh: "找不到这个对话（可能已经删除）。从左边选一个，或开始新对话。", en: "This conversation no longer exists (it may have been deleted). Pick another one or start a new chat." }],
  [/no knowledge base named '([^']*)'/i,
    { zh: "没有名为“{1}”的知识库：先在“知识库”页创建它。", en: "There is no knowledge base \u201c{1}\u201d: create it on the Knowledge bases page first." }],
  [/is defined by its dates or platforms, not by files/i,
    { zh: "这个知识库由日期等条件决定，不能单独移出文件：改它的条件，或新建一个不填日期的知识库再上传文件。",
      en: "This knowledge base is defined by dates or platforms, so a file cannot be taken out: change those, or make a knowledge base without dates and upload files to it." }],
  [/no importer recognises this file/i,
    { zh: "认不出这个文件的格式：上传微博、Twitter、Mastodon、Telegram、微信的导出文件，或 .txt/.csv/.jsonl。", en: "This file's format is not recognised: upload a Weibo, Twitter, Mastodon, Telegram or WeChat export, or .txt/.csv/.jsonl." }],
  [/nothing imported: (.*)/i,
    { zh: "没有导入任何帖子：{1}", en: "Nothing was imported: {1}" }],
  [/already exists|exists already/i,
    { zh: "这个名字已经有了：换一个名字。", en: "That name is taken: choose another." }],
  [/too large|413/i,
    { zh: "文件太大，超过了服务器的上传上限：拆成小一点的文件，或用 --max-upload-mb 调大上限后重启。", en: "The upload is larger than the server allows: split it, or restart with a larger --max-upload-mb." }],
  [/built (?:by|with) (?:another|a different) (?:model|embedder)|index mismatch/i,
    { zh: "索引是用另一个向量模型建的：在“知识库”页点“重建”，或用原来的 --embedder 启动。", en: "The index was built by another embedding model: rebuild it on the Knowledge bases page, or start with the original --embedder." }],
  [/Failed to fetch|NetworkError|network error/i,
    { zh: "连不上 socialbrain 服务器：确认 socialbrain serve 还在运行，然后刷新页面。", en: "Cannot reach the socialbrain server: check that socialbrain serve is still running, then reload." }],
  [/wrong access token|401/i,
    { zh: "访问令牌不对：用启动时设置的 --token 登录。", en: "Wrong access token: log in with the --token the server was started with." }],
];

// The message in the user's language with its fix, or null when no pattern knows it.
export function translateError(message) {
  const text = String(message || "");
  for (const [re, msgs] of ERRORS) {
    const m = re.exec(text);
    if (m) return (msgs[lang] || msgs.zh).replace(/\{(\d)\}/g, (_, i) => (m[+i] || "").replace(/^'|'$/g, ""));
  }
  return null;
}

export function userMessage(message) {
  return translateError(message) || t("error", { message: String(message || "") });
}
