"""Documents -> overlapping chunks of whole sentences, with stable ids.

`chunk(doc)` packs consecutive sentences until the next one would pass
`max_chars`; the next chunk starts with the last `overlap` sentences of the
previous one, so a fact on a boundary is whole in at least one chunk (a
chunk can pass `max_chars` by those carried sentences). No
chunk cuts a sentence, except a "sentence" longer than `hard_limit` (a
scraped table or a line without punctuation), which is cut at a space so it
still fits the embedder's window.

Chunk ids are "<doc_id>#<ordinal>": the same document text always gives the
same ids. `split_sentences` is shared with the answerer.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading

from .types import Chunk, Document

_local = threading.local()


def _segmenter(lang: str):
    """One pysbd Segmenter per thread: `segment` keeps the text being split
    on the instance (`original_text`), so a Segmenter shared by two chat
    threads splits one text with the other's and the answers change."""
    segs = _local.__dict__.setdefault("segmenters", {})
    if lang not in segs:
        import pysbd

        segs[lang] = pysbd.Segmenter(language=lang, clean=False)
    return segs[lang]


_PARA = re.compile(r"[^\n]+")


def split_sentences(text: str, lang: str = "fr") -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`; paragraphs never merge.

    Cached: the answerer splits the same retrieved passages again and again,
    and pysbd costs ~2 ms per passage."""
    return list(_split_cached(text, lang))


@functools.lru_cache(maxsize=50_000)
def _split_cached(text: str, lang: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    seg = _segmenter(lang)
    for para in _PARA.finditer(text):
        base, ptext = para.start(), para.group()
        cursor = 0
        for sent in seg.segment(ptext):
            s = sent.strip()
            if not s:
                continue
            i = ptext.find(s, cursor)
            if i < 0:  # pysbd altered the text; fall back to the rest of the paragraph
                spans.append((base + cursor, base + len(ptext.rstrip())))
                break
            spans.append((base + i, base + i + len(s)))
            cursor = i + len(s)
    return tuple(_split_overlong(text, spans, 2000))


def _split_overlong(text: str, spans, hard_limit: int) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        while e - s > hard_limit:
            cut = text.rfind(" ", s, s + hard_limit)
            cut = cut if cut > s else s + hard_limit
            out.append((s, cut))
            s = cut + 1
        out.append((s, e))
    return out


def chunk_hash(text: str, context: str = "") -> str:
    """The embedding cache's key: what the chunk's vector is computed from."""
    return hashlib.sha1((f"{context}\n{text}" if context else text).encode()).hexdigest()


def chunk(doc: Document, max_chars: int = 600, overlap: int = 1) -> list[Chunk]:
    sents = split_sentences(doc.text)
    if not sents:
        return []
    groups: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for span in sents:
        if cur and span[1] - cur[0][0] > max_chars:
            groups.append(cur)
            # Carry `overlap` sentences over. A chunk may then pass max_chars by
            # the carried sentences; the embedder's window (~2000 chars) has room.
            cur = cur[-overlap:] if overlap and len(cur) > overlap else []
        cur.append(span)
    groups.append(cur)
    chunks = []
    for i, g in enumerate(groups):
        start, end = g[0][0], g[-1][1]
        text = doc.text[start:end]
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{i}",
                doc_id=doc.doc_id,
                ordinal=i,
                text=text,
                start=start,
                end=end,
                hash=chunk_hash(text),
                title=doc.title,
                date=doc.date,
                source=doc.source,
            )
        )
    return chunks
