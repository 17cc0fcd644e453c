"""The two index backends side by side, on the same synthetic corpus, in one run:
insert throughput, query p50/p95 per mode through the Retriever, disk.

    python -m bench.stores_bench [--sizes 10000,100000] [--queries 100] [--out runs/bench/stores]

Local = FAISS + bm25s generations (qa/stores/local.py); milvus = milvus-lite
(qa/stores/milvus.py, FLAT dense + sparse inverted index). Both get the same
IndexState (chunks, vectors), so insert time is the store's own work: FAISS +
BM25 + checksummed files, or Milvus inserts with client-side BM25 weights.
Queries reuse the synthetic query vectors (the embedder is the same for both
and is timed in the query section of `make bench`). Writes a JSON record and
a bar chart.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import dir_size_mb, percentiles  # noqa: E402
from bench.index_bench import (  # noqa: E402
    CORPUS_SEED,
    DIM,
    EMBEDDER_NAME,
    QUERY_SEED,
    VOCAB,
    StubEmbedder,
    synthetic_chunks,
    vector_model,
)
from bench.synth import corpus_ids, query_terms, vocabulary  # noqa: E402

MODES = ("dense", "bm25", "hybrid")


def corpus(n: int):
    from qa.stores import IndexState

    vocab = vocabulary(VOCAB)
    ids = corpus_ids(n, len(vocab), seed=CORPUS_SEED)
    chunks, docs = synthetic_chunks(ids, vocab)
    vm = vector_model()
    state = IndexState(
        manifest={
            "embedder": {"name": EMBEDDER_NAME, "dim": DIM},
            "chunking": {"synthetic": True},
            "dedup": {},
            "documents": {d["doc_id"]: d["sha256"] for d in docs},
        },
        documents=docs,
        chunks=chunks,
        duplicates={},
        vectors=vm.sample(n, seed=CORPUS_SEED).astype(np.float32),
    )
    return state, vm, vocab


def measure(store: str, state, vm, vocab, work: Path, n_queries: int) -> dict:
    from qa.config import Settings
    from qa.retrieve import Retriever
    from qa.stores import open_store
    from qa.types import Filters

    where = work / f"{store}-{len(state.chunks)}"
    shutil.rmtree(where, ignore_errors=True)
    s = Settings(
        index_dir=str(where / "index"),
        store=store,
        milvus_uri=str(where / "milvus.db"),
        embedder="bench-stub",
        milvus_timeout=600.0,
    )
    n = len(state.chunks)
    st = open_store(s)
    t = time.perf_counter()
    with st.writer():
        st.write(state, None)
    insert_s = time.perf_counter() - t
    rec = {"chunks": n, "insert_s": insert_s, "insert_chunks_per_s": n / insert_s}
    t = time.perf_counter()
    r = Retriever(s, embedder=StubEmbedder(vm))
    rec["open_s"] = time.perf_counter() - t
    qtexts = query_terms(n_queries, vocab, seed=QUERY_SEED)
    qvecs = vm.sample(n_queries, seed=QUERY_SEED)
    f = Filters(date_from="2023-03", source="afp")
    for mode in MODES + ("hybrid+filter",):
        m, filters = mode.split("+")[0], f if "filter" in mode else None
        for i in range(min(5, n_queries)):  # warm-up
            r.search(qtexts[i], k=10, mode=m, query_vector=qvecs[i], filters=filters)
        ts = []
        for i in range(n_queries):
            t = time.perf_counter()
            r.search(qtexts[i], k=10, mode=m, query_vector=qvecs[i], filters=filters)
            ts.append(time.perf_counter() - t)
        rec[mode] = percentiles(ts)
    top = [
        [
            (h.chunk.chunk_id, h.score)
            for h in r.search(qtexts[i], k=10, mode=m, query_vector=qvecs[i])
        ]
        for m in MODES
        for i in range(min(20, n_queries))
    ]
    rec["disk_mb"] = dir_size_mb(where)
    del r
    if store == "milvus":
        from qa.stores.milvus import close_client

        close_client(s.milvus_uri)
    return rec, top


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(res["sizes"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, (title, key) in zip(
        axes, (("insert, chunks/s", None), ("hybrid query p50, ms", "p50_ms"))
    ):
        for j, store in enumerate(("local", "milvus")):
            vals = [
                res["sizes"][n][store]["insert_chunks_per_s"]
                if key is None
                else res["sizes"][n][store]["hybrid"][key]
                for n in sizes
            ]
            ax.bar(np.arange(len(sizes)) + 0.4 * j, vals, 0.4, label=store)
        ax.set_xticks(np.arange(len(sizes)) + 0.2, [f"{int(n):,}" for n in sizes])
        ax.set_title(title)
        ax.set_yscale("log")
        ax.set_xlabel("chunks")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--out", default=str(ROOT / "runs" / "bench" / "stores"))
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    res: dict = {"sizes": {}}
    for n in [int(x) for x in a.sizes.split(",")]:
        state, vm, vocab = corpus(n)
        row, tops = {}, {}
        for store in ("local", "milvus"):
            row[store], tops[store] = measure(store, state, vm, vocab, out / "work", a.queries)
            print(f"{n} {store}: {json.dumps(row[store])}", flush=True)
        # the backends rank alike: the same top-10 scores in order (synthetic
        # text has exact BM25 ties, and a tie at the cut may keep either chunk),
        # and the share of the same chunks
        pairs = list(zip(tops["local"], tops["milvus"]))
        row["same_top10_scores"] = float(
            np.mean(
                [
                    len(x) == len(y)
                    and np.allclose([s for _, s in x], [s for _, s in y], atol=1e-4)
                    for x, y in pairs
                ]
            )
        )
        row["same_top10_chunks"] = float(
            np.mean([len({c for c, _ in x} & {c for c, _ in y}) / 10 for x, y in pairs])
        )
        row["ratios"] = {
            "insert_local_over_milvus": row["local"]["insert_chunks_per_s"]
            / row["milvus"]["insert_chunks_per_s"],
            **{
                f"{m}_p50_milvus_over_local": row["milvus"][m]["p50_ms"] / row["local"][m]["p50_ms"]
                for m in MODES
            },
            "disk_milvus_over_local": row["milvus"]["disk_mb"] / row["local"]["disk_mb"],
        }
        res["sizes"][n] = row
        (out / "stores.json").write_text(json.dumps(res, indent=1))
    shutil.rmtree(out / "work", ignore_errors=True)
    plot(res, out / "stores.png")
    summary = {
        n: r["ratios"] | {k: r[k] for k in ("same_top10_scores", "same_top10_chunks")}
        for n, r in res["sizes"].items()
    }
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
