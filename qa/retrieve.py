"""Query -> ranked `Hit`s: dense, BM25, their fusion, filters.

A `Retriever` holds a snapshot of the index (qa/stores/: local files or
Milvus) and the embedder for the life of the process: nothing is reloaded
per query. Before each search it asks the store for its live generation
(one small file read, or one Milvus query) and reloads when another process
has written a new one, so a running chat picks up `qa index` runs without a
restart.

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

from .analyze import analyze
from .config import Settings
from .embed import Embedder, load_embedder
from .reader import load_reader
from .stores import Snapshot, open_store
from .types import Chunk, Filters, Hit

log = logging.getLogger(__name__)
QUERY_CACHE_SIZE = 1024  # query vectors kept (1.5 KB each at 384 dims)
MODES = ("hybrid", "dense", "bm25", "rerank")  # rerank = hybrid, then the reader (or QA_RERANKER)


@dataclass
class Retrieval:
    hits: list[Hit]
    data: Snapshot
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


class Retriever:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or load_embedder(
            self.settings.embedder, self.settings.embed_batch_size
        )
        self._lock = threading.Lock()
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qlock = threading.Lock()  # not _lock: a reload must not stall cache hits
        self.store = open_store(self.settings)
        self.data: Snapshot | None = None
        self.refresh()

    # --- index lifecycle -----------------------------------------------------
    def refresh(self) -> bool:
        """Load the index if its CURRENT generation changed. True if reloaded."""
        gen = self.store.current()
        if self.data is not None and gen == self.data.generation:
            return False
        with self._lock:
            if self.data is not None and gen == self.data.generation:
                return False
            data = self.store.load(
                self.embedder.name, self.settings.verify_checksums, embedder_dim=self.embedder.dim
            )
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
        data: Snapshot | None = None,
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
        if data.n_searchable == 0:
            return Retrieval([], data, q)
        cand = max(k, self.settings.candidates)

        dense = data.dense(q, cand, filters) if mode != "bm25" else []
        lexical = data.lexical(analyze(query), cand, filters) if mode != "dense" else []
        if mode == "dense":
            fused = dense
        elif mode == "bm25":
            fused = lexical
        else:
            fused = self._fuse(dense, lexical)
        if mode == "rerank":
            fused = self._rerank(query, fused[: max(k, self.settings.rerank_top)])
        fused = fused[:k]

        # cosine of every hit, for abstention and display
        cos = data.vectors([c for c, _ in fused]) @ q if fused else []
        dense_rank = {c.chunk_id: r for r, (c, _) in enumerate(dense, 1)}
        bm25_score = {c.chunk_id: s for c, s in lexical}
        bm25_rank = {c.chunk_id: r for r, (c, _) in enumerate(lexical, 1)}
        hits = []
        for r, ((chunk, s), c) in enumerate(zip(fused, cos), 1):
            i = chunk.chunk_id
            scores = {"dense": float(c)}
            if i in bm25_score:
                scores["bm25"] = float(bm25_score[i])
            if i in bm25_rank:
                scores["bm25_rank"] = bm25_rank[i]
            if i in dense_rank:
                scores["dense_rank"] = dense_rank[i]
            hits.append(Hit(chunk=chunk, score=float(s), rank=r, scores=scores))
        return Retrieval(hits, data, q)

    def _rerank(self, query: str, fused: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
        if not fused:
            return fused
        texts = [c.text for c, _ in fused]
        if self.settings.reranker:
            model = load_reranker(self.settings.reranker)
            scores = model.predict([(query, t) for t in texts], batch_size=16)
        else:  # the reader's margin: does this passage hold the answer?
            scores = [r.margin for r in load_reader(self.settings.reader).read(query, texts)]
        order = np.argsort(-np.asarray(scores), kind="stable")
        return [(fused[j][0], float(scores[j])) for j in order]

    def _fuse(self, dense, lexical) -> list[tuple[Chunk, float]]:
        s = self.settings
        out: dict[str, float] = {}
        by_id: dict[str, Chunk] = {}
        if s.fusion == "weighted":
            for lst, w in ((dense, s.fusion_weight), (lexical, 1 - s.fusion_weight)):
                if not lst:
                    continue
                vals = np.array([v for _, v in lst])
                lo, hi = vals.min(), vals.max()
                for c, v in lst:
                    by_id[c.chunk_id] = c
                    norm = (v - lo) / (hi - lo) if hi > lo else 1.0
                    out[c.chunk_id] = out.get(c.chunk_id, 0.0) + w * norm
        else:
            for lst in (dense, lexical):
                for r, (c, _) in enumerate(lst, 1):
                    by_id[c.chunk_id] = c
                    out[c.chunk_id] = out.get(c.chunk_id, 0.0) + 1.0 / (s.rrf_k + r)
        # ties broken by first appearance (dense, then BM25), as before
        return [(by_id[i], v) for i, v in sorted(out.items(), key=lambda kv: -kv[1])]
