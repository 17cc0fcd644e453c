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

from .analyze import fold

# (pattern over the folded span, years from the article's)
_RELATIVE = (
    (re.compile(r"\b(cette annee|this year|l'annee en cours)\b"), 0),
    (
        re.compile(r"\b(l'annee (derniere|passee|precedente)|l'an (dernier|passe)|last year)\b"),
        -1,
    ),
    (re.compile(r"\b(l'annee prochaine|l'an prochain|next year)\b"), 1),
)
_YEAR = re.compile(r"^(\d{4})\b")
# the same expressions in the article's own spelling, to quote one
_WRITTEN = re.compile(
    r"\b(cette année|l['’]année en cours|l['’]année (dernière|passée|précédente)|"
    r"l['’]an (dernier|passé)|l['’]année prochaine|l['’]an prochain|"
    r"this year|last year|next year)\b",
    re.IGNORECASE,
)


def year_of(span: str, article_date: str) -> int | None:
    """The year a relative expression of the span names, counted from the
    article's date; None without one or without a dated article."""
    year = _YEAR.match(article_date or "")
    if not year:
        return None
    folded = fold(span).replace("’", "'")
    for pattern, offset in _RELATIVE:
        if pattern.search(folded):
            return int(year.group(1)) + offset
    return None


def relative_in(sentence: str) -> tuple[int, int] | None:
    """(start, end) of the first relative year the sentence writes."""
    m = _WRITTEN.search(sentence)
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
