"""Where the index lives, behind one small protocol: `Store` writes and
opens it, a `Snapshot` is one consistent view that the retriever searches.

    local   (default) FAISS + bm25s files in generations under QA_INDEX_DIR
            (qa/store.py: atomic switch, checksums, writer lock)
    milvus  a Milvus collection: milvus-lite at a local path, or a server or
            cluster at http://host:19530 (QA_MILVUS_URI, QA_MILVUS_TOKEN)

Both hand back chunks with scores for a dense and a lexical search, and
the same BM25 (qa/stores/sparse.py makes Milvus's exact). Fusion, reranking
and answers stay above this layer, in qa/retrieve.py and qa/answer.py, so
both backends rank alike.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..config import Settings
from ..types import Chunk, Filters

STORES = ("local", "milvus")


@dataclass(frozen=True)
class IndexState:
    """Everything a write makes current. `chunks` lists the searchable ones
    first, in `vectors` row order, then the near-duplicates."""

    manifest: dict
    documents: list[dict]
    chunks: list[Chunk]
    duplicates: dict[str, str]  # duplicate chunk_id -> the chunk_id kept
    vectors: np.ndarray
    sentences: object = None  # qa.sentences.SentenceVectors or None
    changed: frozenset[str] = frozenset()  # doc_ids added or changed by this write
    removed: frozenset[str] = frozenset()

    @property
    def n_searchable(self) -> int:
        return len(self.chunks) - len(self.duplicates)


class Snapshot(Protocol):
    """One generation of the index, read-only. `chunks` and `documents` are
    what the Documents tab and `qa eval` list."""

    generation: str
    manifest: dict
    documents: list[dict]
    chunks: list[Chunk]
    duplicates: dict[str, str]
    sentences: object

    @property
    def n_searchable(self) -> int: ...

    @property
    def embedder(self) -> str: ...

    def dense(self, q: np.ndarray, k: int, filters: Filters | None) -> list[tuple[Chunk, float]]:
        """Top k searchable chunks by inner product with q, best first."""

    def lexical(
        self, terms: list[str], k: int, filters: Filters | None
    ) -> list[tuple[Chunk, float]]:
        """Top k searchable chunks by BM25 of the analysed query terms (score > 0), best first."""

    def vectors(self, chunks: list[Chunk]) -> np.ndarray:
        """The stored vectors of these searchable chunks, in order."""

    def df(self, term: str) -> int:
        """How many searchable chunks hold this analysed term."""

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Chunk text hash -> vector, so an unchanged chunk is never embedded twice."""


class Store(Protocol):
    where: str  # for messages: the folder or the URI

    def current(self) -> str | None:
        """The live generation (checked before every search: cheap); None before any write."""

    def read_manifest(self) -> dict: ...

    def load(
        self, embedder_name: str | None = None, verify: bool = True, embedder_dim: int | None = None
    ) -> Snapshot:
        """The live generation, or store.IndexError_ in one line."""

    def writer(self) -> contextlib.AbstractContextManager:
        """Held for the whole of an indexing run: one writer at a time."""

    def write(self, state: IndexState, prev: Snapshot | None) -> tuple[str, list[str]]:
        """Make `state` current; (generation, notes for the report). A failure
        leaves the previous generation searchable."""


def open_store(settings: Settings) -> Store:
    """The backend QA_STORE names."""
    if settings.store == "local":
        from .local import LocalStore

        return LocalStore(settings)
    if settings.store == "milvus":
        from .milvus import MilvusStore

        return MilvusStore(settings)
    raise ValueError(f"unknown store {settings.store!r}; choose one of {', '.join(STORES)}")
