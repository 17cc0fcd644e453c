"""Files -> clean `Document`s: decoding, boilerplate removal, news metadata.

Reads .txt, .md, .html/.htm and .jsonl (one article per line). Scraped news
carries ad markers, photo credits, bylines, "last updated" stamps and agency
sign-offs; the clearly non-article lines are dropped, the informative ones
(date, author, agency) become metadata instead of text. The rest of the text
is kept as written, only NFC-normalised, with one blank line between
paragraphs. A paragraph repeated verbatim inside one article is kept once.

Crawler output is hostile: empty files, binaries named .txt, Windows-1252
or Latin-1 text, 50 MB one-line dumps, pages that are mostly navigation,
files we may not read. Each such file raises `IngestError` with one line
naming it; nothing here lets another exception through for a bad file.

Shortcuts: the rules below are regexes tuned on French/English wire copy;
anything they do not recognise stays in the text rather than being guessed
away. Non-UTF-8 text is assumed Western European first (see `_decode`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .types import Document

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
# Size limits, checked before a file is read. A news article is 2-50 kB of
# text; a long feature 200 kB. Past MAX_ARTICLE_BYTES it is a crawler dump,
# and sentence splitting a 50 MB one-line file would take minutes.
MAX_ARTICLE_BYTES = 1_000_000  # one .txt/.md file, and one article's text anywhere
MAX_FILE_BYTES = 20 * 1024 * 1024  # an .html page with its markup, a .jsonl collection


class IngestError(Exception):
    """A file that cannot become a document; the message is one line for the user."""


# --- lines that are not article text -------------------------------------------
_DROP_LINE = re.compile(
    r"""^\s*(
        \[ad_\d+\]                                  # ad slots
      | Source\ link(\ -?\d+)?                      # scraper footer
      | (Lire|Voir)\ aussi\s*:.*                    # cross-links
      | Publicité
      | Advertisement
    )\s*$""",
    re.X | re.I,
)
_INLINE_JUNK = re.compile(r"\s*\((?:Fichier\ )?photo[^()]{0,40}\)|\s*\[ad_\d+\]", re.I | re.X)

# --- metadata lines ----------------------------------------------------------
_BYLINE = re.compile(r"^\s*(?:Publié par|Par|By|Written by)\s*:?\s*(?P<v>[^\n]{2,80})$", re.I)
_UPDATED = re.compile(
    r"^\s*(?:Dernière mise à jour|Mis à jour(?: le)?|Publié le|Last updated|Updated)"
    r"\s*:?\s*(?P<v>.+)$",
    re.I,
)
_LEADING_DATE = re.compile(r"^\s*date\s+(?P<v>\d{4}-\d{2}(?:-\d{2})?)\s*")
# "/ATS", "(ats)", "– PTI", "- AFP" closing the article
_AGENCIES = r"AFP|ATS|PTI|AP|Reuters|ANSA|DPA|EFE|Belga|Keystone-ATS|IANS|ANI|Xinhua|TASS|Yonhap"
_SIGNOFF_LINE = re.compile(rf"^\s*[/(]?\s*(?P<v>{_AGENCIES})\s*\)?\s*$", re.I)
_SIGNOFF_TAIL = re.compile(rf"\s*(?:[/–—-]|\bavec)\s*(?P<v>{_AGENCIES})\s*\)?\s*$")
_SYNDICATION = re.compile(
    r"^\s*\(?(?:Cette histoire|This story)[^\n]*(?:syndiqu|syndicat)[^\n]*$", re.I
)
_PUBLISHER = re.compile(r"personnel de (?P<v>[A-Z][\w.]+)|staff of (?P<w>[A-Z][\w.]+)")

_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}


def _month(word: str) -> int | None:
    """Month number from a French or English name or abbreviation ("août", "Aug", "sept")."""
    w = word.lower().rstrip(".")
    if w in _MONTHS:
        return _MONTHS[w]
    found = {n for name, n in _MONTHS.items() if len(w) >= 3 and name.startswith(w)}
    return found.pop() if len(found) == 1 else None


def parse_date(text: str) -> str:
    """First date found in `text` as ISO (YYYY-MM-DD or YYYY-MM), or ""."""
    m = re.search(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)", text)
    if m:
        return "-".join(g for g in m.groups() if g)
    m = re.search(r"\b(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?\s+(\d{4})\b", text)
    if m and _month(m.group(2)):
        return f"{m.group(3)}-{_month(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = re.search(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b", text)
    if m and _month(m.group(1)):
        return f"{m.group(3)}-{_month(m.group(1)):02d}-{int(m.group(2)):02d}"
    return ""


# Bumped when clean_text keeps other text: indexes record it (qa/indexer.py)
# so the next `qa index` re-chunks what an older cleaner made. 2: the byline,
# update stamp and syndication note close the text.
CLEANING = 2


def metadata_line(line: str) -> bool:
    """A byline, an update stamp or a syndication note (kept at the text's end)."""
    return bool(_BYLINE.match(line) or _UPDATED.match(line) or _SYNDICATION.match(line))


@dataclass
class _Meta:
    title: str = ""
    date: str = ""
    source: str = ""
    author: str = ""


def clean_text(raw: str) -> tuple[str, _Meta]:
    """Scraped article text -> (clean text, metadata pulled out of it).

    The byline, update stamp and syndication note become metadata, and their
    lines, as written, close the text, one paragraph each: readers ask "who wrote
    it", "when was it last updated", "which agency" (eleven of the 379
    answerable questions of the used sets), and an answer must quote the
    text it cites. Out of the opening lines they no longer hide the headline
    or lead the first chunk."""
    meta = _Meta()
    footer: list[str] = []
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    kept: list[str] = []
    for i, line in enumerate(text.split("\n")):
        line = _INLINE_JUNK.sub("", line)
        if i == 0 or not kept:
            m = _LEADING_DATE.match(line)
            if m:
                meta.date = meta.date or m.group("v")
                line = line[m.end() :]
        if _DROP_LINE.match(line):
            continue
        if m := _BYLINE.match(line):
            meta.author = meta.author or m.group("v").strip()
            footer.append(line)
            continue
        if m := _UPDATED.match(line):
            meta.date = parse_date(m.group("v")) or meta.date
            footer.append(line)
            continue
        if _SYNDICATION.match(line):
            footer.append(line)
            if m := _SIGNOFF_TAIL.search(line):
                meta.source = meta.source or m.group("v").upper()
            if m := _PUBLISHER.search(line):
                meta.author = meta.author  # publisher is not the author; keep as title hint
                meta.title = meta.title  # (no title here)
                meta.source = meta.source or (m.group("v") or m.group("w"))
            continue
        if m := _SIGNOFF_LINE.match(line):
            meta.source = meta.source or m.group("v").upper()
            continue
        kept.append(re.sub(r"[ \t]+", " ", line).strip())
    # Paragraphs: runs of non-empty lines; a single newline in scraped text is
    # almost always a paragraph break, so each line is one.
    paras: list[str] = []
    seen: set[str] = set()
    for line in kept:
        if not line:
            continue
        key = re.sub(r"\W+", " ", line).strip().lower()
        if len(key) > 40 and key in seen:
            continue  # verbatim repeat inside one article
        seen.add(key)
        paras.append(line)
    if paras and (m := _SIGNOFF_TAIL.search(paras[-1])) and len(paras[-1]) > 40:
        meta.source = meta.source or m.group("v").upper()
        paras[-1] = paras[-1][: m.start()].rstrip()
    if paras:
        paras += [re.sub(r"[ \t]+", " ", f).strip() for f in footer]
    return "\n\n".join(paras), meta


# Every non-ASCII character French (and most Western European) news uses.
_WESTERN = set(
    "àâäáãåçéèêëíìîïñóòôöõøúùûüýÿœæßÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØÚÙÛÜÝŸŒÆ"
    "\u00a0’‘‚“”„«»‹›–—…•·€£¥¢°§¶©®™´¨ªº¹²³½¼¾¡¿†‡‰"
)


def _looks_western(text: str) -> bool:
    """Only Western characters, and few of them: French has a few % accented
    letters, Greek or Cyrillic bytes read as cp1252 give mostly non-ASCII."""
    other = [c for c in text if ord(c) > 127]
    letters = sum(c.isalpha() for c in text)
    if len(other) > 0.6 * max(letters, 1):
        return False
    return sum(c in _WESTERN for c in other) >= 0.97 * len(other)


def _mostly_control(text: str) -> bool:
    sample = text[:100_000]
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    return bad > 0.02 * len(sample)


def _decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 with a BOM, else
    Windows-1252 when that gives only Western characters (charset-normalizer
    alone reads short French cp1252 text as cp1250: "été à Genève" ->
    "été ŕ Genčve"), else charset-normalizer's best guess."""
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    text = None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if text is None and b"\x00" in data[:8192]:
        raise IngestError(f"{name}: binary file (contains NUL bytes), not text")
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    if text is None:
        try:
            text = data.decode("cp1252")
            if not _looks_western(text):
                text = None
            else:
                log.info("%s: not UTF-8, decoded as Windows-1252", name)
        except UnicodeDecodeError:
            pass
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:2_000_000]).best()
        if best is None:
            raise IngestError(f"{name}: binary file or unknown text encoding, not text")
        log.info("%s: not UTF-8, decoded as %s", name, best.encoding)
        text = data.decode(best.encoding, errors="replace")
    if _mostly_control(text):
        raise IngestError(f"{name}: binary file (control characters), not text")
    if not text.strip():
        raise IngestError(f"{name}: empty file")
    return text


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _from_markdown(raw: str) -> tuple[str, str]:
    title = ""
    lines = raw.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            lines.pop(i)
            break
    body = "\n".join(re.sub(r"^#{1,6}\s+", "", ln) for ln in lines)
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)  # images
    body = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body)  # links keep their text
    body = re.sub(r"(\*\*|__)(.+?)\1", r"\2", body)
    return title, body


def _from_html(raw: str, name: str) -> tuple[str, _Meta]:
    import trafilatura

    out = trafilatura.extract(raw, output_format="json", with_metadata=True, favor_precision=True)
    if not out:
        raise IngestError(f"{name}: no article text found in the HTML")
    d = json.loads(out)
    meta = _Meta(
        title=d.get("title") or "",
        date=parse_date(d.get("date") or ""),
        source=d.get("sitename") or d.get("hostname") or "",
        author=_clean_author(d.get("author") or ""),
    )
    return d.get("text") or "", meta


def _clean_author(author: str) -> str:
    """trafilatura's "Par Jean Dupont; Publié Le" -> "Jean Dupont"."""
    parts = []
    for part in author.split(";"):
        part = re.sub(r"^\s*(?:par|by|written by)\s+", "", part.strip(), flags=re.I)
        if part and not re.match(r"(?:publié|mis à jour|updated|published)\b", part, re.I):
            parts.append(part)
    return "; ".join(parts)


def headline(text: str) -> str:
    """The article's first paragraph when it reads as a headline, else "".

    A headline is short (3 to 20 words), ends without . , ; or :, starts with a
    capital, and is followed by a longer paragraph; it is a sentence-case
    title (two lowercase words or more: "La Corée du Nord livre des obus") or
    a Title Case one without comma. That keeps out datelines ("Washington
    DC, États-Unis (USA)") and bylines, which cleaning mostly drops anyway.
    The line stays in the text: only the title is read from it."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(paras) < 2:
        return ""
    first, words = paras[0], paras[0].split()
    if not (3 <= len(words) <= 20 and 15 <= len(first) <= 150):
        return ""
    if first[-1] in ".,;:" or not first[0].isupper() or len(paras[1]) < 1.5 * len(first):
        return ""
    lower = sum(1 for w in words if len(w) >= 3 and w[0].islower())
    if lower >= 2 or (len(words) >= 4 and "," not in first):
        return first
    return ""


def _make(doc_id: str, raw_text: str, sha: str, path: str, hint: _Meta | None = None) -> Document:
    if len(raw_text) > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"{doc_id}: {len(raw_text) / 1e6:.1f} M characters is too long for one article "
            f"(limit {MAX_ARTICLE_BYTES / 1e6:g} M)"
        )
    text, meta = clean_text(raw_text)
    if len(text.strip()) < 20:
        raise IngestError(f"{doc_id}: no article text left after cleaning")
    hint = hint or _Meta()
    return Document(
        doc_id=doc_id,
        text=text,
        sha256=sha,
        title=" ".join((hint.title or meta.title or headline(text)).split()),
        date=hint.date or meta.date,
        source=hint.source or meta.source,
        author=hint.author or meta.author,
        path=path,
    )


def read_file(path: Path, root: Path | None = None) -> list[Document]:
    """One file -> its documents (a .jsonl file holds many). Raises IngestError."""
    path = Path(path)
    doc_id = path.relative_to(root).as_posix() if root else path.name
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(f"{doc_id}: unsupported file type {ext or '(none)'}")
    limit = MAX_ARTICLE_BYTES if ext in {".txt", ".md", ".markdown"} else MAX_FILE_BYTES
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise IngestError(f"{doc_id}: not a regular file")
        if st.st_size > limit:
            raise IngestError(
                f"{doc_id}: {st.st_size / 1e6:.1f} MB is too large for a {ext} file "
                f"(limit {limit / 1e6:g} MB); skipped as crawler junk"
            )
        data = path.read_bytes()
    except PermissionError:
        raise IngestError(f"{doc_id}: permission denied") from None
    except OSError as e:
        raise IngestError(f"{doc_id}: cannot read ({e.strerror})") from None
    sha = _sha256(data)
    raw = _decode(data, doc_id)
    if ext in {".html", ".htm"}:
        body, meta = _from_html(raw, doc_id)
        return [_make(doc_id, body, sha, str(path), meta)]
    if ext == ".jsonl":
        return list(_from_jsonl(raw, doc_id, str(path)))
    if ext in {".md", ".markdown"}:
        title, body = _from_markdown(raw)
        return [_make(doc_id, body, sha, str(path), _Meta(title=title))]
    return [_make(doc_id, raw, sha, str(path))]


def _from_jsonl(raw: str, doc_id: str, path: str) -> Iterator[Document]:
    """One document per line; bad lines are skipped and counted in one warning."""
    n, bad, seen = 0, [], set()
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text = rec.get("text") or rec.get("content") or rec.get("body") or ""
        except (json.JSONDecodeError, AttributeError):
            bad.append(f"{lineno}: not a JSON object")
            continue
        sub_id = f"{doc_id}:{rec.get('id', lineno)}"
        if not isinstance(text, str) or sub_id in seen:
            why = "repeated id" if sub_id in seen else "text is not a string"
            bad.append(f"{lineno}: {why}")
            continue
        seen.add(sub_id)

        def field(name: str) -> str:
            v = rec.get(name)
            return v if isinstance(v, str) else ""

        hint = _Meta(
            title=field("title"),
            date=parse_date(str(rec.get("date") or "")),
            source=field("source"),
            author=field("author"),
        )
        sha = _sha256(line.encode())
        try:
            yield _make(sub_id, text, sha, path, hint)
            n += 1
        except IngestError as e:
            bad.append(f"{lineno}: {str(e).split(': ', 1)[-1]}")
    for b in bad:
        log.info("%s:%s, skipped", doc_id, b)
    if n == 0:
        raise IngestError(
            f"{doc_id}: no usable article in the JSONL file"
            + (f" ({len(bad)} bad lines, first: line {bad[0]})" if bad else "")
        )
    if bad:
        log.warning(
            "%s: %d of %d lines skipped (first: line %s)", doc_id, len(bad), n + len(bad), bad[0]
        )


def iter_files(
    paths: list[Path], errors: list[tuple[str, str]] | None = None
) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs for every file under the given paths, sorted, hidden ones skipped.

    A folder that cannot be listed is appended to `errors` as (path, message)."""
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise IngestError(f"{p}: no such file or directory")
        if not p.is_dir():
            yield p, p.parent
            continue

        def unreadable(e: OSError, root=p):
            where = Path(e.filename or root)
            rel = where.relative_to(root).as_posix() if where != root else str(root)
            msg = f"{rel}/: cannot list folder ({e.strerror})"
            log.info("skipped %s", msg)
            if errors is not None:
                errors.append((str(where), msg))

        for dirpath, dirnames, filenames in os.walk(p, onerror=unreadable):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for f in sorted(filenames):
                if not f.startswith("."):
                    yield Path(dirpath) / f, p
