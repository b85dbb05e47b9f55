"""The shared redaction module on a corpus of Chinese and English PII: nothing leaks, pseudonyms stay consistent."""

from __future__ import annotations

import pytest

from socialbrain.answer.redact import ADDRESS, EMAIL, ID_CARD, LANDLINE, PHONE, Redactor, valid_id_card

# (text, the secret that must disappear, the placeholder expected instead)
PII_CORPUS = [
    ("有事打我电话13800138000哈", "13800138000", PHONE),
    ("手机 138-0013-8000 随时找我", "138-0013-8000", PHONE),
    ("号码是 138 0013 8000。", "138 0013 8000", PHONE),
    ("Call +86 139 1234 5678 tonight", "139 1234 5678", PHONE),
    ("微信同号+8615912345678", "15912345678", PHONE),
    ("(+86)186-1234-5678", "186-1234-5678", PHONE),
    ("办公室座机010-62751234，工作日在", "62751234", LANDLINE),
    ("前台 (021) 6438 1234 转 806", "6438 1234", LANDLINE),
    ("订餐 0755-8888 6666", "8888 6666", LANDLINE),
    ("US office: (415) 555-0100.", "555-0100", PHONE),
    ("邮箱 lin.xiaoyu+blog@example.com 欢迎来信", "lin.xiaoyu+blog@example.com", EMAIL),
    ("write to Bob_Smith@mail.example.co.uk please", "Bob_Smith@mail.example.co.uk", EMAIL),
    ("发到邮箱xiaoyu@qq.com就行", "xiaoyu@qq.com", EMAIL),
    ("身份证号11010519491231002X别外传", "11010519491231002X", ID_CARD),
    ("ID 440524188001010014 lost", "440524188001010014", ID_CARD),
    ("身份证 110105194912310021 复印件", "110105194912310021", ID_CARD),
]

ADDRESSES = [
    ("我住在上海市徐汇区漕溪北路88号，欢迎来玩", "上海市徐汇区漕溪北路88号"),
    ("快递寄到北京市海淀区中关村大街27号3号楼502室吧", "中关村大街27号"),
    ("新家在杭州市西湖区文三路478号", "文三路478号"),
    ("Moved to 123 Main St, Apt 4B last week", "123 Main St"),
    ("Office: 1600 Amphitheatre Parkway? no, 742 Evergreen Terrace", "742 Evergreen Terrace"),
]


@pytest.mark.parametrize(("text", "secret", "placeholder"), PII_CORPUS)
@pytest.mark.parametrize("mode", ["llm", "public"])
def test_pii_is_replaced(mode: str, text: str, secret: str, placeholder: str) -> None:
    r = Redactor(mode)
    out = r.redact(text)
    assert secret not in out
    assert secret.replace(" ", "").replace("-", "") not in out.replace(" ", "").replace("-", "")
    assert placeholder in out
    assert any(placeholder == rep for _, rep in r.replacements)


@pytest.mark.parametrize(("text", "secret"), ADDRESSES)
def test_public_mode_hides_street_addresses(text: str, secret: str) -> None:
    r = Redactor("public")
    out = r.redact(text)
    assert secret not in out
    assert ADDRESS in out


def test_address_keeps_the_words_before_it() -> None:
    out = Redactor("public").redact("我住在上海市徐汇区漕溪北路88号，欢迎来玩")
    assert out == "我住在[地址]，欢迎来玩"


def test_llm_mode_keeps_addresses_but_hides_numbers() -> None:
    out = Redactor("llm").redact("我住在上海市徐汇区漕溪北路88号，电话13800138000")
    assert "漕溪北路88号" in out
    assert "13800138000" not in out


def test_handles_get_consistent_pseudonyms() -> None:
    r = Redactor("llm")
    a = r.redact("和@林小雨 去爬山，@bob_lee 没来")
    b = r.redact("@林小雨：明天见！cc @bob_lee @林小雨")
    assert "林小雨" not in a + b and "bob_lee" not in a + b
    assert a == "和@某人A 去爬山，@某人B 没来"
    assert b == "@某人A：明天见！cc @某人B @某人A"
    assert ("@林小雨", "@某人A") in r.replacements
    assert r.restore("某人A 和 某人B") == "林小雨 和 bob_lee"


def test_mastodon_handles_are_one_name_not_an_email() -> None:
    r = Redactor("llm")
    out = r.redact("boosted @alice@mastodon.social and mailed carol@example.org")
    assert out == "boosted @某人A and mailed [邮箱]"


def test_public_mode_replaces_bare_names_seen_as_handles() -> None:
    r = Redactor("public")
    r.learn(["今天和@林小雨 吃饭"])
    out = r.redact("林小雨说她下个月搬家")
    assert out == "某人A说她下个月搬家"
    # llm mode leaves bare words alone (they may not be names)
    r2 = Redactor("llm")
    r2.learn(["@林小雨"])
    assert r2.redact("林小雨说") == "林小雨说"


def test_own_handle_is_kept() -> None:
    r = Redactor("public", keep=["我是小林"])
    assert r.redact("@我是小林 的第一条微博，@林小雨 点赞") == "@我是小林 的第一条微博，@某人A 点赞"


def test_no_false_positives_on_ordinary_numbers() -> None:
    text = "2016年5月4日跑了10公里，用时58分，第1234567条微博，价格 12800 元, v2.3.4"
    assert Redactor("public").redact(text) == text


def test_many_pseudonyms_stay_distinct() -> None:
    r = Redactor("llm")
    names = [f"user{i}" for i in range(60)]
    out = r.redact(" ".join("@" + n for n in names))
    pseudos = out.split()
    assert len(set(pseudos)) == 60
    assert pseudos[26] == "@某人AA"


def test_redact_obj_walks_json() -> None:
    r = Redactor("public")
    data = {"title": "@林小雨 的年度", "items": [["13800138000", 3]], "n": 5}
    out = r.redact_obj(data)
    assert out == {"title": "@某人A 的年度", "items": [["[手机号]", 3]], "n": 5}


def test_id_card_check_digit() -> None:
    assert valid_id_card("11010519491231002X")
    assert valid_id_card("440524188001010014")
    assert not valid_id_card("110105194912310021")


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError):
        Redactor("secret")
