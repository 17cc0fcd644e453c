"""`ChatService`: the answers behind the page, without Gradio.

`stream(message, history, ...)` yields `Reply` objects: first the search
being run (a follow-up resolved against the conversation), then the answer
growing one cited sentence at a time, then the final answer with the
sources panel. `respond` returns the last one.

Two checks keep the final answer honest about what it adds. A follow-up
whose answer repeats the previous answer's sentences drops them, or says
that nothing new was found (so its partial answers wait for that check).
Under a date filter, the question is also answered without the dates: when
that answer lies outside them and no passage inside holds it, the page says
no dated passage answers instead of quoting loosely related ones.

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
from .followup import previous_answer, repeats, resolve_followup
from .i18n import t, tn
from .inputs import DateError, user_error
from .render import render_answer, render_error
from .sources import render_sources, sources_placeholder

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
        # taken by every answer, from any interface: the APIs queue behind the
        # page's answers (settings.answer_slots says why)
        self.slots = threading.BoundedSemaphore(max(1, self.settings.answer_slots))
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
            # a follow-up whose answer only repeats the previous one says so instead,
            # so its partial answers wait until that is known
            before = previous_answer(history) if query != question else ""
            last = None
            with self.slots:
                for ans in self.answer_stream(question, query, generator, mode, k, filters):
                    if last is not None and not before:
                        yield self._reply(last, lang, filters, mode, k, final=False)
                    last = ans
                notes: tuple[str, ...] = ()
                if before and not last.abstained:
                    last = _only_new(last, before) or _without_answer(last, t("nothing_new", lang))
                if filters and (filters.date_from or filters.date_to):
                    last, notes = self._date_window(last, question, query, mode, k, filters, lang)
        except Exception as e:  # the page shows one readable line, the log the traceback
            if not isinstance(e, (QuestionError, DateError)):
                log.exception("chat failed")
            msg = user_error(e, lang)
            # no passages: the page shows the panel's placeholder (handlers.py)
            yield Reply(markdown=render_error(msg), sources_html="", error=str(e))
            return
        yield self._reply(last, lang, filters, mode, k, final=True, notes=notes)

    def _date_window(self, ans: Answer, question, query, mode, k, filters: Filters, lang: str):
        """(answer, notes) under a date filter. The filter also drops undated
        articles, which the note says. When the answer found without the dates
        lies outside them, and no passage inside them holds it, the page says
        that no dated passage answers rather than quoting loosely related
        sentences from within the window."""
        undated = sum(1 for d in self.documents() if not d.get("date"))
        window = _window_text(filters, lang)
        undated_note = tn("undated_excluded", undated, lang) if undated else ""
        wide = dataclasses.replace(filters, date_from="", date_to="")
        try:
            free = extractive_answer(
                question, self.retriever, filters=wide or None, mode=mode, k=k, query=query
            )
        except Exception:
            log.info("answer without the date filter failed", exc_info=True)
            free = None
        top = free.citations[0].hit.chunk if free and free.citations else None
        outside = top is not None and not free.abstained and not filters.keep(top.date, top.source)
        if outside:
            key = _key(free.citations[0].span or free.citations[0].sentence)
            held = any(key and key in _key(h.chunk.text) for h in ans.hits)
            if not held and (ans.abstained or ans.confidence <= free.confidence):
                c = top
                title = self.titles().get(c.doc_id) or c.doc_id
                msg = t("no_dated_answer", lang, window=window)
                if undated_note:
                    msg += (" ; " if lang == "fr" else "; ") + undated_note
                where = t("answer_elsewhere", lang, title=title, date=c.date or t("no_date", lang))
                return _without_answer(ans, f"{msg}. {where[:1].upper()}{where[1:]}."), ()
        return ans, ((undated_note,) if undated_note else ())

    def _reply(
        self, ans: Answer, lang: str, filters, mode=None, k=None, final=True, notes=()
    ) -> Reply:
        return Reply(
            markdown=render_answer(
                ans, lang, filters, mode, k, (self.settings.mode, self.settings.k), notes
            ),
            sources_html=self.sources_html(ans, lang, final=final),
            answer=ans,
            query=ans.query,
            final=final,
        )

    def sources_html(self, ans: Answer | None, lang: str = "fr", final: bool = True) -> str:
        """The sources panel for `ans`, articles named by their titles (see `titles`)."""
        if ans is None:
            return sources_placeholder(lang)
        try:
            titles = self.titles()
        except Exception:  # no index any more: the passages' own titles or first words
            titles = None
        return render_sources(ans, lang, final=final, titles=titles)

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


def _only_new(ans: Answer, before: str) -> Answer | None:
    """`ans` without the sentences the previous answer (`before`) already said,
    its citations renumbered; None when it has nothing else to say."""
    if not ans.sentences:
        text = re.sub(r"\[\d+\]", "", ans.answer)
        return None if repeats([text], before) else ans
    said = [s for s in ans.sentences if repeats([s.text], before)]
    if not said:
        return ans
    if len(said) == len(ans.sentences):
        return None
    text = ans.answer
    if ans.span and ans.sentences[0] in said and text.startswith(f"{ans.span} — "):
        text = text[len(ans.span) + 3 :]  # the short answer went with its sentence
    for s in said:
        quoted = r"[“\"]?" + re.escape(s.text) + r"[”\"]?\s*\[" + str(s.n) + r"\]\s*"
        text = re.sub(quoted, "", text, count=1)
    kept = [s for s in ans.sentences if s not in said]
    number = {n: i for i, n in enumerate(dict.fromkeys(s.n for s in kept), 1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{number.get(int(m[1]), m[1])}]", text).strip()
    return dataclasses.replace(
        ans,
        answer=text,
        citations=tuple(
            sorted(
                (dataclasses.replace(c, n=number[c.n]) for c in ans.citations if c.n in number),
                key=lambda c: c.n,
            )
        ),
        sentences=tuple(dataclasses.replace(s, n=number[s.n]) for s in kept),
    )


def _without_answer(ans: Answer, message: str) -> Answer:
    """`ans` saying `message` instead: nothing cited, its passages still listed."""
    return dataclasses.replace(ans, answer=message, abstained=True, citations=(), sentences=())


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def _window_text(f: Filters, lang: str) -> str:
    """ "de 2023-09", "du 2023-09 au 2023-09-30", ...: the dates a filter keeps."""
    a, b = f.date_from, f.date_to
    if a and b:
        return t("window_eq" if a == b else "window_both", lang, a=a, b=b)
    return t("window_from", lang, a=a) if a else t("window_to", lang, b=b)


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
