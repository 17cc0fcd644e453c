"""The sources panel: the passages behind an answer as HTML.

Each passage is headed by its article's title (or first words) with source,
date and file name after it in small type; cited passages of one article
that overlap are merged into one; a passage cut inside a sentence shows "…".
Pure functions of an `Answer`, so tests check the HTML without a browser;
the class names and ids (`qa-passage`, `#qa-src-n`, `qa-support`) are
styled and scripted in render.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..types import Answer, Hit
from .i18n import t, tn


def display_title(title: str, text: str, words: int = 12) -> str:
    """The article's title, else its first words: what people recognise, not a file hash."""
    if title and title.strip():
        return " ".join(title.split())
    first = " ".join((text or "").split()[:words])
    return first + ("…" if len((text or "").split()) > words else "")


def _title_of(hit: Hit, titles: Mapping[str, str] | None) -> str:
    c = hit.chunk
    if titles and titles.get(c.doc_id):
        return titles[c.doc_id]
    return display_title(c.title, c.text)


def _meta_line(hit: Hit, lang: str = "fr") -> str:
    """Source, date and file name, in small type after the title."""
    c = hit.chunk
    parts = []
    for cls, label, value, missing in (
        ("qa-agency", "agency", c.source, "no_agency"),
        ("qa-date", "date", c.date, "no_date"),
    ):
        shown = html.escape(value) if value else t(missing, lang)
        extra = "" if value else " qa-missing"
        parts.append(f'<span class="{cls}{extra}" title="{t(label, lang)}">{shown}</span>')
    parts.append(
        f'<span class="qa-file" title="{t("file", lang)}">'
        f"{html.escape(Path(c.doc_id.split(':')[0]).name)}"
        f"{html.escape(':' + c.doc_id.split(':', 1)[1]) if ':' in c.doc_id else ''}</span>"
    )
    return " · ".join(parts)


def _head(hit: Hit, lang: str, titles, ns: list[int] = ()) -> str:
    """The passage's heading: [n] and the article's title, then its metadata line."""
    num = " ".join(f'<span class="qa-n">[{n}]</span>' for n in ns)
    return (
        f'<div class="qa-head">{num}{" " if num else ""}'
        f'<span class="qa-title">{html.escape(_title_of(hit, titles))}</span></div>'
        f'<div class="qa-meta">{_meta_line(hit, lang)}</div>'
    )


# A passage starting on a lowercase letter or a closing mark was cut inside a sentence.
_MID_START = re.compile(r"^\s*(?:[a-zà-öø-ÿ]|[,;:)\]»”])")
_END = re.compile(r"[.!?…»”\"')\]]\s*$")


def _ellipsis(text: str, body: str) -> str:
    """`body` (the passage's HTML) with "…" where the passage starts or ends mid-sentence."""
    if _MID_START.match(text):
        body = "…" + body.lstrip()
    if text.strip() and not _END.search(text):
        body = body.rstrip() + "…"
    return body


@dataclass(frozen=True)
class _Shown:
    """One passage of the panel: cited ones from the same article that overlap are merged."""

    hit: Hit
    text: str
    start: int  # offset of `text` in the article
    ns: tuple[int, ...]
    sentences: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # answer spans, offsets in `text`


def _merge_cited(ans: Answer) -> list[_Shown]:
    out: list[_Shown] = []
    for c in ans.citations:
        ch = c.hit.chunk
        sents = tuple(s.text for s in ans.sentences if s.n == c.n) + (c.sentence,)
        span = ((c.start, c.end),) if c.span and 0 <= c.start < c.end else ()
        for i, g in enumerate(out):
            gend = g.start + len(g.text)
            if g.hit.chunk.doc_id != ch.doc_id or not (ch.start < gend and g.start < ch.end):
                continue
            lo = min(g.start, ch.start)
            first, second = (g.text, ch.text) if g.start <= ch.start else (ch.text, g.text)
            off = abs(ch.start - g.start)
            shared = len(first) - off  # characters both hold
            if first[off : off + len(second)] != second[:shared]:
                continue  # not the same article text: show both
            text = first + second[shared:] if len(second) > shared else first
            shift_g, shift_c = g.start - lo, ch.start - lo
            out[i] = _Shown(
                g.hit,
                text,
                lo,
                g.ns + (c.n,),
                g.sentences + sents,
                tuple((x + shift_g, y + shift_g) for x, y in g.spans)
                + tuple((x + shift_c, y + shift_c) for x, y in span),
            )
            break
        else:
            out.append(_Shown(c.hit, ch.text, ch.start, (c.n,), sents, span))
    return out


def _highlight(text: str, sentences: list[str], spans=()) -> str:
    """The passage as HTML, its supporting sentences marked, and inside them
    the reader's answer spans (character offsets in `text`) marked again."""
    marks: list[tuple[int, int]] = []
    for s in dict.fromkeys(x.strip() for x in sentences if x and x.strip()):
        i = text.find(s)
        if i >= 0 and not any(a < i + len(s) and i < b for a, b in marks):
            marks.append((i, i + len(s)))
    if spans and isinstance(spans[0], int):  # one (start, end) pair
        spans = (spans,)
    good: list[tuple[int, int]] = []
    for a, b in spans or ():
        if not 0 <= a < b <= len(text) or any(x < b and a < y for x, y in good):
            continue
        good.append((a, b))
        if not any(x <= a and b <= y for x, y in marks):
            marks = [(x, y) for x, y in marks if y <= a or x >= b] + [(a, b)]

    def inner(x: int, y: int) -> str:
        out, pos = [], x
        for a, b in sorted(good):
            if x <= a and b <= y:
                out.append(html.escape(text[pos:a]))
                out.append(f'<mark class="qa-span">{html.escape(text[a:b])}</mark>')
                pos = b
        out.append(html.escape(text[pos:y]))
        return "".join(out)

    out, pos = [], 0
    for x, y in sorted(marks):
        out.append(html.escape(text[pos:x]))
        out.append(f'<mark class="qa-support">{inner(x, y)}</mark>')
        pos = y
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n\n", "<br><br>")


def render_sources(
    ans: Answer | None,
    lang: str = "fr",
    final: bool = True,
    titles: Mapping[str, str] | None = None,
) -> str:
    """Cited passages first, each headed by its article's title (`titles`:
    doc_id -> title, else the chunk's own title or first words) with source,
    date and file after it, the supporting sentence highlighted; cited
    passages of one article that overlap are shown once; uncited retrieved
    passages folded in a <details>."""
    if ans is None:
        return ""
    parts = ['<div class="qa-sources">']
    if ans.citations:
        parts.append(f'<h4 class="qa-cited-title">{t("cited", lang)}</h4>')
    for p in _merge_cited(ans):
        n0, more = p.ns[0], p.ns[1:]
        # the other numbers of a merged passage are anchors inside it, for their [n] links
        anchors = "".join(f'<span class="qa-anchor" id="qa-src-{n}"></span>' for n in more)
        body = _ellipsis(p.text, _highlight(p.text, list(p.sentences), p.spans))
        parts.append(
            f'<div class="qa-passage qa-cited" id="qa-src-{n0}" data-n="{n0}">{anchors}'
            f"{_head(p.hit, lang, titles, p.ns)}"
            f'<div class="qa-text">{body}</div></div>'
        )
    cited = {c.hit.chunk.chunk_id for c in ans.citations}
    others = [h for h in ans.hits if h.chunk.chunk_id not in cited]
    if final and others:
        parts.append(
            f"<details class='qa-uncited'><summary>{tn('uncited', len(others), lang)}</summary>"
        )
        for h in others:
            body = _ellipsis(h.chunk.text, _highlight(h.chunk.text, []))
            parts.append(
                f'<div class="qa-passage qa-other">{_head(h, lang, titles)}'
                f'<div class="qa-text">{body}</div></div>'
            )
        parts.append("</details>")
    if final and not ans.hits:
        parts.append(f'<p class="qa-none">{t("no_source", lang)}</p>')
    parts.append("</div>")
    return "".join(parts)


def sources_placeholder(lang: str = "fr") -> str:
    """What the sources panel shows with no answer (at start, after an error or a clear)."""
    return f'<p class="qa-empty">{t("sources_empty", lang)}</p>'
