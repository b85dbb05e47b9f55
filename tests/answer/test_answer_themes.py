"""People and portrait evidence (answer/themes.py): the general lexicons pick the posts, whatever the archive."""

from __future__ import annotations

import re

from answer_fixtures import fill, make_post, open_brain

from socialbrain.answer import themes
from socialbrain.answer.ask import ask

DAD = [
    ("2015-06-21 10:00", "父亲节，给我爸买了一副老花镜，他戴上就不肯摘。"),
    ("2016-02-07 20:00", "除夕和我爸一起包饺子，他擀皮我包，包得歪歪扭扭。"),
    ("2017-03-01 08:00", "我爸今天去钓鱼了。"),  # names him, shows nothing: not an example of love
    ("2018-09-10 21:00", "教我爸用手机打车，教了五遍，他终于学会了。"),
    ("2019-11-02 22:00", "我爸住院了，请假回去照顾他一个星期，在病房陪他下象棋。"),
    ("2020-06-21 09:00", "父亲节，第一次跟我爸说“爸，我爱你”，他说“神经”。"),
    ("2021-01-15 19:00", "给我爸写了一封信，放在他的茶叶罐里。"),
    ("2022-08-30 18:00", "带我爸去海边看日落，他说这辈子第一次看海。"),
    ("2023-04-05 12:00", "我爸说楼下的面馆关门了。"),  # no love shown either
]


def _posts(rows, start: int = 0):
    return [make_post(when, text, start + i) for i, (when, text) in enumerate(rows)]


def test_family_love_cites_each_way_of_showing_it_not_three_posts_a_person() -> None:
    posts = _posts(DAD)
    (dad,) = themes.people(posts, family_only=True, love=True)
    assert dad.label == "爸爸" and dad.count == 9
    texts = [p.text for p in dad.posts]
    assert len(texts) == 7 and not any("钓鱼" in t or "面馆" in t for t in texts)
    assert [p.created_at for p in dad.posts] == sorted(p.created_at for p in dad.posts)  # dated, oldest first
    ways = {w for p in dad.posts for w in dad.tags[id(p)]}
    assert {"说出口", "礼物", "陪伴", "照顾", "写下来", "教", "节日"} <= ways


def test_own_messages_in_a_two_person_chat_are_about_the_other_person() -> None:
    chat = [
        make_post("2020-03-01 20:00", "到家了吗？外面下雨。", 0, author="妈妈", conversation="c1"),
        make_post("2020-03-01 20:01", "到了，想你，下周回去陪你。", 1, conversation="c1"),
        make_post("2020-03-02 09:00", "今天加班到很晚。", 2),
    ]
    groups = themes.people(chat, family_only=True, love=True)
    assert [g.label for g in groups] == ["妈妈"]
    assert [p.text for p in groups[0].posts] == ["到了，想你，下周回去陪你。"]


def test_portrait_takes_the_posts_that_speak_of_oneself_per_aspect() -> None:
    rows = [
        ("2016-03-01 23:00", "又加班到十一点。"),
        ("2016-09-01 22:00", "加班的时候在想，我是不是太怕让别人失望了。"),
        ("2017-05-01 08:00", "今天跑步五公里。"),
        ("2019-05-01 08:00", "跑步第三年。原来坚持下来的人，不是最有天赋的，是最不肯停的。"),
        ("2020-01-01 10:00", "今天吃了火锅。"),
        ("2021-02-03 21:00", "我这个人总是把休息当成偷懒。"),
    ]
    groups = themes.portrait(_posts(rows))
    by_label = {g.label: [p.text for p in g.posts] for g in groups}
    assert by_label["工作"] == ["加班的时候在想，我是不是太怕让别人失望了。"]
    assert by_label["健身"] == ["跑步第三年。原来坚持下来的人，不是最有天赋的，是最不肯停的。"]
    assert by_label["自己怎么说自己"] == ["我这个人总是把休息当成偷懒。"]  # no aspect: still hers
    assert not any("火锅" in t for ts in by_label.values() for t in ts)
    quote = themes._focus(by_label["健身"][0], groups[1].hint)  # the sentence that says it, not the first
    assert quote.startswith("原来坚持")


def test_family_love_question_answers_per_person_with_dated_tagged_quotes(tmp_path) -> None:
    brain = open_brain(tmp_path / "h")
    fill(brain, DAD)
    a = ask(brain, "对家人有哪些爱的表达？", mode="retrieval")
    lines = a.text.splitlines()
    assert any(line.startswith("爸爸（2015–2023 年，9 条）") for line in lines)
    quotes = [line for line in lines if line.startswith("- ")]
    assert len(quotes) == 7 and all(re.match(r"- \d{4}-\d\d-\d\d（[^）]+） .+ \[\d+\]$", q) for q in quotes)
    assert a.scope["scope"] == "people" and len(a.sources) == 7
    brain.close()


def test_ideas_are_the_ones_put_forward_by_year_not_every_app_mentioned() -> None:
    rows = [
        ("2016-04-01 21:00", "给每个小区做一张“遛狗地图”怎么样？哪里有草地，哪里有水。"),
        ("2016-09-09 08:00", "早上抢票，三个App都没抢到。"),  # an app named, no idea
        ("2018-02-02 22:00", "想开一家只卖旧书的咖啡馆，店名还没想好。"),
        ("2018-06-06 23:00", "写了一个小脚本，每天把日记备份到硬盘。"),
        ("2019-01-01 10:00", "//@某人: 如果有个App能帮你记账就好了"),  # a repost: not her idea
    ]
    groups = themes.ideas(_posts(rows))
    assert [(g.label, [p.text[:4] for p in g.posts]) for g in groups] == [
        ("2016", ["给每个小"]),
        ("2018", ["想开一家", "写了一个"]),
    ]


def test_an_english_answer_names_aspects_and_tags_in_english() -> None:
    rows = [("2019-05-01 08:00", "跑步第三年。原来坚持下来的人，不是最有天赋的，是最不肯停的。")]
    plan = themes.Plan("portrait", themes.portrait(_posts(rows)), 1)
    text, cited = themes.render(plan, "en", lambda t, label: t)
    assert (
        "Fitness (2019, 1 posts)" in text and "(insight, keeping at it) 原来坚持" in text and len(cited) == 1
    )
