"""The chat's boundary with the user: checking the settings panel's input and
turning any failure into one readable line.

Both sides of the page (answers, documents, evaluation) report errors the
same way, in the page's language and never as a traceback, so the mapping
from exceptions to messages lives here once rather than in each handler.
"""

from __future__ import annotations

import re

from ..answer import QuestionError
from ..retrieve import Filters
from .i18n import STRINGS, t


class DateError(ValueError):
    """A date the settings panel cannot read; `value` is quoted back to the user."""

    def __init__(self, value: str):
        super().__init__(f"unreadable date {value!r}")
        self.value = value


_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def make_filters(date_from: str = "", date_to: str = "", source: str = "") -> Filters | None:
    """Filters from the settings panel; raises DateError for an unreadable date."""
    date_from, date_to, source = (date_from or "").strip(), (date_to or "").strip(), source or ""
    for v in (date_from, date_to):
        if v and not _DATE.match(v):
            raise DateError(v)
    if source in (STRINGS["fr"]["all_sources"], STRINGS["en"]["all_sources"]):
        source = ""
    f = Filters(date_from=date_from, date_to=date_to, source=source.strip())
    return f or None


# What ingest and the indexer say (in English, for the CLI and the logs) -> the
# page's words. Matched on the message's tail, after the file name.
_INGEST = (
    (re.compile(r"^(?P<name>.+?): empty file$"), "ing_empty"),
    (re.compile(r"^(?P<name>.+?): binary file or unknown text encoding"), "ing_encoding"),
    (re.compile(r"^(?P<name>.+?): binary file"), "ing_binary"),
    (re.compile(r"^(?P<name>.+?): no article text"), "ing_no_text"),
    (re.compile(r"^(?P<name>.+?): [\d.]+ M.* too (?:large|long)"), "ing_too_large"),
    (re.compile(r"^(?P<name>.+?): unsupported file type"), "ing_type"),
    (re.compile(r"^(?P<name>.+?): no usable article in the JSONL"), "ing_jsonl"),
    (
        re.compile(
            r"^(?P<name>.+?): (?:not a regular file|permission denied|cannot (?:read|chunk))"
        ),
        "ing_unreadable",
    ),
    (re.compile(r"^not in the index: (?P<name>.+)$"), "ing_not_indexed"),
    (re.compile(r"^removing (?P<name>.+?) would leave the index empty"), "ing_last"),
)


def ingest_error(msg: str, lang: str = "fr") -> str | None:
    """An ingest or indexer message in the page's language; None when unknown."""
    for pattern, key in _INGEST:
        if m := pattern.match(msg.strip()):
            return t(key, lang, name=m["name"].strip())
    return None


def user_error(e: BaseException, lang: str = "fr") -> str:
    """One readable line for the page; never a traceback."""
    from .. import store

    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, QuestionError):
        if msg == "the question is empty":
            return t("err_empty", lang)
        if msg == "the question has no words":
            return t("err_no_words", lang)
        if m := re.match(r"the question is (\d+) characters long; the limit is (\d+)", msg):
            return t("err_too_long", lang, n=m[1], limit=m[2])
        return msg
    if isinstance(e, store.IndexBusy):
        return t("err_busy", lang)
    if isinstance(e, store.IndexError_) and "no index here yet" in msg:
        return t("err_no_index", lang)
    if isinstance(e, DateError):
        return t("err_date", lang, v=e.value)
    if said := ingest_error(msg, lang):
        return said
    return t("err_generic", lang, msg=msg)
