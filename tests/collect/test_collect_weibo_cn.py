"""weibo.cn HTML fallback (as weiboSpider reads it) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from collect_fakes import CN, UID, FakeServer

from socialbrain.brain import Brain
from socialbrain.collect.http import Politeness
from socialbrain.collect.weibo import WeiboOptions, collect_weibo
from socialbrain.collect.weibo_mblog import mid_to_bid
from socialbrain.errors import CookieExpired
from socialbrain.models import Kind

NOW = datetime(2024, 6, 20, 12, 0, tzinfo=CN)
MID_A, MID_B, MID_C, MID_RT = "4500000000000101", "4500000000000102", "4500000000000103", "4400000000000555"
BID_A, BID_B, BID_C, BID_RT = (mid_to_bid(m) for m in (MID_A, MID_B, MID_C, MID_RT))


def footer(bid: str, likes: int, reposts: int, comments: int, when: str) -> str:
    return (
        f'<a href="https://weibo.cn/attitude/{bid}/add?uid=1&amp;rl=0">赞[{likes}]</a>&nbsp;'
        f'<a href="https://weibo.cn/repost/{bid}?uid={UID}&amp;rl=0">转发[{reposts}]</a>&nbsp;'
        f'<a href="https://weibo.cn/comment/{bid}?uid={UID}&amp;rl=0#cmtfrm" class="cc">评论[{comments}]</a>&nbsp;'
        f'<a href="https://weibo.cn/fav/addFav/{bid}?rl=0">收藏</a><!---->&nbsp;<span class="ct">{when}</span>'
    )


PAGE1 = f"""<?xml version="1.0" encoding="UTF-8"?><html><head><title>我自己的微博</title></head><body>
<div class="c" id="M_{BID_A}"><div><span class="kt">[置顶]</span><span class="ctt">在<a href="https://weibo.cn/sinaurl?u=x">北京·三里屯</a>喝咖啡<img alt="[嘻嘻]" src="//h5.sinaimg.cn/x.png" /></span>
&nbsp;<a href="https://place.weibo.com/x">显示地图</a>&nbsp;[<a href="https://weibo.cn/mblog/picAll/{BID_A}?rl=1">组图共2张</a>]</div>
<div><a href="https://weibo.cn/mblog/pic/{BID_A}?rl=0"><img src="http://wx4.sinaimg.cn/wap180/abc123.jpg" alt="图片" class="ib" /></a>&nbsp;<a href="https://weibo.cn/mblog/oripic?id={BID_A}&amp;u=abc123">原图</a>&nbsp;<br />
{footer(BID_A, 12, 3, 4, "2019-05-04 08:30:00&nbsp;来自iPhone客户端")}</div></div><div class="s"></div>
<div class="c" id="M_{BID_B}"><div><span class="cmt">转发了&nbsp;<a href="https://weibo.cn/friend">朋友</a>&nbsp;的微博:</span><span class="ctt">一篇关于读书的长文开头</span>……<a href='/comment/{BID_RT}?ckAll=1'>全文</a></span>&nbsp;<span class="cmt">赞[119295]</span>&nbsp;<span class="cmt">原文转发[1000000]</span>&nbsp;<a href="https://weibo.cn/comment/{BID_RT}?rl=0#cmtfrm" class="cc">原文评论[38687]</a></div>
<div><span class="cmt">转发理由:</span>说得真好，推荐<img alt="[心]" src="//h5.sinaimg.cn/l.png" />&nbsp;&nbsp;<br />{footer(BID_B, 5, 1, 2, "06月17日 18:12&nbsp;来自绿洲APP")}</div></div>
<div class="c" id="M_{BID_C}"><div><span class="ctt">今天只想安静地待着。</span>&nbsp;{footer(BID_C, 0, 0, 0, "今天 09:15")}</div></div>
<div class="pa" id="pagelist"><form action="/{UID}" method="post"><div><a href="/{UID}?page=2">下页</a>&nbsp;1/2页</div></form></div>
</body></html>"""

COMMENT_RT = """<html><body><div class="c" id="M_"><div><a href="/friend">朋友</a>:<span class="ctt">一篇关于读书的长文开头，后面还有很多很多关于读书的想法。</span>&nbsp;<span class="ct">01月01日 10:00&nbsp;来自微博 weibo.com</span></div></div></body></html>"""


@pytest.fixture
def server():
    s = FakeServer()
    s.state.cn_pages = {1: PAGE1}
    s.state.cn_comment_pages = {BID_RT: COMMENT_RT}
    yield s
    s.stop()


@pytest.fixture
def brain(data_dir: Path):
    b = Brain.open(data_dir)
    yield b
    b.close()


def test_weibo_cn_pages_parse_the_same_fields_as_the_api(server, brain):
    o = WeiboOptions(
        uid=UID, cookie="SUB=abcdefgh", api_base=server.url, via="weibo.cn", politeness=Politeness.fast()
    )
    report = collect_weibo(brain, o, now=NOW)
    assert report.finished and report.new == 3 and report.truncated == 0
    got = {p.post_id: p for p in brain.archive.iter_posts()}
    a, b, c = got[MID_A], got[MID_B], got[MID_C]
    assert a.text == "在北京·三里屯喝咖啡[嘻嘻]" and a.location == "北京·三里屯"
    assert a.created_at == datetime(2019, 5, 4, 8, 30, tzinfo=CN) and a.source_tool == "iPhone客户端"
    assert (a.likes, a.reposts, a.comments) == (12, 3, 4)
    assert a.media == ["https://wx1.sinaimg.cn/large/abc123.jpg"]
    assert a.url == f"https://weibo.com/{UID}/{BID_A}"
    assert b.kind == Kind.REPOST and b.ref_author == "朋友" and b.text == "说得真好，推荐[心]"
    assert b.ref_text == "一篇关于读书的长文开头，后面还有很多很多关于读书的想法。"
    assert (b.likes, b.reposts, b.comments) == (5, 1, 2)
    assert b.created_at == datetime(2024, 6, 17, 18, 12, tzinfo=CN)
    assert c.created_at == NOW.replace(hour=9, minute=15) and c.text == "今天只想安静地待着。"
    # same key as the API would give (numeric mid), so switching --via never duplicates a post
    assert set(got) == {MID_A, MID_B, MID_C}


def test_weibo_cn_login_page_is_cookie_expired(server, brain):
    server.state.cn_pages = {
        1: "<html><head><title>新浪通行证</title></head><body><form action='/login'></form></body></html>"
    }
    o = WeiboOptions(
        uid=UID, cookie="SUB=abcdefgh", api_base=server.url, via="weibo.cn", politeness=Politeness.fast()
    )
    with pytest.raises(CookieExpired):
        collect_weibo(brain, o, now=NOW)
    assert brain.archive.count() == 0
