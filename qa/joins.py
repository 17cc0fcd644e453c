"""Questions that join two facts: "Quel type de munitions figure à la fois
dans l'aide obtenue par Kiev et dans ce que Pyongyang expédie ?", "Which
type of weapon features both in Tehran's planned deliveries and in the
North Korean launch?".

The answer is in two passages, often two articles, and the reader, reading
one passage at a time, answers one half ("armes antichar", what the aid
holds) with the other half's facts nowhere near. So each half is asked
alone ("Quel type de munitions figure dans l'aide obtenue par Kiev ?",
"… dans ce que Pyongyang expédie ?") and the answer is a span both
readings agree on: the same words, the same nation ("Téhéran" and "l'Iran")
or, with no nation in either, a word in common ("missiles sol-sol" and "un
missile balistique"). qa/answer.py asks the halves only when the question
read whole was answered, and keeps that answer when both halves read it.

The two halves are split at the "et" / "and" after "à la fois" / "both",
the one followed by the first half's first word ("dans … et dans …") if
there is one, else the first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import places
from .passagecheck import content_stems
from .reader.spans import normalize

_JOIN = re.compile(
    r"^(?P<pre>.*\S)\s+(?:à la fois|a la fois|both)\s+(?P<rest>.+?)\s*\?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Join:
    """A question split into the two facts it joins."""

    first: str
    second: str


def split(question: str) -> Join | None:
    """The question's two halves, or None when it joins nothing."""
    m = _JOIN.match(question.strip())
    if m is None:
        return None
    english = re.search(r"\bboth\b", question, re.IGNORECASE) is not None
    rest = m.group("rest")
    conj = " and " if english else " et "
    cuts = [i for i in range(len(rest)) if rest.startswith(conj, i)]
    if not cuts:
        return None
    opening = rest.split()[0].lower()
    repeated = [i for i in cuts if rest[i + len(conj) :].split()[:1] == [opening]]
    cut = (repeated or cuts)[0]
    end = "?" if english else " ?"
    pre = m.group("pre")
    return Join(f"{pre} {rest[:cut]}{end}", f"{pre} {rest[cut + len(conj) :]}{end}")


@functools.lru_cache(maxsize=4096)
def _key(span: str) -> tuple[str, frozenset[str], frozenset[str]]:
    bare = normalize(span)
    nations = frozenset(places.any_nations(span) | places.city_nations(span))
    return bare, nations, frozenset(content_stems(span))


def agree(a: str, b: str) -> bool:
    """Do two spans name the same thing: the same words, the same nation
    ("Téhéran", "l'Iran"), or, with no nation in either, a word in common?"""
    bare_a, nations_a, stems_a = _key(a)
    bare_b, nations_b, stems_b = _key(b)
    if not bare_a or not bare_b:
        return False
    if bare_a == bare_b:
        return True
    if nations_a or nations_b:
        return nations_a == nations_b
    return bool(stems_a & stems_b)
