"""What the chat page does, without Gradio: answer a message, render it.

`ChatService.respond` takes the user's message and returns the answer as
Markdown (with [n] markers linking to the passages) and the sources panel as
HTML (cited passages with file name, date and agency, the supporting sentence
highlighted; uncited retrieved passages folded away). app.py only wires
this to widgets, so tests can drive the chat without a browser.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from .answer import QuestionError, extractive_answer
from .config import Settings
from .retrieve import Filters, Retriever
from .types import Answer, Hit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    markdown: str
    sources_html: str
    answer: Answer | None = None
    error: str = ""


def ensure_index(settings: Settings, progress: bool = True) -> None:
    """Build the index on first start (the seeds, by default)."""
    from . import store

    if store.current_generation(settings.index_dir) is not None:
        return
    from .indexer import build_index

    log.warning(
        "no index in %s yet: indexing %s (first start only)", settings.index_dir, settings.docs_dir
    )
    report = build_index([settings.docs_dir], settings, progress=progress)
    log.warning("index built: %s", report.summary())


def _meta_line(hit: Hit) -> str:
    c = hit.chunk
    parts = [f"<b>{html.escape(Path(c.doc_id).name)}</b>"]
    if c.date:
        parts.append(html.escape(c.date))
    if c.source:
        parts.append(html.escape(c.source))
    if c.title:
        parts.append(f"<i>{html.escape(c.title)}</i>")
    return " · ".join(parts)


def _highlight(text: str, sentences: list[str]) -> str:
    out = html.escape(text)
    for s in sentences:
        e = html.escape(s)
        if e and e in out:
            out = out.replace(e, f'<mark class="qa-support">{e}</mark>', 1)
    return out.replace("\n\n", "<br><br>")


def render_sources(ans: Answer) -> str:
    if ans is None:
        return ""
    parts = ['<div class="qa-sources">']
    if ans.citations:
        parts.append('<h4 class="qa-cited-title">Passages cités</h4>')
    for c in ans.citations:
        sents = [s.text for s in ans.sentences if s.n == c.n]
        parts.append(
            f'<div class="qa-passage" id="qa-src-{c.n}" data-n="{c.n}">'
            f'<div class="qa-meta"><span class="qa-n">[{c.n}]</span> {_meta_line(c.hit)}</div>'
            f'<div class="qa-text">{_highlight(c.hit.chunk.text, sents)}</div></div>'
        )
    cited = {c.hit.chunk.chunk_id for c in ans.citations}
    others = [h for h in ans.hits if h.chunk.chunk_id not in cited]
    if others:
        parts.append(
            f"<details class='qa-uncited'><summary>{len(others)} autres passages "
            "retrouvés (non cités)</summary>"
        )
        for h in others:
            parts.append(
                f'<div class="qa-passage qa-other"><div class="qa-meta">{_meta_line(h)}'
                f'</div><div class="qa-text">{_highlight(h.chunk.text, [])}</div></div>'
            )
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def render_answer(ans: Answer) -> str:
    """Markdown answer; each [n] links to its passage in the sources panel."""
    text = html.escape(ans.answer, quote=False)
    text = re.sub(r"\[(\d+)\]", r'<a href="#qa-src-\1" class="qa-cite">[\1]</a>', text)
    if ans.query and ans.query != ans.question:
        text += f"\n\n<small>Recherche effectuée : « {html.escape(ans.query)} »</small>"
    return text


class ChatService:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.settings)
            return self._retriever

    def respond(
        self,
        message: str,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Reply:
        try:
            ans = extractive_answer(message, self.retriever, mode=mode, k=k, filters=filters)
        except QuestionError as e:
            return Reply(markdown=f"⚠️ {html.escape(str(e))}", sources_html="", error=str(e))
        except Exception as e:  # the page shows one readable line, the log the traceback
            log.exception("chat failed")
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            return Reply(markdown=f"⚠️ {html.escape(msg)}", sources_html="", error=msg)
        return Reply(markdown=render_answer(ans), sources_html=render_sources(ans), answer=ans)
