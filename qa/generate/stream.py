"""`generate_answer`: the streaming flow from a question to a checked,
generated answer, and the registry of generators it picks from.

The extractive answerer runs first and decides abstention, so a question the
articles do not answer is never handed to a model. Partial answers only
ever contain checked sentences: text the check has not seen is never shown.
Citations are renumbered 1..m in order of first use; when no sentence
passes, the answer falls back to the extractive one.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..answer import EN_FRAME, extractive_answer
from ..config import Settings
from ..lang import detect_language
from ..retrieve import Filters, Retriever
from ..types import Answer, AnswerSentence, Citation, Hit
from .base import Generator
from .check import Checked, SupportChecker
from .local import TransformersGenerator
from .openai import OpenAIGenerator
from .prompt import build_messages, split_generated

log = logging.getLogger(__name__)

# --- which generator -------------------------------------------------------

# name -> factory(settings); tests and plug-ins may register more
FACTORIES: dict[str, Callable[[Settings], Generator]] = {
    "transformers": lambda s: TransformersGenerator(s.generator_model),
    "openai": lambda s: OpenAIGenerator(s.openai_base_url, s.generator_model, s.openai_api_key),
}


def register_generator(name: str, factory: Callable[[Settings], Generator]) -> None:
    FACTORIES[name] = factory


def make_generator(settings: Settings) -> Generator:
    name = settings.generator
    if name not in FACTORIES:
        raise ValueError(
            f"unknown generator {name!r}; choose one of {', '.join(['extractive', *FACTORIES])}"
        )
    return FACTORIES[name](settings)


# --- composing the checked answer -------------------------------------------


@dataclass(frozen=True)
class PartialAnswer(Answer):
    """An answer still being written: its checked sentences so far ("…" when
    none has passed yet). The final answer is a plain `Answer`."""


def _frame(lang: str, kept: list[AnswerSentence], body: str) -> str:
    """An English question answered in French quotes gets the English frame
    the extractive answer uses (decided by the first sentence, so that
    partial answers only ever grow)."""
    if lang == "en" and kept and detect_language(kept[0].text) == "fr":
        return EN_FRAME + body
    return body


def compose_checked(
    base: Answer, hits: list[Hit], checked: list[Checked], partial: bool = False
) -> Answer:
    """The answer made of the supported sentences, citations renumbered 1..m
    by first use; unsupported sentences only in `sentences` (supported=False).
    With nothing supported, the final answer is `base` (extractive)."""
    numbers_: dict[int, int] = {}
    citations: list[Citation] = []
    kept: list[AnswerSentence] = []
    parts: list[str] = []
    for c in checked:
        if not c.supported:
            continue
        marks = []
        for n in [c.best] + [n for n in c.cited if n != c.best]:
            if n not in numbers_:
                numbers_[n] = len(numbers_) + 1
                sent = c.best_sentence if n == c.best else ""
                citations.append(Citation(n=numbers_[n], hit=hits[n - 1], sentence=sent))
            marks.append(numbers_[n])
        marks_in_order = sorted(set(marks), key=marks.index)
        parts.append(c.text + " " + "".join(f"[{m}]" for m in marks_in_order))
        kept.append(
            AnswerSentence(
                text=c.text, n=numbers_[c.best], supported=True, support=round(c.support, 4)
            )
        )
    rejected = [
        AnswerSentence(
            text=c.text, n=numbers_.get(c.best, 0), supported=False, support=round(c.support, 4)
        )
        for c in checked
        if not c.supported and c.text
    ]
    if not kept and not partial:
        return dataclasses.replace(base, sentences=tuple(base.sentences) + tuple(rejected))
    out = dataclasses.replace(
        base,
        answer=_frame(base.language, kept, " ".join(parts)) if parts else "…",
        citations=tuple(citations),
        sentences=tuple(kept) + tuple(rejected),
    )
    if partial:
        return PartialAnswer(**{f.name: getattr(out, f.name) for f in dataclasses.fields(out)})
    return out


def generate_answer(
    question: str,
    retriever: Retriever,
    *,
    settings: Settings | None = None,
    filters: Filters | None = None,
    mode: str | None = None,
    k: int | None = None,
    query: str | None = None,
    generator: Generator | None = None,
) -> Iterator[Answer]:
    """Partial answers (checked sentences so far) while the generator writes,
    then the final checked answer. Abstains exactly when the extractive
    answerer does; falls back to it when no generated sentence is supported."""
    settings = settings or retriever.settings
    base = extractive_answer(question, retriever, settings, filters, mode, k, query)
    if base.abstained:
        yield base
        return
    gen = generator or make_generator(settings)
    got = retriever.retrieve(
        base.query, k=max(k or settings.k, settings.answer_passages), mode=mode, filters=filters
    )
    shown = got.hits[: settings.answer_passages]
    messages = build_messages(base.question, shown, base.language)
    checker = SupportChecker(shown, retriever.embedder, got.data.sentences, base.language)
    checked: list[Checked] = []
    buf = ""
    t0 = time.perf_counter()
    for delta in gen.stream(messages):
        buf += delta
        done, buf = split_generated(buf)
        for s in done:
            checked.append(checker.check(s))
            yield compose_checked(base, shown, checked, partial=True)
    done, _ = split_generated(buf, final=True)
    checked.extend(checker.check(s) for s in done)
    n_ok = sum(c.supported for c in checked)
    log.info(
        "generated answer (%s): %d sentences, %d supported, %.1f s",
        gen.name,
        len(checked),
        n_ok,
        time.perf_counter() - t0,
    )
    for c in checked:
        if not c.supported:
            log.info("unsupported sentence (%s, %.2f): %s", c.reason, c.support, c.raw[:200])
    yield compose_checked(base, shown, checked)
