"""Questions that name someone by what they did, answered in two hops.

"À quel rendez-vous doit assister aux États-Unis le dirigeant qui, selon
Fox News Digital, a obtenu de Biden une aide de 325 millions de dollars ?"
asks about a person the articles name elsewhere: the passage that tells the
appointment does not tell the aid deal, and the reader, reading either, has
nothing to join them with. So the description is asked first ("Qui, selon
Fox News Digital, a obtenu de Biden une aide… ?" → "Zelensky"), and the
question again with the name in it ("… le dirigeant Zelensky ?").

A description of a person or a country is split where it closes the
question ("… le NOUN qui / who …?", "… le NOUN avec lequel / with whom
…?", asked "Avec qui …?"; "… le pays que Kirby accuse …?", asked "Quel
pays Kirby accuse … ?") or where it opens it ("Le pays qui a
envoyé du personnel en Crimée a aussi entraîné qui ?"). One that opens it
ends where the question's own verb begins, which only a parser could tell:
the split is tried at the verbs and auxiliaries that begin the question's
main clause ("a", "prévoit", "assure", "also", "had"), the first two that
leave the description three words or more ("says Pyongyang" of "the
spokesman who says Pyongyang is…" is too short to be one). One in the
middle ("the country that Kirby says… fire toward its waters?") has no
clear end. A split question takes the two hops first, and only through
a name; if they find none, or no answer, it is read as asked (qa/answer.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .answertype import COUNTRY_NOUNS, PERSON_NOUNS, straight

# "qui / who", or a preposition and its relative: "le président avec lequel
# Zelensky a conclu un accord", "the leader with whom Biden struck a deal"
_PREPOSITIONS = r"avec|pour|chez|contre|with|for|against"
_DESCRIBED = re.compile(
    r"^(?P<main>.*\S)\s+"
    r"(?P<head>(?:le|la|l'|au|du|the)\s*(?:[\w-]+\s+)?"
    rf"(?P<noun>(?:{PERSON_NOUNS}|{COUNTRY_NOUNS})\b)"
    rf"(?:\s+(?!qui\b|who\b|que\b|that\b|(?:{_PREPOSITIONS})\b)[\w'-]+){{0,2}})"
    # "le pays que Kirby accuse…" asks "Quel pays Kirby accuse… ?"
    rf"(?P<rel>\s*,?\s+(?:(?P<prep>{_PREPOSITIONS})\s+(?:qui|lequel|laquelle|whom)|qui|who|que|"
    r"that)\b)"
    r"(?P<clause>[^?]+)\?\s*$",
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


# a description that opens the question: "Le pays qui…", "The spokesman who…"
_OPENING = re.compile(
    r"^(?P<head>(?:le|la|l'|the)\s*(?:[\w-]+\s+)?"
    rf"(?P<noun>(?:{PERSON_NOUNS}|{COUNTRY_NOUNS})\b)(?:\s+(?!qui\b|who\b|that\b)[\w'-]+){{0,2}})"
    r"(?P<rel>\s*,?\s+(?:qui|who|that)\b)(?P<rest>[^?]+)\?\s*$",
    re.IGNORECASE,
)
# where the question's main clause may begin, after the description
_MAIN_VERB = {
    False: re.compile(
        r"(?<![\w'-])(?:a|ont|avait|avaient|aurait|est|sont|etait|sera|va|doit|devait|peut|"
        r"prevoit|assure|affirme|dit|declare|estime|juge|compte|veut|fournit)(?![\w'-])",
        re.IGNORECASE,
    ),
    True: re.compile(
        r"(?<![\w'-])(?:has|have|had|is|was|were|did|does|will|would|could|also|said|says|"
        r"plans|told)(?![\w'-])",
        re.IGNORECASE,
    ),
}
_ASIDE = re.compile(r"^\s*,[^,]*,")  # ", selon Fox News Digital,"
_TRIES = 2


@dataclass(frozen=True)
class Hop:
    """A question split at the description of whom it asks about."""

    first: str  # the question that finds who is meant
    before: str  # the question before the name ("… le dirigeant"), or ""
    after: str  # the question after the name ("a aussi entraîné qui"), or ""
    english: bool

    def then(self, name: str) -> str:
        """The question again, with the name found."""
        text = " ".join(part for part in (self.before, name, self.after) if part)
        return f"{text}?" if self.english else f"{text} ?"


def splits(question: str) -> tuple[Hop, ...]:
    """The ways to split the question at the description of a person or a
    country that closes or opens it, to be tried in order; () if none."""
    question = question.strip()
    folded = straight(question)  # "le président", "l’amiral" read as "le president", "l'amiral"
    if len(folded) != len(question):
        return ()
    closing = _closing(question, folded)
    return (closing,) if closing else _opening(question, folded)


# an English question's auxiliary before the subject: the main verb follows
_AUXILIARY_END = re.compile(
    r"\b(did|does|do|will|would|can|could|has|have|had|is|was|are|were)\s*$", re.IGNORECASE
)
# (English, a country) -> who is asked, alone and after a preposition
_ASKERS = {
    (False, False): ("Qui", "qui"),
    (False, True): ("Quel pays", "quel pays"),
    (True, False): ("Who", "whom"),
    (True, True): ("Which country", "which country"),
}


def _asker(noun: str, english: bool, prep: str = "") -> str:
    country = re.fullmatch(COUNTRY_NOUNS, noun, re.IGNORECASE) is not None
    alone, after = _ASKERS[english, country]
    return f"{prep.capitalize()} {after}" if prep else alone  # "Avec qui", "With whom"


def _first(asker: str, clause: str, english: bool) -> str:
    # "Qui" + "a obtenu…", or "Qui" + ", selon Fox News Digital, a obtenu…"
    return f"{asker}{'' if clause.startswith(',') else ' '}{clause}{'?' if english else ' ?'}"


def _closing(question: str, folded: str) -> Hop | None:
    m = _DESCRIBED.match(folded)
    if m is None or _WHO_IS.match(m.group("main")):
        return None  # "qui est le porte-parole qui…": the description is the question

    def original(group: str) -> str:
        return question[m.start(group) : m.end(group)]

    relative = m.group("rel").strip(" ,").lower().split()[-1]
    if relative == "that" and _AUXILIARY_END.search(m.group("main")):
        return None  # "What did the country that Kirby names fire…": its verb comes after
    english = relative in ("who", "whom", "that")
    asker = _asker(m.group("noun"), english, (m.group("prep") or "").lower())
    first = _first(asker, original("clause").strip(), english)
    return Hop(first, f"{original('main')} {original('head')}", "", english)


def _opening(question: str, folded: str) -> tuple[Hop, ...]:
    m = _OPENING.match(folded)
    if m is None:
        return ()
    english = m.group("rel").strip(" ,").lower() in ("who", "that")
    asker = _asker(m.group("noun"), english)
    rest, offset = m.group("rest"), m.start("rest")
    aside = _ASIDE.match(rest)
    begin = aside.end() if aside else 0
    out: list[Hop] = []
    previous = -1
    for verb in _MAIN_VERB[english].finditer(rest, begin):
        follows = previous >= 0 and not rest[previous : verb.start()].strip()
        previous = verb.end()
        described = rest[begin : verb.start()].split()
        if follows or len(described) < 3 or len(rest[verb.start() :].split()) < 2:
            continue  # "also said": one place; "says Pyongyang": too short to describe
        clause = question[offset : offset + verb.start()].strip()
        after = question[offset + verb.start() : offset + len(rest)].strip()
        out.append(Hop(_first(asker, clause, english), "", after, english))
        if len(out) == _TRIES:
            break
    return tuple(out)


def is_name(span: str) -> bool:
    """Is the span a name, that can stand for the description?"""
    return bool(_NAME.match(span.strip()))


# a title or an article before the name the reader's span ends with
_TITLED = re.compile(
    r"^(?:(?i:le|la|les|the)\s+|(?i:l)['’])?(?:[a-zà-ÿ’'-]+\s+){0,2}(?P<name>[A-ZÀ-Ý].*)$"
)


def name_in(span: str) -> str | None:
    """The name the span is, or ends with after a title ("président Biden"
    -> "Biden", "le président Joe Biden" -> "Joe Biden"); None without one."""
    span = span.strip()
    if is_name(span):
        return span
    m = _TITLED.match(span)
    return m.group("name") if m and is_name(m.group("name")) else None
