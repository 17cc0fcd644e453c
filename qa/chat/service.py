"""`ChatService`: the answers behind the page, without Gradio.

`stream(message, history, ...)` yields `Reply` objects: first the search
being run (a follow-up resolved against the conversation), then the answer
growing one cited sentence at a time, then the final answer with the
sources panel. `respond` returns the last one.

Answer generators plug in through `ChatService.answer_stream`, which yields
`Answer` objects, partial ones first: a configured generator
(`QA_GENERATOR`, qa/generate/) streams checked sentences as the model
writes them; the extractive answerer composes the whole answer at once, so
its stream reveals it sentence by sentence.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..answer import QuestionError, check_question, extractive_answer
from ..config import Settings
from ..retrieve import MODES, Filters, Retriever, can_rerank
from ..types import Answer
from .documents import DocumentsMixin
from .evaluation import EvalView, run_evaluation
from .followup import resolve_followup
from .i18n import t
from .inputs import DateError, user_error
from .render import render_answer, render_sources

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """What the page shows after one step of `ChatService.stream`."""

    markdown: str
    sources_html: str
    answer: Answer | None = None
    error: str = ""
    query: str = ""  # the search actually run
    final: bool = True  # False for the partial replies of a stream


def available_modes(settings: Settings) -> list[str]:
    """Retrieval modes the settings can run ("rerank" needs a cross-encoder)."""
    return [m for m in MODES if m != "rerank" or can_rerank(settings)]


def available_generators(settings: Settings) -> list[str]:
    """ "extractive" plus the generator the settings configure, if any."""
    out = ["extractive"]
    if settings.generator and settings.generator != "extractive":
        out.append(settings.generator)
    return out


class ChatService(DocumentsMixin):
    """The page's logic, one per app. Answers are here; the Documents tab's
    methods (`upload`, `remove`, `document_rows`, ...) come from
    `DocumentsMixin` (documents.py), the Evaluation tab's work from
    evaluation.py."""

    def __init__(self, settings: Settings, retriever: Retriever | None = None):
        self.settings = settings
        self._retriever = retriever
        self._lock = threading.Lock()
        # name -> callable(question, retriever, *, settings, filters, mode, k, query)
        # returning an Answer or an iterator of Answers (partial ones first).
        self.answerers: dict[str, Callable] = {"extractive": extractive_answer}

    # --- index ---------------------------------------------------------------
    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.settings)
            return self._retriever

    # --- answers -------------------------------------------------------------
    def answer_stream(
        self,
        question: str,
        query: str,
        generator: str | None = None,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Answer]:
        """Answers for `question`, searched with `query`: partial ones while the
        answer is composed, the complete one last."""
        if generator not in self.answerers and generator not in available_generators(self.settings):
            generator = "extractive"  # not configured: never build what the API names
        fn = self.answerers.get(generator)
        if fn is None:  # a configured generator qa.answer knows how to build
            fn = _configured_generator(generator, self.settings)
            self.answerers[generator] = fn
        out = fn(question, self.retriever, filters=filters, mode=mode, k=k, query=query)
        if isinstance(out, Answer):
            yield from _partials(out)
            yield out
        else:
            yield from out

    def stream(
        self,
        message: str,
        history=None,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        generator: str | None = None,
        lang: str = "fr",
    ) -> Iterator[Reply]:
        """Replies for `message`: the search being run, the answer growing, then final."""
        try:
            question = check_question(message, self.settings)
            if mode is not None and mode not in MODES:
                raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
            query = resolve_followup(question, history)
            yield Reply(
                markdown=f"<em>{html.escape(t('searching', lang, q=query), quote=False)}</em>",
                sources_html="",
                query=query,
                final=False,
            )
            last = None
            for ans in self.answer_stream(question, query, generator, mode, k, filters):
                if last is not None:
                    yield self._reply(last, lang, filters, final=False)
                last = ans
        except Exception as e:  # the page shows one readable line, the log the traceback
            if not isinstance(e, (QuestionError, DateError)):
                log.exception("chat failed")
            msg = user_error(e, lang)
            yield Reply(markdown=f"⚠️ {html.escape(msg)}", sources_html="", error=str(e))
            return
        yield self._reply(last, lang, filters, final=True)

    def _reply(self, ans: Answer, lang: str, filters, final: bool) -> Reply:
        return Reply(
            markdown=render_answer(ans, lang, filters),
            sources_html=render_sources(ans, lang, final=final),
            answer=ans,
            query=ans.query,
            final=final,
        )

    def respond(
        self,
        message: str,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history=None,
        generator: str | None = None,
        lang: str = "fr",
    ) -> Reply:
        reply = None
        for reply in self.stream(message, history, mode, k, filters, generator, lang):
            pass
        return reply

    # --- evaluation ----------------------------------------------------------
    def run_evaluation(
        self,
        questions: str | Path | None = None,
        modes=("bm25", "dense", "hybrid"),
        k: int = 10,
        answers: bool = False,
        out_dir: str | Path | None = None,
        lang: str = "fr",
        progress: bool = False,
    ) -> EvalView:
        """Run `qa.eval` on the bundled question set (or `questions`) against
        this index; the report files go to `out_dir` (a temp folder by default)."""
        return run_evaluation(self.settings, questions, modes, k, answers, out_dir, lang, progress)


def _partials(ans: Answer) -> Iterator[Answer]:
    """The answer cut after each [n] marker: what a reader sees while it is composed."""
    ends = [m.end() for m in re.finditer(r"\[\d+\]", ans.answer)]
    for end in ends[:-1]:
        text = ans.answer[:end]
        seen = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        yield dataclasses.replace(
            ans,
            answer=text,
            citations=tuple(c for c in ans.citations if c.n in seen),
            sentences=tuple(s for s in ans.sentences if s.text in text),
        )


def _configured_generator(name: str, settings: Settings) -> Callable:
    """The answer function of a configured generator: `qa.generate.generate_answer`
    (partial answers while the model writes, each sentence checked), with the
    model built once, by the first question that asks for it."""
    try:
        from .. import generate
    except ImportError:
        log.warning("generator %r is not available; answering extractively", name)
        return extractive_answer
    gen_settings = settings.replace(generator=name)
    lock, built = threading.Lock(), []

    def answer(question, retriever, **kw):
        with lock:
            if not built:
                built.append(generate.make_generator(gen_settings))
        return generate.generate_answer(
            question, retriever, settings=gen_settings, generator=built[0], **kw
        )

    return answer
