"""Questions about a list of countries: its order ("quel pays est cité en
premier", "juste avant l'Australie", "entre la France et le Canada", "which
country is named last") and its members in a part of the world ("quel pays
asiatique", "which Indo-Pacific countries").

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
    if _FIRST.search(q):
        return Position("first")
    if _LAST.search(q):
        return Position("last")
    return None


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
    one for "quel pays", the run of them for "quels pays" when nothing else
    stands between them."""
    q = fold(question)
    aside = countries(question)
    at = [i for i, (_, _, c) in enumerate(items) if c not in aside and in_region({c}, q)]
    if not at:
        return None
    if _PLURAL.search(q.replace("’", "'")):
        return (items[at[0]][0], items[at[-1]][1]) if at[-1] - at[0] == len(at) - 1 else None
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
