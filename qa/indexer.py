"""Build or update the index, in stages:

    scan     files -> documents -> chunks (only new or changed documents)
    dedup    near-duplicate chunks collapse onto the first copy
    embed    vectors for chunks the previous generation does not have
    write    the store (qa/stores/) makes the new state current

Incremental: a document whose file bytes are unchanged keeps its chunks, and
a chunk whose text is unchanged keeps its vector (read back from the
store), so running `qa index` twice embeds nothing the second time.

Scanning and embedding run in this process, or spread over a Ray cluster
with `qa index --ray` (qa/distributed.py); the stages around them are the
same, so both give the same index.

Bad files never stop a run: each one is logged and listed in the report,
whatever goes wrong inside it. A run that changes the embedder or the
chunking re-embeds everything and says so in its summary (never silently).
A broken previous index is rebuilt by a full run; an add/remove run refuses
it, because rebuilding from a partial file list would drop documents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import sentences as sentence_vectors
from . import store
from .chunk import chunk
from .config import Settings
from .context import CONTEXT, with_context
from .dedup import find_duplicates
from .embed import Embedder, load_embedder
from .ingest import CLEANING, IngestError, iter_files, read_file
from .stores import IndexState, Snapshot, Store, open_store
from .types import Chunk

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


# --- scan ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScannedDoc:
    record: dict  # what documents.jsonl keeps
    chunks: tuple[Chunk, ...] | None  # None: unchanged, the previous chunks stand
    error: str = ""  # chunking failed: the document is skipped


@dataclass(frozen=True)
class ScannedFile:
    path: str
    docs: tuple[ScannedDoc, ...] = ()
    error: str = ""  # reading failed: the file is skipped


def scan_file(
    path, root, chunk_chars: int, chunk_overlap: int, unchanged: frozenset
) -> ScannedFile:
    """Read one file and chunk its documents, except those whose (doc_id,
    sha256) is in `unchanged`. Pure, so Ray workers can run it."""
    try:
        found = read_file(path, root)
    except IngestError as e:
        log.info("skipped %s", e)
        return ScannedFile(str(path), error=str(e))
    except Exception as e:  # a bug or a library choking on junk: skip the file, go on
        log.info("skipped %s", path, exc_info=True)
        return ScannedFile(str(path), error=f"{path}: cannot read ({type(e).__name__}: {e})")
    docs = []
    for d in found:
        record = {
            "doc_id": d.doc_id,
            "sha256": d.sha256,
            "title": d.title,
            "date": d.date,
            "source": d.source,
            "author": d.author,
            "path": d.path,
            "chars": len(d.text),
        }
        if (d.doc_id, d.sha256) in unchanged:
            docs.append(ScannedDoc(record, None))
            continue
        try:
            chunks = with_context(d, chunk(d, chunk_chars, chunk_overlap))
            docs.append(ScannedDoc(record, tuple(chunks)))
        except Exception as e:
            log.info("skipped %s", d.doc_id, exc_info=True)
            docs.append(ScannedDoc(record, None, f"{d.doc_id}: cannot chunk ({e})"))
    return ScannedFile(str(path), tuple(docs))


def scan_local(files, settings: Settings, unchanged: frozenset, progress: bool):
    bar = _progress(len(files), "Reading", progress)
    for path, root in files:
        yield scan_file(path, root, settings.chunk_chars, settings.chunk_overlap, unchanged)
        bar.update(1)
    bar.close()


@dataclass
class Plan:
    """The documents the new generation holds, with their chunks."""

    docs: dict[str, dict] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)


def plan_documents(
    scanned: Iterable[ScannedFile],
    prev: Snapshot | None,
    same_chunking: bool,
    sync: bool,
    remove: set[str],
    report: IndexReport,
) -> Plan:
    """What to keep, add, change and remove, against the previous generation."""
    prev_docs = {d["doc_id"]: d for d in prev.documents} if prev else {}
    prev_chunks: dict[str, list[Chunk]] = {}
    for c in prev.chunks if prev else []:
        prev_chunks.setdefault(c.doc_id, []).append(c)
    plan = Plan()
    for f in scanned:
        if f.error:
            report.failed.append((f.path, f.error))
            continue
        for d in f.docs:
            doc_id = d.record["doc_id"]
            if doc_id in remove:
                continue
            old = prev_docs.get(doc_id)
            if d.error:
                report.failed.append((f.path, d.error))
                continue
            if d.chunks is None:  # unchanged
                report.unchanged.append(doc_id)
                plan.docs[doc_id] = old
                plan.chunks[doc_id] = prev_chunks.get(doc_id, [])
                continue
            (report.changed if old else report.added).append(doc_id)
            plan.docs[doc_id] = d.record
            plan.chunks[doc_id] = list(d.chunks)
    for doc_id, old in prev_docs.items():
        if doc_id in plan.docs:
            continue
        if sync or doc_id in remove:
            report.removed.append(doc_id)
        elif same_chunking:  # add mode keeps what was indexed before
            plan.docs[doc_id] = old
            plan.chunks[doc_id] = prev_chunks.get(doc_id, [])
    if missing := remove - set(prev_docs):
        raise IngestError(f"not in the index: {', '.join(sorted(missing))}")
    return plan


# --- dedup -----------------------------------------------------------------------


def dedup(plan: Plan, prev: Snapshot | None, threshold: float) -> tuple[list[Chunk], dict]:
    """(chunks, searchable first; duplicate chunk_id -> kept chunk_id)."""
    all_chunks = [c for cs in plan.chunks.values() for c in cs]
    if prev is not None:
        # Previous rows first, in their order: the copy seen first is the one
        # kept, and an approximate index can then grow in place.
        prev_row = {c.chunk_id: i for i, c in enumerate(prev.chunks[: prev.n_searchable])}
        all_chunks.sort(key=lambda c: prev_row.get(c.chunk_id, len(prev_row)))
    dups = find_duplicates(all_chunks, threshold)
    searchable = [c for c in all_chunks if c.chunk_id not in dups]
    return searchable + [c for c in all_chunks if c.chunk_id in dups], dups


# --- embed -----------------------------------------------------------------------

EmbedFn = Callable[[list[str], Callable[[int], None]], np.ndarray]


def embed_missing(
    searchable: list[Chunk], cache: dict, dim: int, embed: EmbedFn, progress: bool
) -> tuple[np.ndarray, int]:
    """Vectors of `searchable`, from the cache or `embed`; (vectors, how many embedded)."""
    vectors = np.zeros((len(searchable), dim), dtype=np.float32)
    todo = []
    for i, c in enumerate(searchable):
        v = cache.get(c.hash)
        if v is None:
            todo.append(i)
        else:
            vectors[i] = v
    if todo:
        bar = _progress(len(todo), "Embedding", progress)
        vectors[todo] = embed([searchable[i].indexed_text for i in todo], bar.update)
        bar.close()
    return vectors, len(todo)


# --- the run ---------------------------------------------------------------------


def _load_previous(
    st: Store, settings: Settings, embedder: Embedder, report: IndexReport, full: bool
) -> Snapshot | None:
    try:
        # a store of an older format says so already here (Milvus's meta row)
        if st.current() is None:
            return None
        prev = st.load(verify=settings.verify_checksums)
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
    cluster=None,
) -> IndexReport:
    """Index `paths` into the configured store (settings.store).

    sync=True makes the index hold exactly the documents under `paths`
    (files gone from disk are removed); sync=False only adds or updates
    them (used by uploads). `remove` drops documents by doc_id. `cluster`
    (qa.distributed.RayCluster) scans and embeds on Ray instead of here."""
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
    st = open_store(settings)
    with st.writer():
        prev = _load_previous(st, settings, embedder, report, full=sync)
        chunking = {
            "max_chars": settings.chunk_chars,
            "overlap": settings.chunk_overlap,
            "splitter": "pysbd-fr",
            # what cleaning keeps of an article: a change re-chunks everything
            "cleaning": CLEANING,
            # what a chunk carries into retrieval besides its text (qa/context.py)
            "context": CONTEXT,
        }
        same_chunking = prev is not None and prev.manifest.get("chunking") == chunking
        if prev is not None and not same_chunking:
            if not sync:
                raise IngestError(
                    "the chunk settings differ from the index's; run `qa index` on the whole "
                    "folder to re-chunk every document"
                )
            # the vector cache is keyed by each chunk's text and context (`Chunk.hash`): the
            # summary's "N embedded" tells how many had to be embedded again
            report.notes.append(
                "chunk settings changed: re-chunked everything, embedded only the changed chunks"
            )
        same_embedder = prev is not None and prev.embedder == embedder.name
        same_embedder = same_embedder and int(prev.manifest["embedder"]["dim"]) == embedder.dim

        # 1. scan
        unchanged = frozenset(
            (d["doc_id"], d["sha256"]) for d in (prev.documents if prev and same_chunking else [])
        )
        if cluster is None:
            scanned = scan_local(files, settings, unchanged, progress)
        else:
            scanned = cluster.scan(files, settings, unchanged)
        plan = plan_documents(scanned, prev, same_chunking, sync, remove, report)
        report.seconds["ingest_chunk"] = time.perf_counter() - t

        nothing_new = not (report.added or report.changed or report.removed)
        has_sentences = prev is not None and settings.sentence_vectors == (
            prev.sentences is not None
        )
        if prev is not None and nothing_new and same_embedder and same_chunking and has_sentences:
            report.chunks, report.duplicates = len(prev.chunks), len(prev.duplicates)
            return report
        if not plan.docs and report.removed and not files:
            raise IngestError(
                f"removing {', '.join(sorted(report.removed))} would leave the index empty; "
                f"an index needs at least one document (delete {settings.index_dir} to start over)"
            )
        if not plan.docs:
            raise IngestError(
                "no document could be indexed"
                + (f" ({len(report.failed)} files failed)" if report.failed else "")
            )

        # 2. near-duplicates
        t = time.perf_counter()
        ordered, dups = dedup(plan, prev, settings.dedup_threshold)
        searchable = ordered[: len(ordered) - len(dups)]
        report.seconds["dedup"] = time.perf_counter() - t

        # 3. embed what the store does not have
        t = time.perf_counter()
        cache = prev.vectors_by_hash() if same_embedder else {}
        embed = cluster.embed if cluster is not None else embedder.embed_passages
        vectors, report.embedded = embed_missing(searchable, cache, embedder.dim, embed, progress)
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

        # 4. write: the store makes it current, or leaves the previous one
        t = time.perf_counter()
        state = IndexState(
            manifest={
                "embedder": {"name": embedder.name, "dim": embedder.dim},
                "chunking": chunking,
                "dedup": {"method": "minhash-lsh", "threshold": settings.dedup_threshold},
                "documents": {d: v["sha256"] for d, v in plan.docs.items()},
            },
            documents=list(plan.docs.values()),
            chunks=ordered,
            duplicates=dups,
            vectors=vectors,
            sentences=sentences,
            changed=frozenset(report.added + report.changed),
            removed=frozenset(report.removed),
        )
        report.generation, notes = st.write(state, prev if same_embedder else None)
        report.notes.extend(notes)
        report.seconds["write"] = time.perf_counter() - t
        report.chunks, report.duplicates = len(ordered), len(dups)
        return report
