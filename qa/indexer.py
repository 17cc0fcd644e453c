"""Build or update the index: ingest -> chunk -> dedup -> embed -> FAISS + BM25 -> save.

Incremental: a document whose file bytes are unchanged keeps its chunks, and
a chunk whose text is unchanged keeps its vector (read back from the previous
FAISS index), so running `qa index` twice embeds nothing the second time.
FAISS and BM25 are rebuilt from those vectors and terms each run: that is
cheap next to embedding, and it makes removal exact.

Bad files never stop a run: each one is logged and listed in the report,
whatever goes wrong inside it. A run that changes the embedder or the
chunking re-embeds everything and says so in its summary (never silently).
A broken previous index is rebuilt by a full run; an add/remove run refuses
it, because rebuilding from a partial file list would drop documents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import sentences as sentence_vectors
from . import store
from .analyze import ANALYZER_VERSION, analyze
from .chunk import chunk
from .config import Settings
from .dedup import find_duplicates
from .embed import Embedder, load_embedder
from .ingest import IngestError, iter_files, read_file
from .types import Chunk, Document

log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks: int = 0
    duplicates: int = 0
    embedded: int = 0  # chunks that went through the embedder this run
    embedded_sentences: int = 0  # sentences embedded for the answerer this run
    generation: str = ""  # empty when nothing changed and nothing was written
    notes: list[str] = field(default_factory=list)  # e.g. why everything was re-embedded
    seconds: dict = field(default_factory=dict)  # per stage

    def summary(self) -> str:
        s = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.chunks} chunks ({self.duplicates} duplicates), {self.embedded} embedded"
        )
        s += f"; wrote {self.generation}" if self.generation else "; index unchanged"
        return s + "".join(f" ({n})" for n in self.notes)


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit="chunk" if "mbed" in desc else "file",
        disable=not enabled,
        leave=False,
    )


def build_faiss(vectors: np.ndarray, dim: int, hnsw_threshold: int):
    """Exact inner-product search up to `hnsw_threshold` vectors, HNSW above."""
    import faiss

    if len(vectors) > hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        # recall@10 vs exact on bench/'s synthetic vectors (docs/bench.md): at 1M,
        # efSearch 256 -> 0.90, 512 -> 0.963 (faiss p50 19 ms); at 100k 128 -> 0.955
        index.hnsw.efSearch = 512
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _grow_hnsw(prev, searchable: list[Chunk], vectors: np.ndarray, settings: Settings):
    """The previous HNSW index plus the new rows, or None to build afresh.

    Building HNSW costs ~45 min at 1M vectors on 2 cores (docs/bench.md); an
    update that only adds documents need not pay it again. Only possible when
    every previous row is still there, unchanged and in place: HNSW cannot
    delete, so a removal or an edit rebuilds."""

    if (
        prev is None
        or not hasattr(prev.faiss, "hnsw")
        or len(searchable) <= settings.hnsw_threshold
    ):
        return None
    n = prev.n_searchable
    if len(searchable) < n or prev.faiss.ntotal != n:
        return None
    if any(a.chunk_id != b.chunk_id or a.hash != b.hash for a, b in zip(searchable, prev.chunks)):
        return None
    index = store.read_faiss_copy(settings.index_dir, prev.generation)
    if len(searchable) > n:
        index.add(np.ascontiguousarray(vectors[n:], dtype=np.float32))
    return index


def faiss_description(index) -> dict:
    import faiss

    if isinstance(index, faiss.IndexHNSWFlat):
        return {"type": "hnsw", "M": 32, "efSearch": int(index.hnsw.efSearch)}
    return {"type": "flat"}


def build_bm25(chunks: list[Chunk]):
    import bm25s

    bm25 = bm25s.BM25(k1=1.2, b=0.75)
    corpus = [analyze(f"{c.title}\n{c.text}" if c.title else c.text) or [""] for c in chunks]
    bm25.index(corpus, show_progress=False)
    return bm25


def _load_previous(
    settings: Settings, embedder: Embedder, report: IndexReport, full: bool
) -> store.IndexData | None:
    if store.current_generation(settings.index_dir) is None:
        return None
    try:
        prev = store.load(settings.index_dir, verify=settings.verify_checksums)
    except store.IndexError_ as e:
        if not full:  # add/remove: rebuilding from the files named would drop the others
            raise store.IndexError_(
                f"{e}; an add or remove cannot repair it, run `qa index` on the whole folder"
            ) from None
        log.warning("previous index unusable, rebuilding from scratch: %s", e)
        report.notes.append("previous index was unusable: rebuilt from scratch")
        return None
    if prev.embedder != embedder.name or int(prev.manifest["embedder"]["dim"]) != embedder.dim:
        note = f"embedder changed from {prev.embedder} to {embedder.name}: re-embedded everything"
        log.warning("%s", note)
        report.notes.append(note)
    return prev


def uploads_dir(settings: Settings) -> Path:
    """Where the chat keeps uploaded articles: inside the index folder, so each
    index has its own, and nothing is written next to the seeds."""
    return Path(settings.index_dir) / "uploads"


def _uploads_to_keep(settings: Settings, paths: list[Path]) -> Path | None:
    up = uploads_dir(settings)
    if not up.is_dir() or not any(up.iterdir()):
        return None
    upr = up.resolve()
    for p in paths:
        pr = p.resolve()
        if pr == upr or pr in upr.parents:
            return None  # already given, or inside a given folder
    return up


def build_index(
    paths: Iterable[str | Path] | None = None,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    sync: bool = True,
    remove: Iterable[str] = (),
    progress: bool = False,
) -> IndexReport:
    """Index `paths` into settings.index_dir.

    sync=True makes the index hold exactly the documents under `paths`
    (files gone from disk are removed); sync=False only adds or updates
    them (used by uploads). `remove` drops documents by doc_id."""
    settings = settings or Settings()
    embedder = embedder or load_embedder(settings.embedder, settings.embed_batch_size)
    paths = [Path(p) for p in (paths if paths is not None else [settings.docs_dir])]
    remove = set(remove)
    report = IndexReport()
    if sync and (kept := _uploads_to_keep(settings, paths)):
        # The chat copies uploads into the index folder; a rebuild from the
        # user's own folders must not silently drop them.
        paths.append(kept)
        report.notes.append(f"kept the chat's uploads ({kept})")
    t = time.perf_counter()

    walk_errors: list[tuple[str, str]] = []
    files = list(iter_files(paths, walk_errors))  # raises IngestError for a missing path
    report.failed.extend(walk_errors)
    with store.writer_lock(settings.index_dir):
        store.cleanup(settings.index_dir)  # what a killed run left behind
        prev = _load_previous(settings, embedder, report, full=sync)
        chunking = {
            "max_chars": settings.chunk_chars,
            "overlap": settings.chunk_overlap,
            "splitter": "pysbd-fr",
        }
        same_chunking = prev is not None and prev.manifest.get("chunking") == chunking
        if prev is not None and not same_chunking:
            if not sync:
                raise IngestError(
                    "the chunk settings differ from the index's; run `qa index` on the whole "
                    "folder to re-chunk every document"
                )
            report.notes.append("chunk settings changed: re-chunked and re-embedded everything")
        same_embedder = prev is not None and prev.embedder == embedder.name
        same_embedder = same_embedder and int(prev.manifest["embedder"]["dim"]) == embedder.dim
        prev_docs = {d["doc_id"]: d for d in prev.documents} if prev else {}
        prev_chunks: dict[str, list[Chunk]] = {}
        for c in prev.chunks if prev else []:
            prev_chunks.setdefault(c.doc_id, []).append(c)

        # 1. ingest
        docs: dict[str, dict] = {}
        doc_chunks: dict[str, list[Chunk]] = {}
        bar = _progress(len(files), "Reading", progress)
        for path, root in files:
            found: list[Document] = []
            try:
                found = read_file(path, root)
            except IngestError as e:
                log.info("skipped %s", e)
                report.failed.append((str(path), str(e)))
            except Exception as e:  # a bug or a library choking on junk: skip the file, go on
                log.info("skipped %s", path, exc_info=True)
                report.failed.append((str(path), f"{path}: cannot read ({type(e).__name__}: {e})"))
            for d in found:
                if d.doc_id in remove:
                    continue
                old = prev_docs.get(d.doc_id)
                if old and old["sha256"] == d.sha256 and same_chunking:
                    report.unchanged.append(d.doc_id)
                    doc_chunks[d.doc_id] = prev_chunks.get(d.doc_id, [])
                    docs[d.doc_id] = old
                    continue
                (report.changed if old else report.added).append(d.doc_id)
                docs[d.doc_id] = {
                    "doc_id": d.doc_id,
                    "sha256": d.sha256,
                    "title": d.title,
                    "date": d.date,
                    "source": d.source,
                    "author": d.author,
                    "path": d.path,
                    "chars": len(d.text),
                }
                try:
                    doc_chunks[d.doc_id] = chunk(d, settings.chunk_chars, settings.chunk_overlap)
                except Exception as e:
                    log.info("skipped %s", d.doc_id, exc_info=True)
                    report.failed.append((str(path), f"{d.doc_id}: cannot chunk ({e})"))
                    (report.changed if old else report.added).remove(d.doc_id)
                    del docs[d.doc_id]
            bar.update(1)
        bar.close()
        for doc_id, old in prev_docs.items():
            if doc_id in docs:
                continue
            if sync or doc_id in remove:
                report.removed.append(doc_id)
            elif same_chunking:  # add mode keeps what was indexed before
                docs[doc_id] = old
                doc_chunks[doc_id] = prev_chunks.get(doc_id, [])
        if missing := remove - set(prev_docs):
            raise IngestError(f"not in the index: {', '.join(sorted(missing))}")
        report.seconds["ingest_chunk"] = time.perf_counter() - t

        nothing_new = not (report.added or report.changed or report.removed)
        has_sentences = prev is not None and settings.sentence_vectors == (
            prev.sentences is not None
        )
        if prev is not None and nothing_new and same_embedder and same_chunking and has_sentences:
            report.chunks, report.duplicates = len(prev.chunks), len(prev.duplicates)
            return report
        if not docs and report.removed and not files:
            raise IngestError(
                f"removing {', '.join(sorted(report.removed))} would leave the index empty; "
                f"an index needs at least one document (delete {settings.index_dir} to start over)"
            )
        if not docs:
            raise IngestError(
                "no document could be indexed"
                + (f" ({len(report.failed)} files failed)" if report.failed else "")
            )

        # 2. near-duplicates
        t = time.perf_counter()
        all_chunks = [c for cs in doc_chunks.values() for c in cs]
        if prev is not None:
            # Previous rows first, in their order: the copy seen first is the one
            # kept, and an approximate index can then grow in place (step 4).
            prev_row = {c.chunk_id: i for i, c in enumerate(prev.chunks[: prev.n_searchable])}
            all_chunks.sort(key=lambda c: prev_row.get(c.chunk_id, len(prev_row)))
        dups = find_duplicates(all_chunks, settings.dedup_threshold)
        searchable = [c for c in all_chunks if c.chunk_id not in dups]
        ordered = searchable + [c for c in all_chunks if c.chunk_id in dups]
        report.seconds["dedup"] = time.perf_counter() - t

        # 3. embed what the cache does not have
        t = time.perf_counter()
        cache = store.vectors_by_hash(prev) if same_embedder else {}
        vectors = np.zeros((len(searchable), embedder.dim), dtype=np.float32)
        todo = []
        for i, c in enumerate(searchable):
            v = cache.get(c.hash)
            if v is None:
                todo.append(i)
            else:
                vectors[i] = v
        if todo:
            bar = _progress(len(todo), "Embedding", progress)
            vectors[todo] = embedder.embed_passages(
                [searchable[i].text for i in todo], progress=bar.update
            )
            bar.close()
        report.embedded = len(todo)
        report.seconds["embed"] = time.perf_counter() - t

        # 3b. sentence vectors for the answerer (qa/sentences.py says why)
        sentences = None
        if settings.sentence_vectors:
            t = time.perf_counter()
            old = prev.sentences if prev is not None and same_embedder else None
            bar = _progress(0, "Embedding sentences", progress)
            sentences, report.embedded_sentences = sentence_vectors.build(
                searchable, embedder, old, bar.update
            )
            bar.close()
            report.seconds["embed_sentences"] = time.perf_counter() - t

        # 4. FAISS + BM25
        t = time.perf_counter()
        index = _grow_hnsw(prev, searchable, vectors, settings) if same_embedder else None
        if index is not None:
            report.notes.append(f"HNSW index grown in place (+{index.ntotal - prev.n_searchable})")
        else:
            index = build_faiss(vectors, embedder.dim, settings.hnsw_threshold)
        report.seconds["faiss"] = time.perf_counter() - t
        t = time.perf_counter()
        bm25 = build_bm25(searchable)
        report.seconds["bm25"] = time.perf_counter() - t

        # 5. save atomically
        t = time.perf_counter()
        data = store.IndexData(
            manifest={
                "embedder": {"name": embedder.name, "dim": embedder.dim},
                "chunking": chunking,
                "faiss": faiss_description(index),
                "bm25": {"analyzer": ANALYZER_VERSION, "k1": 1.2, "b": 0.75, "method": "lucene"},
                "dedup": {"method": "minhash-lsh", "threshold": settings.dedup_threshold},
                "documents": {d: v["sha256"] for d, v in docs.items()},
            },
            documents=list(docs.values()),
            chunks=ordered,
            duplicates=dups,
            faiss=index,
            bm25=bm25,
            sentences=sentences,
        )
        report.generation = store.save(settings.index_dir, data)
        report.seconds["save"] = time.perf_counter() - t
        report.chunks, report.duplicates = len(ordered), len(dups)
        return report
