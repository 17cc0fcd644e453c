"""Query -> ranked `Hit`s: dense (FAISS), BM25, their fusion, filters.

A `Retriever` holds the loaded index and the embedder for the life of the
process: nothing is reloaded per query. Before each search it compares the
index's CURRENT generation with the one in memory (one small file read) and
reloads when another process has written a new one, so a running chat picks
up `qa index` runs without a restart.

Fusion: a convex combination of min-max normalised dense and BM25 scores
over each side's top `candidates` (default; it beat reciprocal-rank fusion
at every chunk size measured, docs/retrieval.md), or RRF. Every hit carries
its dense cosine, even when it came from BM25 only, because the answerer's
abstention reads it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import store
from .analyze import analyze
from .config import Settings
from .embed import Embedder, load_embedder
from .reader import load_reader
from .types import Hit

log = logging.getLogger(__name__)
QUERY_CACHE_SIZE = 1024  # query vectors kept (1.5 KB each at 384 dims)
MODES = ("hybrid", "dense", "bm25", "rerank")  # rerank = hybrid, then the reader (or QA_RERANKER)


@dataclass
class Retrieval:
    hits: list[Hit]
    data: store.IndexData
    query_vector: np.ndarray


_RERANKERS: dict = {}


def load_reranker(spec: str):
    """A sentence-transformers CrossEncoder by model id (if cached) or local path, loaded once."""
    if spec not in _RERANKERS:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import CrossEncoder

        try:
            _RERANKERS[spec] = CrossEncoder(spec, device="cpu")
        except Exception as e:
            raise RuntimeError(
                f"cannot load reranker {spec!r}: {str(e).splitlines()[0] if str(e) else e!r}"
            ) from None
    return _RERANKERS[spec]


def can_rerank(settings: Settings) -> bool:
    """Mode "rerank" needs a scorer of passages: the reader or a cross-encoder."""
    return bool(settings.reranker) or settings.reader != "none"


@dataclass(frozen=True)
class Filters:
    date_from: str = ""  # ISO prefix, inclusive ("2023-09" keeps all of September)
    date_to: str = ""
    source: str = ""  # case-insensitive substring of the source/agency

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.source)

    def keep(self, date: str, source: str) -> bool:
        if self.date_from and (not date or date[: len(self.date_from)] < self.date_from):
            return False
        if self.date_to and (not date or date[: len(self.date_to)] > self.date_to):
            return False
        if self.source and self.source.lower() not in (source or "").lower():
            return False
        return True


class Retriever:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or load_embedder(
            self.settings.embedder, self.settings.embed_batch_size
        )
        self._lock = threading.Lock()
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qlock = threading.Lock()  # not _lock: a reload must not stall cache hits
        self.data: store.IndexData | None = None
        self.refresh()

    # --- index lifecycle -----------------------------------------------------
    def refresh(self) -> bool:
        """Load the index if its CURRENT generation changed. True if reloaded."""
        gen = store.current_generation(self.settings.index_dir)
        if self.data is not None and gen == self.data.generation:
            return False
        with self._lock:
            if self.data is not None and gen == self.data.generation:
                return False
            data = store.load(
                self.settings.index_dir,
                self.embedder.name,
                self.settings.verify_checksums,
                embedder_dim=self.embedder.dim,
            )
            if hasattr(data.faiss, "hnsw"):
                data.faiss.hnsw.efSearch = data.manifest["faiss"].get("efSearch", 128)
            self.data = data
            log.info("loaded index %s (%d chunks)", data.generation, data.n_searchable)
            return True

    # --- search --------------------------------------------------------------
    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding, from a small LRU cache: embedding is ~35 ms of
        a ~37 ms search at 10k chunks (docs/bench.md), and users repeat
        questions (the example buttons, a question re-asked in another mode)."""
        with self._qlock:
            q = self._qcache.get(query)
            if q is not None:
                self._qcache.move_to_end(query)
                return q
        q = self.embedder.embed_queries([query])[0]
        q.setflags(write=False)  # shared between callers
        with self._qlock:
            self._qcache[query] = q
            while len(self._qcache) > QUERY_CACHE_SIZE:
                self._qcache.popitem(last=False)
        return q

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        return self.retrieve(query, k, mode, filters, query_vector).hits

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
        data: store.IndexData | None = None,
    ) -> Retrieval:
        """Hits plus the index snapshot and query vector they came from (the
        answerer reads sentence vectors from the same generation). Pass
        `data` (a previous Retrieval's) to search that same generation again."""
        if data is None:
            self.refresh()
            data = self.data  # one snapshot: a concurrent refresh must not mix generations
        k = k or self.settings.k
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode == "rerank" and not can_rerank(self.settings):
            raise ValueError(
                "mode rerank needs the reader or a cross-encoder: unset QA_READER=none "
                "or set QA_RERANKER to a model id/path"
            )
        q = query_vector if query_vector is not None else self.query_vector(query)
        n = data.n_searchable
        allowed = self._allowed(data, filters) if filters and n else None
        if n == 0 or (allowed is not None and not allowed.any()):
            return Retrieval([], data, q)
        cand = max(k, self.settings.candidates)

        dense = self._dense(data, q, cand, allowed) if mode != "bm25" else []
        lexical = self._bm25(data, query, cand, allowed) if mode != "dense" else []
        if mode == "dense":
            fused = [(i, s) for i, s in dense]
        elif mode == "bm25":
            fused = [(i, s) for i, s in lexical]
        else:
            fused = self._fuse(dense, lexical)
        if mode == "rerank":
            fused = self._rerank(data, query, fused[: max(k, self.settings.rerank_top)])
        fused = fused[:k]

        # cosine of every hit, for abstention and display
        rows = [i for i, _ in fused]
        cos = data.faiss.reconstruct_batch(np.array(rows, dtype=np.int64)) @ q if rows else []
        dense_rank = {i: r for r, (i, _) in enumerate(dense, 1)}
        bm25_score = dict(lexical)
        bm25_rank = {i: r for r, (i, _) in enumerate(lexical, 1)}
        hits = []
        for r, ((i, s), c) in enumerate(zip(fused, cos), 1):
            scores = {"dense": float(c)}
            if i in bm25_score:
                scores["bm25"] = float(bm25_score[i])
            if i in bm25_rank:
                scores["bm25_rank"] = bm25_rank[i]
            if i in dense_rank:
                scores["dense_rank"] = dense_rank[i]
            hits.append(Hit(chunk=data.chunks[i], score=float(s), rank=r, scores=scores))
        return Retrieval(hits, data, q)

    def _rerank(self, data, query: str, fused: list[tuple[int, float]]) -> list[tuple[int, float]]:
        if not fused:
            return fused
        texts = [data.chunks[i].text for i, _ in fused]
        if self.settings.reranker:
            model = load_reranker(self.settings.reranker)
            scores = model.predict([(query, t) for t in texts], batch_size=16)
        else:  # the reader's margin: does this passage hold the answer?
            scores = [r.margin for r in load_reader(self.settings.reader).read(query, texts)]
        order = np.argsort(-np.asarray(scores), kind="stable")
        return [(fused[j][0], float(scores[j])) for j in order]

    def _allowed(self, data: store.IndexData, filters: Filters) -> np.ndarray:
        chunks = data.chunks[: data.n_searchable]
        return np.fromiter((filters.keep(c.date, c.source) for c in chunks), bool, len(chunks))

    def _dense(self, data, q: np.ndarray, cand: int, allowed) -> list[tuple[int, float]]:
        import faiss

        q = np.ascontiguousarray(q.reshape(1, -1), dtype=np.float32)
        cand = min(cand, data.n_searchable)
        params = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64))
            params = (
                faiss.SearchParametersHNSW(sel=sel)
                if hasattr(data.faiss, "hnsw")
                else faiss.SearchParameters(sel=sel)
            )
        # One query runs faster on one OpenMP thread: flat search at 100k was
        # 13.2 vs 27.8 ms p50 on two (0.77 vs 1.73 ms at 10k), and 2-3x less
        # under load (docs/bench.md). The setting is per calling thread; HNSW
        # searches one query serially either way.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = data.faiss.search(q, cand, params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _bm25(self, data, query: str, cand: int, allowed) -> list[tuple[int, float]]:
        bm25 = data.bm25
        ids = bm25.get_tokens_ids(analyze(query))
        if not ids:
            return []
        scores = np.asarray(bm25.get_scores_from_ids(ids), dtype=np.float32)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        cand = min(cand, len(scores))
        top = np.argpartition(-scores, cand - 1)[:cand]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _fuse(self, dense, lexical) -> list[tuple[int, float]]:
        s = self.settings
        out: dict[int, float] = {}
        if s.fusion == "weighted":
            for lst, w in ((dense, s.fusion_weight), (lexical, 1 - s.fusion_weight)):
                if not lst:
                    continue
                vals = np.array([v for _, v in lst])
                lo, hi = vals.min(), vals.max()
                for i, v in lst:
                    out[i] = out.get(i, 0.0) + w * ((v - lo) / (hi - lo) if hi > lo else 1.0)
        else:
            for lst in (dense, lexical):
                for r, (i, _) in enumerate(lst, 1):
                    out[i] = out.get(i, 0.0) + 1.0 / (s.rrf_k + r)
        return sorted(out.items(), key=lambda kv: -kv[1])
