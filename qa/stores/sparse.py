"""BM25 as sparse vectors, for stores that search a sparse field by inner product.

A chunk's vector holds, for each analysed term t with frequency tf in it,

    tf / (tf + k1 * (1 - b + b * dl / avgdl))        (the Lucene tf part)

and a query's holds, for each of its terms, count * idf(t) with Lucene's
idf = ln(1 + (N - df + 0.5) / (df + 0.5)). Their inner product is the BM25
score that bm25s computes for the local index ("lucene" method), to float
precision: the same analyser (qa/analyze.py), the same k1, b.

Term ids are a stable hash of the analysed term (blake2b, 32 bits: Milvus
takes sparse indices below 2^32 - 1), so two processes, or two machines of
a Ray cluster, give a term the same id with no shared vocabulary. Two terms
of a million-term vocabulary share an id about a hundred times; each such
pair scores as one term. N, df and avgdl are counts the store keeps beside the
vectors (`Stats`); df changes with every write, so query weights are
always exact, while chunk weights use the avgdl they were written with
(`Stats.avgdl_ref`) until it drifts past `REWEIGHT_DRIFT`.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

from ..analyze import analyze

K1, B = 1.2, 0.75
# Chunk weights are rewritten when the corpus's mean length moves this far
# from the one they were computed with: a 10% change moves a weight by at
# most ~5% (tf/(tf + k1 * ...)) and keeps incremental writes incremental.
REWEIGHT_DRIFT = 0.10


# Milvus takes sparse indices below 2^32 - 1; the last one is kept for rows
# that must never match a term (a sparse vector needs one non-zero weight).
NO_TERM = 2**32 - 2


def term_id(term: str) -> int:
    """A stable id in [0, NO_TERM) for an analysed term."""
    h = int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "big")
    return h % NO_TERM


def chunk_terms(title: str, text: str) -> list[str]:
    """What BM25 indexes for a chunk: its title and text, as the local index does."""
    return analyze(f"{title}\n{text}" if title else text) or [""]


@dataclass
class Stats:
    """Corpus counts behind the weights: chunks, total length, df per term id."""

    n: int = 0
    total_len: int = 0
    df: Counter = field(default_factory=Counter)
    avgdl_ref: float = 0.0  # the avgdl the stored chunk weights were computed with

    @property
    def avgdl(self) -> float:
        return self.total_len / self.n if self.n else 0.0

    def add(self, terms: list[str], sign: int = 1) -> None:
        self.n += sign
        self.total_len += sign * len(terms)
        for tid in {term_id(t) for t in terms}:
            self.df[tid] += sign  # a write's delta may go below zero

    def needs_reweight(self) -> bool:
        if not self.avgdl_ref:
            return True
        return abs(self.avgdl - self.avgdl_ref) > REWEIGHT_DRIFT * self.avgdl_ref

    def idf(self, tid: int) -> float:
        df = self.df.get(tid, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


def chunk_vector(terms: list[str], avgdl: float) -> dict[int, float]:
    dl = len(terms)
    norm = K1 * (1 - B + B * dl / avgdl) if avgdl else K1
    return {term_id(t): tf / (tf + norm) for t, tf in Counter(terms).items()}


def query_vector(terms: list[str], stats: Stats) -> dict[int, float]:
    """Weights of the query's terms that some chunk holds (others cannot score)."""
    out: dict[int, float] = {}
    for t, count in Counter(terms).items():
        tid = term_id(t)
        if stats.df.get(tid):
            out[tid] = count * stats.idf(tid)
    return out
