"""The answer as the page shows it (HTML with its [n] links and the note on
what the search did), error and status lines, the page's CSS, and the script
that makes a click on [n] bring passage n into view.

Style and script share class names and ids with the markup here and in
sources.py (`qa-cite`, `#qa-src-n`, `qa-support`, ...), so they live next to
it. Pure functions of an `Answer`, so tests check the HTML without a browser.
"""

from __future__ import annotations

import html
import json
import re

from ..retrieve import Filters
from ..types import Answer
from .i18n import t
from .sources import _highlight, render_sources  # noqa: F401 (their home before sources.py)

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


def render_error(message: str) -> str:
    """An error in the chat: ⚠️ and its own colour, unlike an answer, in any language."""
    return f'⚠️ <span class="qa-error">{html.escape(message, quote=False)}</span>'


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
