"""Questions top-k search cannot answer: who matters, how love was shown, what someone is like, and what made a
life good, bad or turn.

- **people** ("我的人生中最重要的人是谁", "对亲人有哪些爱的表达"): a mention index over the user's own posts —
  ``@names``, kinship terms (妈妈/我妈/老妈 → 妈妈), chat partners — ranked by how many posts mention them and over
  how many years, each with dated examples. The user's own names (accounts, own @handle) are left out. A family
  question about love picks each person's examples by the ways love shows (``LOVE_WAYS``), many per person.
- **portrait** ("如果让你总结她的性格，会是什么？"): per aspect of a life (the portrait report's aspects and seed
  words) the posts where one speaks of oneself (``REFLECTION``: 我是/我这个人/我总是, 原来/才发现, 是不是…).
- **ideas** ("有趣的idea"): the ideas put forward in one's own words (``_PROPOSAL``), by year.
- **themes** ("不快乐的原因", "最好的事", "人生的转折点", "2016年我在想什么" — a period
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..localtime import to_local
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
    "家人": ("家人", "我们家", "一家人", "家里人"),  # the family as a whole (#家人#, 我们家的…)
}
FAMILY = {
    "妈妈",
    "爸爸",
    "爸妈",
    "外婆",
    "奶奶",
    "爷爷",
    "哥哥",
    "姐姐",
    "弟弟",
    "妹妹",
    "老公",
    "老婆",
    "家人",
}
_MENTION = re.compile(r"@([\w\u4e00-\u9fff-]{2,30})")
_GROUP_NAMES = {"所有人", "all", "everyone"}
_KIN_RE = re.compile(
    "|".join(sorted((re.escape(a) for al in KIN.values() for a in al), key=len, reverse=True))
)
_LOVE = re.compile(r"爱|想你|想家|礼物|买了|送了|陪|视频|电话|回家|带.{0,4}去|谢谢|感谢|抱|生日|手术|照顾|信")
# How love for family shows in what one writes (a general lexicon of the ways, not any one archive's words): a
# post's ways are the kinds it matches; the people answer to "对亲人有哪些爱的表达" ranks posts by them.
LOVE_WAYS: dict[str, re.Pattern[str]] = {
    "说出口": re.compile(r"我爱你|爱你|想你|想家|谢谢你|感谢|舍不得|love you|miss you", re.IGNORECASE),
    "礼物": re.compile(r"礼物|买了|送了|寄了|寄到|给(?:[^，。！？]{0,6})(?:买|寄|做|织|送)|红包|一束"),
    "陪伴": re.compile(
        r"陪|带(?:[^，。！？]{0,6})(?:去|回|看|玩|吃|逛|来)|一起|回家|回去|团圆|视频|电话|来看我|过来看|接(?:她|他|他们)"
    ),
    "照顾": re.compile(r"照顾|医院|手术|化疗|住院|病房|床边|守着|做饭|煮|炖|熬|剃|喂|收拾|整理"),
    "写下来": re.compile(r"一封信|写信|信里|纸条|念了|写给|留言"),
    "教": re.compile(r"教(?:[^，。！？]{0,4})(?:用|会|学)|学会了|装了|做了一个|设置"),
    "节日": re.compile(r"母亲节|父亲节|生日|春节|除夕|中秋|过年|重阳|元宵|清明|婚礼|结婚"),
}
_LOVE_Q = re.compile(r"爱|关心|关怀|温暖|感情|表达|陪伴|照顾|love|care", re.IGNORECASE)

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
    hint: re.Pattern[str] | None = None  # the sentence of a post to quote is the one this matches most
    tags: dict[int, list[str]] = field(default_factory=dict)  # id(post) → words shown before its quote


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


def _partners(posts: Sequence[Post], own: set[str]) -> dict[str, str]:
    """Chat id → the one other person in it (a two-person chat): one's own messages there are to them."""
    others: dict[str, set[str]] = defaultdict(set)
    for p in posts:
        if p.conversation and p.author and p.author.lower() not in own:
            others[p.conversation].add(p.author)
    return {c: next(iter(who)) for c, who in others.items() if len(who) == 1}


def _person(name: str) -> str:
    return next((k for k, al in KIN.items() if name in al), name)


def _mentions(post: Post, own: set[str], partners: dict[str, str] | None = None) -> set[str]:
    text = post.full_text
    out = {f"@{m}" for m in _MENTION.findall(text) if m.lower() not in own and m not in _GROUP_NAMES}
    for m in _KIN_RE.finditer(text):
        out.add(_person(m.group(0)))
    if post.author and post.author.lower() not in own:  # a chat partner's own messages
        out.add(_person(post.author))
    elif partners and post.conversation in partners:  # one's own message in a chat with one person
        out.add(_person(partners[post.conversation]))
    return out


_LOVE_WEIGHT = {"说出口": 2.0, "写下来": 2.0, "节日": 0.5}  # a festival alone is a date, not yet a deed


def love_ways(text: str) -> list[str]:
    """The ways of showing love (``LOVE_WAYS``) a text matches, in the lexicon's order."""
    return [way for way, pat in LOVE_WAYS.items() if pat.search(text)]


def _aliases(who: str) -> re.Pattern[str]:
    names = KIN.get(who) or (who, who.lstrip("@"))
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def people(
    posts: Sequence[Post],
    *,
    family_only: bool = False,
    love: bool = False,
    top: int = 6,
    examples: int = 5,
) -> list[Group]:
    """People ranked by posts × √years mentioning them; examples spread over the years (love words preferred).

    ``love`` ("对亲人有哪些爱的表达"): each person's examples are the posts that show it in most ways
    (``LOVE_WAYS``: said out loud, gifts, time together, care, letters, teaching, festivals), as many as there
    are up to ``examples`` × 3 for the person mentioned most, each labelled with its ways."""
    own = _own_names(posts)
    partners = _partners(posts, own)
    by_person: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        for who in _mentions(p, own, partners):
            if not family_only or who in FAMILY:
                by_person[who].append(p)
    ranked = sorted(
        by_person.items(),
        key=lambda kv: (-len(kv[1]) * math.sqrt(len({to_local(p.created_at).year for p in kv[1]})), kv[0]),
    )
    out = []
    taken: set[int] = set()
    for rank, (who, ps) in enumerate(ranked[:top]):
        ps = sorted(ps, key=lambda p: p.created_at)
        years = sorted({to_local(p.created_at).year for p in ps})
        if love:
            cap = examples * 4 if rank == 0 else examples * 2 if rank < 3 else examples
            picks = _loving(ps, who, cap, taken)
        else:
            warm = [p for p in ps if _LOVE.search(p.full_text)] or ps
            picks = _spread(warm, examples)
        taken.update(id(p) for p in picks)
        hint = _aliases(who)
        if love:  # quote the sentence that names them and shows it
            hint = re.compile(
                f"(?:{hint.pattern})|" + "|".join(f"(?:{w.pattern})" for w in LOVE_WAYS.values())
            )
        out.append(
            Group(
                who,
                picks,
                len(ps),
                years,
                hint=hint,
                tags={id(p): love_ways(p.full_text) for p in picks} if love else {},
            )
        )
    return [g for g in out if g.posts]


def _loving(posts: Sequence[Post], who: str, cap: int, taken: set[int]) -> list[Post]:
    """The posts about ``who`` that show love in the most ways (a chat message with them counts once more), best
    first up to ``cap``, shown oldest first; posts already cited for someone else are left to them."""
    names = _aliases(who)
    scored = []
    for p in posts:
        if id(p) in taken:
            continue
        text = p.full_text
        near = " ".join(s for s in re.split(r"(?<=[。！？!?\n])", text) if names.search(s)) or text
        ways = love_ways(text)
        score = sum(_LOVE_WEIGHT.get(w, 1.0) for w in ways + love_ways(near))
        score += 1 if p.conversation and ways else 0
        if ways:
            scored.append((score, p))
    scored.sort(key=lambda sp: (-sp[0], sp[1].created_at))
    return sorted((p for _, p in scored[:cap]), key=lambda p: p.created_at)


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
    from ..insights.mood import lexicon_score  # the mood lexicon the reports use (imported when first needed)

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
        picks = _strongest(members, kind, pattern, examples) if kind in ("unhappy", "best") else None
        out.append(
            Group(
                label,
                picks or _spread(members, examples),
                len(members),
                sorted({to_local(p.created_at).year for p in members}),
            )
        )
        pool = [p for p in pool if p not in members]
    return out


def _strongest(members: Sequence[Post], kind: str, pattern: re.Pattern[str] | None, n: int) -> list[Post]:
    """The ``n`` posts of a theme that say it most (the most of the theme's words; for good things, then
    exclamations), shown oldest first; ties go to the ones spread over the years."""

    def strength(p: Post) -> float:
        text = _own_words(p)
        hits = len(pattern.findall(text)) if pattern is not None else 0
        # joy shouts, grief rarely
        cheer = min(text.count("！") + text.count("!"), 3) if kind == "best" else 0
        return min(hits, 3) + 0.3 * cheer

    spread = {id(p) for p in _spread(members, n)}
    ranked = sorted(members, key=lambda p: (-strength(p), id(p) not in spread, p.created_at))
    return sorted(ranked[:n], key=lambda p: p.created_at)


# -- portrait ("如果让你总结她的性格，会是什么？") ------------------------------------------------------------
# What shows character in one's own posts is less the topic than how one speaks of oneself: saying what one is
# (我是/我这个人/我总是), catching oneself (原来/才发现/学会), asking oneself (是不是/为什么我), keeping at something
# for years (整整/坚持/从…到…), and the rules one draws (不是…是…, 也可以). A general lexicon of those moves.
REFLECTION: dict[str, re.Pattern[str]] = {
    "说自己": re.compile(
        r"我是(?!说)|我这个人|我总是|我一直|我太|我不敢|我不会|我不太|不太会|我最像|我更像|我其实|其实我|我从来|"
        r"我很少|我习惯|我害怕|我怕|我好像|像我这样|我这种人|I'?m (?:the kind|a person)|I (?:always|never)",
        re.IGNORECASE,
    ),
    "想明白": re.compile(
        r"原来|才发现|才明白|终于明白|想明白|明白了|收获|不只是|也可以|也不会|也没关系|一辈子|"
        r"不是[^，。！？]{1,12}[，,]?(?:而)?是|used to think|now I think",
        re.IGNORECASE,
    ),
    "问自己": re.compile(r"是不是|为什么我|我在想|在想[^，。！？]{0,12}是不是|到底|值不值|该不该"),
    "坚持": re.compile(
        r"整整|坚持|从[^。！？]{1,30}到[^。！？]{1,30}[，,]\s*[一二三四五六七八九十两\d]+年|"
        r"用了(?:将近|整整|快)?[一二三四五六七八九十两半\d]+年|第[二三四五六七八九十\d]+[次个年]"
    ),
    "自嘲": re.compile(r"\[(?:捂脸|允悲|笑cry|doge|二哈|汗)\]|哈哈哈|笑死"),
}
_WEIGHT = {"说自己": 2.0, "想明白": 2.0, "问自己": 1.5, "坚持": 1.5, "自嘲": 1.0}
_REFLECT_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in REFLECTION.values()), re.IGNORECASE)


def reflection(text: str) -> list[str]:
    """The ways (``REFLECTION``) a text speaks of its writer."""
    return [way for way, pat in REFLECTION.items() if pat.search(text)]


def _reflective(text: str) -> float:
    """How strongly a text speaks of its writer: its ways, weighted, the best sentence counting again (a post
    that says it in one sentence beats one that scatters a word of each)."""
    from .nollm import sentences

    ways = reflection(text)
    best = max((sum(_WEIGHT[w] for w in reflection(s)) for s in sentences(text)), default=0.0)
    return sum(_WEIGHT[w] for w in ways) + best


def portrait(posts: Sequence[Post], *, per_aspect: int = 5, own_words: int = 8) -> list[Group]:
    """The portrait's evidence: per aspect of a life (the portrait report's aspects and seed words — work,
    fitness, projects, learning, interests, people) the posts where the writer speaks of herself most, spread
    over the years; then the strongest such posts no aspect took ("自己怎么说自己")."""
    from ..insights.portrait import DEFAULT_ASPECTS, SEEDS

    mine = [p for p in posts if p.author is None and len(_own_words(p)) >= 12]  # not what one reposts
    score = {id(p): reflection(_own_words(p)) for p in mine}
    strength = {id(p): _reflective(_own_words(p)) for p in mine}
    taken: set[int] = set()
    out: list[Group] = []
    for aspect in DEFAULT_ASPECTS:
        seeds = [w.lower() for w in SEEDS.get(aspect, [aspect])]
        members = [p for p in mine if any(w in p.text.lower() for w in seeds)]
        if not members:
            continue
        ranked = sorted(
            (p for p in members if score[id(p)] and id(p) not in taken),
            key=lambda p: (-strength[id(p)], p.created_at),
        )
        picks = sorted(ranked[:per_aspect], key=lambda p: p.created_at)
        if not picks:
            continue
        taken.update(id(p) for p in picks)
        out.append(
            Group(
                aspect,
                picks,
                len(members),
                sorted({to_local(p.created_at).year for p in members}),
                hint=_REFLECT_ANY,
                tags={id(p): score[id(p)] for p in picks},
            )
        )
    rest = sorted(
        (p for p in mine if id(p) not in taken and score[id(p)]),
        key=lambda p: (-strength[id(p)], p.created_at),
    )
    if rest:
        picks = sorted(rest[:own_words], key=lambda p: p.created_at)
        out.append(
            Group(
                "自己怎么说自己",
                picks,
                len(rest),
                sorted({to_local(p.created_at).year for p in rest}),
                hint=_REFLECT_ANY,
                tags={id(p): score[id(p)] for p in picks},
            )
        )
    return out


# an idea is put forward, not just named: "…怎么样？", "如果有个…会不会", "想开一家…", "想把…做成…", "idea：…";
# an app or a tool mentioned in passing is not one
_PROPOSAL = re.compile(
    r"idea|点子|脑洞|想法|如果有|如果能|要是有|要是能|想做|想开|想把|想用|想给|打算做|做成|怎么样[？?]|会不会很|"
    r"给[^，。！？]{1,8}(?:做|写)一个|写了一个|做了一个|新功能|发明|what if|would be cool",
    re.IGNORECASE,
)


def _own_words(post: Post) -> str:
    """What the user wrote in a post: its text before a Weibo repost chain ("…//@someone: what they said")."""
    return post.text.split("//@", 1)[0]


def ideas(posts: Sequence[Post], *, top: int = 24) -> list[Group]:
    """The ideas one put forward (``_PROPOSAL``; one's own words, not what one reposts), the most clearly put
    first up to ``top``, grouped by year, oldest first: ideas differ one from another, so no keyword clustering."""
    scored = []
    for p in posts:
        if p.author is not None:
            continue
        own = _own_words(p)
        n = len(_PROPOSAL.findall(own))
        if n:
            scored.append((n + (0.5 if _IDEAS.search(own) else 0.0), p))
    scored.sort(key=lambda sp: (-sp[0], sp[1].created_at))
    picks = sorted((p for _, p in scored[:top]), key=lambda p: p.created_at)
    by_year: dict[int, list[Post]] = defaultdict(list)
    for p in picks:
        by_year[to_local(p.created_at).year].append(p)
    every = Counter(to_local(p.created_at).year for _, p in scored)
    return [Group(str(y), ps, every[y], [y], hint=_PROPOSAL) for y, ps in sorted(by_year.items())]


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
        love = family and bool(_LOVE_Q.search(question))
        return Plan(kind, people(posts, family_only=family, love=love, top=7 if family else 6), len(posts))
    if kind == "portrait":
        return Plan(kind, portrait(posts), len(posts))
    if kind == "ideas":
        return Plan(kind, ideas(posts), len(posts))
    return Plan(kind, themes(posts, kind), len(posts))


_TITLE = {
    "people": ("你的帖子里最常出现、持续最久的人", "The people your posts mention most, over the most years"),
    "unhappy": ("你写到不开心的帖子，按主题归类", "Posts where you were unhappy, grouped by theme"),
    "best": ("你写到的好事，按主题归类", "The good things you wrote about, grouped by theme"),
    "turning": ("看起来是转折点的帖子，按主题归类", "Posts that look like turning points, grouped by theme"),
    "ideas": ("你写下过的点子，按年份", "The ideas you wrote down, by year"),
    "period": ("这段时间你写得最多的几件事", "What you wrote about most in this period"),
    "portrait": (
        "你一直在写的几件事（性格要从这些里看）",
        "What you keep writing about (read the character from these)",
    ),
}


_EN = {  # group labels and tags of an English answer
    "说出口": "said it",
    "礼物": "gifts",
    "陪伴": "time together",
    "照顾": "care",
    "写下来": "in writing",
    "教": "teaching",
    "节日": "festivals",
    "说自己": "about oneself",
    "想明白": "insight",
    "问自己": "asking oneself",
    "坚持": "keeping at it",
    "自嘲": "self-mockery",
    "自己怎么说自己": "In your own words",
    "工作": "Work",
    "健身": "Fitness",
    "个人项目": "Side projects",
    "学习总结": "Learning",
    "兴趣发展": "Interests",
    "人际关系": "Relationships",
}


def _focus(text: str, hint: re.Pattern[str]) -> str:
    """The sentence (a numbered list stays whole) of ``text`` that ``hint`` matches most, with its neighbour when
    short; the whole text when nothing matches."""
    from .nollm import sentences

    parts = sentences(text)
    if not parts:
        return text
    from .nollm import _HASHTAG

    hits = [len(hint.findall(_HASHTAG.sub("", s))) for s in parts]
    best = max(range(len(parts)), key=lambda i: (hits[i], -i))
    if not hits[best]:
        return text
    quote = parts[best]
    if len(quote) < 16:
        quote = (parts[best - 1] + quote) if best > 0 else quote + "".join(parts[best + 1 : best + 2])
    return quote


def render(p: Plan, lang: str, evidence_of: Callable[[str, str], str]) -> tuple[str, list[Post]]:
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
        if g.label == span:  # a year's group
            lines.append(f"{span} 年（{g.count} 条）" if zh else f"{span} ({g.count} posts)")
        else:
            label = g.label if zh else _EN.get(g.label, g.label)
            lines.append(
                f"{label}（{span} 年，{g.count} 条）" if zh else f"{label} ({span}, {g.count} posts)"
            )
        for post in g.posts:
            if post not in cited:
                cited.append(post)
            n = cited.index(post) + 1
            text = _focus(post.full_text, g.hint) if g.hint is not None else post.full_text
            tags = g.tags.get(id(post), [])
            tag = "、".join(tags) if zh else ", ".join(_EN.get(t, t) for t in tags)
            tag = (f"（{tag}）" if zh else f" ({tag})") if tag else ""
            lines.append(f"- {to_local(post.created_at).strftime('%Y-%m-%d')}{tag} {evidence_of(text, g.label)} [{n}]")
    if not p.groups:
        lines.append("没有找到合适的帖子。" if zh else "No posts fit.")
    return "\n".join(lines), cited
