"""Questions that name someone by what they did, answered in two hops.

"À quel rendez-vous doit assister aux États-Unis le dirigeant qui, selon
Fox News Digital, a obtenu de Biden une aide de 325 millions de dollars ?"
asks about a person the articles name elsewhere: the passage that tells the
appointment does not tell the aid deal, and the reader, reading either, has
nothing to join them with. So the description is asked first ("Qui, selon
Fox News Digital, a obtenu de Biden une aide… ?" → "Zelensky"), and the
question again with the name in it ("… le dirigeant Zelensky ?").

Only a description that closes the question ("… le NOUN qui / who …?") of
a person or a country is split: one in the middle ("the country that Kirby
says… fire toward its waters?") has no clear end, and a hop is taken only
when the question alone abstains (qa/answer.py), and only through a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .answertype import COUNTRY_NOUNS, PERSON_NOUNS, straight

_DESCRIBED = re.compile(
    r"^(?P<main>.*\S)\s+"
    r"(?P<head>(?:le|la|l'|au|du|the)\s*(?:[\w-]+\s+)?"
    rf"(?P<noun>(?:{PERSON_NOUNS}|{COUNTRY_NOUNS})\b)(?:\s+(?!qui\b|who\b)[\w'-]+){{0,2}})"
    r"(?P<rel>\s*,?\s+(?:qui|who)\b)(?P<clause>[^?]+)\?\s*$",
    re.IGNORECASE,
)
# a name: capitalised words, with the particles names carry ("Rob Bauer",
# "Volodymyr Zelensky", "Corée du Nord"), not "les autorités occidentales"
_NAME = re.compile(
    r"^(?!(?:Le|La|Les|L|Un|Une|The|A|An)\b)[A-ZÀ-Ý][\w’'-]*"
    r"(?:\s+(?:(?:de|du|des|d’|d'|von|van|al)\s+)?[A-ZÀ-Ý][\w’'-]*)*$"
)

_WHO_IS = re.compile(
    r"^\W*(qui (est|etait|sont)|comment s'appel\w*|who (is|was|are)|what is the name of|"
    r"name)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hop:
    """A question split at the description that closes it."""

    first: str  # the question that finds who is meant
    main: str  # the question up to, and with, what it calls them ("… le dirigeant")
    english: bool

    def then(self, name: str) -> str:
        """The question again, with the name found."""
        return f"{self.main} {name}?" if self.english else f"{self.main} {name} ?"


def hop(question: str) -> Hop | None:
    """The question split at the description of a person or a country that
    closes it, or None."""
    question = question.strip()
    folded = straight(question)  # "le président", "l’amiral" read as "le president", "l'amiral"
    m = _DESCRIBED.match(folded) if len(folded) == len(question) else None
    if m is None or _WHO_IS.match(m.group("main")):
        return None  # "qui est le porte-parole qui…": the description is the question

    def original(group: str) -> str:
        return question[m.start(group) : m.end(group)]

    english = m.group("rel").strip(" ,").lower() == "who"
    country = re.fullmatch(COUNTRY_NOUNS, m.group("noun"), re.IGNORECASE) is not None
    if english:
        asker = "Which country" if country else "Who"
    else:
        asker = "Quel pays" if country else "Qui"
    clause = original("clause").strip()  # ", selon Fox News Digital, a obtenu…" or "a obtenu…"
    first = f"{asker}{'' if clause.startswith(',') else ' '}{clause}{'?' if english else ' ?'}"
    return Hop(first=first, main=f"{original('main')} {original('head')}", english=english)


def is_name(span: str) -> bool:
    """Is the span a name, that can stand for the description?"""
    return bool(_NAME.match(span.strip()))
