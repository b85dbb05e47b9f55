"""The Milvus index store: Milvus Lite (a local ``.db`` file), Milvus Standalone or a Milvus cluster, one API.

Collections (shared by every user of one Milvus; ``user`` is the partition key and the first clause of every
filter, so a user never sees another's rows):

    sb_meta                      per-user settings: model, dim, collection, applied_seq
    sb_kw                        units of users whose index has no vectors yet (keyword only)
    sb_<model slug>_<hash>_d<dim> units with their dense vectors, one collection per embedding model + dimension

Unit rows: pk ("<user>|<unit_id>"), unit_id, user, post_ids (array), text, tokens (our jieba tokens, space-joined),
terms (the tokens as ASCII term ids → BM25 function → sparse), dense, has_vector, created_ts, platform, account,
kind, likes, head (first unit of a post: for counting posts), n_posts.

Keyword search is Milvus's native BM25 over the terms field. The terms are our own segmentation
(:func:`socialbrain.index.segment.tokenize`: jieba search mode, stop words, traditional→simplified, user dictionary)
spelled as ASCII ids so Milvus's ``standard`` analyzer keeps each one whole: both backends then rank the same
tokens with the same BM25 (k1=1.2, b=0.75). Vector search is inner product over L2-normalised vectors (= cosine),
FLAT (exact) on Milvus Lite, HNSW on a server.

A user's units first live in ``sb_kw``; the first vectors move them to their model's collection (once).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import ConfigError, IndexMismatchError, require_extra
from ..embedders.base import Vectors
from .base import IndexFilter, ModelMeta, Page, ScoredUnit, Unit
from .milvus_filters import build_filter, check_user, string_literal, tenant_filter

if TYPE_CHECKING:
    from ...config import Settings

META = "sb_meta"
KEYWORD_ONLY = "sb_kw"
TEXT_BYTES = 65535
PAGE = 1000  # rows per query page
MAX_POSTS_PER_UNIT = 64
SEARCH_LIMIT = 16384

_UNIT_FIELDS = ["unit_id", "post_ids", "text", "tokens", "created_ts", "platform", "account", "kind", "likes"]


def term_id(token: str) -> str:
    """A token as one ASCII word (Milvus's standard analyzer keeps it whole and identical everywhere)."""
    return "t" + hashlib.blake2b(token.encode("utf-8"), digest_size=8).hexdigest()


def terms_text(tokens: list[str]) -> str:
    return " ".join(term_id(t) for t in tokens if t.strip())


def collection_for(model: str, dim: int) -> str:
    slug = re.sub(r"[^0-9A-Za-z]+", "_", model).strip("_")[:40] or "model"
    digest = hashlib.sha1(model.encode("utf-8")).hexdigest()[:8]
    return f"sb_{slug}_{digest}_d{int(dim)}"


def _clip_bytes(text: str, limit: int = TEXT_BYTES - 4) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def default_user(settings: Settings) -> str:
    """Without SOCIALBRAIN_USER: one tenant per data directory (two archives never share rows by accident)."""
    path = str(Path(settings.data_dir).expanduser().resolve())
    return "dir_" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


class MilvusIndex(ModelMeta):
    """IndexStore on Milvus (see the module doc). ``uri``: a ``.db`` path (Milvus Lite) or ``http(s)://host:port``."""

    backend = "milvus"

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        token: str | None = None,
        hnsw: bool | None = None,
        client: Any = None,
    ):
        self.uri = uri
        self.user = check_user(user)
        self.is_lite = not uri.startswith(("http://", "https://", "tcp://"))
        self.hnsw = (not self.is_lite) if hnsw is None else hnsw
        self._lock = threading.RLock()
        self._schemas_ready: set[str] = set()
        if client is None:
            client = connect(uri, token)
        self.client = client
        self._ensure_meta()

    # -- plumbing -------------------------------------------------------------------------------
    def close(self) -> None:
        """Nothing to do: the client is shared per URI within the process (see :func:`connect`)."""

    def _ensure_meta(self) -> None:
        from pymilvus import DataType

        if META in self._schemas_ready or self.client.has_collection(META):
            self._schemas_ready.add(META)
            self.client.load_collection(META)
            return
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("user", DataType.VARCHAR, max_length=128)
        schema.add_field("value", DataType.VARCHAR, max_length=4096)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants one vector field per collection
        ip = self.client.prepare_index_params()
        ip.add_index("v", index_type="FLAT", metric_type="L2")
        self.client.create_collection(META, schema=schema, index_params=ip, consistency_level="Strong")
        self._schemas_ready.add(META)

    def _meta_all(self) -> dict[str, str]:
        rows = self.client.query(META, filter=tenant_filter(self.user), output_fields=["key", "value"])
        prefix = self.user + "|"
        return {r["key"][len(prefix) :]: r["value"] for r in rows if r["key"].startswith(prefix)}

    def _meta(self, name: str) -> str | None:
        rows = self.client.query(META, ids=[f"{self.user}|{name}"], output_fields=["value"])
        return rows[0]["value"] if rows else None

    def _set_meta(self, values: dict[str, str | None]) -> None:
        drop = [f"{self.user}|{k}" for k, v in values.items() if v is None]
        keep = [
            {"key": f"{self.user}|{k}", "user": self.user, "value": str(v), "v": [0.0, 0.0]}
            for k, v in values.items()
            if v is not None
        ]
        if keep:
            self.client.upsert(META, keep)
        if drop:
            self.client.delete(META, ids=drop)

    def _ensure_units(self, name: str, dim: int | None) -> None:
        """Create a unit collection (keyword-only when ``dim`` is None) unless it exists."""
        if name in self._schemas_ready:
            return
        from pymilvus import DataType, Function, FunctionType

        with self._lock:
            if self.client.has_collection(name):
                self.client.load_collection(name)
                self._schemas_ready.add(name)
                return
            s = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
            s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=256)
            s.add_field("user", DataType.VARCHAR, max_length=128, is_partition_key=True)
            s.add_field("unit_id", DataType.VARCHAR, max_length=96)
            s.add_field(
                "post_ids", DataType.ARRAY, element_type=DataType.INT64, max_capacity=MAX_POSTS_PER_UNIT
            )
            s.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
            s.add_field("tokens", DataType.VARCHAR, max_length=TEXT_BYTES)
            s.add_field(
                "terms",
                DataType.VARCHAR,
                max_length=TEXT_BYTES,
                enable_analyzer=True,
                analyzer_params={"tokenizer": "standard"},
            )
            s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            if dim is not None:
                s.add_field("dense", DataType.FLOAT_VECTOR, dim=int(dim))
            s.add_field("has_vector", DataType.BOOL)
            s.add_field("created_ts", DataType.DOUBLE)
            s.add_field("platform", DataType.VARCHAR, max_length=64)
            s.add_field("account", DataType.VARCHAR, max_length=256)
            s.add_field("kind", DataType.VARCHAR, max_length=32)
            s.add_field("likes", DataType.INT64)
            s.add_field("head", DataType.BOOL)
            s.add_field("n_posts", DataType.INT64)
            s.add_function(
                Function(
                    name="terms_bm25",
                    function_type=FunctionType.BM25,
                    input_field_names=["terms"],
                    output_field_names=["sparse"],
                )
            )
            ip = self.client.prepare_index_params()
            ip.add_index(
                "sparse",
                index_type="SPARSE_INVERTED_INDEX",
                metric_type="BM25",
                params={"bm25_k1": 1.2, "bm25_b": 0.75},
            )
            if dim is not None:
                if self.hnsw:
                    ip.add_index(
                        "dense", index_type="HNSW", metric_type="IP", params={"M": 16, "efConstruction": 200}
                    )
                else:
                    ip.add_index("dense", index_type="FLAT", metric_type="IP")
            for field in ("platform", "account", "kind", "has_vector", "created_ts", "likes"):
                ip.add_index(field, index_type="INVERTED")
            self.client.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")
            self._schemas_ready.add(name)

    # -- which collection ------------------------------------------------------------------------
    def _current(self) -> tuple[str, int | None]:
        meta = self._meta_all()
        name = meta.get("collection") or KEYWORD_ONLY
        dim = int(meta["dim"]) if meta.get("dim") and name != KEYWORD_ONLY else None
        self._ensure_units(name, dim)
        return name, dim

    @property
    def collection(self) -> str:
        return self._current()[0]

    def set_segmenter(self, signature: str) -> None:
        self._set_meta({"segmenter": signature})

    def identity(self) -> str:
        return f"milvus {self.uri} user {self.user}"

    def transaction(self) -> AbstractContextManager[Any]:
        """Milvus has no multi-statement transactions: each write stands alone."""
        return nullcontext()

    def pages(self, after: Any = None, page: int = 1000) -> Iterator[Page]:
        """Every unit with its vector (None when it has none), ``page`` at a time in primary-key order."""
        name, dim = self._current()
        fields = ["unit_id", "post_ids", "text", "tokens", "created_ts", "platform", "account", "kind", "likes"]
        fields += ["has_vector"] + (["dense"] if dim else [])
        for rows in self.iter_rows(fields, after=after, name=name, page=page):
            units = [self._to_unit(r) for r in rows]
            vectors = [
                np.asarray(r["dense"], dtype=np.float32) if dim and r.get("has_vector") else None for r in rows
            ]
            yield rows[-1]["pk"], units, vectors

    # -- rows ------------------------------------------------------------------------------------
    def _row(self, u: Unit, dim: int | None, vector: Vectors | None = None) -> dict[str, Any]:
        if len(u.post_ids) > MAX_POSTS_PER_UNIT:
            raise ValueError(f"unit {u.unit_id}: more than {MAX_POSTS_PER_UNIT} posts")
        chat = u.unit_id.startswith("c")
        row: dict[str, Any] = {
            "pk": f"{self.user}|{u.unit_id}",
            "user": self.user,
            "unit_id": u.unit_id,
            "post_ids": [int(p) for p in u.post_ids],
            "text": _clip_bytes(u.text),
            "tokens": _clip_bytes(u.token_string()),
            "terms": _clip_bytes(terms_text(u.token_list())),
            "has_vector": vector is not None,
            "created_ts": float(u.created_ts),
            "platform": u.platform[:64],
            "account": _clip_bytes(u.account, 250),
            "kind": u.kind[:32],
            "likes": int(u.likes or 0),
            "head": chat or "." not in u.unit_id or u.unit_id.endswith(".0"),
            "n_posts": len(u.post_ids) if chat else 1,
        }
        if dim is not None:
            row["dense"] = (
                np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
                if vector is not None
                else [0.0] * dim
            )
        return row

    @staticmethod
    def _to_unit(r: dict[str, Any]) -> Unit:
        return Unit(
            unit_id=r["unit_id"],
            post_ids=[int(p) for p in r["post_ids"]],
            text=r["text"],
            created_ts=float(r["created_ts"]),
            platform=r["platform"],
            account=r["account"],
            kind=r["kind"],
            likes=int(r["likes"]),
            tokens=r["tokens"].split(" ") if r.get("tokens") else [],
        )

    def _query(
        self, name: str, expr: str, fields: list[str], limit: int | None = None
    ) -> list[dict[str, Any]]:
        kw: dict[str, Any] = {"filter": expr, "output_fields": fields}
        if limit is not None:
            kw["limit"] = limit
        rows: list[dict[str, Any]] = self.client.query(name, **kw)  # pymilvus has no type hints
        return rows

    def _count(self, name: str, expr: str) -> int:
        rows = self.client.query(name, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def iter_rows(
        self,
        fields: list[str],
        *,
        after: str | None = None,
        name: str | None = None,
        page: int = PAGE,
        where: str = "",
    ) -> Iterator[list[dict[str, Any]]]:
        """The user's unit rows in ascending primary-key order, a page at a time (each row carries its ``pk``).

        Uses Milvus's query iterator (a plain query with a limit returns *some* rows, not the first ones)."""
        name = name or self.collection
        expr = tenant_filter(self.user) + (f" and {where}" if where else "")
        if after is not None:
            expr += " and pk > " + string_literal(after)
        it = self.client.query_iterator(name, batch_size=page, filter=expr, output_fields=["pk", *fields])
        try:
            while True:
                rows = it.next()
                if not rows:
                    return
                yield sorted(rows, key=lambda r: r["pk"])
        finally:
            it.close()

    # -- writing ---------------------------------------------------------------------------------
    def add_units(self, units: list[Unit]) -> None:
        """Insert or replace units (a replaced unit loses its vector)."""
        if not units:
            return
        name, dim = self._current()
        rows = [self._row(u, dim) for u in units]
        for start in range(0, len(rows), PAGE):
            self.client.upsert(name, rows[start : start + PAGE])

    def add_units_pipelined(self, chunks: Iterable[list[Unit]]) -> int:
        """Units as they are made, upserted chunk by chunk (Milvus has no transactions to hold them in)."""
        added = 0
        for chunk in chunks:
            self.add_units(chunk)
            added += len(chunk)
        return added

    def add_units_with_vectors(
        self, units: list[Unit], vectors: Vectors | None, model: str | None
    ) -> None:
        """Units and their vectors in one write (migration, bulk loads): no embedding, no second pass."""
        if not units:
            return
        if vectors is None or model is None:
            self.add_units(units)
            return
        self._prepare_model(model, int(vectors.shape[1]))
        name, dim = self._current()
        rows = [self._row(u, dim, vectors[i]) for i, u in enumerate(units)]
        for start in range(0, len(rows), PAGE):
            self.client.upsert(name, rows[start : start + PAGE])

    def delete_posts(self, post_ids: list[int]) -> None:
        """Remove every unit that holds any of these posts."""
        if not post_ids:
            return
        name, _ = self._current()
        ids = sorted({int(p) for p in post_ids})
        for start in range(0, len(ids), PAGE):
            self.client.delete(
                name, filter=build_filter(self.user, IndexFilter(post_ids=ids[start : start + PAGE]))
            )

    def _prepare_model(self, model: str, dim: int) -> None:
        """Make the user's units live in ``model``'s collection (moving them once), and record the model."""
        with self._lock:
            meta = self._meta_all()
            built = meta.get("model")
            if built is not None and built != model:
                self.check_model(model)
            if built is not None and meta.get("dim") and int(meta["dim"]) != dim:
                raise IndexMismatchError(
                    f"index holds {meta['dim']}-dim vectors, {model} gives {dim}: run `socialbrain index rebuild`"
                )
            current = meta.get("collection") or KEYWORD_ONLY
            target = collection_for(model, dim)
            if current == target and built == model:
                return
            self._current()  # makes sure the current collection exists and is loaded
            if current != target:
                self._ensure_units(target, dim)
                self._move(current, target, dim)
            self._set_meta({"collection": target, "model": model, "dim": str(dim)})
            if current != target:
                self.client.delete(current, filter=tenant_filter(self.user))

    def _move(self, source: str, target: str, dim: int) -> None:
        """Copy the user's units from ``source`` to ``target`` (without vectors: another model made them)."""
        for rows in self.iter_rows(_UNIT_FIELDS, name=source):
            self.client.upsert(target, [self._row(self._to_unit(r), dim) for r in rows])

    def set_vectors(self, unit_ids: list[str], vectors: Vectors, model: str) -> None:
        self.set_vectors_if_unchanged(unit_ids, vectors, model, None)

    def set_vectors_if_unchanged(
        self, unit_ids: list[str], vectors: Vectors, model: str, texts: list[str] | None
    ) -> int:
        """Store each vector only if its unit still has the text it was made from (``texts`` None: always)."""
        if len(unit_ids) != len(vectors):
            raise ValueError("one vector per unit id")
        if not unit_ids:
            return 0
        dim = int(np.asarray(vectors).shape[1])
        self._prepare_model(model, dim)
        name, _ = self._current()
        by_id = {u.unit_id: u for u in self.get_units(unit_ids)}
        rows = [
            self._row(by_id[uid], dim, vectors[i])
            for i, uid in enumerate(unit_ids)
            if uid in by_id and (texts is None or by_id[uid].text == texts[i])
        ]
        if rows:
            self.client.upsert(name, rows)
        return len(rows)

    def pending(self) -> int:
        """Units without a vector (two counts, not the four of ``counts()``)."""
        name, _ = self._current()
        return self._count(name, tenant_filter(self.user) + " and has_vector == false")

    def units_without_vector_among(self, unit_ids: list[str]) -> list[str]:
        """Those of ``unit_ids`` that have no vector yet (keyword hits fused fairly while embedding runs)."""
        if not unit_ids:
            return []
        name, _ = self._current()
        pks = [f"{self.user}|{u}" for u in unit_ids]
        rows = self.client.query(name, ids=pks, output_fields=["unit_id", "has_vector"])
        return [r["unit_id"] for r in rows if not r.get("has_vector")]

    def clear(self) -> None:
        """Drop this user's units and vectors (other users are untouched); the collection is kept for a rebuild."""
        with self._lock:
            name, _ = self._current()
            expr = tenant_filter(self.user)
            self.client.delete(name, filter=expr)
            if name != KEYWORD_ONLY and self.client.has_collection(KEYWORD_ONLY):
                self.client.delete(KEYWORD_ONLY, filter=expr)
            # the collection (and its dim) stay: a rebuild with the same model writes straight back into it
            self._set_meta({"model": None, "applied_seq": None, "segmenter": None})

    def applied_seq(self) -> int:
        return int(self._meta("applied_seq") or 0)

    def set_applied_seq(self, seq: int) -> None:
        """Move ``applied_seq`` forward only (the writer lock serialises writers; this guards the order too)."""
        with self._lock:
            if int(seq) > self.applied_seq():
                self._set_meta({"applied_seq": str(int(seq))})

    # -- reading ---------------------------------------------------------------------------------
    def units_without_vectors(self, limit: int) -> list[Unit]:
        name, _ = self._current()
        expr = tenant_filter(self.user) + " and has_vector == false"
        rows = self._query(name, expr, _UNIT_FIELDS, limit=min(limit, SEARCH_LIMIT))
        return [self._to_unit(r) for r in rows]

    def get_units(self, unit_ids: list[str]) -> list[Unit]:
        if not unit_ids:
            return []
        name, _ = self._current()
        found: dict[str, Unit] = {}
        for start in range(0, len(unit_ids), PAGE):
            pks = [f"{self.user}|{u}" for u in unit_ids[start : start + PAGE]]
            for r in self.client.query(name, ids=pks, output_fields=_UNIT_FIELDS):
                found[r["unit_id"]] = self._to_unit(r)
        return [found[u] for u in unit_ids if u in found]

    def unit_ids_for_posts(self, post_ids: list[int]) -> list[str]:
        if not post_ids:
            return []
        name, _ = self._current()
        out: dict[str, None] = {}
        ids = sorted({int(p) for p in post_ids})
        for start in range(0, len(ids), PAGE):
            expr = build_filter(self.user, IndexFilter(post_ids=ids[start : start + PAGE]))
            for r in self._query(name, expr, ["unit_id"], limit=SEARCH_LIMIT):
                out.setdefault(r["unit_id"], None)
        return list(out)

    def counts(self) -> dict[str, int]:
        name, _ = self._current()
        expr = tenant_filter(self.user)
        units = self._count(name, expr)
        vectors = self._count(name, expr + " and has_vector == true") if units else 0
        posts = self._count(name, expr + ' and head == true and kind != "chat"') if units else 0
        if units and self._count(name, expr + ' and kind == "chat"'):
            for rows in self.iter_rows(["n_posts"], name=name, where='kind == "chat"'):
                posts += sum(int(r["n_posts"]) for r in rows)
        return {"units": units, "vectors": vectors, "posts": posts, "pending": units - vectors}

    def keyword_search(self, tokens: list[str], flt: IndexFilter, k: int) -> list[ScoredUnit]:
        """Native BM25 over the units matching ``flt``; score = BM25 (higher is better)."""
        seen: dict[str, None] = {}
        for t in tokens:
            if t.strip():
                seen.setdefault(term_id(t.strip()), None)
        if not seen or k <= 0:
            return []
        name, _ = self._current()
        expr = build_filter(self.user, flt)
        res = self.client.search(
            name,
            data=[" ".join(seen)],
            anns_field="sparse",
            limit=min(k, SEARCH_LIMIT),
            filter=expr,
            output_fields=["unit_id"],
            search_params={"metric_type": "BM25"},
        )
        # Milvus Lite reports BM25 negated (ascending), servers positive: the order is the ranking either way
        return [ScoredUnit(h["entity"]["unit_id"], abs(float(h["distance"]))) for h in res[0]]

    def vector_search(self, vector: Vectors, flt: IndexFilter, k: int) -> list[ScoredUnit]:
        """Inner product (= cosine for normalised vectors) over the units matching ``flt`` that have vectors."""
        name, dim = self._current()
        if dim is None or k <= 0:
            return []
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape[0] != dim:
            raise IndexMismatchError(
                f"query vector has {v.shape[0]} dims, the index {dim}: run `socialbrain index rebuild`"
            )
        expr = build_filter(self.user, flt, vectors_only=True)
        search_params: dict[str, Any] = {"metric_type": "IP"}
        if self.hnsw:
            search_params["params"] = {"ef": max(64, min(k, SEARCH_LIMIT))}
        res = self.client.search(
            name,
            data=[v.tolist()],
            anns_field="dense",
            limit=min(k, SEARCH_LIMIT),
            filter=expr,
            output_fields=["unit_id"],
            search_params=search_params,
        )
        return [ScoredUnit(h["entity"]["unit_id"], float(h["distance"])) for h in res[0]]

    def describe(self) -> dict[str, Any]:
        """For `index status`: where, which user, which collection."""
        name, dim = self._current()
        return {"uri": self.uri, "user": self.user, "collection": name, "dim": dim}


# -- connections ---------------------------------------------------------------------------------
_clients: dict[tuple[str, str | None], Any] = {}
_clients_lock = threading.Lock()


def connect(uri: str, token: str | None = None) -> Any:
    """One MilvusClient per (uri, token) per process (Milvus Lite allows one opener of a file)."""
    MilvusClient = require_extra("pymilvus", "milvus", "the Milvus index").MilvusClient  # noqa: N806
    # pymilvus warns on every query iterator against Milvus Lite (no server timestamps); our users need not see it
    logging.getLogger("pymilvus").setLevel(logging.ERROR)
    key = (uri, token)
    with _clients_lock:
        if key not in _clients:
            try:
                _clients[key] = MilvusClient(uri=uri, token=token or "")
            except Exception as e:  # noqa: BLE001 - connection problems become one line for the user
                raise ConfigError(
                    f"index {uri}: cannot connect to Milvus ({e}); check the URI and token"
                ) from e
        return _clients[key]


def resolve_uri(settings: Settings, value: str) -> str:
    """A ``.db`` path is made absolute (relative to the current directory); server URIs are kept."""
    if value.startswith(("http://", "https://", "tcp://")):
        return value
    if value.startswith("milvus://"):
        return "http://" + value[len("milvus://") :]
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def open_milvus(
    settings: Settings, value: str, token: str | None = None, user: str | None = None
) -> MilvusIndex:
    """The Milvus index for ``settings`` at ``value`` (see :func:`socialbrain.index.stores.open_index`)."""
    token = token or settings.index.token
    user = user or settings.index.user or default_user(settings)
    return MilvusIndex(resolve_uri(settings, value), user=user, token=token, hnsw=settings.index.hnsw)
