"""Questions top-k search cannot answer: who matters, and what made a life good, bad or turn.

- **people** ("我的人生中最重要的人是谁", "对亲人有哪些爱的表达"): a mention index over the user's own posts —
  ``@names``, kinship terms (妈妈/我妈/老妈 → 妈妈), chat partners — ranked by how many posts mention them and over
  how many years, each with dated examples. The user's own names (accounts, own @handle) are left out.
- **themes** ("不快乐的原因", "最好的事", "人生的转折点", "有趣的idea", "她的性格", "2016年我在想什么" — a period
  with nothing else to search for): every post of the history in scope whose mood or wording fits
  (mood lexicon polarity, and words such as 加班/分手/失眠 or 终于/第一次/成功), clustered into themes by shared
  keywords (greedy: the keyword covering most posts makes a theme, its posts leave the pool), each theme with
  dated citations.

Both are extractive (no LLM): :func:`plan` returns the posts to cite, grouped; ``ask`` shows them in no-LLM mode
and gives them to the LLM as its numbered material otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Post, PostFilter

if TYPE_CHECKING:
    from ..archive.sqlite import SQLiteArchive

_PEOPLE_Q = re.compile(
    r"重要的人|哪些人|什么人|谁对我|最亲|亲人|家人|朋友们?|对(?:爸|妈|父母|家人|亲人).*爱|important people"
)
_UNHAPPY_Q = re.compile(r"不快乐|不开心|难过|痛苦|低谷|烦恼|不幸|伤心|最难|unhappy|sad|worst")
_BEST_Q = re.compile(r"最好的事|最开心|最幸福|最快乐|高光|最棒|最美好|happiest|best thing|best moments?")
_TURN_Q = re.compile(r"转折|转变|改变了?我|重大决定|人生节点|turning points?")
_IDEAS_Q = re.compile(r"idea|点子|脑洞|想法有哪些|有趣的想法|创意", re.IGNORECASE)
_PORTRAIT_Q = re.compile(r"性格|为人|是个什么样的人|什么样的人|personality")

KIN = {
    "妈妈": ("妈妈", "我妈", "老妈", "母亲", "妈"),
    "爸爸": ("爸爸", "我爸", "老爸", "父亲", "爸"),
    "爸妈": ("爸妈", "父母", "爸爸妈妈"),
    "外婆": ("外婆", "姥姥"),
    "奶奶": ("奶奶",),
    "爷爷": ("爷爷", "外公", "姥爷"),
    "哥哥": ("哥哥", "我哥"),
    "姐姐": ("姐姐", "我姐"),
    "弟弟": ("弟弟", "我弟"),
    "妹妹": ("妹妹", "我妹"),
    "老公": ("老公", "丈夫"),
    "老婆": ("老婆", "妻子"),
    "男朋友": ("男朋友", "男友"),
    "女朋友": ("女朋友", "女友"),
}
FAMILY = {"妈妈", "爸爸", "爸妈", "外婆", "奶奶", "爷爷", "哥哥", "姐姐", "弟弟", "妹妹", "老公", "老婆"}
_MENTION = re.compile(r"@([\w\u4e00-\u9fff-]{2,30})")
_GROUP_NAMES = {"所有人", "all", "everyone"}
_KIN_RE = re.compile(
    "|".join(sorted((re.escape(a) for al in KIN.values() for a in al), key=len, reverse=True))
)
_LOVE = re.compile(r"爱|想你|想家|礼物|买了|送了|陪|视频|电话|回家|带.{0,4}去|谢谢|感谢|抱|生日|手术|照顾|信")

_NEGATIVE = re.compile(
    r"加班|改需求|996|分手|异地|孤单|孤独|一个人|焦虑|失眠|睡不着|崩溃|哭|累|难过|生病|住院|手术|癌|封控|隔离|"
    r"迷茫|倦怠|惊恐|压力|没过|受伤|膝|比较|羡慕|后悔|失望|烦|丧|熬夜"
)
_POSITIVE = re.compile(
    r"最好|终于|第一次|完成|成功|开心|幸福|感谢|通过|上线|求婚|结婚|婚礼|完赛|奖牌|PB|顺利|康复|值得|喜欢|骄傲|"
    r"太好了|好消息|庆祝|惊喜"
)
_IDEAS = re.compile(
    r"idea|想做一个|做一个|如果有|要是有|要是能|点子|脑洞|发明|想法|app|小程序|插件|工具", re.IGNORECASE
)
_TURNING = re.compile(
    r"决定|离职|辞职|搬家|搬到|离开|来到|开始|第一次|结婚|分手|毕业|入职|新工作|上线|确诊|手术"
)


@dataclass
class Group:
    label: str  # a person ("妈妈", "@一舟在跑步") or a theme's keywords ("加班 · 需求")
    posts: list[Post] = field(default_factory=list)  # the examples to cite, oldest first
    count: int = 0  # posts behind the group (people: mentions)
    years: list[int] = field(default_factory=list)


@dataclass
class Plan:
    kind: str  # "people" | "unhappy" | "best" | "turning" | "ideas" | "period" | "portrait"
    groups: list[Group]
    scanned: int  # posts looked at


def question_kind(question: str) -> str | None:
    """Which extractive route fits the question, if any."""
    if _PEOPLE_Q.search(question):
        return "people"
    if _UNHAPPY_Q.search(question):
        return "unhappy"
    if _BEST_Q.search(question):
        return "best"
    if _TURN_Q.search(question):
        return "turning"
    if _IDEAS_Q.search(question):
        return "ideas"
    if _PORTRAIT_Q.search(question):
        return "portrait"
    return None


def _own_names(posts: Sequence[Post]) -> set[str]:
    names = {p.account.lower() for p in posts if p.account}
    return names | {n.lstrip("@") for n in names}


def _mentions(post: Post, own: set[str]) -> set[str]:
    text = post.full_text
    out = {f"@{m}" for m in _MENTION.findall(text) if m.lower() not in own and m not in _GROUP_NAMES}
    for m in _KIN_RE.finditer(text):
        out.add(next(k for k, al in KIN.items() if m.group(0) in al))
    if post.author and post.author.lower() not in own:  # a chat partner's own messages
        out.add(post.author if post.author in KIN else post.author)
    return out


def people(
    posts: Sequence[Post], *, family_only: bool = False, top: int = 6, examples: int = 3
) -> list[Group]:
    """People ranked by posts × √years mentioning them; examples spread over the years (love words preferred)."""
    own = _own_names(posts)
    by_person: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        for who in _mentions(p, own):
            if not family_only or who in FAMILY:
                by_person[who].append(p)
    ranked = sorted(
        by_person.items(),
        key=lambda kv: (-len(kv[1]) * math.sqrt(len({p.created_at.year for p in kv[1]})), kv[0]),
    )
    out = []
    for who, ps in ranked[:top]:
        ps = sorted(ps, key=lambda p: p.created_at)
        years = sorted({p.created_at.year for p in ps})
        warm = [p for p in ps if _LOVE.search(p.full_text)] or ps
        picks = _spread(warm, examples)
        out.append(Group(who, picks, len(ps), years))
    return out


def _spread(posts: Sequence[Post], n: int) -> list[Post]:
    """``n`` posts spread evenly over ``posts`` (oldest first)."""
    if len(posts) <= n:
        return list(posts)
    step = (len(posts) - 1) / (n - 1) if n > 1 else 0
    return sorted(
        {id(posts[round(i * step)]): posts[round(i * step)] for i in range(n)}.values(),
        key=lambda p: p.created_at,
    )


def _fits(kind: str, post: Post) -> bool:
    text = post.full_text
    try:
        from ..insights.mood import lexicon_score
    except ImportError:  # pragma: no cover - insights is part of the package
        mood = 0.5
    else:
        mood = lexicon_score(text)
    if kind == "unhappy":
        return (bool(_NEGATIVE.search(text)) and mood <= 0.5) or mood < 0.3
    if kind == "best":
        return bool(_POSITIVE.search(text)) and mood >= 0.5
    if kind == "ideas":
        return bool(_IDEAS.search(text))
    if kind in ("period", "portrait"):
        return len(text) >= 12
    return bool(_TURNING.search(text))


def themes(posts: Sequence[Post], kind: str, *, top: int = 10, examples: int = 4) -> list[Group]:
    """Posts that fit ``kind``, clustered greedily by shared keywords (see the module doc)."""
    from ..index.segment import keywords

    fit = [p for p in posts if p.author is None and _fits(kind, p)]
    words = {id(p): set(keywords(_MENTION.sub(" ", p.full_text), top=6)) for p in fit}
    pool = list(fit)
    out: list[Group] = []
    pattern = {"unhappy": _NEGATIVE, "best": _POSITIVE, "turning": _TURNING, "ideas": _IDEAS}.get(kind)
    while pool and len(out) < top:
        counts: Counter[str] = Counter()
        for p in pool:
            counts.update(w for w in words[id(p)] if len(w) >= 2)
            if pattern is not None:
                counts.update({m.group(0).lower() for m in pattern.finditer(p.full_text)})
        if not counts:
            break
        word, n = max(
            counts.items(), key=lambda kv: (kv[1], kv[0])
        )  # ties by the word: same run, same themes
        members = [p for p in pool if word in words[id(p)] or word in _MENTION.sub(" ", p.full_text)]
        if n < 2 and out:
            break
        others = Counter(w for p in members for w in sorted(words[id(p)]) if w != word)
        second = max(others.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        label = word + (f" · {second[0]}" if second and second[1] >= 2 else "")
        members.sort(key=lambda p: p.created_at)
        out.append(
            Group(
                label, _spread(members, examples), len(members), sorted({p.created_at.year for p in members})
            )
        )
        pool = [p for p in pool if p not in members]
    return out


def plan(
    archive: SQLiteArchive, question: str, flt: PostFilter | None, kind: str | None = None
) -> Plan | None:
    """The grouped posts answering ``question`` over every post in ``flt`` (None when no route fits)."""
    kind = kind or question_kind(question)
    if kind is None:
        return None
    posts = [p for p in archive.iter_posts(flt) if not p.hidden]
    if kind == "people":
        family = bool(re.search(r"亲人|家人|爸|妈|父母", question))
        return Plan(kind, people(posts, family_only=family, top=7 if family else 6), len(posts))
    return Plan(kind, themes(posts, kind), len(posts))


_TITLE = {
    "people": ("你的帖子里最常出现、持续最久的人", "The people your posts mention most, over the most years"),
    "unhappy": ("你写到不开心的帖子，按主题归类", "Posts where you were unhappy, grouped by theme"),
    "best": ("你写到的好事，按主题归类", "The good things you wrote about, grouped by theme"),
    "turning": ("看起来是转折点的帖子，按主题归类", "Posts that look like turning points, grouped by theme"),
    "ideas": ("你写下过的点子，按主题归类", "The ideas you wrote down, grouped by theme"),
    "period": ("这段时间你写得最多的几件事", "What you wrote about most in this period"),
    "portrait": (
        "你一直在写的几件事（性格要从这些里看）",
        "What you keep writing about (read the character from these)",
    ),
}


def render(p: Plan, lang: str, evidence_of) -> tuple[str, list[Post]]:  # noqa: ANN001 - (text, label) -> str
    """The extractive answer (each group a heading, each example a dated quote with [n]) and the cited posts."""
    zh = lang == "zh"
    lines = [
        _TITLE[p.kind][0 if zh else 1]
        + (f"（看了全部 {p.scanned} 条帖子）：" if zh else f" ({p.scanned} posts read):")
    ]
    cited: list[Post] = []
    for g in p.groups:
        span = (
            f"{g.years[0]}–{g.years[-1]}"
            if g.years and g.years[0] != g.years[-1]
            else (str(g.years[0]) if g.years else "")
        )
        lines.append("")
        lines.append(
            f"{g.label}（{span} 年，{g.count} 条）" if zh else f"{g.label} ({span}, {g.count} posts)"
        )
        for post in g.posts:
            if post not in cited:
                cited.append(post)
            n = cited.index(post) + 1
            lines.append(
                f"- {post.created_at.strftime('%Y-%m-%d')} {evidence_of(post.full_text, g.label)} [{n}]"
            )
    if not p.groups:
        lines.append("没有找到合适的帖子。" if zh else "No posts fit.")
    return "\n".join(lines), cited
