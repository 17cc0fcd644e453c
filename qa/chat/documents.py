"""The Documents tab: list, upload and remove articles of the live index.

Uploads are indexed incrementally (other documents keep their vectors) into
`<index_dir>/uploads/`, so each index keeps its own and nothing is written
next to the seeds. `ensure_index` builds the seeds' index on first start, so
`make chat` works on a fresh checkout.

`DocumentsMixin` is the documents half of `ChatService` (service.py), kept
here so the answer code stays short; it uses the service's `settings`,
`retriever` and `_retriever` (the one already loaded, or None).
"""

from __future__ import annotations

import logging
import re
import shutil
from collections import Counter
from pathlib import Path

from ..config import Settings
from ..indexer import uploads_dir
from ..retrieve import Retriever
from .i18n import t
from .inputs import ingest_error, user_error
from .sources import display_title

log = logging.getLogger(__name__)

UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")


class UploadRefused(ValueError):
    """An upload refused as a whole (type, size, or the indexer failed): one line."""


def ensure_index(settings: Settings, progress: bool = True) -> None:
    """Build the index on first start (the seeds, by default); refuse, at
    start and in one line, an index that another embedder built."""
    from .. import store
    from ..embed import load_embedder
    from ..stores import open_store

    st = open_store(settings)
    if st.current() is not None:
        emb = load_embedder(settings.embedder, settings.embed_batch_size)
        store.check_embedder(st.read_manifest(), emb.name, st.where, emb.dim)
        return
    from ..indexer import build_index

    log.warning("no index in %s yet: indexing %s (first start only)", st.where, settings.docs_dir)
    report = build_index([settings.docs_dir], settings, progress=progress)
    log.warning("index built: %s", report.summary())


def _safe_name(name: str) -> str:
    name = Path(str(name)).name
    stem, ext = Path(name).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._") or "document"
    return stem[:120] + ext


class DocumentsMixin:
    """The Documents tab's half of ChatService."""

    settings: Settings
    _retriever: Retriever | None
    retriever: Retriever  # ChatService's property: loaded on first use

    def _embedder(self):
        # the loaded model, so an upload does not load a second one (None: the indexer loads it)
        return self._retriever.embedder if self._retriever is not None else None

    def documents(self) -> list[dict]:
        r = self.retriever
        r.refresh()
        return list(r.data.documents)

    def titles(self) -> dict[str, str]:
        """doc_id -> what the page calls the article: its title (HTML <title>, a
        headline first line, a JSONL `title`), else its first words. Indexes
        built before titles were read have none, so the first words it is."""
        r = self.retriever
        r.refresh()
        data = r.data
        cached = getattr(self, "_titles", None)
        if cached and cached[0] is data:
            return cached[1]
        first = {c.doc_id: c.text for c in data.chunks if c.ordinal == 0}
        out = {
            d["doc_id"]: display_title(d.get("title", ""), first.get(d["doc_id"], ""))
            for d in data.documents
        }
        self._titles = (data, out)
        return out

    def document_rows(self) -> list[list]:
        """[doc_id, title, date, source, author, chars, passages] per indexed document."""
        r = self.retriever
        r.refresh()
        n_chunks = Counter(c.doc_id for c in r.data.chunks[: r.data.n_searchable])
        titles = self.titles()
        return [
            [
                d["doc_id"],
                titles.get(d["doc_id"]) or d.get("title", ""),
                d.get("date", ""),
                d.get("source", ""),
                d.get("author", ""),
                d.get("chars", 0),
                n_chunks.get(d["doc_id"], 0),
            ]
            for d in sorted(r.data.documents, key=lambda d: d["doc_id"])
        ]

    def source_names(self) -> list[str]:
        """Distinct sources/agencies in the index, for the filter menu."""
        try:
            docs = self.documents()
        except Exception:
            return []
        return sorted({d.get("source", "") for d in docs if d.get("source")}, key=str.lower)

    def n_chunks(self) -> int:
        r = self.retriever
        r.refresh()
        return r.data.n_searchable

    def add_files(self, paths, lang: str = "fr", progress: bool = False):
        """Copy files into the uploads folder and index them incrementally
        (other documents keep their vectors); the indexer's report. Raises
        UploadRefused (one line in `lang`) when a file's type or size is
        refused or indexing fails; files that could not be read are in
        `report.failed` and are not kept."""
        from ..indexer import build_index

        paths = [Path(p) for p in paths]
        if not paths:
            raise UploadRefused(t("upload_none", lang))
        limit = self.settings.max_upload_mb
        problems = []
        for p in paths:
            if p.suffix.lower() not in UPLOAD_TYPES:
                problems.append(t("upload_type", lang, name=p.name, types=", ".join(UPLOAD_TYPES)))
            elif p.stat().st_size > limit * 1024 * 1024:
                mb = p.stat().st_size / 1024 / 1024
                problems.append(t("upload_size", lang, name=p.name, mb=mb, limit=limit))
        if problems:
            raise UploadRefused((" ; " if lang == "fr" else "; ").join(problems))
        dest = uploads_dir(self.settings)
        dest.mkdir(parents=True, exist_ok=True)
        targets = []
        for p in paths:
            target = dest / _safe_name(p.name)
            shutil.copyfile(p, target)
            targets.append(target)
        try:
            report = build_index(
                targets, self.settings, embedder=self._embedder(), sync=False, progress=progress
            )
        except Exception as e:
            for target in targets:
                target.unlink(missing_ok=True)
            if not isinstance(e, (ValueError, OSError)) and "Ingest" not in type(e).__name__:
                log.exception("upload failed")
            raise UploadRefused(t("upload_failed", lang, why=user_error(e, lang))) from e
        for f, _why in report.failed:  # keep only what made it into the index
            Path(f).unlink(missing_ok=True)
        if self._retriever is not None:
            self._retriever.refresh()
        return report

    def upload(self, files, lang: str = "fr", progress: bool = False) -> str:
        """Index uploaded files (see `add_files`). Returns one readable line;
        never raises."""
        paths = [Path(getattr(f, "name", f)) for f in (files or []) if f]
        try:
            report = self.add_files(paths, lang, progress)
        except UploadRefused as e:
            return "⚠️ " + str(e)
        msg = t(
            "upload_done",
            lang,
            added=len(report.added),
            changed=len(report.changed),
            unchanged=len(report.unchanged),
            failed=len(report.failed),
            chunks=self.n_chunks(),
        )
        if report.failed:  # some files in, some not: a warning, in the page's language
            whys = [ingest_error(why, lang) or why for _f, why in report.failed]
            msg = "⚠️ " + msg + " " + " ".join(f"{w}." for w in whys)
        return msg

    def remove(self, doc_id: str, lang: str = "fr") -> str:
        """Drop a document from the index (and its uploaded file, if it was uploaded)."""
        from ..indexer import build_index

        if not doc_id:
            return "⚠️ " + t("remove_none", lang)
        try:
            build_index([], self.settings, embedder=self._embedder(), sync=False, remove=[doc_id])
        except Exception as e:
            return "⚠️ " + user_error(e, lang)
        up = uploads_dir(self.settings).resolve()
        f = (up / doc_id).resolve()
        if f.parent == up and f.is_file():
            f.unlink()
        if self._retriever is not None:
            self._retriever.refresh()
        return t("removed", lang, doc=doc_id)
