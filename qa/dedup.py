"""Near-duplicate chunks (syndicated copies of one wire story) via MinHash LSH.

Each chunk is a set of word 3-shingles (accent- and case-folded). A chunk whose
estimated Jaccard similarity with an earlier kept chunk reaches `threshold`
is recorded as its duplicate and is not searchable, so five hits can never
be five copies of one dispatch. Order decides which copy is kept: the first
indexed.
"""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

from .analyze import fold
from .types import Chunk

NUM_PERM = 64


def _shingles(text: str, n: int = 3) -> set[bytes]:
    words = re.findall(r"\w+", fold(text))
    if len(words) < n:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def _minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(list(_shingles(text)))
    return m


def find_duplicates(chunks: list[Chunk], threshold: float = 0.8) -> dict[str, str]:
    """chunk_id of each duplicate -> chunk_id of the copy that is kept."""
    if threshold >= 1.0 or len(chunks) < 2:
        return {}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes: dict[str, MinHash] = {}
    dups: dict[str, str] = {}
    for c in chunks:
        m = _minhash(c.text)
        best, best_j = None, threshold
        for cand in lsh.query(m):
            j = m.jaccard(hashes[cand])
            if j >= best_j:
                best, best_j = cand, j
        if best is not None:
            dups[c.chunk_id] = best
            continue
        hashes[c.chunk_id] = m
        lsh.insert(c.chunk_id, m)
    return dups
