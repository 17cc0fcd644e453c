"""Sentence vectors: what the answerer uses to pick the sentence that answers.

Picking the answer sentence by word overlap fails exactly where users need
help most: paraphrases and English questions about French text. Embedding
candidate sentences at question time costs ~50 ms each on 2 cores, so every
distinct sentence of the searchable chunks is embedded once at index time
(the "passage:" side of e5) and stored as float16 next to the index, keyed
by the sha1 of its text. Overlapping chunks share sentences, so each is
embedded once; unchanged sentences are never embedded again.

Costs: indexing embeds ~0.8x as many tokens again as the chunks themselves
(docs/bench.md); disk and memory are 768 bytes per sentence.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .chunk import split_sentences
from .types import Chunk

VECTORS = "sentences.npy"
KEYS = "sentences.keys"


def key(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:20]


def chunk_sentences(chunk: Chunk) -> list[str]:
    return [chunk.text[s:e].strip() for s, e in split_sentences(chunk.text)]


class SentenceVectors:
    def __init__(self, keys: list[str], vectors: np.ndarray):
        self.keys = keys
        self.vectors = vectors  # float16, L2-normalised rows
        self._row = {k: i for i, k in enumerate(keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, text: str) -> np.ndarray | None:
        i = self._row.get(key(text))
        return None if i is None else self.vectors[i]

    def cosines(self, texts: list[str], q: np.ndarray) -> list[float | None]:
        rows = [self._row.get(key(t)) for t in texts]
        found = [r for r in rows if r is not None]
        sims = iter((self.vectors[found].astype(np.float32) @ q).tolist() if found else [])
        return [None if r is None else next(sims) for r in rows]

    def save(self, folder: Path) -> None:
        np.save(Path(folder) / VECTORS, self.vectors)
        (Path(folder) / KEYS).write_text("\n".join(self.keys) + "\n", encoding="ascii")

    @classmethod
    def load(cls, folder: Path) -> SentenceVectors | None:
        folder = Path(folder)
        if not (folder / VECTORS).exists():
            return None
        vectors = np.load(folder / VECTORS, mmap_mode="r")
        keys = (folder / KEYS).read_text(encoding="ascii").split()
        if len(keys) != len(vectors):
            raise ValueError(f"{folder / KEYS}: {len(keys)} keys for {len(vectors)} vectors")
        return cls(keys, vectors)


def build(chunks: list[Chunk], embedder, cache: SentenceVectors | None = None, progress=None):
    """Vectors for every distinct sentence of `chunks`; (vectors, how many were embedded)."""
    texts: dict[str, str] = {}
    for c in chunks:
        for s in chunk_sentences(c):
            if s:
                texts.setdefault(key(s), s)
    keys = list(texts)
    vectors = np.zeros((len(keys), embedder.dim), dtype=np.float16)
    todo = []
    for i, k in enumerate(keys):
        v = cache.get(texts[k]) if cache is not None else None
        if v is None:
            todo.append(i)
        else:
            vectors[i] = v
    if todo:
        vectors[todo] = embedder.embed_passages([texts[keys[i]] for i in todo], progress=progress)
    return SentenceVectors(keys, vectors), len(todo)
