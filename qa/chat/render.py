"""The answer and its sources as the page shows them: HTML, its CSS, and the
script that makes a click on [n] bring passage n into view.

Markup, style and script share class names and ids (`qa-cite`,
`#qa-src-n`, `qa-support`, ...), so they live together: a change to one is
seen next to the others. Pure functions of an `Answer`, so tests check the
HTML without a browser.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..retrieve import Filters
from ..types import Answer, Hit
from .i18n import t

# app.py passes CSS and HEAD to `launch()`.
CSS = """
#qa-sources { max-height: 78vh; overflow-y: auto !important; }
.qa-passage { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin: 8px 0; transition: box-shadow .3s, background .3s; }
.qa-passage.qa-flash { box-shadow: 0 0 0 3px var(--color-accent); }
.qa-meta { font-size: .85em; opacity: .9; margin-bottom: 4px; }
.qa-title { font-style: italic; }
.qa-n { font-weight: bold; color: var(--color-accent); }
.qa-file { font-family: var(--font-mono); }
mark.qa-support { background: #fff2a8; color: #111; padding: 0 2px; border-radius: 2px; }
mark.qa-span { background: #ffd24d; color: #111; font-weight: 600; padding: 0 1px; }
a.qa-cite { text-decoration: none !important; font-weight: bold; cursor: pointer;
  color: var(--color-accent) !important; }
.qa-missing { opacity: .6; font-style: italic; }
small.qa-query { opacity: .8; }
details.qa-uncited summary { cursor: pointer; margin: 8px 0; }
.qa-other { opacity: .85; }
"""

# A click on [n] brings passage n into view and flashes it. Done in JS because
# Gradio's chat renders links to open in a new tab.
HEAD = """
<script>
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a.qa-cite, a[href^="#qa-src-"]');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const el = document.getElementById(a.getAttribute('href').slice(1));
  if (!el) return;
  el.scrollIntoView({behavior: 'instant', block: 'center'});
  el.classList.add('qa-flash'); setTimeout(() => el.classList.remove('qa-flash'), 2000);
}, true);
</script>
"""


def _meta_line(hit: Hit, lang: str = "fr") -> str:
    c = hit.chunk
    parts = [
        f'<span class="qa-file" title="{t("file", lang)}">'
        f"{html.escape(Path(c.doc_id.split(':')[0]).name)}"
        f"{html.escape(':' + c.doc_id.split(':', 1)[1]) if ':' in c.doc_id else ''}</span>"
    ]
    for cls, label, value, missing in (
        ("qa-date", "date", c.date, "no_date"),
        ("qa-agency", "agency", c.source, "no_agency"),
    ):
        shown = html.escape(value) if value else t(missing, lang)
        extra = "" if value else " qa-missing"
        parts.append(f'<span class="{cls}{extra}" title="{t(label, lang)}">{shown}</span>')
    line = " · ".join(parts)
    if c.title:
        line += f'<div class="qa-title">{html.escape(c.title)}</div>'
    return line


def _highlight(text: str, sentences: list[str], span: tuple[int, int] | None = None) -> str:
    """The passage as HTML, its supporting sentences marked, and inside them
    the reader's answer span (character offsets in `text`) marked again."""
    marks: list[tuple[int, int]] = []
    for s in dict.fromkeys(x.strip() for x in sentences if x and x.strip()):
        i = text.find(s)
        if i >= 0 and not any(a < i + len(s) and i < b for a, b in marks):
            marks.append((i, i + len(s)))
    a, b = span if span else (-1, -1)
    if not 0 <= a < b <= len(text):
        a = b = -1
    elif not any(x <= a and b <= y for x, y in marks):
        marks = [(x, y) for x, y in marks if y <= a or x >= b] + [(a, b)]

    def inner(x: int, y: int) -> str:
        if x <= a and b <= y and a >= 0:
            return (
                html.escape(text[x:a])
                + f'<mark class="qa-span">{html.escape(text[a:b])}</mark>'
                + html.escape(text[b:y])
            )
        return html.escape(text[x:y])

    out, pos = [], 0
    for x, y in sorted(marks):
        out.append(html.escape(text[pos:x]))
        out.append(f'<mark class="qa-support">{inner(x, y)}</mark>')
        pos = y
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n\n", "<br><br>")


def render_sources(ans: Answer | None, lang: str = "fr", final: bool = True) -> str:
    """Cited passages first, each with file, date, agency and the supporting
    sentence highlighted; uncited retrieved passages folded in a <details>."""
    if ans is None:
        return ""
    parts = ['<div class="qa-sources">']
    if ans.citations:
        parts.append(f'<h4 class="qa-cited-title">{t("cited", lang)}</h4>')
    for c in ans.citations:
        sents = [s.text for s in ans.sentences if s.n == c.n] + [c.sentence]
        span = (c.start, c.end) if c.span else None
        parts.append(
            f'<div class="qa-passage qa-cited" id="qa-src-{c.n}" data-n="{c.n}">'
            f'<div class="qa-meta"><span class="qa-n">[{c.n}]</span> {_meta_line(c.hit, lang)}'
            f'</div><div class="qa-text">{_highlight(c.hit.chunk.text, sents, span)}</div></div>'
        )
    cited = {c.hit.chunk.chunk_id for c in ans.citations}
    others = [h for h in ans.hits if h.chunk.chunk_id not in cited]
    if final and others:
        parts.append(
            f"<details class='qa-uncited'><summary>{t('uncited', lang, n=len(others))}</summary>"
        )
        for h in others:
            parts.append(
                f'<div class="qa-passage qa-other"><div class="qa-meta">{_meta_line(h, lang)}'
                f'</div><div class="qa-text">{_highlight(h.chunk.text, [])}</div></div>'
            )
        parts.append("</details>")
    if final and not ans.hits:
        parts.append(f'<p class="qa-none">{t("no_source", lang)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _filters_text(filters: Filters | None) -> str:
    if not filters:
        return ""
    bits = []
    if filters.date_from or filters.date_to:
        bits.append(f"{filters.date_from or '…'} → {filters.date_to or '…'}")
    if filters.source:
        bits.append(filters.source)
    return ", ".join(bits)


def render_answer(ans: Answer, lang: str = "fr", filters: Filters | None = None) -> str:
    """Markdown answer; each [n] links to its passage in the sources panel.
    The search actually run is shown when it differs from the question."""
    text = html.escape(ans.answer, quote=False)
    lead = html.escape(ans.span, quote=False) + " — "
    if ans.span and text.startswith(lead):  # the short answer, then its proof
        text = f'<strong class="qa-short">{lead[:-3]}</strong> — {text[len(lead) :]}'
    text = re.sub(r"\[(\d+)\]", r'<a href="#qa-src-\1" class="qa-cite">[\1]</a>', text)
    note = []
    if ans.query and ans.query != ans.question:
        note.append(t("searched", lang, q=html.escape(ans.query, quote=False)))
    if ftxt := _filters_text(filters):
        note.append(t("filters", lang, f=html.escape(ftxt, quote=False)))
    if note:
        text += f'\n\n<small class="qa-query">{" — ".join(note)}</small>'
    return text
