"""What kind of answer a question asks for, and whether a sentence holds one.

Two uses, both classic in sentence-level QA (TREC-era "expected answer
type" checks):

- a soft cue: among sentences that look equally close to the question, the
  one with a number for "combien", a name for "qui", a date for "quand" is
  more likely to answer it (`cue`, a small bonus in the sentence score);
- a hard gate for questions that name the exact kind of fact they want: an
  amount of money, a distance, the name of the holder of a role
  (`expected`, `fits`). If none of the best sentences holds such a fact that
  the question does not already contain, the passages talk about the topic
  without answering; the answerer abstains rather than quote a sentence that
  merely shares the question's words. Similarity alone cannot tell these
  apart: "the price Russia paid for the shells" is as close to a sentence
  about the shells as an answerable question is.

Patterns are French and English, written from general usage, not from the
question sets (docs/answers.md reports the effect on a held-out set).
"""

from __future__ import annotations

import re

from .analyze import fold

NUMBER_Q = re.compile(
    r"\b(combien|quel(le)?s? (calibre|montant|nombre|somme|quantit\w*|pourcentage|chiffre)|"
    r"how (many|much)|what (calibre|caliber|amount|number|sum|size|percentage))\b",
    re.I,
)
WHO_Q = re.compile(
    r"^\s*(qui|who|whom)\b|comment s.appelle|quel est le nom\b|what is the name\b|"
    r"\b(quel|which|what) (dirigeant|responsable|ministre|chercheur|official|"
    r"leader|minister|expert|general|général|président|president)",
    re.I,
)
WHEN_Q = re.compile(
    r"^\s*(quand|when)\b|\b(quels? (jour|mois)|quelle (date|année|annee)|(what|which) "
    r"(date|day|month|year)|day of the week)",
    re.I,
)
DATE_WORDS = re.compile(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|mai|"
    r"juin|juillet|août|septembre|octobre|novembre|décembre|\d{4}|hier|semaine|mois)\b",
    re.I,
)
# Quantities are often spelled out in news text ("un million d'obus").
NUMBER_WORDS = re.compile(
    r"\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|"
    r"quarante|cinquante|soixante|cent|cents|mille|millions?|milliards?|dizaines?|centaines?|"
    r"milliers?|two|three|four|five|ten|twelve|twenty|hundreds?|thousands?|billions?)\b",
    re.I,
)
# Two or more capitalised words, not at the start of a sentence or quote.
NAME = re.compile(r"(?<!^)(?<![.!?«“\"]\s)\b[A-ZÉÈ][a-zéèëïç]+(?:[ -][A-ZÉÈ][a-zéèëïç]+)+")


def cue(question: str, sent: str) -> float:
    """How many of the question's answer-type hints the sentence satisfies."""
    n = 0.0
    if NUMBER_Q.search(question) and NUMBER_WORDS.search(sent):
        n += 1.0
    if WHO_Q.search(question) and NAME.search(sent):
        n += 1.0
    if WHEN_Q.search(question) and DATE_WORDS.search(sent):
        n += 1.0
    return n


# --- the hard gate -----------------------------------------------------------

_GATES: list[tuple[str, re.Pattern]] = [
    (
        "money",
        re.compile(
            # not "acheter / buy": "combien d'obus a-t-elle achetés" asks for a count
            r"\b(quel (prix|montant|co[uû]t)|quelle somme|combien .{0,40}\b(pa[yi]\w*|co[uû]t\w*|"
            r"versée?s?\b|dépens\w*)|how much .{0,40}\b(pa(y|id)|cost|spen[dt]|worth)\b|"
            r"what (price|amount of money))",
            re.I,
        ),
    ),
    (
        "distance",
        re.compile(
            r"\b(quelle (est la )?(portée|distance)|à quelle distance|"
            r"what(.s| is the)? (range|distance)|how far)\b",
            re.I,
        ),
    ),
    ("name", re.compile(r"\b(comment s.appelle|quel est le nom|what(.s| is) the name)", re.I)),
]
# "Comment s'appelle le ministre ...": the role whose holder is asked for.
_ROLE = re.compile(
    r"(comment s.appellen?t?|quel est le nom d(u|e|es)|what(.s| is) the name of)\s+"
    r"(l[ea]s?\s+|l['’]|the\s+)?(?P<role>[^\W\d_][\w-]+)",
    re.I,
)

_MONEY = re.compile(
    r"(\$|€|£)\s?\d|\d[\d\s,.]*\s?(\$|€|£|dollars?|euros?|roubles?|rubles?|wons?|yuans?|"
    r"livres? sterling|pounds?)\b|\b(millions?|milliards?|billions?) (de )?(dollars|euros|roubles)|"
    r"\b(millions?|milliards?|billions?)\s?(\$|€|£)",
    re.I,
)
_DISTANCE = re.compile(
    r"\d[\d\s,.]*\s?(km|kilomètres?|kilometers?|kilometres?|miles?|mètres?|meters?|metres?)\b",
    re.I,
)


def expected(question: str) -> str:
    """The exact kind of fact the question asks for, or "" if it does not say."""
    for kind, pattern in _GATES:
        if pattern.search(question):
            return kind
    return ""


def _new(found: list[str], question: str) -> bool:
    """Some match that the question does not already contain."""
    q = fold(question)
    return any(fold(m).strip() not in q for m in found)


def fits(kind: str, sent: str, question: str) -> bool:
    """Does `sent` hold a fact of that kind, beyond what the question says?"""
    if kind == "money":
        return bool(_MONEY.search(sent))
    if kind == "distance":
        return bool(_DISTANCE.search(sent))
    if kind == "name":
        names = [m for m in NAME.finditer(sent) if _new([m.group(0)], question)]
        role = _ROLE.search(question)
        if not role:
            return bool(names)
        # the name must stand next to the role it answers for ("le ministre de
        # la Défense Sergueï Choïgu", "John Kirby, porte-parole ..."): a name
        # elsewhere in the sentence belongs to someone else
        stem = fold(role.group("role"))[:6]
        spots = [m.start() for m in re.finditer(re.escape(stem), fold(sent))]
        return any(
            0 <= m.start() - (p + len(stem)) <= ROLE_WINDOW  # "le ministre ... X Y"
            or 0 <= p - m.end() <= ROLE_WINDOW  # "X Y, ministre ..."
            for m in names
            for p in spots
        )
    return True


# Characters between the role word and the name: room for an apposition or a
# short complement ("porte-parole du Conseil de sécurité nationale, John Kirby").
ROLE_WINDOW = 40
