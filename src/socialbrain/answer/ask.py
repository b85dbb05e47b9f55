"""Ask your past: retrieve, prompt, stream, check citations — or map-reduce for whole-life questions.

``ask_stream`` yields events (plain dicts, JSON-ready):

    {"type": "meta", "mode": "llm"|"retrieval", "standalone_question": str, "scope": {...}}
    {"type": "delta", "text": str}                       # answer text as it arrives
    {"type": "sources", "sources": [{"n", "id", "date", "platform", "url", "text"}]}
    {"type": "done", "answer": str, "citations": [post ids], "dropped_citations": [n...], "usage": {...}}

``ask`` collects them into an :class:`Answer`. Posts are data, never instructions (see prompts.py); citations that
point at posts that were not given are removed from the text and listed in ``dropped_citations``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, LLMUnavailable
from ..localtime import to_local
from ..models import PostFilter
from ..retrieve.timeexpr import parse_time_expression
from .citations import ClaimStreamFilter
from .events import Answer, AnswerCollector, AnswerEvent
from .mapreduce import CostEstimate, is_whole_history_question, plan_map, reduce_stream
from .nollm import LABEL, _query_words, evidence, retrieved_answer
from .prompts import NumberedPost, answer_messages, language_of, rewrite_messages
from .themes import plan as theme_plan
from .themes import question_kind
from .themes import render as render_plan

if TYPE_CHECKING:
    from ..brain import Brain
    from .llm import LLM, ChatMessage

MODES = ("auto", "llm", "retrieval")
SCOPES = ("auto", "topk", "all")

_FOLLOWUP_ZH = re.compile(
    r"^(?:那么?|然后|后来|还有|再|另外|接着|之后)|[她他它](?:们)?(?:后来|之后|现在|呢)|呢\s*[？?]?\s*$"
)
_FOLLOWUP_EN = re.compile(
    r"^(?:and|what about|how about|then|after that|and then|what else)\b|\b(?:she|he|it|they|that|her|him|them)\b",
    re.IGNORECASE,
)
_LEADING_ZH = re.compile(r"^(?:那么?|然后|还有|另外|接着)[，,\s]*")
_DEMONSTRATIVE = re.compile(r"^(?:那|这|那个|这个)(?:只|个|位|次|件|家|条|本|部|张|场|年|天)")
_VAGUE = {"东西", "事情", "事", "情况", "问题"}
# a pronoun standing for someone or something the previous question named: "她叫什么" after "我的室友是谁"
_PRONOUN_ZH = re.compile(r"她们|他们|它们|她|他|它|这个人|那个人")
_PERSON_PRONOUN = re.compile(r"她们|他们|她|他|这个人|那个人")
_LEADING_EN = re.compile(r"^(?:and|what about|how about|then|and then)\b[\s,]*", re.IGNORECASE)


# -- follow-ups -------------------------------------------------------------------------------


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    if language_of(q) == "zh":
        return len(q) <= 16 and bool(_FOLLOWUP_ZH.search(q) or _PRONOUN_ZH.search(q))
    return len(q.split()) <= 8 and bool(_FOLLOWUP_EN.search(q))


def _previous_question(history: list[ChatMessage]) -> str | None:
    for m in reversed(history):
        if m.get("role") == "user":
            return str(m.get("standalone") or m.get("content") or "").strip() or None
    return None


def heuristic_rewrite(question: str, history: list[ChatMessage] | None, now: datetime | None = None) -> str:
    """Without an LLM: a follow-up carries over the previous question's topic words (and its time phrase when the
    follow-up names none and does not ask about "later"); a Chinese pronoun is replaced by what it stands for — 她/他
    by the person the previous question named (妈妈, @name), 它 by its first topic word."""
    prev = _previous_question(history or [])
    if not prev or not looks_like_followup(question):
        return question
    prev_tq = parse_time_expression(prev, now=now)
    cur_tq = parse_time_expression(question, now=now)
    core = _DEMONSTRATIVE.sub("", question.strip())  # "那只猫叫什么" → "猫叫什么": the noun stays, "只" goes
    core = _LEADING_EN.sub("", _LEADING_ZH.sub("", core))
    core = re.sub(r"[呢吗？?。.!！\s]+$", "", core)
    words = [w for w in _query_words(prev_tq.text) if w.lower() not in _VAGUE]
    pronoun = _PRONOUN_ZH.search(core)
    if pronoun and words:  # the pronoun becomes what it stands for: a person for 她/他, the first topic word for 它
        person = _PERSON_PRONOUN.fullmatch(pronoun.group(0))
        ref = _person_named(prev_tq.text) if person else words[0]
        if ref:
            core = core[: pronoun.start()] + ref + core[pronoun.end() :]
    have = core.lower()
    topic = [w for w in words if w.lower() not in have]
    parts = [core] + topic
    later = re.search(r"后来|之后|以后|after that|later|afterwards", question, re.IGNORECASE)
    if cur_tq.expression is None and prev_tq.expression and not later:
        parts.insert(0, prev_tq.expression)
    sep = " "
    return sep.join(p for p in parts if p).strip() or question


def _person_named(previous: str) -> str | None:
    """The person the previous question named: an @name, or a kinship term (我妈 → 妈妈)."""
    from .themes import _KIN_RE, _MENTION, _person

    if m := _MENTION.search(previous):
        return m.group(0)
    if m := _KIN_RE.search(previous):
        return _person(m.group(0))
    return None


def standalone_question(
    question: str, history: list[ChatMessage] | None, llm: LLM | None, now: datetime | None = None
) -> str:
    """The follow-up rewritten into a question that stands alone (LLM when present, else the heuristic)."""
    if not history:
        return question
    if llm is None:
        return heuristic_rewrite(question, history, now)
    text = "".join(llm.complete(rewrite_messages(question, history), stream=False, max_tokens=120))
    line = next((s.strip() for s in text.strip().splitlines() if s.strip()), "")
    line = re.sub(r"^(?:改写后的问题|独立问题|standalone question)\s*[:：]\s*", "", line, flags=re.IGNORECASE)
    line = line.strip("\"'“”「」 ")
    return line[:300] if line else heuristic_rewrite(question, history, now)


# -- scope ------------------------------------------------------------------------------------


def _kb_filter(brain: Brain, kb: str | None, flt: PostFilter | None) -> PostFilter:
    """``flt`` within knowledge base ``kb`` (resolved to filter fields or member ids)."""
    from ..retrieve.filters import combine, resolve_kb

    return resolve_kb(brain, combine(flt, PostFilter(kb=kb) if kb else None))


def _narrow(flt: PostFilter, since: datetime | None, until: datetime | None) -> PostFilter:
    out = PostFilter(**flt.__dict__)
    if since is not None:
        out.since = max(out.since, since) if out.since else since
    if until is not None:
        out.until = min(out.until, until) if out.until else until
    return out


def _source(n: int, post: Any, text: str) -> dict[str, Any]:
    return {
        "n": n,
        "id": post.id,
        "date": to_local(post.created_at).isoformat(),
        "platform": post.platform,
        "url": post.url,
        "text": text,
    }


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


# -- the stream -------------------------------------------------------------------------------
LLM_DOWN_NOTICE = {
    "zh": "（模型暂时连不上，下面是直接检索到的帖子。）",
    "en": "(The model could not be reached; here are the retrieved posts instead.)",
}


class _Fallback(Exception):  # noqa: N818 - internal signal, never leaves this module
    """The LLM failed inside a whole-history answer: answer from retrieved posts instead."""

    def __init__(self, error: LLMUnavailable):
        super().__init__(str(error))
        self.error = error


def _retrieved(
    brain: Brain,
    question: str,
    result: Any,
    kb: str | None,
    flt: PostFilter | None,
    lang: str,
    failure: LLMUnavailable | None = None,
) -> Iterator[AnswerEvent]:
    """The no-LLM answer's events (after meta): text, sources, done. With ``failure``, a one-line notice first."""
    text, hits = retrieved_answer(brain.archive, question, result, _kb_filter(brain, kb, flt), lang=lang)
    sources = [_source(n, h.post, h.text) for n, h in enumerate(hits, start=1)]
    yield from _retrieved_events(text, sources, [h.post.id for h in hits], lang, failure)


def _retrieved_events(
    text: str, sources: list[dict[str, Any]], citations: list[int | None], lang: str, failure: LLMUnavailable | None
) -> Iterator[AnswerEvent]:
    """delta, sources and done of an answer made of retrieved posts; with ``failure``, the LLM-down notice first."""
    if failure is not None:
        text = LLM_DOWN_NOTICE[lang] + "\n" + text
    yield {"type": "delta", "text": text}
    yield {"type": "sources", "sources": sources}
    done: AnswerEvent = {
        "type": "done",
        "answer": text,
        "citations": citations,
        "dropped_citations": [],
        "usage": {"llm_calls": 0},
    }
    if failure is not None:
        done["llm_error"] = str(failure)
    yield done


_ALL_UNCITED = {
    "zh": "（模型的回答里没有一句能对上所给的帖子，已全部删去；相关的帖子见下面的来源。）",
    "en": "(None of the model's sentences cited the posts it was given, so they were removed; see the sources below.)",
}


def _claim_deltas(deltas: Iterator[str], cf: ClaimStreamFilter, parts: list[str]) -> Iterator[AnswerEvent]:
    """The LLM's stream as delta events of whole, cited claims (kept in ``parts``); LLMUnavailable passes through."""
    for delta in deltas:
        out = cf.feed(delta)
        if out:
            parts.append(out)
            yield {"type": "delta", "text": out}
    tail = cf.flush()
    if tail:
        parts.append(tail)
        yield {"type": "delta", "text": tail}


def _sources_and_done(
    items: list[NumberedPost], parts: list[str], cf: ClaimStreamFilter, usage: dict[str, Any], lang: str = "zh"
) -> Iterator[AnswerEvent]:
    """The last events of a streamed answer: a notice when every claim was dropped, the numbered sources, then the
    answer with its citations."""
    if not cf.kept and cf.unsupported:
        parts.append(_ALL_UNCITED[lang])
        yield {"type": "delta", "text": _ALL_UNCITED[lang]}
    by_n = {i.n: i for i in items}
    yield {"type": "sources", "sources": [_source(i.n, i.post, i.text) for i in items]}
    yield {
        "type": "done",
        "answer": "".join(parts).strip(),
        "citations": [by_n[n].post.id for n in cf.cited],
        "dropped_citations": cf.dropped,
        "unsupported_claims": cf.unsupported,
        "usage": usage,
    }


def _llm_answer(
    llm: LLM,
    messages: list[dict[str, str]],
    items: list[NumberedPost],
    lang: str,
    *,
    meta: dict[str, Any],
    llm_calls: int,
    fallback: Callable[[LLMUnavailable], Iterator[AnswerEvent]],
) -> Iterator[AnswerEvent]:
    """The whole answer streamed by the LLM over the numbered ``items``: meta, cited-claim deltas, sources, done.

    It connects before saying which mode answers: an endpoint down at connect gives a meta of mode ``retrieval`` and
    ``fallback(error)``'s events (text, sources, done); one lost mid-reply gives a blank line after what was said,
    then ``fallback(error)``. ``meta`` holds the meta event's other keys."""
    stream = llm.complete(messages, stream=True)
    try:
        first = [next(stream, "")]
    except LLMUnavailable as e:
        yield {"type": "meta", "mode": "retrieval", **meta}
        yield from fallback(e)
        return
    yield {"type": "meta", "mode": "llm", **meta}
    cf = ClaimStreamFilter(range(1, len(items) + 1), lang=lang)
    parts: list[str] = []
    try:
        yield from _claim_deltas(itertools.chain(first, stream), cf, parts)
    except LLMUnavailable as e:
        if parts:
            yield {"type": "delta", "text": "\n\n"}
        yield from fallback(e)
        return
    usage = {**(getattr(llm, "last_usage", {}) or {}), "llm_calls": llm_calls}
    yield from _sources_and_done(items, parts, cf, usage, lang)


def _no_sources(text: str, usage: dict[str, Any]) -> Iterator[AnswerEvent]:
    """The last two events of an answer made without posts (cancelled, nothing found): ``text`` as it is."""
    yield {"type": "sources", "sources": []}
    yield {"type": "done", "answer": text, "citations": [], "dropped_citations": [], "usage": usage}


def ask_stream(
    brain: Brain,
    question: str,
    *,
    kb: str | None = None,
    flt: PostFilter | None = None,
    history: list[ChatMessage] | None = None,
    mode: str = "auto",
    k: int = 8,
    now: datetime | None = None,
    scope: str = "auto",
    confirm: Callable[[CostEstimate], bool] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    llm: LLM | None = None,
    all_years: bool = False,
) -> Iterator[AnswerEvent]:
    """Answer ``question`` from the archive as a stream of events (see the module docstring).

    ``mode``: "auto" (the LLM when one is configured, else retrieval), "llm" (fail without one), "retrieval".
    ``scope``: "auto" (map-reduce for whole-life questions when an LLM is on), "topk", "all" (always map-reduce).
    ``confirm`` is asked with the cost estimate before a map-reduce run; returning False cancels it.
    """
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if scope not in SCOPES:
        raise ConfigError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    question = question.strip()
    if not question:
        raise ConfigError('the question is empty: ask something, e.g. socialbrain ask "我哪一年最开心？"')
    if mode == "retrieval":
        llm = None
    else:
        llm = llm or brain.llm
        if llm is None and mode == "llm":
            raise ConfigError("no LLM configured: set SOCIALBRAIN_LLM_URL or --llm-url (or use --no-llm)")
    lang = language_of(question)
    failure: LLMUnavailable | None = None
    try:
        standalone = standalone_question(question, history, llm, now)
    except LLMUnavailable as e:  # the endpoint is down: the rest of the answer is made without it
        failure, llm = e, None
        standalone = heuristic_rewrite(question, history, now)
    # people, portrait and ideas questions have their own whole-history evidence (answer/themes.py): an LLM writes
    # from it instead of map-reducing every post ("--scope all" still does)
    whole = scope == "all" or (
        scope == "auto"
        and is_whole_history_question(standalone)
        and question_kind(standalone) not in _OWN_EVIDENCE
    )
    sent_meta = False
    if llm is not None and whole:
        try:
            for ev in _whole_history(
                brain,
                standalone,
                lang,
                kb=kb,
                flt=flt,
                now=now,
                llm=llm,
                confirm=confirm,
                progress=progress,
                all_years=all_years,
            ):
                sent_meta = sent_meta or ev["type"] == "meta"
                yield ev
            return
        except _Fallback as fb:
            failure, llm = fb.error, None

    kind = question_kind(standalone)
    if kind is None and _period_only(standalone, now, all_years):
        kind = "period"  # "2016年我在想什么": that year's themes, not posts that happen to contain 想
    # people, portrait, ideas and period-only questions: their own evidence, written up by the LLM when one is set
    if kind is not None and (llm is None or kind in _OWN_EVIDENCE):
        yield from _extractive(
            brain,
            standalone,
            kind,
            lang,
            kb=kb,
            flt=flt,
            now=now,
            llm=llm,
            all_years=all_years,
            failure=failure,
        )
        return

    from ..retrieve.search import search

    if llm is None and _OPINION.search(standalone):
        k = max(k, 20)  # an opinion over the years: enough posts to see it change
    result = search(brain, standalone, kb=kb, flt=flt, k=k, now=now, all_years=all_years)
    scope_info = {
        "scope": "topk",
        "kb": kb or "all",
        "since": _iso(result.since),
        "until": _iso(result.until),
        "time_expression": result.time_expression,
        "k": k,
        "hits": len(result.hits),
        "notes": list(result.notes),
        **result.relevance_json(),
    }
    if llm is None:
        if not sent_meta or failure is not None:  # a second meta corrects the mode after a failed map-reduce
            yield {
                "type": "meta",
                "mode": "retrieval",
                "standalone_question": standalone,
                "scope": scope_info,
            }
        yield from _retrieved(brain, standalone, result, kb, flt, lang, failure)
        return

    items = [NumberedPost(n, h.post, h.text) for n, h in enumerate(result.hits, start=1)]
    span = None
    if result.since or result.until:
        span = (
            f"{result.since.date() if result.since else '…'} – {result.until.date() if result.until else '…'}"
        )
    yield from _llm_answer(
        llm,
        answer_messages(standalone, items, scope=span, lang=lang),
        items,
        lang,
        meta={"standalone_question": standalone, "scope": scope_info},
        llm_calls=1 + (1 if history else 0),
        fallback=lambda e: _retrieved(brain, standalone, result, kb, flt, lang, e),
    )


def _period_only(question: str, now: datetime | None, all_years: bool) -> bool:
    """A question naming a period and nothing else to search for ("2016年我在想什么")."""
    from ..retrieve.terms import query_terms

    tq = parse_time_expression(question, now=now)
    return tq.expression is not None and not all_years and not query_terms(tq.text)


_OWN_EVIDENCE = ("people", "portrait", "ideas", "period")  # answered from themes.plan() with or without an LLM
_OPINION = re.compile(r"看法|态度|观点|怎么看|变化|opinion|think of|feel about", re.IGNORECASE)


def _extractive(
    brain: Brain,
    question: str,
    kind: str,
    lang: str,
    *,
    kb: str | None,
    flt: PostFilter | None,
    now: datetime | None,
    llm: LLM | None,
    all_years: bool,
    failure: LLMUnavailable | None,
) -> Iterator[AnswerEvent]:
    """People and theme questions from every post in scope (answer/themes.py); with an LLM, its examples are the
    numbered material of a cited answer."""
    from ..retrieve.terms import query_terms
    from ..retrieve.timeexpr import time_is_subject

    tq = parse_time_expression(question, now=now)
    scope_flt = _kb_filter(brain, kb, flt)
    if tq.expression and not all_years and not time_is_subject(question, tq):
        scope_flt = _narrow(scope_flt, tq.since, tq.until)
    p = theme_plan(brain.archive, tq.text or question, scope_flt, kind)
    assert p is not None
    text, posts = render_plan(
        p, lang, lambda t, label: evidence(t, query_terms(label.replace("·", " ").replace("@", " ")))
    )
    scope_info = {
        "scope": kind,
        "kb": kb or "all",
        "since": _iso(scope_flt.since),
        "until": _iso(scope_flt.until),
        "time_expression": tq.expression,
        "posts": p.scanned,
        "groups": [g.label for g in p.groups],
    }
    items = [NumberedPost(n, post, post.full_text) for n, post in enumerate(posts, start=1)]
    sources = [_source(i.n, i.post, i.text) for i in items]

    def retrieved(e: LLMUnavailable | None) -> Iterator[AnswerEvent]:
        return _retrieved_events(LABEL[lang] + "\n" + text, sources, [i.post.id for i in items], lang, e)

    meta = {"standalone_question": question, "scope": scope_info}
    if llm is not None and items:
        yield from _llm_answer(
            llm, answer_messages(question, items, lang=lang), items, lang, meta=meta, llm_calls=1, fallback=retrieved
        )
        return
    yield {"type": "meta", "mode": "retrieval", **meta}
    yield from retrieved(failure)


def _whole_history(
    brain: Brain,
    question: str,
    lang: str,
    *,
    kb: str | None,
    flt: PostFilter | None,
    now: datetime | None,
    llm: LLM,
    confirm: Callable[[CostEstimate], bool] | None,
    progress: Callable[[str, int, int], None] | None,
    all_years: bool = False,
) -> Iterator[AnswerEvent]:
    tq = parse_time_expression(question, now=now)
    if all_years:
        tq = replace(tq, since=None, until=None, expression=None)
    scope_flt = _narrow(_kb_filter(brain, kb, flt), tq.since, tq.until)
    theme = tq.text.strip() or question
    plan = plan_map(brain, scope_flt, theme=theme, llm=llm, lang=lang)  # the posts are read once
    est = plan.estimate()
    scope_info = {
        "scope": "all",
        "kb": kb or "all",
        "since": _iso(scope_flt.since),
        "until": _iso(scope_flt.until),
        "time_expression": tq.expression,
        "posts": est.posts,
        "granularity": est.granularity,
        "estimate": est.as_dict(),
    }
    yield {"type": "meta", "mode": "llm", "standalone_question": question, "scope": scope_info}
    if confirm is not None and not confirm(est):
        text = "已取消。" if lang == "zh" else "Cancelled."
        yield from _no_sources(text, {"llm_calls": 0})
        return
    try:
        run = plan.run(progress)
    except LLMUnavailable as e:
        raise _Fallback(e) from e
    usage: dict[str, Any] = {**run.usage, "map_calls": run.map_calls, "cached_map_calls": run.cached_calls}
    if not run.summaries:
        text = (
            f"你的帖子里没有找到与这个问题有关的内容（看过了范围内全部 {est.posts} 条帖子）。"
            if lang == "zh"
            else f"None of your posts in range ({est.posts}) say anything about this."
        )
        yield {"type": "delta", "text": text}
        yield from _no_sources(text, {**usage, "llm_calls": run.map_calls})
        return
    items, gen, cf = reduce_stream(brain, question, run.summaries, llm, lang=lang)
    parts = []
    try:
        for out in gen:
            parts.append(out)
            yield {"type": "delta", "text": out}
    except LLMUnavailable as e:
        raise _Fallback(e) from e
    last = getattr(llm, "last_usage", {}) or {}
    usage["prompt_tokens"] += int(last.get("prompt_tokens") or 0)
    usage["completion_tokens"] += int(last.get("completion_tokens") or 0)
    usage["llm_calls"] = run.map_calls + 1
    yield from _sources_and_done(items, parts, cf, usage, lang)


def ask(brain: Brain, question: str, **kwargs: Any) -> Answer:
    """Collect :func:`ask_stream` into an :class:`Answer` (same keyword arguments)."""
    collected = AnswerCollector()
    for ev in ask_stream(brain, question, **kwargs):
        collected.add(ev)
    return collected.answer
