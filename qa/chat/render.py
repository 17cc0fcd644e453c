"""The answer and its sources as the page shows them: HTML, its CSS, and the
script that makes a click on [n] bring passage n into view.

Markup, style and script share class names and ids (`qa-cite`,
`#qa-src-n`, `qa-support`, ...), so they live together: a change to one is
seen next to the others. Pure functions of an `Answer`, so tests check the
HTML without a browser.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..retrieve import Filters
from ..types import Answer, Hit
from .i18n import t, tn

# app.py passes CSS and HEAD to `launch()`.
CSS = """
#qa-sources { max-height: 78vh; overflow-y: auto !important; }
.qa-passage { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin: 8px 0; transition: box-shadow .3s, background .3s; }
.qa-passage.qa-flash { box-shadow: 0 0 0 3px var(--color-accent); }
.qa-head { font-weight: 600; line-height: 1.3; }
.qa-meta { font-size: .8em; opacity: .85; margin: 2px 0 6px; overflow-wrap: anywhere; }
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
.qa-error { color: #b42318; font-weight: 600; }
.dark .qa-error { color: #ff8a80; }
.qa-ok { color: #067647; }
.dark .qa-ok { color: #75e0a7; }
#qa-eval-fail table { table-layout: fixed; width: 100%; }
#qa-eval-fail td, #qa-eval-fail th { white-space: normal !important; overflow-wrap: anywhere; }
#qa-upload [data-testid="upload-text"] .or, #qa-eval-file [data-testid="upload-text"] .or {
  display: none; }
/* A phone: title and language on one line, the intro left to the chat's
   placeholder, the sources right after the answer and the settings last. */
@media (max-width: 640px) {
  html, body { overflow-x: hidden; }
  #qa-top { flex-wrap: wrap !important; align-items: center !important; gap: 4px !important; }
  #qa-top > * { min-width: 0 !important; }
  #qa-top > :has(#qa-header), #qa-header { flex: 1 1 100% !important; }
  #qa-top > .form:has(#qa-lang) { flex: 0 0 auto !important; width: auto !important; }
  #qa-header p { display: none; }
  #qa-header h2 { font-size: 1.15rem; margin: 0; }
  #qa-lang { min-width: max-content !important; padding: 2px 4px !important;
    border: none !important; }
  #qa-lang > [data-testid="block-info"] { display: none; }
  #qa-lang label { padding: 2px 8px !important; }
  #qa-chat { height: 48vh !important; max-height: 48vh !important; }
  #qa-main { flex-direction: column !important; }
  #qa-left { display: contents !important; }
  #qa-settings { order: 2; }
  #qa-right { order: 1; }
  #qa-sources { max-height: none; }
}
"""

# A click on [n] brings passage n into view and flashes it (for a passage
# merged with another, its anchor inside the passage). Done in JS because
# Gradio's chat renders links to open in a new tab.
# Gradio's upload widgets speak the browser's language ("Drop File Here"); the
# page's words replace theirs, in the page's language (`data-qa-lang` on
# <html>, set by the language switch, layout.py).
_DROP = {
    lang: {"qa-upload": t("drop_files", lang), "qa-eval-file": t("drop_file", lang)}
    for lang in ("fr", "en")
}
HEAD = (
    """
<script>
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a.qa-cite, a[href^="#qa-src-"]');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const el = document.getElementById(a.getAttribute('href').slice(1));
  if (!el) return;
  const box = el.closest('.qa-passage') || el;
  box.scrollIntoView({behavior: 'instant', block: 'center'});
  box.classList.add('qa-flash'); setTimeout(() => box.classList.remove('qa-flash'), 2000);
}, true);
(() => {
  const DROP = """
    + json.dumps(_DROP, ensure_ascii=False)
    + """;
  const relabel = () => {
    const words = DROP[document.documentElement.dataset.qaLang] || DROP.fr;
    for (const [id, text] of Object.entries(words)) {
      document.querySelectorAll(`#${id} [data-testid="upload-text"]`).forEach((box) => {
        const nodes = [...box.childNodes].filter((n) => n.nodeType === 3 && n.data.trim());
        nodes.forEach((n, i) => {
          const want = i ? '' : text;
          if (n.data !== want) n.data = want;
        });
      });
    }
  };
  const start = () => {
    new MutationObserver(relabel).observe(document.documentElement, {
      childList: true, subtree: true, attributes: true, attributeFilter: ['data-qa-lang']});
    relabel();
  };
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
</script>
"""
)


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


def render_error(message: str) -> str:
    """An error in the chat: ⚠️ and its own colour, unlike an answer, in any language."""
    return f'<span class="qa-error">⚠️ {html.escape(message, quote=False)}</span>'


def render_status(message: str) -> str:
    """A status line of the Documents or Evaluation tab: errors (they start with ⚠️)
    in the error colour, the rest as a success."""
    if not message:
        return ""
    cls = "qa-error" if message.startswith("⚠️") else "qa-ok"
    icon = "" if cls == "qa-error" else "✅ "
    return f'<div class="{cls}">{icon}{html.escape(message, quote=False)}</div>'


def _filters_text(filters: Filters | None) -> str:
    if not filters:
        return ""
    bits = []
    if filters.date_from or filters.date_to:
        bits.append(f"{filters.date_from or '…'} → {filters.date_to or '…'}")
    if filters.source:
        bits.append(filters.source)
    return ", ".join(bits)


def render_answer(
    ans: Answer,
    lang: str = "fr",
    filters: Filters | None = None,
    mode: str | None = None,
    k: int | None = None,
    defaults: tuple[str, int] = ("hybrid", 5),
    notes: tuple[str, ...] = (),
) -> str:
    """Markdown answer; each [n] links to its passage in the sources panel.
    Under it, what the search did when the user could not guess it: the
    search actually run when it differs from the question, the mode and k
    when they are not the defaults, the filters, and any `notes`."""
    text = html.escape(ans.answer, quote=False)
    lead = html.escape(ans.span, quote=False) + " — "
    if ans.span and text.startswith(lead):  # the short answer, then its proof
        text = f'<strong class="qa-short">{lead[:-3]}</strong> — {text[len(lead) :]}'
    text = re.sub(r"\[(\d+)\]", r'<a href="#qa-src-\1" class="qa-cite">[\1]</a>', text)
    note = []
    if ans.query and ans.query != ans.question:
        note.append(t("searched", lang, q=html.escape(ans.query, quote=False)))
    if mode and mode != defaults[0]:
        note.append(t("note_mode", lang, mode=html.escape(mode)))
    if k and int(k) != defaults[1]:
        note.append(t("note_k", lang, k=int(k)))
    if ftxt := _filters_text(filters):
        note.append(t("filters", lang, f=html.escape(ftxt, quote=False)))
    note += [html.escape(n, quote=False) for n in notes]
    if note:
        text += f'\n\n<small class="qa-query">{" — ".join(note)}</small>'
    return text
