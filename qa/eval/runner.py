"""`evaluate`: every retrieval mode, and optionally the answerer, over one
question set, into the report dict that `report.write_report` writes.

Every mode (bm25, dense, hybrid, and rerank when the retriever has it) runs
the same `Retriever.search` as `qa search`, `max(k, 100)` passages deep, so
the numbers describe the product, not a re-implementation. The document run
keeps the first passage of each document. Each question is embedded once,
not once per mode: the vector is shared by the modes and the answerer, so
the per-mode seconds time the searches alone (queries/s add the embedding).

The TREC run and qrels ride in the report dict under "_runs" / "_qrels" for
`write_report`; they never reach report.json.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path

from .formats import as_question_set
from .metrics import (
    ANSWER_METRICS,
    CORPUS_FILE,
    answer_metrics,
    failures,
    map_doc,
    mean_of,
    measures,
    per_query_metrics,
    relevance,
    trec_run,
)

log = logging.getLogger(__name__)

DEFAULT_MODES = ("bm25", "dense", "hybrid")


def _prepare_index(qs, settings, embedder, index_dir, progress, stack):
    """Index dir to search, build seconds (None if reused), whether it is a corpus index."""
    from .. import store
    from ..indexer import build_index
    from ..stores import open_store

    if qs.corpus is None:  # project JSONL: the articles are indexed already (or docs_dir)
        target = index_dir or settings.index_dir
        if open_store(settings.replace(index_dir=target)).current() is not None:
            return target, None, False
        log.warning("no index in %s: indexing %s first", target, settings.docs_dir)
        t = time.perf_counter()
        build_index(
            [settings.docs_dir], settings.replace(index_dir=target), embedder, progress=progress
        )
        return target, time.perf_counter() - t, False
    if index_dir and store.current_generation(index_dir) is not None:  # a kept corpus index
        return index_dir, None, True
    if not index_dir:
        index_dir = str(
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-"))) / "index"
        )
    docs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-corpus-")))
    with open(docs / CORPUS_FILE, "w", encoding="utf-8") as f:
        for d in qs.corpus:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    t = time.perf_counter()
    # a question set's own corpus goes to a local index, never the configured store's
    local = settings.replace(index_dir=index_dir, store="local")
    build_index([docs / CORPUS_FILE], local, embedder, progress=progress)
    return index_dir, time.perf_counter() - t, True


def _check_modes(modes, settings) -> list[str]:
    from .. import retrieve

    modes = [
        m.strip() for m in (modes.split(",") if isinstance(modes, str) else modes) if m.strip()
    ]
    known = (*DEFAULT_MODES, "rerank")
    for m in modes:
        if m not in known:
            raise ValueError(f"unknown mode {m!r}; choose from {', '.join(known)}")
    if "rerank" in modes:
        if not retrieve.can_rerank(settings):
            raise ValueError("rerank mode needs the reader (QA_READER) or QA_RERANKER")
        if "rerank" not in getattr(retrieve, "MODES", ()):
            raise ValueError("rerank mode: this retriever has no reranking step yet")
    if not modes:
        raise ValueError("no retrieval mode given")
    return list(dict.fromkeys(modes))


def _hit_record(h, corpus_index: bool) -> dict:
    return {
        "rank": h.rank,
        "doc_id": map_doc(h.chunk.doc_id, corpus_index),
        "chunk_id": map_doc(h.chunk.chunk_id, corpus_index),
        "score": round(float(h.score), 6),
        "text": h.chunk.text[:300],
    }


class _VectorCache:
    """The retriever, with each question embedded once and reused by every
    mode and by the answerer (the same vector `search` would compute)."""

    def __init__(self, retriever, vectors: dict):
        self._r, self._v = retriever, vectors

    def __getattr__(self, name):
        return getattr(self._r, name)

    def _call(self, name, query, *args, **kw):
        if kw.get("query_vector") is None and query in self._v:
            kw["query_vector"] = self._v[query]
        return getattr(self._r, name)(query, *args, **kw)

    def search(self, query, *args, **kw):
        return self._call("search", query, *args, **kw)

    def retrieve(self, query, *args, **kw):  # what the answerer calls
        return self._call("retrieve", query, *args, **kw)


def evaluate(
    questions,
    settings=None,
    modes=DEFAULT_MODES,
    k: int = 10,
    fmt: str = "auto",
    index_dir: str | None = None,
    answers: bool = False,
    progress: bool = False,
) -> dict:
    """Run every mode over a question set and return the report dict.

    `questions`: a path (JSONL file, SQuAD JSON, BEIR folder), a `QuestionSet`,
    or a list of JSONL-style dicts. `index_dir`: the index to search (JSONL),
    or where to build the corpus of a SQuAD/BEIR set (temporary if None).
    `modes`: a sequence or a comma-separated string. Raises ValueError (bad
    input) and store.IndexError_ (bad index) with one-line messages."""
    import contextlib
    import inspect

    from tqdm.auto import tqdm

    from ..config import load_settings
    from ..embed import load_embedder
    from ..retrieve import Retriever

    t0 = time.perf_counter()
    settings = settings or load_settings()
    if k < 1:
        raise ValueError("--k must be at least 1")
    qs = as_question_set(questions, fmt)
    modes = _check_modes(modes, settings)
    depth, ms = max(k, 100), measures(k)
    questions_ = qs.questions
    n = len(questions_)

    with contextlib.ExitStack() as stack:
        embedder = load_embedder(settings.embedder, settings.embed_batch_size)
        idx, build_s, corpus_index = _prepare_index(
            qs, settings, embedder, index_dir, progress, stack
        )
        local = "local" if corpus_index else None
        base = Retriever(settings.replace(index_dir=idx, store=local), embedder=embedder)
        data = base.data
        doc_qrels, chunk_qrels, warnings = relevance(qs, data, corpus_index)
        for w in warnings:
            log.warning("%s", w)
        bar = tqdm(
            total=n * (len(modes) * (2 if answers else 1) + 1),
            desc="eval: embedding",
            unit="q",
            disable=not progress,
            leave=False,
        )
        timing = {"index_build_s": build_s, "index": "existing" if build_s is None else "built"}
        vectors: dict = {}
        t = time.perf_counter()
        if "query_vector" in inspect.signature(base.search).parameters:
            for q in questions_:  # one at a time, exactly as `qa search` embeds
                vectors.setdefault(q.question, embedder.embed_queries([q.question])[0])
                bar.update(1)
        embed_s = time.perf_counter() - t
        timing["query_embedding"] = {"seconds": embed_s, "qps": n / embed_s if embed_s else None}
        timing["modes"] = {}
        retriever = _VectorCache(base, vectors)

        per_mode, runs, tops = {}, {}, {}
        for mode in modes:
            bar.set_description(f"eval: {mode}")
            doc_run, chunk_run, top = {}, {}, {}
            t = time.perf_counter()
            for q in questions_:
                hits = retriever.search(q.question, k=depth, mode=mode)
                chunk_run[q.id] = [map_doc(h.chunk.chunk_id, corpus_index) for h in hits]
                doc_run[q.id] = list(
                    dict.fromkeys(map_doc(h.chunk.doc_id, corpus_index) for h in hits)
                )
                top[q.id] = [_hit_record(h, corpus_index) for h in hits[:3]]
                bar.update(1)
            secs = time.perf_counter() - t
            timing["modes"][mode] = {
                "seconds": secs,  # searches given the query vectors
                "qps": n / (secs + embed_s) if secs + embed_s else None,  # with embedding
            }
            runs[mode] = {"doc": trec_run(doc_run), "chunk": trec_run(chunk_run)}
            pq = {q.id: {} for q in questions_}
            for qid, vals in per_query_metrics(doc_qrels, runs[mode]["doc"], ms).items():
                pq[qid].update(vals)
                ranks = [r for r, d in enumerate(doc_run[qid], 1) if d in doc_qrels[qid]]
                pq[qid]["first_relevant_rank"] = ranks[0] if ranks else None
            for qid, vals in per_query_metrics(
                chunk_qrels, runs[mode]["chunk"], ms, "chunk_"
            ).items():
                pq[qid].update(vals)
            if answers:
                from ..answer import QuestionError, extractive_answer

                t = time.perf_counter()
                for q in questions_:
                    try:
                        # the answer `qa ask` gives: the settings' k, not the
                        # measures' depth (k=10 read one or two passages more
                        # than the product: 1-2 of 500 blind answers apart)
                        ans = extractive_answer(q.question, retriever, mode=mode)
                        pq[q.id].update(
                            answer_metrics(q, ans, doc_qrels.get(q.id, {}), corpus_index)
                        )
                        pq[q.id]["answer"] = ans.answer[:500]
                    except QuestionError as e:
                        log.warning("%s: %s", q.id, e)
                    bar.update(1)
                timing["modes"][mode]["answers_seconds"] = time.perf_counter() - t
            per_mode[mode], tops[mode] = pq, top
        bar.close()
        manifest = dict(data.manifest)

    labels = list(ms)
    keys = labels + ["chunk_" + lab for lab in labels] + (list(ANSWER_METRICS) if answers else [])
    types = sorted({q.type for q in questions_ if q.type})
    by_type = {
        m: {
            t: {
                "n": sum(q.type == t for q in questions_),
                **mean_of([per_mode[m][q.id] for q in questions_ if q.type == t], keys),
            }
            for t in types
        }
        for m in modes
    }
    per_query = [
        {
            "id": q.id,
            "question": q.question,
            "type": q.type,
            "answerable": q.answerable,
            "answers": q.answers,
            "doc_ids": sorted(doc_qrels.get(q.id, {})),
            "modes": {m: per_mode[m][q.id] for m in modes},
        }
        for q in questions_
    ]
    timing["total_s"] = time.perf_counter() - t0
    return {
        "manifest": manifest,
        "config": {
            "questions": qs.source,
            "format": qs.fmt,
            "modes": modes,
            "k": k,
            "depth": depth,
            "metrics": labels,
            "answers": answers,
            "n_questions": n,
            "n_retrieval": len(doc_qrels),
            "n_chunk": len(chunk_qrels),
            "index_dir": idx if (index_dir or qs.corpus is None) else None,  # None: temporary
            "embedder": embedder.name,
        },
        "modes": {m: mean_of(list(per_mode[m].values()), keys) for m in modes},
        "by_type": by_type if types else {},
        "per_query": per_query,
        "failures": failures(qs, per_mode, doc_qrels, tops, k),
        "timing": timing,
        "warnings": warnings,
        "_runs": runs,
        "_qrels": {"doc": doc_qrels, "chunk": chunk_qrels},
    }
