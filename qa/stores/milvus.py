"""The index in Milvus: milvus-lite at a local path, or a server or cluster.

    QA_STORE=milvus QA_MILVUS_URI=./milvus.db            milvus-lite (one process)
    QA_STORE=milvus QA_MILVUS_URI=http://host:19530 \\
        QA_MILVUS_TOKEN=user:password                     a server or cluster

Collections, for QA_MILVUS_COLLECTION=qa_news:

    qa_news_meta          one row "current": the live generation, manifest,
                          BM25 counts (N, total length, the avgdl of the weights)
    qa_news_chunks_gN     a row per chunk: its fields, a dense vector, a sparse
                          BM25 vector (qa/stores/sparse.py), dup_of ("" = searchable)
    qa_news_docs_gN       a row per document (documents.jsonl's record)
    qa_news_terms_gN      df per term id, so query weights are exact

A full build (the first, or after the embedder, the chunking or an
interrupted write changed everything) fills new gN collections and only then
points "current" at them, so a failed build leaves the previous index
searchable. An incremental run upserts the chunks of changed documents,
deletes those of removed ones and leaves the rest untouched, inside the live
collections: Milvus has no transaction across rows, so the write marks the
generation dirty first and clean last, and the next run after an
interruption rebuilds in full.

Pitfalls measured here (../shared/docs/environment.md): one process per
milvus-lite file (several processes need `milvus-lite server`); every call
carries a timeout, since pymilvus retries for minutes on some errors.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import warnings
from collections import Counter
from functools import cached_property
from pathlib import Path

import numpy as np

from ..config import Settings
from ..store import IndexError_
from ..types import Chunk, Filters
from . import IndexState
from .sparse import (
    K1,
    NO_TERM,
    REWEIGHT_DRIFT,
    B,
    Stats,
    chunk_terms,
    chunk_vector,
    query_vector,
    term_id,
)

log = logging.getLogger(__name__)

FORMAT = "qa-news-milvus"
# 2: chunks keep the speakers they quote without naming (`context`, qa/context.py)
FORMAT_VERSION = 2
BATCH = 256  # rows per insert/upsert call
CHUNK_FIELDS = [
    "chunk_id",
    "doc_id",
    "ordinal",
    "text",
    "start",
    "end",
    "hash",
    "title",
    "date",
    "source",
    "context",
    "dup_of",
    "seq",
]
NO_DUP = {NO_TERM: 1.0}
_CLIENTS: dict = {}
_CLIENTS_LOCK = threading.Lock()


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def _connect(MilvusClient, uri: str, token: str, timeout: float):
    """MilvusClient; a milvus-lite file gets a second try, because its local
    server sometimes misses the first connection on a loaded machine ("Fail
    connecting to server on unix:…", seen once in a CI run of the tests)."""
    with warnings.catch_warnings():  # milvus-lite 2.5 imports pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        if not is_server(uri):
            try:
                return MilvusClient(uri=uri, token=token, timeout=timeout)
            except Exception as e:
                log.warning("milvus-lite at %s did not answer (%s); trying again", uri, e)
                time.sleep(2.0)
        return MilvusClient(uri=uri, token=token, timeout=timeout)


def client(uri: str, token: str, timeout: float):
    """One client per URI and process: milvus-lite locks its file to one process."""
    key = (uri, token)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            try:
                from pymilvus import MilvusClient
            except ImportError:
                raise IndexError_(
                    "QA_STORE=milvus needs pymilvus and milvus-lite: pip install -e '.[scale]'"
                ) from None
            if not is_server(uri):
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
                # milvus-lite lacks the timestamp call that query iterators try
                # first; both sides log the fallback as an error on every listing
                logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
                logging.getLogger("pymilvus").setLevel(logging.ERROR)
            try:
                _CLIENTS[key] = _connect(MilvusClient, uri, token, timeout)
            except Exception as e:
                why = str(e).splitlines()[0] if str(e) else type(e).__name__
                hint = (
                    "; is another process using this milvus-lite file? several processes "
                    "need `milvus-lite server` and an http:// URI"
                    if not is_server(uri)
                    else ""
                )
                raise IndexError_(f"cannot open Milvus at {uri}: {why}{hint}") from None
        return _CLIENTS[key]


def close_client(uri: str, token: str = "") -> None:
    """Let go of a milvus-lite file (its server stops), e.g. before deleting it."""
    with _CLIENTS_LOCK:
        c = _CLIENTS.pop((uri, token), None)
    if c is not None:
        with contextlib.suppress(Exception):
            c.close()


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def filter_expr(filters: Filters | None) -> str:
    """Filters as a Milvus expression, with the semantics of Filters.keep:
    date bounds compare ISO prefixes, the source is a case-insensitive substring."""
    parts = ['dup_of == ""']
    if filters and filters.date_from:
        parts.append(f"date >= {_q(filters.date_from)}")
    if filters and filters.date_to:
        # date[:len(to)] <= to  <=>  date < to with its last character bumped
        to = filters.date_to
        parts.append(f'date != "" and date < {_q(to[:-1] + chr(ord(to[-1]) + 1))}')
    if filters and filters.source:
        needle = filters.source.lower().replace("%", "").replace("\\", "")
        parts.append(f"source_lc like {_q('%' + needle + '%')}")
    return " and ".join(parts)


def _chunk(row: dict) -> Chunk:
    return Chunk(**{f: row[f] for f in CHUNK_FIELDS if f not in ("dup_of", "seq")})


class MilvusSnapshot:
    def __init__(self, st: MilvusStore, current: dict, documents: list[dict]):
        self._st = st
        self._c = st.client
        self.generation = current["generation"]
        self.gen = current["gen"]
        self.manifest = current["manifest"]
        self.documents = documents
        self.stats = current["stats"]
        self.sentences = None  # not kept in Milvus (QA_SENTENCE_VECTORS is local-only)
        self.path = None
        self._names = st.names(self.gen)

    @property
    def n_searchable(self) -> int:
        return int(self.stats["n"])

    @property
    def embedder(self) -> str:
        return self.manifest["embedder"]["name"]

    # --- listing (the Documents tab, `qa eval`, the indexer's previous state) --
    def _rows(self, fields: list[str], expr: str = "") -> list[dict]:
        return self._st.iterate("list chunks", self._names["chunks"], fields, expr)

    @cached_property
    def _all(self) -> list[dict]:
        rows = self._rows(CHUNK_FIELDS)
        rows.sort(key=lambda r: (r["dup_of"] != "", r["seq"]))
        return rows

    @cached_property
    def chunks(self) -> list[Chunk]:
        return [_chunk(r) for r in self._all]

    @cached_property
    def duplicates(self) -> dict[str, str]:
        return {r["chunk_id"]: r["dup_of"] for r in self._all if r["dup_of"]}

    # --- search ------------------------------------------------------------
    def _search(self, data, field: str, k: int, filters) -> list[tuple[Chunk, float]]:
        if k <= 0:
            return []
        res = self._st._call(
            "search",
            self._c.search,
            self._names["chunks"],
            data=[data],
            anns_field=field,
            limit=min(k, 16384),  # Milvus's largest top k
            filter=filter_expr(filters),
            output_fields=CHUNK_FIELDS,
            search_params={"metric_type": "IP", "params": self._st.search_params(field)},
        )
        return [(_chunk(h["entity"]), float(h["distance"])) for h in res[0]]

    def dense(self, q, k, filters):
        return self._search(np.asarray(q, dtype=np.float32).tolist(), "dense", k, filters)

    def lexical(self, terms, k, filters):
        tids = {term_id(t) for t in terms}
        stats = Stats(n=self.n_searchable, df=Counter(self._st.dfs(self.gen, tids)))
        qv = query_vector(terms, stats)
        if not qv:
            return []
        return [(c, s) for c, s in self._search(qv, "sparse", k, filters) if s > 0]

    def vectors(self, chunks):
        dim = int(self.manifest["embedder"]["dim"])
        if not chunks:
            return np.zeros((0, dim), dtype=np.float32)
        got = {}
        ids = [c.chunk_id for c in chunks]
        for i in range(0, len(ids), BATCH):
            for r in self._st._call(
                "read vectors",
                self._c.get,
                self._names["chunks"],
                ids=ids[i : i + BATCH],
                output_fields=["dense"],
            ):
                got[r["chunk_id"]] = r["dense"]
        return np.array([got[i] for i in ids], dtype=np.float32)

    def df(self, term: str) -> int:
        return self._st.dfs(self.gen, {term_id(term)}).get(term_id(term), 0)

    def vectors_by_hash(self):
        rows = self._rows(["hash", "dense"], 'dup_of == ""')
        return {r["hash"]: np.asarray(r["dense"], dtype=np.float32) for r in rows}


class MilvusStore:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.uri = settings.milvus_uri or str(Path(settings.index_dir) / "milvus.db")
        self.where = f"Milvus {self.uri} ({settings.milvus_collection})"
        self.timeout = settings.milvus_timeout
        self.prefix = settings.milvus_collection
        self.client = client(self.uri, settings.milvus_token, self.timeout)
        self._loaded: set[str] = set()

    def names(self, gen: int) -> dict[str, str]:
        return {k: f"{self.prefix}_{k}_g{gen}" for k in ("chunks", "docs", "terms")}

    def search_params(self, field: str) -> dict:
        if field == "dense" and self._dense_index()[0] == "HNSW":
            return {"ef": 512}
        return {}

    def _dense_index(self) -> tuple[str, dict]:
        # milvus-lite offers FLAT, IVF and HNSW; exact FLAT matches the local
        # index below its HNSW threshold. A server gets HNSW as FAISS does above it.
        if is_server(self.uri):
            return "HNSW", {"M": 32, "efConstruction": 80}
        return "FLAT", {}

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, timeout=self.timeout, **kwargs)
        except IndexError_:
            raise
        except Exception as e:
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise IndexError_(f"{self.where}: {what} failed: {why}") from None

    # --- meta ----------------------------------------------------------------
    def _meta(self) -> str:
        name = f"{self.prefix}_meta"
        if name not in self._loaded:
            if not self._call("list collections", self.client.has_collection, name):
                return ""
            self._call("load", self.client.load_collection, name)
            self._loaded.add(name)
        return name

    def _current(self, any_format: bool = False) -> dict | None:
        """The meta row; one of another format is refused unless `any_format`
        (a full write replaces it)."""
        name = self._meta()
        if not name:
            return None
        rows = self._call(
            "read the current generation",
            self.client.query,
            name,
            filter='key == "current"',
            output_fields=["value"],
        )
        if not rows:
            return None
        try:
            cur = json.loads(rows[0]["value"])
            assert cur["format"] == FORMAT
        except (ValueError, KeyError, TypeError, AssertionError):
            raise IndexError_(
                f"{self.where}: corrupt meta row; run `qa index` again to rebuild the index"
            ) from None
        if cur.get("format_version") != FORMAT_VERSION and not any_format:
            raise IndexError_(
                f"{self.where}: index format {cur.get('format_version')}, "
                f"this qa reads {FORMAT_VERSION}; run `qa index` again"
            )
        return cur

    def _set_current(self, cur: dict) -> None:
        name = f"{self.prefix}_meta"
        if not self._call("list collections", self.client.has_collection, name):
            from pymilvus import DataType

            s = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
            s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
            s.add_field("value", DataType.VARCHAR, max_length=65535)
            s.add_field("vec", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector field
            ip = self.client.prepare_index_params()
            ip.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
            self._call(
                "create the meta collection",
                self.client.create_collection,
                name,
                schema=s,
                index_params=ip,
            )
            self._call("load", self.client.load_collection, name)
            self._loaded.add(name)
        value = json.dumps(cur, ensure_ascii=False)
        if len(value.encode()) > 65535:
            raise IndexError_(f"{self.where}: manifest too large for the meta row")
        self._call(
            "write the current generation",
            self.client.upsert,
            name,
            [{"key": "current", "value": value, "vec": [0.0, 0.0]}],
        )

    def current(self):
        cur = self._current()
        return cur["generation"] if cur else None

    def read_manifest(self) -> dict:
        cur = self._current()
        if cur is None:
            raise IndexError_(f"{self.where}: no index here yet; run `qa index` first")
        return cur["manifest"]

    def iterate(self, what: str, name: str, fields: list[str], expr: str = "") -> list[dict]:
        """Every row of a collection (or those matching `expr`), in batches."""
        rows = []
        try:
            it = self.client.query_iterator(
                name, batch_size=1000, filter=expr, output_fields=fields, timeout=self.timeout
            )
            try:
                while batch := it.next():
                    rows.extend(batch)
            finally:
                it.close()
        except Exception as e:
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise IndexError_(f"{self.where}: {what} failed: {why}") from None
        return rows

    def dfs(self, gen: int, tids) -> dict[int, int]:
        tids = list(tids)
        out: dict[int, int] = {}
        for i in range(0, len(tids), 1000):
            part = tids[i : i + 1000]
            rows = self._call(
                "read term counts",
                self.client.query,
                self.names(gen)["terms"],
                filter=f"id in {part}",
                output_fields=["id", "df"],
            )
            out.update({int(r["id"]): int(r["df"]) for r in rows})
        return out

    def load(self, embedder_name=None, verify=True, embedder_dim=None) -> MilvusSnapshot:
        from ..store import check_embedder

        cur = self._current()
        if cur is None:
            raise IndexError_(f"{self.where}: no index here yet; run `qa index` first")
        if embedder_name is not None:
            check_embedder(cur["manifest"], embedder_name, self.where, embedder_dim)
        names = self.names(cur["gen"])
        for n in names.values():
            if n not in self._loaded:
                if not self._call("list collections", self.client.has_collection, n):
                    raise IndexError_(
                        f"{self.where}: collection {n} is missing; run `qa index` again "
                        "to rebuild the index"
                    )
                self._call("load", self.client.load_collection, n)  # needed after a restart
                self._loaded.add(n)
        rows = self.iterate("list documents", names["docs"], ["record"])
        docs = [json.loads(r["record"]) for r in rows]
        docs.sort(key=lambda d: d.get("seq", 0))
        for d in docs:
            d.pop("seq", None)
        return MilvusSnapshot(self, cur, docs)

    def writer(self):
        # milvus-lite locks its file to one process; a server has no lock, so
        # run one `qa index` at a time against it (docs/scale.md).
        return contextlib.nullcontext()

    # --- write ---------------------------------------------------------------
    def write(self, state: IndexState, prev) -> tuple[str, list[str]]:
        if state.sentences is not None:
            raise IndexError_(
                "QA_SENTENCE_VECTORS is kept in the local index only; unset it with QA_STORE=milvus"
            )
        cur = self._current(any_format=True)
        full = (
            prev is None
            or cur is None
            or cur.get("format_version") != FORMAT_VERSION
            or cur.get("dirty")
            or not isinstance(prev, MilvusSnapshot)
            or prev.gen != cur["gen"]
            or prev.manifest.get("chunking") != state.manifest.get("chunking")
        )
        if full:
            notes = (
                ["interrupted Milvus write: rebuilt in full"] if cur and cur.get("dirty") else []
            )
            return self._write_full(state, cur), notes
        return self._write_delta(state, prev, cur)

    def _manifest(self, state: IndexState, stats: Stats) -> dict:
        kind, params = self._dense_index()
        m = {k: v for k, v in state.manifest.items() if k != "documents"}
        m.update(
            store={"type": "milvus", "collection": self.prefix},
            dense_index={"type": kind, **params},
            bm25={"sparse": "client-side", "k1": K1, "b": B, "avgdl": stats.avgdl_ref},
            counts={
                "documents": len(state.documents),
                "chunks": len(state.chunks),
                "searchable": state.n_searchable,
                "duplicates": len(state.duplicates),
            },
        )
        return m

    def _create(self, names: dict[str, str], dim: int) -> None:
        from pymilvus import DataType

        c = self.client
        s = c.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=1024)
        s.add_field("doc_id", DataType.VARCHAR, max_length=1024)
        s.add_field("ordinal", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=65535)
        s.add_field("start", DataType.INT64)
        s.add_field("end", DataType.INT64)
        s.add_field("hash", DataType.VARCHAR, max_length=64)
        s.add_field("title", DataType.VARCHAR, max_length=4096)
        s.add_field("date", DataType.VARCHAR, max_length=64)
        s.add_field("source", DataType.VARCHAR, max_length=1024)
        s.add_field("source_lc", DataType.VARCHAR, max_length=1024)
        s.add_field("context", DataType.VARCHAR, max_length=4096)
        s.add_field("dup_of", DataType.VARCHAR, max_length=1024)
        s.add_field("seq", DataType.INT64)
        s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        ip = c.prepare_index_params()
        kind, params = self._dense_index()
        ip.add_index(field_name="dense", index_type=kind, metric_type="IP", params=params)
        ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self._call(
            "create the chunks collection",
            c.create_collection,
            names["chunks"],
            schema=s,
            index_params=ip,
        )
        for key, pk, pk_args, field, ftype, fargs in (
            (
                "docs",
                "doc_id",
                {"max_length": 1024},
                "record",
                DataType.VARCHAR,
                {"max_length": 65535},
            ),
            ("terms", "id", {}, "df", DataType.INT64, {}),
        ):
            s = c.create_schema(auto_id=False, enable_dynamic_field=False)
            pk_type = DataType.VARCHAR if pk_args else DataType.INT64
            s.add_field(pk, pk_type, is_primary=True, **pk_args)
            s.add_field(field, ftype, **fargs)
            s.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
            ip = c.prepare_index_params()
            ip.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
            self._call(
                f"create the {key} collection",
                c.create_collection,
                names[key],
                schema=s,
                index_params=ip,
            )
        for n in names.values():
            self._call("load", c.load_collection, n)
            self._loaded.add(n)

    def _chunk_rows(self, state: IndexState, idx: list[int], avgdl: float, dim: int, terms: dict):
        """Rows for the chunks at `idx`; `terms` holds the analysed terms the
        BM25 statistics already computed (row index -> terms)."""
        n = state.n_searchable
        zero = [0.0] * dim
        for i in idx:
            c = state.chunks[i]
            dup = state.duplicates.get(c.chunk_id, "")
            yield {
                **{f: getattr(c, f) for f in CHUNK_FIELDS if f not in ("dup_of", "seq")},
                "source_lc": (c.source or "").lower(),
                "dup_of": dup,
                "seq": i,
                "dense": state.vectors[i].tolist() if i < n else zero,
                # a duplicate is never searched (dup_of filters it out)
                "sparse": (
                    chunk_vector(
                        terms[i] if i in terms else chunk_terms(c.title, c.indexed_text), avgdl
                    )
                    if i < n
                    else NO_DUP
                ),
            }

    def _put(self, name: str, rows, what: str, method: str = "upsert") -> None:
        fn = getattr(self.client, method)
        batch = []
        for r in rows:
            batch.append(r)
            if len(batch) >= BATCH:
                self._call(what, fn, name, batch)
                batch = []
        if batch:
            self._call(what, fn, name, batch)

    def _doc_rows(self, state: IndexState, doc_ids=None):
        for seq, d in enumerate(state.documents):
            if doc_ids is None or d["doc_id"] in doc_ids:
                rec = json.dumps({**d, "seq": seq}, ensure_ascii=False)
                yield {"doc_id": d["doc_id"], "record": rec, "vec": [0.0, 0.0]}

    def _write_full(self, state: IndexState, cur: dict | None) -> str:
        dim = int(state.manifest["embedder"]["dim"])
        gen = (cur["gen"] + 1) if cur else 1
        names = self.names(gen)
        stats = Stats()
        terms = {
            i: chunk_terms(c.title, c.indexed_text)
            for i, c in enumerate(state.chunks[: state.n_searchable])
        }
        for t in terms.values():
            stats.add(t)
        stats.avgdl_ref = stats.avgdl
        try:
            for n in names.values():  # leftovers of a build that died before its switch
                if self._call("list collections", self.client.has_collection, n):
                    self._call("drop", self.client.drop_collection, n)
            self._create(names, dim)
            every = list(range(len(state.chunks)))
            rows = self._chunk_rows(state, every, stats.avgdl_ref, dim, terms)
            self._put(names["chunks"], rows, "insert chunks", "insert")
            self._put(names["docs"], self._doc_rows(state), "insert documents", "insert")
            terms = ({"id": t, "df": d, "vec": [0.0, 0.0]} for t, d in stats.df.items())
            self._put(names["terms"], terms, "insert term counts", "insert")
            number = (cur["number"] + 1) if cur else 1
            new = self._record(state, stats, gen, number)
            self._set_current(new)  # the switch
        except BaseException:
            for n in names.values():
                with contextlib.suppress(Exception):
                    self.client.drop_collection(n, timeout=self.timeout)
                    self._loaded.discard(n)
            raise
        if cur:
            for n in self.names(cur["gen"]).values():
                with contextlib.suppress(Exception):
                    self.client.drop_collection(n, timeout=self.timeout)
                    self._loaded.discard(n)
        return new["generation"]

    def _record(self, state, stats: Stats, gen: int, number: int, dirty: bool = False) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "gen": gen,
            "number": number,
            "generation": f"milvus-g{gen}-{number:06d}",
            "dirty": dirty,
            "manifest": self._manifest(state, stats),
            "stats": {"n": stats.n, "total_len": stats.total_len, "avgdl_ref": stats.avgdl_ref},
        }

    def _write_delta(self, state: IndexState, prev: MilvusSnapshot, cur: dict):
        dim = int(state.manifest["embedder"]["dim"])
        names = self.names(cur["gen"])

        def sig(c: Chunk, dup: str):
            return (c.doc_id, c.ordinal, c.hash, c.start, c.end, c.title, c.date, c.source, dup)

        old = {c.chunk_id: (c, prev.duplicates.get(c.chunk_id, "")) for c in prev.chunks}
        new_idx = {c.chunk_id: i for i, c in enumerate(state.chunks)}
        deleted = [cid for cid in old if cid not in new_idx]
        upsert = [
            i
            for i, c in enumerate(state.chunks)
            if c.chunk_id not in old
            or sig(c, state.duplicates.get(c.chunk_id, "")) != sig(*old[c.chunk_id])
        ]
        s = cur["stats"]
        stats = Stats(n=s["n"], total_len=s["total_len"], avgdl_ref=s["avgdl_ref"])
        for cid in deleted + [state.chunks[i].chunk_id for i in upsert]:
            if cid in old and not old[cid][1]:  # was searchable: its terms leave
                stats.add(chunk_terms(old[cid][0].title, old[cid][0].indexed_text), -1)
        terms = {
            i: chunk_terms(state.chunks[i].title, state.chunks[i].indexed_text)
            for i in upsert
            if i < state.n_searchable
        }
        for t in terms.values():
            stats.add(t, +1)
        notes = []
        if stats.needs_reweight():
            notes.append(
                f"BM25 weights rewritten: mean chunk length moved over {REWEIGHT_DRIFT:.0%}"
            )
            stats.avgdl_ref = stats.avgdl
            upsert = list(range(len(state.chunks)))
        changed_docs = {state.chunks[i].doc_id for i in upsert} | state.changed

        number = cur["number"] + 1
        self._set_current({**cur, "dirty": True})
        if deleted:
            for i in range(0, len(deleted), BATCH):
                self._call(
                    "delete chunks", self.client.delete, names["chunks"], ids=deleted[i : i + BATCH]
                )
        self._put(
            names["chunks"],
            self._chunk_rows(state, upsert, stats.avgdl_ref, dim, terms),
            "upsert chunks",
        )
        # df: the touched terms' counts, read, moved by this write's delta, written back
        delta = stats.df
        before = self.dfs(cur["gen"], delta.keys())
        after = {t: before.get(t, 0) + d for t, d in delta.items()}
        gone = [t for t, d in after.items() if d <= 0]
        self._put(
            names["terms"],
            ({"id": t, "df": d, "vec": [0.0, 0.0]} for t, d in after.items() if d > 0),
            "upsert term counts",
        )
        for i in range(0, len(gone), 1000):
            self._call(
                "delete term counts", self.client.delete, names["terms"], ids=gone[i : i + 1000]
            )
        if state.removed:
            self._call(
                "delete documents", self.client.delete, names["docs"], ids=sorted(state.removed)
            )
        self._put(names["docs"], self._doc_rows(state, changed_docs), "upsert documents")
        new = self._record(state, stats, cur["gen"], number)
        self._set_current(new)
        log.info("milvus: %d chunks upserted, %d deleted", len(upsert), len(deleted))
        return new["generation"], notes
