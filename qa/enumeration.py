"""Questions about a list of countries: its order ("quel pays est cité en
premier", "juste avant l'Australie", "entre la France et le Canada", "which
country is named last") and its members in a part of the world ("quel pays
asiatique", "which Indo-Pacific countries"); and the place in a list of
anything else ("des deux effets, lequel est cité en premier", "which one is
listed last").

The reader cannot count: asked which country a list names just before
Australia, it quoted the country that opens the sentence of another
passage ("En Norvège, …"), and for "which Asian country" the list's first
item. A list is plain text, so its order and its members' places on the
map are read here: the country names of one sentence that follow each other
with nothing but commas, "et / and" and articles between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analyze import fold
from .answertype import asked, sets_aside
from .passagecheck import content_stems
from .places import countries, country_mentions, in_region, names_region

# the question must speak of a list or of naming, so that "avant la réunion"
# or "after the summit" is not read as a place in a list
_LIST_Q = re.compile(
    r"\b(liste|enumer\w*|cit(e|es|ee|ees)|mentionn\w*|nomm(e|es|ee|ees)|list(ed|s)?|"
    r"named|mentioned|cited|order)\b"
)
_WHICH = re.compile(r"\b(quel(le)?s? pays|lequel|laquelle|(which|what) (one|country|nation))\b")
# "quels pays / which Indo-Pacific countries": several asked for
_PLURAL = re.compile(
    r"\b(quels (autres )?pays|quelles (autres )?nations|"
    r"(which|what) ([\w-]+ ){0,2}(countries|nations))\b"
)
_FIRST = re.compile(
    r"\b(en premier|(ouvre|ouvrent|commence|debute|entame)\w* (la |l')?(liste|enumeration)|"
    r"en tete de (la )?liste|premier (pays )?(cite|mentionne|nomme|de la liste)|"
    r"first|opens? the list|heads? the list|tops? the list)\b"
)
_LAST = re.compile(
    r"\b(en dernier|(ferme|clot|termine|acheve|conclut)\w* (la |l')?(liste|enumeration)|"
    r"en fin de liste|dernier (pays )?(cite|mentionne|nomme|de la liste)|"
    r"last|closes? the list|ends? the list)\b"
)
_AFTER = re.compile(
    r"\b(apres|suit|suivant|succede a|follows?|following|after)\b(?P<rest>[^?]{0,60})"
)
_BEFORE = re.compile(r"\b(avant|precede\w*|before)\b(?P<rest>[^?]{0,60})")
_BETWEEN = re.compile(r"\b(entre|between)\b(?P<rest>[^?]{0,80})")
# what may stand between two items of one list
_GLUE = re.compile(
    r"\s*(,|;)?\s*((et|and|ainsi que|as well as)\s+)?"
    r"((de|du|des|d|la|le|les|l|the)\s*['’]?\s*)?\s*",
)


# first or last of a list of countries only when a country is asked: "des
# obstacles, lequel est cité en dernier" was answered with the last country
# of another list in the passage ("l'Allemagne")
_COUNTRY_WORD = re.compile(r"\b(pays|countr(y|ies)|nations?)\b")
# the place asked in a list of anything else, outside the countries' path
_NTH = re.compile(
    r"\b(?:en (premier|second|deuxieme|troisieme|dernier)(?! lieu)|(first|second|third|last))\b"
)
_NTH_INDEX = {
    "premier": 0,
    "first": 0,
    "second": 1,
    "deuxieme": 1,
    "troisieme": 2,
    "third": 2,
    "dernier": -1,
    "last": -1,
}
_WHICH_ONE = re.compile(r"\b(lequel|laquelle|quel(le)?s? [\w-]+|which|what)\b")


@dataclass(frozen=True)
class Position:
    where: str  # "first", "last", "after", "before", "between", "region"
    refs: tuple[str, ...] = ()  # CLDR codes of the countries it is placed by


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code for _, _, code in country_mentions(text))


def asked_position(question: str) -> Position | None:
    """Where in a list of countries the question asks, if it does."""
    q = fold(question).replace("’", "'")
    if names_region(q) and asked(question) == "country":  # "which Asian country"
        return Position("region")
    if not (_LIST_Q.search(q) and _WHICH.search(q)):
        return None
    m = _BETWEEN.search(q)
    if m and len(refs := _codes(m.group("rest"))) >= 2:
        return Position("between", refs[:2])
    for where, pattern in (("after", _AFTER), ("before", _BEFORE)):
        m = pattern.search(q)
        if m and (refs := _codes(m.group("rest"))):
            return Position(where, refs[:1])
    if not (_COUNTRY_WORD.search(q) or asked(question) == "country"):
        return None
    if _FIRST.search(q):
        return Position("first")
    if _LAST.search(q):
        return Position("last")
    return None


def asked_item(question: str) -> int | None:
    """The place (0, 1, 2, or -1 for the last) a question asks in a list of
    things other than countries: "Des deux zones …, laquelle est citée en
    premier ?", "Of the targets …, which one is listed last?"."""
    q = fold(question).replace("’", "'")
    if asked_position(question) or _COUNTRY_WORD.search(q) or asked(question) == "country":
        return None
    if not (_LIST_Q.search(q) and _WHICH_ONE.search(q)):
        return None
    m = _NTH.search(q)
    if m is None:
        return None
    return _NTH_INDEX[m.group(1) or m.group(2)]


def listings(text: str) -> list[list[tuple[int, int, str]]]:
    """The lists of three or more countries in `text`: (start, end, code) of
    each item, in order."""
    out: list[list[tuple[int, int, str]]] = []
    run: list[tuple[int, int, str]] = []
    for item in country_mentions(text):
        if run and _GLUE.fullmatch(text[run[-1][1] : item[0]]):
            run.append(item)
            continue
        if len(run) >= 3:
            out.append(run)
        run = [item]
    if len(run) >= 3:
        out.append(run)
    return out


def item_in(position: Position, question: str, text: str) -> tuple[int, int] | None:
    """(start, end) in `text` of the country the position names in one of
    its lists. "En premier / en dernier" names no landmark, so the list's
    lead-in ("Milley a déclaré que le groupe comprendrait des chefs de la
    défense de …") must share a word with the question: a question about
    another list is not answered by this one."""
    for items in listings(text):
        if not position.refs:
            lead_in = text[_sentence_start(text, items[0][0]) : items[0][0]]
            if not content_stems(question) & content_stems(lead_in):
                continue
        if position.where == "region":
            found = _members(question, items)
        else:
            item = _item_at(position, items)
            found = (item[0], item[1]) if item else None
        if found:
            return found
    return None


def _members(question: str, items: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The list's items in the part of the world the question names, less
    those it names itself ("Besides Australia, which Indo-Pacific country"):
    one for "quel pays" (the first or last of them, where the question asks
    that), the run of them for "quels pays" when nothing else stands between
    them."""
    q = fold(question)
    aside = countries(question)
    at = [i for i, (_, _, c) in enumerate(items) if c not in aside and in_region({c}, q)]
    if not at:
        return None
    if _PLURAL.search(q.replace("’", "'")):
        return (items[at[0]][0], items[at[-1]][1]) if at[-1] - at[0] == len(at) - 1 else None
    if _FIRST.search(q):  # "quel pays d'Océanie est cité en premier"
        at = at[:1]
    elif _LAST.search(q):
        at = at[-1:]
    return (items[at[0]][0], items[at[0]][1]) if len(at) == 1 else None


def _sentence_start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in ".!?\n") + 1


def _item_at(position: Position, items: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    """The item the position names in one list, or None."""
    codes = [code for _, _, code in items]
    if position.where == "first":
        return items[0]
    if position.where == "last":
        return items[-1]
    if any(ref not in codes for ref in position.refs):
        return None
    at = [codes.index(ref) for ref in position.refs]
    if position.where == "after":
        i = at[0] + 1
    elif position.where == "before":
        i = at[0] - 1
    else:  # between: the one item that separates the two
        lo, hi = sorted(at)
        i = lo + 1 if hi - lo == 2 else -1
    return items[i] if 0 <= i < len(items) else None


def whole_list(question: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """For "quels pays / which countries" asked of no place in a list and no
    part of the world, the whole list when the reader's span (start, end) is
    one or a few of its items: "Grande-Bretagne" alone does not say which
    countries Milley listed."""
    q = fold(question).replace("’", "'")
    if not _PLURAL.search(q) or asked(question) != "country" or asked_position(question):
        return None
    if sets_aside(question):  # "outre la Corée du Nord, quels pays": not the whole list
        return None
    for items in listings(text):
        whole = (items[0][0], items[-1][1])
        if whole[0] <= start and end <= whole[1] and (start, end) != whole:
            return whole
    return None


# "Des deux effets que Lee prête …, lequel nomme-t-il en premier ?" is read
# as "Quels sont les deux effets que Lee prête … ?": the reader, asked for
# one item, quoted a sentence with no list in it
_OF_THE_FR = re.compile(
    r"^(?P<pre>.*?,\s*)?(?:des|parmi les|dans l['’][ée]num[ée]ration des|dans la liste des)\s+"
    r"(?P<what>.+?),\s*(?:lequel|laquelle|lesquels|lesquelles)\b.*$",
    re.IGNORECASE,
)
_OF_THE_EN = re.compile(
    r"^(?:(?:of|among) (?:the )?(?P<what>.+?),\s*which\b.*"
    r"|which of the (?P<what2>.+?) (?:is|was|are|were|comes?) (?:\w+ )?"
    r"(?:first|second|third|last)\b(?P<tail>.*?)\s*\?)$",
    re.IGNORECASE,
)
_NTH_WORDS = re.compile(
    r"\s*\b(?:en (?:premier|second|deuxième|troisième|dernier)(?! lieu)|first|second|third|last)\b",
    re.IGNORECASE,
)


def as_list_question(question: str) -> str:
    """The question asking for the whole list whose item `asked_item`
    places: the reader finds a list, and `nth_item` takes the item."""
    q = question.strip()
    m = _OF_THE_FR.match(q)
    if m:
        pre = m.group("pre") or ""
        ask = "quels sont les" if pre else "Quels sont les"
        return f"{pre}{ask} {m.group('what')} ?"
    m = _OF_THE_EN.match(q)
    if m:
        what = m.group("what") or m.group("what2")
        return f"What are the {what}{m.group('tail') or ''}?"
    return _NTH_WORDS.sub("", q)


# between two items: a comma, "et / ou / and / or", or both
_GLUE_ANY = re.compile(r"\s*,\s*(?:(?:et|ou|and|or)\s+)?|\s+(?:et|ou|and|or)\s+")
# a span followed by this is the list's last item but one
_AND_NEXT = re.compile(r"\s*,?\s+(?:et|ou|and|or)\s+")
# where an item ends: punctuation, a closing single quote (not the
# apostrophe of "l'Allemagne"), another "et / ou"
_ITEM_END = re.compile(r"\s*(?:[,;:.!?«»\"“”()\[\]–—]|'(?!\w)|\s(?:et|ou|and|or)\s|$)")
# an item with a verb is a clause joined by "et" ("… en Ukraine et a exprimé
# son optimisme", "des pertes et les combats sont acharnés"), not a list; the
# last item ends before the sentence's verb
_VERB_WORDS = r"ont|est|sont|était|étaient|sera|seront|is|are|was|were|has|have|had"
_VERB = re.compile(rf"^a\s|\b(?:{_VERB_WORDS})\b", re.IGNORECASE)
_VERB_AFTER = re.compile(rf"\s(?:a|{_VERB_WORDS})\b", re.IGNORECASE)


def nth_item(text: str, start: int, end: int, n: int) -> tuple[int, int] | None:
    """(start, end) in `text` of the n-th item (-1: the last) of the list the
    span (start, end) is or ends, or None when the span is no list of two
    or more, or does not show where its list starts for a place counted
    from the start. A list ends at "et / ou / and / or" and one more item;
    the items of the span are cut at commas and those words."""
    m = _AND_NEXT.match(text, end)
    if m:  # "pratique" of "pratique et psychologique"
        stop = _ITEM_END.search(text, m.end())
        last = stop.start() if stop else len(text)
        # the last item ends before the sentence's verb: "… et la reconstitution
        # des stocks des pays de l'Alliance | seront jeudi au coeur …"
        verb = _VERB_AFTER.search(text, m.end(), last)
        last = verb.start() if verb else last
        end = last if last > m.end() else end
    items, at = [], start
    for glue in _GLUE_ANY.finditer(text, start, end):
        if glue.start() > at:
            items.append((at, glue.start()))
        at = glue.end()
    if at < end:
        items.append((at, end))
    if len(items) < 2 or any(_VERB.search(text[s:e]) for s, e in items):
        return None
    if n >= 0 and re.search(r"(?:,|\s(?:et|ou|and|or))\s*$", text[max(0, start - 5) : start]):
        return None  # the span may start inside its list
    return items[n] if -len(items) <= n < len(items) else None
