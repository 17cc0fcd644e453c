"""A year the article gives only relative to its own date: "adoptée cette
année" in a dispatch of June 2023 is 2023, "à la fin de l'année dernière"
in a September 2023 piece is 2022.

Asked "en quelle année la ligne de crédits a-t-elle été adoptée ?", the
reader finds "cette année", which names no year, and the answer abstained
although the passage and its article's date answer. The article's date is
in the index (`Chunk.date`, "2023-06", as precise as the article allows);
the answer then leads with the year it makes and says how it was made.
"""

from __future__ import annotations

import re

# each expression, in the article's spelling, and the years it counts from
# the article's date
_RELATIVE = re.compile(
    r"\b(?:(?P<this>cette année|l['’]année en cours|this year)|"
    r"(?P<last>l['’]année (?:dernière|passée|précédente)|l['’]an (?:dernier|passé)|last year)|"
    r"(?P<next>l['’]année prochaine|l['’]an prochain|next year))\b",
    re.IGNORECASE,
)
_OFFSET = {"this": 0, "last": -1, "next": 1}
_YEAR = re.compile(r"^(\d{4})\b")


def year_of(span: str, article_date: str) -> int | None:
    """The year a relative expression of the span names, counted from the
    article's date; None without one or without a dated article."""
    year = _YEAR.match(article_date or "")
    m = _RELATIVE.search(span) if year else None
    return int(year.group(1)) + _OFFSET[m.lastgroup] if m else None


def relative_in(sentence: str) -> tuple[int, int] | None:
    """(start, end) of the first relative year the sentence writes."""
    m = _RELATIVE.search(sentence)
    return m.span() if m else None


def lead(span: str, article_date: str, lang: str) -> str:
    """The short answer for a span with a relative year: "2023 (« cette
    année », article daté 2023-06)"; the span itself otherwise."""
    year = year_of(span, article_date)
    if year is None:
        return span
    if lang == "en":
        return f"{year} (“{span}”, article dated {article_date})"
    return f"{year} (« {span} », article daté {article_date})"
