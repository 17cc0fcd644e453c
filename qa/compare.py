"""Questions that compare two things: "Lequel des deux montants est le plus
élevé : l'aide militaire proposée par Biden ou la ligne de crédits de
l'Otan ?", "Entre les obus soviétiques … et les munitions visées par la ligne
de crédits, lesquelles ont le plus gros calibre ?", "Quel mois correspond au
plus ancien de ces deux événements : A ou B ?", "Which came first, A or B?".

Each option is told by its own passage, often of another article, and the
reader, reading one passage at a time, quotes one option's figure whichever
is larger. So each option is asked alone ("Quel est le montant de l'aide
militaire proposée par Biden ?", "Quand a eu lieu A ?"), the two figures
are read and compared, and the answer leads with the one that wins, both
sentences cited. A question that asks who ("Which official spoke out
earlier: …") is asked a third time, who the winning option is.

A time is the span's month and day, else the sentence's, else the article's
date; a month with no year takes the article's year, or, with no dated
article, compares only with a month of the same article. Options that read
no figure, or the same, leave the question to the reading as asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analyze import fold
from .answertype import MONTHS, amounts
from .lang import detect_language

# (measure, most): what is compared, and whether the larger or later wins
_MEASURES = (
    (
        "time",
        False,
        r"\bplus (ancien(ne)?s?|tot)\b|\ben premier\b|\b(earlier|earliest|first|sooner)\b",
    ),
    ("time", True, r"\bplus (recente?s?|tard)\b|\ben dernier\b|\b(later|latest|more recent)\b"),
    ("duration", True, r"\bplus (longtemps|longs?|longues?)\b|\b(longer|longest)\b"),
    ("duration", False, r"\bplus courte?s?\b|\bmoins longtemps\b|\b(shorter|shortest)\b"),
    (
        "amount",
        True,
        r"\bplus (eleve|grand|gros|important|lourd)(e|se)?s?\b|\bpese le plus\b|"
        r"\b(larger|largest|bigger|biggest|higher|highest|greater|greatest)\b",
    ),
    (
        "amount",
        False,
        r"\bplus (faible|petit|bas)s?e?s?\b|\bmoins (eleve|important|gros)e?s?\b|"
        r"\b(smaller|smallest|lower|lowest)\b",
    ),
)
_WHO = re.compile(
    r"^\W*(qui|who)\b|\b(quel|which|what)\s+(responsable|official|dirigeant|leader|homme|"
    r"personne|person|ministre|minister|general|officier|officer)|\bdes deux (responsables|"
    r"dirigeants|hommes|officiels)\b|\bof the two (officials|leaders|men)\b|"
    r"\bwhat is (his|her) name\b|\bquel est son nom\b"
)
# the clause that sets where the options are read: "Dans l'article sur les
# obus, …", "D'après News18, …", "According to the Oslo report, …"
_SETTING = re.compile(
    r"^\s*((?:dans|d'apres|d’apres|selon|according to|in)\b[^,:]*),\s*(.*)$", re.IGNORECASE
)
_OR = re.compile(r",?\s+(?:ou|or)\s+", re.IGNORECASE)
# "Entre A et B, …": the "et" before a determiner, as options begin with one
_AND_DET = re.compile(
    r"\s+(?:et|and)\s+(?=(?:le|la|les|l['’]|un|une|des|du|celui|celle|the|a|an)\b)", re.IGNORECASE
)
# an option that is the time between two events
_GAP = re.compile(
    r"^(?:le d[ée]lai|l['’]intervalle|le temps|celui|celle|the (?:time|gap|interval|delay))\s+"
    r"(?:entre|between)\s+(.+)$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"^\s*(?:entre|between)\s+(?P<opts>.+?),\s*(?P<stem>[^,]+)$", re.IGNORECASE)
_OF_TWO = re.compile(
    r"^\s*(?P<head>(?:(?:lequel|laquelle|lesquels|lesquelles) des deux|which of the two)[^,]*),"
    r"\s*(?P<a>[^,]+?),?\s+(?:ou|or)\s+(?P<b>[^,]+),\s*(?P<stem>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Comparison:
    """A question split into its two options and what it compares them by."""

    options: tuple[str, str]
    measure: str  # "time", "duration", "amount" or "calibre"
    most: bool  # the later / larger / longer option wins
    who: bool  # the answer is who the winning option is
    english: bool
    setting: str = ""  # "Dans l'article sur les obus"

    def _ask(self, frame: str, option: str) -> str:
        question = frame.format(o=option.strip())
        if not self.setting:
            return question[0].upper() + question[1:]
        return f"{self.setting}, {question[0].lower()}{question[1:]}"

    def asked(self, option: str) -> str:
        """The question that reads the option's figure."""
        frames = {
            "time": ("Quand a eu lieu {o} ?", "When was {o}?"),
            "duration": ("Combien de temps a duré {o} ?", "How long was {o}?"),
            "amount": ("Quel est le montant de {o} ?", "How much is {o}?"),
            "calibre": ("Quel est le calibre de {o} ?", "What is the calibre of {o}?"),
        }
        frame = frames[self.measure][self.english]
        gap = _GAP.match(option.strip())
        if self.measure == "duration" and gap:
            # "le délai entre A et B" did not last: time passed between A and B
            between = (
                "How much time passed between {o}?"
                if self.english
                else ("Combien de temps s'est écoulé entre {o} ?")
            )
            return self._ask(between, gap.group(1))
        head, _, rest = option.strip().partition(" ")
        if not self.english and "de {o}" in frame and head.lower() in ("le", "les") and rest:
            # "de le voyage" -> "du voyage", "de les obus" -> "des obus"
            frame = frame.replace("de {o}", "du {o}" if head.lower() == "le" else "des {o}")
            option = rest
        return self._ask(frame, option)

    def holder(self, option: str) -> str:
        """The question that reads who the option is."""
        return self._ask("Who is {o}?" if self.english else "Qui est {o} ?", option)


def _measure(stem: str) -> tuple[str, bool] | None:
    folded = fold(stem)
    for measure, most, pattern in _MEASURES:
        if re.search(pattern, folded):
            if measure == "amount" and re.search(r"\b(calibres?|caliber|calibre)\b", folded):
                return "calibre", most
            return measure, most
    return None


def _options(text: str) -> tuple[str, str] | None:
    parts = _OR.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return None
    return parts[0].strip(" ,"), parts[1].strip(" ,")


def split(question: str) -> Comparison | None:
    """The question's two options and measure, or None when it compares nothing."""
    text = question.strip().split("?", 1)[0].strip()
    english = detect_language(question) == "en"
    setting = ""
    m = _SETTING.match(text)
    if m and not _BETWEEN.match(text):
        setting, text = m.group(1).strip(), m.group(2)
    stem, options = "", None
    if (m := _OF_TWO.match(text)) is not None:
        stem = f"{m.group('head')} {m.group('stem')}"
        options = (m.group("a").strip(), m.group("b").strip())
    elif (m := _BETWEEN.match(text)) is not None:
        parts = _AND_DET.split(m.group("opts"), maxsplit=1)
        if len(parts) == 2:
            stem, options = m.group("stem"), (parts[0].strip(), parts[1].strip())
    elif ":" in text:
        before, after = (s.strip() for s in text.split(":", 1))
        if _measure(before):
            stem, options = before, _options(after)
        elif _measure(after):
            # "l'aide militaire ou l'aide humanitaire : laquelle pèse le plus lourd"
            stem, options = after, _options(before.rsplit(",", 1)[-1])
    elif "," in text:
        # "Which came first, the visit or the letters?"
        before, after = text.split(",", 1)
        if _measure(before):
            stem, options = before, _options(after)
    found = _measure(stem) if options else None
    if found is None or options is None:
        return None
    return Comparison(
        options=options,
        measure=found[0],
        most=found[1],
        who=found[0] == "time" and bool(_WHO.search(fold(stem))),
        english=english,
        setting=setting,
    )


# --- reading a figure ------------------------------------------------------------------

_MONTH = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:er)?\s+)?(?P<month>"
    + "|".join(MONTHS)
    + r")\b(?:\s+(?P<year>(?:19|20)\d{2}))?"
)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?\b")


@dataclass(frozen=True)
class When:
    """A time as precise as the text allows; year None: the article's, unknown."""

    year: int | None
    month: int
    day: int = 0


def when(span: str, sentence: str, article_date: str) -> When | None:
    """The time a span tells, else its sentence, else its article's date."""
    dated = _ISO.match(article_date or "")
    art_year = int(dated.group("year")) if dated else None
    art_month = int(dated.group("month") or 0) if dated else 0
    for text in (span, sentence):
        folded = fold(text)
        m = _MONTH.search(folded)
        if m is None:
            iso = _ISO.search(folded)
            if iso and iso.group("month"):
                year, month, day = (int(iso.group(g) or 0) for g in ("year", "month", "day"))
                return When(year, month, day)
            continue
        month = MONTHS[m.group("month")] + 1
        year = int(m.group("year")) if m.group("year") else None
        if year is None and art_year is not None:
            # "en novembre" in a piece of September 2023 is November 2022
            year = art_year - 1 if art_month and month > art_month else art_year
        return When(year, month, int(m.group("day") or 0))
    if art_year is None:
        return None
    return When(art_year, art_month, int(dated.group("day") or 0))


def earlier(a: When, b: When, same_article: bool) -> bool | None:
    """Is a before b? None when they cannot be told apart."""
    if (a.year is None or b.year is None) and not (same_article and a.year == b.year):
        return None
    ka = (a.year or 0, a.month, a.day if a.day and b.day else 0)
    kb = (b.year or 0, b.month, b.day if a.day and b.day else 0)
    return None if ka == kb else ka < kb


_HOURS = {
    "minute": 1 / 60,
    "heure": 1,
    "hour": 1,
    "jour": 24,
    "journee": 24,
    "day": 24,
    "semaine": 168,
    "week": 168,
    "mois": 720,
    "month": 720,
    "an": 8760,
    "annee": 8760,
    "year": 8760,
}
_COUNT_WORDS = {
    "un": 1,
    "une": 1,
    "one": 1,
    "a": 1,
    "deux": 2,
    "two": 2,
    "trois": 3,
    "three": 3,
    "quatre": 4,
    "four": 4,
    "cinq": 5,
    "five": 5,
    "six": 6,
    "sept": 7,
    "seven": 7,
    "huit": 8,
    "eight": 8,
    "neuf": 9,
    "nine": 9,
    "dix": 10,
    "ten": 10,
    "quelques": 3,
    "plusieurs": 3,
    "few": 3,
    "several": 3,
}
_DURATION = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?|"
    + "|".join(_COUNT_WORDS)
    + r")\s+(?P<unit>"
    + "|".join(_HOURS)
    + r")s?\b"
)


def figure(measure: str, span: str) -> float | None:
    """The span's figure for an amount, a calibre or a duration (in hours)."""
    if measure == "duration":
        m = _DURATION.search(fold(span))
        if m is None:
            return None
        n = m.group("n")
        count = _COUNT_WORDS.get(n) or float(n.replace(",", "."))
        return count * _HOURS[m.group("unit")]
    found = amounts(span)
    return found[0] if found else None


@dataclass(frozen=True)
class Told:
    """What the reading of one option found: its span, the sentence holding
    it, the article's date and id."""

    span: str
    sentence: str
    date: str
    doc_id: str


def first_wins(c: Comparison, a: Told, b: Told) -> bool | None:
    """Does the first option win the comparison? None when the two readings
    cannot be told apart (no figure, the same, no year to order them by)."""
    if c.measure == "time":
        wa, wb = when(a.span, a.sentence, a.date), when(b.span, b.sentence, b.date)
        if wa is None or wb is None:
            return None
        before = earlier(wa, wb, a.doc_id == b.doc_id)
        return None if before is None else before != c.most
    fa, fb = figure(c.measure, a.span), figure(c.measure, b.span)
    if fa is None or fb is None or fa == fb:
        return None
    return (fa > fb) == c.most
