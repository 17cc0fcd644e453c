"""The real query path on the seeds: retrieval with the real query embedder,
answers with the trained reader and with today's sentence scorer
(`QA_READER=none`) timed side by side on the same questions, `qa ask` called
in-process; cProfile of the answers."""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import pstats
import time
from pathlib import Path

from .common import percentiles

ROOT = Path(__file__).resolve().parent.parent


def questions() -> list[str]:
    with open(ROOT / "eval" / "seed_questions.jsonl", encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def run(index_dir: str, rounds: int = 2, profile_top: int = 14) -> dict:
    from qa.answer import extractive_answer
    from qa.config import Settings
    from qa.retrieve import Retriever

    qs = questions()
    settings = Settings(index_dir=index_dir)
    t = time.perf_counter()
    r = Retriever(settings)
    out: dict = {"retriever_init_s": time.perf_counter() - t, "questions": len(qs)}
    n_chunks = r.data.n_searchable
    out["chunks"] = n_chunks

    for q in qs[:5]:  # warm-up: analyser caches, sentence splitter, BLAS
        extractive_answer(q, r)
    for mode in ("bm25", "dense", "hybrid"):
        ts = []
        for _ in range(rounds):
            for q in qs:
                t = time.perf_counter()
                r.search(q, k=settings.k, mode=mode)
                ts.append(time.perf_counter() - t)
        out[f"search_{mode}"] = percentiles(ts)
    # query embedding alone, to split the above
    ts = []
    for q in qs:
        t = time.perf_counter()
        r.embedder.embed_queries([q])
        ts.append(time.perf_counter() - t)
    out["embed_query"] = percentiles(ts)

    # reader and scorer alternate question by question, so machine noise hits both
    scorer = settings.replace(reader="none")
    for q in qs[:3]:
        extractive_answer(q, r, settings=scorer)
    ts, ts_scorer = [], []
    for _ in range(rounds):
        for q in qs:
            t = time.perf_counter()
            extractive_answer(q, r)
            ts.append(time.perf_counter() - t)
            t = time.perf_counter()
            extractive_answer(q, r, settings=scorer)
            ts_scorer.append(time.perf_counter() - t)
    out["extractive_answer"] = percentiles(ts)
    out["extractive_answer_scorer"] = percentiles(ts_scorer)
    out["reader_vs_scorer_p50"] = (
        out["extractive_answer"]["p50_ms"] / out["extractive_answer_scorer"]["p50_ms"]
    )

    # the CLI, in-process: what `qa ask` costs beyond the answer itself
    from qa.cli import main as cli_main

    ts = []
    for q in qs[:20]:
        buf = io.StringIO()
        t = time.perf_counter()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            cli_main(["ask", q, "--index-dir", index_dir, "--json"])
        ts.append(time.perf_counter() - t)
    out["qa_ask_in_process"] = percentiles(ts)

    prof = cProfile.Profile()
    prof.enable()
    for q in qs:
        extractive_answer(q, r)
    prof.disable()
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append(
            {
                "function": f"{Path(file).parent.name}/{Path(file).name}:{line}({func})",
                "calls_per_q": nc / len(qs),
                "own_ms_per_q": tt / len(qs) * 1000,
                "cum_ms_per_q": ct / len(qs) * 1000,
            }
        )
    rows.sort(key=lambda x: -x["cum_ms_per_q"])
    out["profile_cumulative"] = rows[:profile_top]
    rows.sort(key=lambda x: -x["own_ms_per_q"])
    out["profile_own"] = rows[:profile_top]
    return out
