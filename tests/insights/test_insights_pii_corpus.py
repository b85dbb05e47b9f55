"""A hostile corpus of Chinese social-media PII: every secret goes, and nothing around it is swallowed.

Each case is (text, the secrets that must disappear, the exact text expected). Exact outputs are the point: they
catch over-redaction (a placeholder eating the words beside it) as surely as a leak.
"""

from __future__ import annotations

import pytest

from socialbrain.answer.redact import Redactor, luhn_ok, parse_hidden, short_forms

# exact outputs in both modes
BOTH = [
    ("手机号13812345678和邮箱zhang.san@example.com", "手机号[手机号]和邮箱[邮箱]"),
    ("邮箱zhang.san@example.com和手机号13812345678", "邮箱[邮箱]和手机号[手机号]"),
    ("联系我：lin_xy@163.com。谢谢", "联系我：[邮箱]。谢谢"),
    ("身份证110105491231002是老的", "身份证[身份证号]是老的"),
    ("证件号11010519491231002X，别外传", "证件号[身份证号]，别外传"),
    ("卡号6222 0212 3456 7890 128，工资卡", "卡号[银行卡号]，工资卡"),
    ("转账到6217000012345670就行", "转账到[银行卡号]就行"),
    ("信用卡 4367-4212-3456-7896 被盗刷了", "信用卡 [银行卡号] 被盗刷了"),
    ("QQ：123456789，有事留言", "QQ：[QQ号]，有事留言"),
    ("加我扣扣 87654321 哈", "加我扣扣 [QQ号] 哈"),
    ("微信号：lin_xiaoyu2020，备注来意", "微信号：[微信号]，备注来意"),
    ("vx: Aman-1990 私聊", "vx: [微信号] 私聊"),
    ("我的wxid_abc123def别乱传", "我的[微信号]别乱传"),
    ("车牌京A·12345的车堵了我一小时", "车牌[车牌号]的车堵了我一小时"),
    ("新能源粤B D12345停在楼下", "新能源[车牌号]停在楼下"),
    ("看这个 https://example.com/share?token=abcDEF123&uid=42。真好笑", "看这个 [链接]。真好笑"),
    ("戳t.cn/A6xYz9k看直播", "戳[链接]看直播"),
    ("(https://pan.example.cn/s/1Ab?pwd=x9z9)", "([链接])"),
    ("转发理由//@阿蛮Aman:哈哈//@林小雨: 太真实了", "转发理由//@某人A:哈哈//@某人B: 太真实了"),
    ("回复@bob_lee:好的", "回复@某人A:好的"),
    ("收件人：张三，电话13812345678", "收件人：[姓名]，电话[手机号]"),
    ("寄到望京花园3号楼2单元502室", "寄到[地址]"),
]

# ordinary text that must come back unchanged (over-redaction cases)
UNCHANGED = [
    "2016年5月4日跑了10公里，用时58分，第1234567条微博，价格 12800 元, v2.3.4",
    "订单号 20160504123456 还没发货",
    "用QQ音乐听了一晚上，微信支付真方便",
    "今天和妈妈去了趟超市，爸爸在家做饭",
    "京东618买了三本书，新华书店也去了",
    "我在浙A的车管所排了两个小时",
    "邮箱满了，手机也没电了",
    "运单号 7700123456789012 显示已签收",
    "The meeting is at 10:30, room 4B, see v1.2.3-rc1",
    "沪深300今天涨了1.5%",
]

PUBLIC_ONLY = [
    ("我住在上海市徐汇区漕溪北路88号，欢迎来玩", "我住在[地址]，欢迎来玩"),
    ("Moved to 123 Main St, Apt 4B last week", "Moved to [地址] last week"),
]


@pytest.mark.parametrize(("text", "expected"), BOTH)
@pytest.mark.parametrize("mode", ["llm", "public"])
def test_corpus_exact(mode: str, text: str, expected: str) -> None:
    assert Redactor(mode).redact(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
@pytest.mark.parametrize("mode", ["llm", "public"])
def test_ordinary_text_is_left_alone(mode: str, text: str) -> None:
    assert Redactor(mode).redact(text) == text


@pytest.mark.parametrize(("text", "expected"), PUBLIC_ONLY)
def test_public_addresses(text: str, expected: str) -> None:
    assert Redactor("public").redact(text) == expected


def test_llm_mode_keeps_a_street_but_not_the_door() -> None:
    r = Redactor("llm")
    assert r.redact("我住在上海市徐汇区漕溪北路88号") == "我住在上海市徐汇区漕溪北路88号"
    assert "502" not in r.redact("新家在漕溪北路88号3号楼502室")


def test_spaced_bank_card_is_fully_masked() -> None:
    out = Redactor("llm").redact("卡号 6222 0212 3456 7890 128 开户行招行")
    assert out == "卡号 [银行卡号] 开户行招行"
    assert not any(ch.isdigit() for ch in out)


def test_luhn() -> None:
    assert luhn_ok("79927398713") and luhn_ok("6217000012345670")
    assert not luhn_ok("6217000012345671") and not luhn_ok("12ab")


def test_short_forms_of_known_names_in_public_edition() -> None:
    r = Redactor("public")
    r.learn(["转发 //@阿蛮Aman: 同意", "和@林小雨 去爬山"])
    out = r.redact("阿蛮说今天好冷，小雨也在。阿蛮Aman的猫")
    assert "阿蛮" not in out and "小雨" not in out
    assert out == "某人A说今天好冷，某人B也在。某人A的猫"
    # a short form inside an ordinary word is not a name
    assert r.redact("下小雨了") == "下小雨了"
    assert short_forms("林小雨") == ["林小", "小雨"]
    assert short_forms("阿蛮Aman") == ["阿蛮"]
    assert short_forms("bob") == []


def test_hidden_kin_names_keep_the_relation_only() -> None:
    assert parse_hidden("妈妈:王秀兰, 阿哲；") == [("王秀兰", "妈妈"), ("阿哲", None)]
    for mode in ("llm", "public"):
        r = Redactor(mode, hide="妈妈:王秀兰,阿哲")
        out = r.redact("王秀兰女士生日快乐！秀兰说她想去杭州，阿哲也来了，@阿哲 干杯")
        assert "王秀兰" not in out and "秀兰" not in out and "阿哲" not in out, out
        assert out.startswith("[妈妈]女士生日快乐！[妈妈]说")
        # the LLM's answer about them comes back with the real name locally
        assert r.restore("[妈妈]想去杭州") == "王秀兰想去杭州"


def test_own_links_stay_third_party_links_go() -> None:
    own = "https://weibo.com/lin/1001"
    r = Redactor("public", keep_urls=[own])
    out = r.redact(f"原文 {own} 和 https://evil.example.com/x?token=SECRET")
    assert own in out and "SECRET" not in out and out.endswith("和 [链接]")


def test_every_replacement_is_listed_for_the_preview() -> None:
    r = Redactor("public")
    r.redact("手机号13812345678和邮箱zhang.san@example.com，//@阿蛮: 嗯")
    assert ("13812345678", "[手机号]") in r.replacements
    assert ("zhang.san@example.com", "[邮箱]") in r.replacements
    assert ("@阿蛮", "@某人A") in r.replacements
