"""The embedded default: FAISS + bm25s files in generations (qa/store.py).

Every write rebuilds FAISS and BM25 from the full state (cheap next to
embedding, and it makes removal exact), except that an HNSW index over
unchanged rows grows in place. Loads map the files read-only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import store
from ..analyze import ANALYZER_VERSION, analyze
from ..config import Settings
from ..types import Chunk, Filters
from . import IndexState

BM25 = {"analyzer": ANALYZER_VERSION, "k1": 1.2, "b": 0.75, "method": "lucene"}


def build_faiss(vectors: np.ndarray, dim: int, hnsw_threshold: int):
    """Exact inner-product search up to `hnsw_threshold` vectors, HNSW above."""
    import faiss

    if len(vectors) > hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        # recall@10 vs exact on bench/'s synthetic vectors (docs/bench.md): at 1M,
        # efSearch 256 -> 0.90, 512 -> 0.963 (faiss p50 19 ms); at 100k 128 -> 0.955
        index.hnsw.efSearch = 512
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def faiss_description(index) -> dict:
    import faiss

    if isinstance(index, faiss.IndexHNSWFlat):
        return {"type": "hnsw", "M": 32, "efSearch": int(index.hnsw.efSearch)}
    return {"type": "flat"}


def build_bm25(chunks: list[Chunk]):
    import bm25s

    bm25 = bm25s.BM25(k1=BM25["k1"], b=BM25["b"])
    corpus = [
        analyze(f"{c.title}\n{c.indexed_text}" if c.title else c.indexed_text) or [""]
        for c in chunks
    ]
    bm25.index(corpus, show_progress=False)
    return bm25


@dataclass
class LocalSnapshot(store.IndexData):
    """A loaded generation, searchable. Rows of FAISS and BM25 are the first
    `n_searchable` chunks."""

    def __post_init__(self):
        self._row = {c.chunk_id: i for i, c in enumerate(self.chunks[: self.n_searchable])}
        self._columns = None  # (dates, lower-cased sources) for filters, on first use

    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        """Filters.keep over every searchable chunk, as numpy string
        comparisons on columns built once per snapshot (a Python loop
        over 100k chunks cost ~85 ms a query, docs/scale.md)."""
        if not filters:
            return None
        if self._columns is None:
            chunks = self.chunks[: self.n_searchable]
            self._columns = (
                np.array([c.date or "" for c in chunks], dtype=str),
                np.array([(c.source or "").lower() for c in chunks], dtype=str),
            )
        dates, sources = self._columns
        keep = np.ones(len(dates), dtype=bool)
        if filters.date_from or filters.date_to:
            keep &= dates != ""
        if f := filters.date_from:
            keep &= dates.astype(f"U{len(f)}") >= f  # the ISO prefix, as Filters.keep
        if f := filters.date_to:
            keep &= dates.astype(f"U{len(f)}") <= f
        if filters.source:
            keep &= np.char.find(sources, filters.source.lower()) >= 0
        return keep

    def dense(self, q, k, filters):
        import faiss

        allowed = self._allowed(filters)
        k = min(k, self.n_searchable)
        if k == 0 or (allowed is not None and not allowed.any()):
            return []
        q = np.ascontiguousarray(q.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64))
            params = (
                faiss.SearchParametersHNSW(sel=sel)
                if hasattr(self.faiss, "hnsw")
                else faiss.SearchParameters(sel=sel)
            )
        # One query runs faster on one OpenMP thread: flat search at 100k was
        # 13.2 vs 27.8 ms p50 on two (0.77 vs 1.73 ms at 10k), and 2-3x less
        # under load (docs/bench.md). The setting is per calling thread; HNSW
        # searches one query serially either way.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = self.faiss.search(q, k, params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        return [(self.chunks[int(i)], float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def lexical(self, terms, k, filters):
        ids = self.bm25.get_tokens_ids(terms)
        if not ids or self.n_searchable == 0:
            return []
        scores = np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)
        allowed = self._allowed(filters)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[int(i)], float(scores[i])) for i in top if scores[i] > 0]

    def vectors(self, chunks):
        if not chunks:
            return np.zeros((0, int(self.manifest["embedder"]["dim"])), dtype=np.float32)
        rows = np.array([self._row[c.chunk_id] for c in chunks], dtype=np.int64)
        return self.faiss.reconstruct_batch(rows)

    def df(self, term: str) -> int:
        tid = self.bm25.vocab_dict.get(term)
        indptr = self.bm25.scores["indptr"]
        return 0 if tid is None else int(indptr[tid + 1] - indptr[tid])

    def vectors_by_hash(self):
        return store.vectors_by_hash(self)


class LocalStore:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.index_dir)
        self.where = str(self.root)

    def current(self):
        return store.current_generation(self.root)

    def read_manifest(self):
        return store.read_manifest(self.root)

    def load(self, embedder_name=None, verify=True, embedder_dim=None) -> LocalSnapshot:
        data = store.load(self.root, embedder_name, verify, embedder_dim)
        snap = LocalSnapshot(**{f: getattr(data, f) for f in data.__dataclass_fields__})
        if hasattr(snap.faiss, "hnsw"):
            snap.faiss.hnsw.efSearch = snap.manifest["faiss"].get("efSearch", 128)
        return snap

    @contextlib.contextmanager
    def writer(self):
        with store.writer_lock(self.root):
            store.cleanup(self.root)  # what a killed run left behind
            yield

    def write(self, state: IndexState, prev) -> tuple[str, list[str]]:
        notes = []
        searchable = state.chunks[: state.n_searchable]
        index = self._grow_hnsw(prev, searchable, state.vectors, state.manifest)
        if index is not None:
            notes.append(f"HNSW index grown in place (+{index.ntotal - prev.n_searchable})")
        else:
            dim = int(state.manifest["embedder"]["dim"])
            index = build_faiss(state.vectors, dim, self.settings.hnsw_threshold)
        data = store.IndexData(
            manifest={**state.manifest, "faiss": faiss_description(index), "bm25": BM25},
            documents=state.documents,
            chunks=state.chunks,
            duplicates=state.duplicates,
            faiss=index,
            bm25=build_bm25(searchable),
            sentences=state.sentences,
        )
        return store.save(self.root, data), notes

    def _grow_hnsw(self, prev, searchable: list[Chunk], vectors: np.ndarray, manifest: dict):
        """The previous HNSW index plus the new rows, or None to build afresh.

        Building HNSW costs ~45 min at 1M vectors on 2 cores (docs/bench.md); an
        update that only adds documents need not pay it again. Only possible when
        every previous row is still there, unchanged and in place: HNSW cannot
        delete, so a removal or an edit rebuilds."""
        if (
            prev is None
            or not hasattr(prev.faiss, "hnsw")
            or len(searchable) <= self.settings.hnsw_threshold
            or prev.manifest["embedder"] != manifest["embedder"]
        ):
            return None
        n = prev.n_searchable
        if len(searchable) < n or prev.faiss.ntotal != n:
            return None
        if any(
            a.chunk_id != b.chunk_id or a.hash != b.hash for a, b in zip(searchable, prev.chunks)
        ):
            return None
        index = store.read_faiss_copy(self.root, prev.generation)
        if len(searchable) > n:
            index.add(np.ascontiguousarray(vectors[n:], dtype=np.float32))
        return index
