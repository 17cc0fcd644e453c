"""Which countries, world regions and cities a text names, in French or English.

The answer-type gate (qa/answertype.py) and the list reader
(qa/enumeration.py) ask it: is "Pyongyang", "nord-coréen" or "la Corée du
Nord" North Korea, is Norway in Europe, is "Les Pays-Bas" one country or
two words. Names come from CLDR through babel (territories, time-zone
cities), in both languages; a few names in use that CLDR lacks are added
here. Each country is its CLDR code ("KP"); a world region its numeric code
("002" for Africa).
"""

from __future__ import annotations

import functools
import os
import re

from .analyze import fold
from .analyze import words as _words


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ " folded words of a country or world region " -> its CLDR code ("KP";
    "002" for Afrique), French and English names, from babel; empty if babel
    is missing (then a country is any new name)."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover - a dependency (pyproject.toml)
        return {}
    out = {}
    for lang in ("fr", "en"):
        for code, name in Locale(lang).territories.items():
            if code != "001" and (code.isdigit() or (code.isalpha() and len(code) == 2)):
                out[f" {' '.join(_words(name))} "] = code
    return out | {f" {name} ": code for name, code in _ALIASES.items()}


# names in use that CLDR does not give
_ALIASES = {"grande bretagne": "GB", "great britain": "GB", "britain": "GB", "angleterre": "GB"}


# CLDR names that are common words too: "la réunion des ministres" is a
# meeting, "La Réunion" the island. They name the place only when written
# with the capital (the names of people, "Maurice", "Jordan", are capitalised
# either way).
_COMMON_WORD = frozenset({"RE"})


def countries(text: str) -> set[str]:
    """CLDR codes of the countries and world regions `text` names, French or English."""
    t = f" {' '.join(_words(text))} "
    found = {code for name, code in country_names().items() if name in t}
    return {c for c in found if c not in _COMMON_WORD or _written_as_name(text, c)}


def _capitalised(text: str, m: re.Match) -> bool:
    """The last word of the name matched in fold(text) has its capital in `text`."""
    return text[m.start() + re.search(r"\w+$", m.group()).start()].isupper()


def _written_as_name(text: str, code: str) -> bool:
    """`text` writes one of the names of `code` (a `_COMMON_WORD`) with its capital."""
    folded = fold(text)
    if len(folded) != len(text):  # fold kept the length for Latin text only
        return False
    return any(
        _capitalised(text, m)
        for pattern, c in _country_patterns()
        if c == code
        for m in pattern.finditer(folded)
    )


@functools.cache
def _country_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, CLDR code) per country name, longest first; compiled once,
    as they outnumber `re`'s cache and were compiled again for every answer."""
    names = sorted(country_names().items(), key=lambda nc: len(nc[0]), reverse=True)
    words = ((r"\W+".join(re.escape(w) for w in name.split()), code) for name, code in names)
    return tuple((re.compile(rf"(?<!\w){pattern}(?!\w)"), code) for pattern, code in words)


def country_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, CLDR code) of each country or region `text` names, in
    order; a longer name wins over the shorter one inside it."""
    folded = fold(text)
    if len(folded) != len(text):  # fold kept the length for Latin text only
        return []
    found: list[tuple[int, int, str]] = []
    for pattern, code in _country_patterns():
        for m in pattern.finditer(folded):
            if code in _COMMON_WORD and not _capitalised(text, m):
                continue
            if all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), code))
    return sorted(found)


def without_countries(span: str) -> str:
    """The span with its country and region names blanked out."""
    folded = fold(span)
    if len(folded) != len(span):  # fold kept the length for Latin text only
        return span
    for pattern, _ in _country_patterns():
        for m in pattern.finditer(folded):
            blank = " " * (m.end() - m.start())
            span = span[: m.start()] + blank + span[m.end() :]
            folded = folded[: m.start()] + blank + folded[m.end() :]
    return span


_BETWEEN_PLACES = frozenset("et and ou or le la les l the".split())

# seats of power a question names instead of their country
SEATS = {
    "kremlin": "RU",
    "maison blanche": "US",
    "white house": "US",
    "pentagone": "US",
    "pentagon": "US",
    "departement d etat": "US",
    "state department": "US",
    "elysee": "FR",
    "downing street": "GB",
}
# bodies named several ways: one name in the question, another in the sentence
BODIES = (
    ("union europeenne", "ue", "european union", "eu", "bruxelles", "brussels"),
    ("otan", "nato", "alliance atlantique", "alliance"),
    ("onu", "nations unies", "united nations", "un"),
)
# the words left of a ministry or a parliament once its country is blanked
# ("le ministère de la Défense" -> "Défense")
_INSTITUTION_WORDS = frozenset(
    "ministere ministry ministeres defense defence congres congress parlement parliament".split()
)


def only_institutions(span: str) -> bool:
    """The span names only seats of power, international bodies or ministries
    ("OTAN", "la Maison Blanche", "Défense"): no thing, nobody."""
    rest = f" {' '.join(_words(span))} "
    for name in [*SEATS, *(n for names in BODIES for n in names)]:
        rest = rest.replace(f" {name} ", " ")
    words = set(rest.split())
    return bool(_words(span)) and words <= _INSTITUTION_WORDS | _BETWEEN_PLACES


def only_countries(span: str) -> bool:
    """The span names countries and nothing else ("la Russie", "les
    Etats-Unis et la Chine")."""
    return bool(countries(span)) and set(_words(without_countries(span))) <= _BETWEEN_PLACES


def only_places(span: str) -> bool:
    """The span names cities (CLDR time-zone cities) and countries and nothing
    else ("Moscou", "Pyongyang et Téhéran"); "St Thomas de Londres" is a
    place in a city."""
    rest = f" {' '.join(_words(without_countries(span)))} "
    found = False
    for names in zone_cities().values():
        for city in names:
            if city in rest:
                rest, found = rest.replace(city, " "), True
    return found and set(rest.split()) <= _BETWEEN_PLACES


# "quel pays d'Afrique du Nord", "which European country": the part of the
# world the country must be in, by the first part of its time zones' names
# ("Africa/Tunis"), or for the Middle East, which no zone names, its states
_MIDDLE_EAST = frozenset("AE BH CY EG IL IQ IR JO KW LB OM PS QA SA SY TR YE".split())

# the members of NATO (2024): "quel pays de l'Otan" is no North Korea
_NATO = frozenset(
    "AL BE BG CA HR CZ DK EE FI FR DE GR HU IS IT LV LT LU ME NL MK NO PL PT RO SK SI ES SE TR "
    "GB US".split()
)

# the Nordic states; North America as its three states
_NORDIC = frozenset("DK FI IS NO SE".split())
_NORTH_AMERICA = frozenset("CA MX US".split())
_REGION_Q = (
    (
        re.compile(
            r"\bpays (\w+ )?(de l'otan|membres? de l'otan|allies)\b"
            r"|\bnato (\w+ )?(countr|member|all)|\bcountr\w* (\w+ )?(of|in) nato\b"
        ),
        "",
        _NATO,
    ),
    (re.compile(r"\bpays (\w+ )?(d'europe|europeens?)|\beuropean (\w+ )?countr"), "Europe", ()),
    (re.compile(r"\bpays (\w+ )?(d'afrique|africains?)|\bafrican (\w+ )?countr"), "Africa", ()),
    (re.compile(r"\bpays (\w+ )?(d'asie|asiatiques?)|\basian (\w+ )?countr"), "Asia", ()),
    # the Indo-Pacific: Asia's, Australia's and the Pacific's zones ("Norvège", the
    # meeting's host, is none of the Indo-Pacific countries invited)
    *(
        (re.compile(r"\bindo-?pacifi(que|c)"), part, ())
        for part in ("Asia", "Australia", "Pacific")
    ),
    (
        re.compile(
            r"\b(du|au) (moyen|proche)-orient|\bdu golfe|\bmiddle eastern|\bin the middle east"
        ),
        "",
        _MIDDLE_EAST,
    ),
    *(
        (re.compile(r"\bpays (\w+ )?(d'oceanie|oceaniens?)|\boceanian (\w+ )?countr"), part, ())
        for part in ("Australia", "Pacific")
    ),
    (re.compile(r"\bpays (\w+ )?nordiques?|\bnordic (\w+ )?countr"), "", _NORDIC),
    (
        re.compile(
            r"\bpays (\w+ )?(d'amerique du nord|nord-americains?)|\bnorth american (\w+ )?countr"
        ),
        "",
        _NORTH_AMERICA,
    ),
)


# The words that name a part of the world as an adjective or a noun
# ("indo-pacifiques", "européens", "the Baltic"): "leaders from which region"
# is answered by "des dirigeants indo-pacifiques" as by a region's name.
_REGION_WORD = re.compile(
    r"\b(indo-?pacifi\w*|europ\w*|asia\w*|asiati\w*|afric\w*|occident\w*|western|eastern|"
    r"orient\w*|baltes?|baltiques?|baltic|nordiques?|nordic|scandinav\w*|balkan\w*|caucas\w*|"
    r"mediterran\w*|arcti\w*|sahel\w*|maghreb\w*|pacifi\w*|atlanti\w*)\b"
)


def region_words(text: str) -> list[str]:
    """The folded words of the text that name a part of the world."""
    return _REGION_WORD.findall(fold(text).replace("’", "'"))


@functools.cache
def _zone_parts() -> dict[str, frozenset[str]]:
    """CLDR code -> the first parts of its time zones' names ("Europe", "Asia")."""
    try:
        from babel.core import get_global
    except ImportError:  # pragma: no cover - a dependency (pyproject.toml)
        return {}
    out: dict[str, set[str]] = {}
    for zone, code in get_global("zone_territories").items():
        out.setdefault(code, set()).add(zone.split("/", 1)[0])
    return {code: frozenset(parts) for code, parts in out.items()}


def names_region(folded_question: str) -> bool:
    """Does the question name a part of the world its country must be in?"""
    q = folded_question.replace("’", "'")
    return any(pattern.search(q) for pattern, _, _ in _REGION_Q)


def in_region(codes: set[str], folded_question: str) -> bool:
    """Is one of the countries in a part of the world the question names, if it
    names one?"""
    q = folded_question.replace("’", "'")
    named = [(part, states) for pattern, part, states in _REGION_Q if pattern.search(q)]
    parts = _zone_parts()
    if not named or not parts:
        return True
    return any(
        c in states or part in parts.get(c, frozenset()) for c in codes for part, states in named
    )


# Endings of demonyms ("russe", "iranienne", "chinois", "norwegian"), so that
# "Bhutto" or "Faroukh" name no country
_ENDINGS = (
    r"(e|es|ien|iens|ienne|iennes|ais|aise|aises|ois|oise|oises|ain|ains|aine|aines|"
    r"and|ande|ique|iques|ol|ole|an|ans|ian|ians|ese|ish|i|en|ens|enne|ennes)"
)

_DEMONYM = re.compile(rf"^\w{{4,}}{_ENDINGS}$")

_ENDING = re.compile(rf"{_ENDINGS}?")


@functools.lru_cache(maxsize=1)
def _name_words() -> dict[str, tuple[tuple[str, str], ...]]:
    """First four letters -> (distinctive word of a country's French or
    English name, its code): "coree" and "korea" for KP and KR."""
    out: dict[str, set[tuple[str, str]]] = {}
    for name, code in country_names().items():
        if code.isalpha() and code not in NOT_ACTORS:
            for w in name.split():
                if len(w) >= 4 and w not in GENERIC_WORDS:
                    out.setdefault(w[:4], set()).add((w, code))
    return {stem: tuple(sorted(pairs)) for stem, pairs in out.items()}


# words that keep a short name but for its last letter and end like a
# demonym, yet name no country: "porte" (of "porte-parole") is no "Porto Rico"
_NOT_DEMONYMS = frozenset({"porte"})


@functools.lru_cache(maxsize=8192)
def word_nations(word: str) -> frozenset[str]:
    """The countries one folded word names: a word of the country's name, or
    a demonym made from it ("russe" from "russie", "iraniennes" from "iran",
    "allemand" from "allemagne"), or one of `_OTHER_NAMES`. The word must
    keep the name but for its last two letters (at most six needed) and end
    in a demonym's ending after it, so that "armée", "autre", "lettre",
    "congrès" or "indépendance" name no Armenia, Austria, Latvia, Congo or
    India (a first version matched any four first letters)."""
    if word in _NOT_DEMONYMS:
        return frozenset()
    codes = {code for code, prefixes in _OTHER_NAMES.items() if word.startswith(prefixes)}
    for name, code in _name_words().get(word[:4], ()):
        shared = len(os.path.commonprefix((word, name)))
        rest = word[shared:]
        if word == name or (
            shared >= min(6, max(4, len(name) - 2))
            and (
                shared >= 6
                or _ENDING.fullmatch(rest)
                or (shared >= len(name) - 1 and _ENDING.fullmatch(word[len(name) - 1 :]))
            )
            and len(rest) <= 6
        ):
            codes.add(code)
    return frozenset(codes)


# "nord-coréen" names North Korea, not South Korea
_SIDES = {
    "nord": ("nord", "north"),
    "north": ("nord", "north"),
    "sud": ("sud", "south"),
    "south": ("sud", "south"),
}


def side(codes: frozenset[str], words: list[str], i: int) -> frozenset[str]:
    """Of the countries the word `words[i]` names, those whose name holds the
    side said beside it ("nord"-coréen, "South" Korean, Corée "du Sud"),
    when some does."""
    if len(codes) < 2:
        return codes
    near = [words[i - 1]] if i else []
    if i + 2 < len(words) and words[i + 1] in ("du", "of"):
        near.append(words[i + 2])
    sides = next((_SIDES[w] for w in near if w in _SIDES), None)
    if not sides:
        return codes
    named = frozenset(
        code
        for name, code in country_names().items()
        if code in codes and set(name.split()) & set(sides)
    )
    return named or codes


def _nations(text: str) -> set[str]:
    """Countries named by a word of their stem ("russe", "nord-coréenne")
    or a time-zone city ("Téhéran")."""
    return demonym_nations(text) | city_nations(text) | initials(text)


# "US officials", "the U.S. senator", "UK": capitals only, not "told us"
_INITIALS = {"US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "UK": "GB", "U.K.": "GB"}

_INITIALS_RE = re.compile(r"(?<![\w.])(U\.S\.A\.|U\.S\.|U\.K\.|USA|US|UK)(?![\w])")


def initials(text: str) -> set[str]:
    return {_INITIALS[m.group(1)] for m in _INITIALS_RE.finditer(text)}


def any_nations(text: str) -> set[str]:
    """Countries the text names by name, demonym, time-zone city or initials."""
    return _nations(text) | countries(text)


def demonym_nations(text: str) -> set[str]:
    """Countries named by a demonym ("russe", "North Korean")."""
    words = _words(text)
    return {
        c
        for i, w in enumerate(words)
        if _DEMONYM.search(w)
        for c in side(word_nations(w), words, i)
    }


def sure_demonym_nations(text: str) -> set[str]:
    """The countries named by the text's demonyms that each name one
    ("japonais", "sud-coréen"), not those that may name two ("américaine":
    the US or American Samoa; "coréen")."""
    words = _words(text)
    sure = (side(word_nations(w), words, i) for i, w in enumerate(words) if _DEMONYM.search(w))
    return {c for codes in sure if len(codes) == 1 for c in codes}


def city_nations(text: str) -> set[str]:
    t = f" {' '.join(_words(text))} "
    return {code for code, cities in zone_cities().items() if any(c in t for c in cities)}


# CLDR names that are no country a question makes act ("la réunion" is not
# La Réunion) or not one country (the EU, the UN)
NOT_ACTORS = frozenset({"RE", "EU", "EZ", "UN", "QO"})

# Words of country names too common to stand for the country on their own
GENERIC_WORDS = frozenset(
    "nord sud est ouest north south east west republique republic populaire democratique "
    "democratic peoples etats unis united states iles islands island royaume kingdom saint "
    "sainte occidental oriental nouvelle territoire territoires partie mineures eloignees "
    "central cite grande".split()
)

# The two countries whose names are only generic words: what else names them;
# and China, whose capital is no time-zone city of CLDR (`zone_cities`); and
# the demonyms that do not keep their country's name ("belge", "danois", "dutch")
_OTHER_NAMES = {
    "US": ("amer", "wash"),
    "GB": ("brit", "lond", "angl"),
    "CN": ("peki", "beij"),
    "BE": ("belg",),
    "DK": ("danois", "danoise", "danish"),
    "ES": ("spanish",),
    "FI": ("finn",),
    "FR": ("french",),
    "NL": ("neerlandai", "dutch"),
    "NO": ("norweg",),
    "PL": ("polonai", "polish"),
    "SA": ("saoudien",),
    "AE": ("emirati",),
    "CH": ("swiss",),
}


def ends_with_country(text: str) -> set[str]:
    t = f" {' '.join(_words(text))} "
    return {
        code
        for name, code in country_names().items()
        if t.endswith(name) and code.isalpha() and code not in NOT_ACTORS
    }


@functools.lru_cache(maxsize=1)
def zone_cities() -> dict[str, frozenset[str]]:
    """CLDR code -> " folded name " of the cities its time zones are named
    after, in French and English ("pyongyang", "moscou", "kyiv", "teheran"):
    for most countries the capital, so a passage that says only "Pyongyang"
    names North Korea."""
    try:
        from babel import Locale
        from babel.core import get_global
    except ImportError:  # pragma: no cover - a dependency (pyproject.toml)
        return {}
    locales = (Locale("fr"), Locale("en"))
    out: dict[str, set[str]] = {}
    for zone, code in get_global("zone_territories").items():
        default = zone.rsplit("/", 1)[-1].replace("_", " ")
        for loc in locales:
            name = loc.time_zones.get(zone, {}).get("city", default)
            words = _words(name)
            if words and len("".join(words)) >= 4:
                out.setdefault(code, set()).add(f" {' '.join(words)} ")
    return {code: frozenset(names) for code, names in out.items()}
