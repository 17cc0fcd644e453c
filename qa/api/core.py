"""What the three interfaces (HTTP, OpenAI-compatible, MCP) ask of the chat's
`ChatService`, checked the same way for all of them.

Answers go through `ChatService.stream`, the very code the page runs, so a
question gets the same answer and citations whichever door it comes in by
(follow-ups resolved, repeated sentences dropped, the date window checked).
Nothing here retrieves or answers on its own: it validates input into
`ApiError`s that each interface turns into its own 4xx shape, and cuts
answers into the cited sentences that streams send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..answer import QuestionError, check_question
from ..chat.inputs import DateError, make_filters
from ..chat.service import ChatService, available_modes
from ..retrieve import Filters
from ..types import Answer, Hit

# Passages one request may ask for: enough for any reader, small enough that a
# typo (k=10000) does not score the whole index.
MAX_K = 50
LANGS = ("fr", "en")


class ApiError(Exception):
    """Bad input (or a failure) as one line and the HTTP status that says which."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Options:
    """How to search: the chat's settings panel, as request fields."""

    mode: str | None = None
    k: int | None = None
    date_from: str = ""
    date_to: str = ""
    source: str = ""
    lang: str = "fr"  # language of the few messages the service writes itself


def check_options(service: ChatService, opts: Options) -> Filters | None:
    """The filters `opts` ask for; ApiError(400) for an unknown mode, a k out
    of range, an unreadable date or an unknown language."""
    modes = available_modes(service.settings)
    if opts.mode is not None and opts.mode not in modes:
        raise ApiError(f"unknown mode {opts.mode!r}; choose one of {', '.join(modes)}")
    if opts.k is not None and not 1 <= opts.k <= MAX_K:
        raise ApiError(f"k must be between 1 and {MAX_K}, not {opts.k}")
    if opts.lang not in LANGS:
        raise ApiError(f"unknown lang {opts.lang!r}; choose one of {', '.join(LANGS)}")
    try:
        return make_filters(opts.date_from, opts.date_to, opts.source)
    except DateError as e:
        raise ApiError(f"unreadable date {e.value!r}; write YYYY, YYYY-MM or YYYY-MM-DD") from None


def check_text(text: str, service: ChatService, what: str = "question") -> str:
    try:
        return check_question(text, service.settings)
    except QuestionError as e:
        raise ApiError(str(e).replace("the question", f"the {what}", 1)) from None


def search(service: ChatService, query: str, opts: Options) -> dict:
    """`qa search --json`'s shape: {"query", "hits": [...]}."""
    query = check_text(query, service, "query")
    filters = check_options(service, opts)
    with service.slots:
        hits: list[Hit] = service.retriever.search(query, opts.k, opts.mode, filters)
    return {"query": query, "hits": [h.to_dict() for h in hits]}


def ask_stream(
    service: ChatService, question: str, history=None, opts: Options = Options()
) -> Iterator[tuple[Answer, bool]]:
    """(answer, final) pairs: partial answers while it is composed, the final
    one last. Input is checked before the first pair, so a caller can still
    answer with a 4xx; a failure after that raises ApiError(500)."""
    check_text(question, service)
    filters = check_options(service, opts)
    # under a date filter the final answer may be replaced (no dated passage
    # answers): streams wait for it rather than take back what they sent
    partials = not (filters and (filters.date_from or filters.date_to))
    replies = service.stream(question, history or [], opts.mode, opts.k, filters, None, opts.lang)
    return _answers(replies, partials)


def _answers(replies, partials: bool) -> Iterator[tuple[Answer, bool]]:
    for reply in replies:
        if reply.error:  # the input was checked: the question a follow-up builds, or a failure
            line = reply.error.splitlines()[0]
            raise ApiError(line, status=400 if line.startswith("the question") else 500)
        if reply.answer is None:  # the "searching…" step
            continue
        if reply.final or partials:
            yield reply.answer, reply.final


def ask(service: ChatService, question: str, history=None, opts: Options = Options()) -> Answer:
    """The final answer (see ask_stream)."""
    last = None
    for last, _final in ask_stream(service, question, history, opts):
        pass
    return last


def pieces(text: str) -> list[str]:
    """The answer cut after each [n] marker: one cited sentence per piece (an
    abstention, which cites nothing, is one piece)."""
    ends = [m.end() for m in re.finditer(r"\[\d+\]", text)]
    out, start = [], 0
    for end in ends:
        out.append(text[start:end])
        start = end
    if text[start:].strip() or not out:
        out.append(text[start:])
    return out


def stream_pieces(answers: Iterator[tuple[Answer, bool]]) -> Iterator[tuple[str, Answer | None]]:
    """(new text, None) for each cited sentence as it is composed, then
    ("", final answer). The pieces add up to the final answer's text."""
    sent = ""
    for ans, final in answers:
        text = ans.answer
        if text.startswith(sent):
            for piece in pieces(text[len(sent) :]) if text != sent else []:
                if final or piece.rstrip().endswith("]"):
                    yield piece, None
                    sent += piece
        if final:
            yield "", ans


def documents(service: ChatService) -> list[dict]:
    """Every indexed document: doc_id, title, date, source, author, chars, passages."""
    keys = ("doc_id", "title", "date", "source", "author", "chars", "passages")
    return [dict(zip(keys, row)) for row in service.document_rows()]


def health(service: ChatService) -> dict:
    r = service.retriever
    r.refresh()
    data = r.data
    return {
        "status": "ok",
        "generation": data.generation,
        "documents": len(data.documents),
        "chunks": data.n_searchable,
        "embedder": data.embedder,
    }
