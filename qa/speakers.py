"""Who says a sentence of a news article, for questions that ask who said it.

The reader finds the statement a question paraphrases, but its span is often
a name inside the quote ("Le ministre Reznikov … », a-t-il expliqué") or
another name of the passage, when the speaker is named after the quote, by
a pronoun, or in an earlier sentence the quote goes on from. Attribution
follows the forms news prose uses: "», a déclaré Seth Jones", "Kirby a
insisté", "Le porte-parole …, John Kirby, a déclaré", "…, a-t-il ajouté"
and a quote that continues the previous one.
"""

from __future__ import annotations

import re

from .analyze import fold
from .chunk import split_sentences

# "qui a déclaré", "quel expert estime", "which official said", "selon qui"
_ASKS = re.compile(
    r"^\W*((selon|d'apres|according to) [^,?]+,\s*)?"  # "Selon News18, quelle armée a signalé"
    r"(qui (a|avait|aurait) (\w+ )?|qui |quel(le)?s? [\w-]+( [\w-]+)? (a |avait )?|"
    r"who (has |had )?|which [\w-]+( [\w-]+)? (has |had )?)"
    r"(declar\w*|dit|dire|affirm\w*|estim\w*|jug\w*|qualifi\w*|decri\w*|assur\w*|averti\w*|"
    r"prevenu|soulign\w*|ajout\w*|expliqu\w*|insist\w*|rappel\w*|confie|parl\w*|evoqu\w*|"
    r"said|says?|told|tells?|argued?|argues|warned?|warns|described?|describes|called|calls?|"
    r"speaks?|spoke|believes?|thinks?|thought|insisted|insists?|claimed|claims?|stated?|states|"
    r"suggested|suggests?|noted|notes?|"
    # who revealed or made public: who told it
    r"revel\w*|rendu\w* public\w*|annonc\w*|reveal\w*|announc\w*|made public|disclos\w*|"
    r"signal\w*)\b"
    r"|\bselon qui\b|\baccording to whom\b"
)
# French verbs of speech, folded past participles (answertype's checks read them too)
SPEECH = (
    r"(declare|dit|affirme|indique|ajoute|precise|souligne|explique|estime|assure|"
    r"annonce|confie|rapporte|raconte|note|averti|prevenu|insiste|repondu|poursuivi|"
    r"reconnu|admis|martele|rappele|confirme|detaille|ecrit|revele|commente)"
)
# and those that attribute a quote without being speech alone
_VERB = SPEECH[:-1] + r"|plaide|juge|lance|conclu)"
# what was said, then who said it: "», a déclaré Seth Jones", "', a-t-il
# expliqué", "…, a déclaré le plus haut officier" (an apostrophe closes a
# quote only before a non-letter: not "d'état")
_AFTER = re.compile(
    rf"([»”\"]|'(?=\W))\W{{0,3}}[^«“\"]{{0,40}}?\b(a|avait)(-t-(?P<pro>il|elle))?\s+{_VERB}\b"
)
# "…, a déclaré le plus haut officier", "…, a déclaré Milley": the subject
# follows the verb; "a déclaré mercredi que", "a insisté sur" have it before
_INVERTED = re.compile(r"^\s+((le|la|les|un|une)\s|l'|[A-Z])")
# the speaker named right after the verb: "a déclaré Milley aux journalistes",
# "a déclaré le général Mark Milley"; not a name further on
_NEXT_NAME = re.compile(
    r"^\s*(?:(?:mercredi|jeudi|samedi|dimanche|lundi|mardi|vendredi|[a-zé’'-]+)\s+){0,3}?(?=[A-Z])"
)
_PRONOUN = re.compile(rf"\b(a|avait)-t-(il|elle)\s+{_VERB}\b|^\W*(il|elle)\s+(a|avait)\s+")
_SAID = re.compile(
    rf"\b(a|avait|ont)\s+((egalement|aussi|encore)\s+)?{_VERB}\b|\bs'est (dit|dite)\b"
)
# a run of capitalised words: a name ("Seth Jones", "Sung-Yoon Lee", "Rob Bauer")
_RUN = re.compile(r"(?<![\w’'-])[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}")
_NOT_NAMES = frozenset(
    "le la les l un une des il elle ils elles on nous je ce cette ces son sa ses mais et "
    "selon pour en au aux du de d".split()
)


def asks_speaker(question: str) -> bool:
    """Does the question ask who said something ("quel expert qualifie …",
    "qui a déclaré que …", "which official said …")?"""
    return bool(_ASKS.search(fold(question).replace("’", "'")))


def _named(text: str, offset: int) -> tuple[str, int, int] | None:
    """The first name of `text` that is not an organisation's ("du Conseil",
    "de l'OTAN"), with its offsets + `offset`."""
    for m in _RUN.finditer(text):
        words = m.group(0).split()
        while words and fold(words[0]).split("’")[-1].split("'")[-1] in _NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        before = fold(text[: m.start()]).rstrip()
        if re.search(r"(\bde|\bdu|\bdes|\bd'|\bd’|\bl'|\bl’|\bau|\baux)$", before):
            continue  # "le porte-parole du Conseil", "chercheur au Woodrow Wilson…"
        name = " ".join(words)
        start = m.end() - len(m.group(0).split(words[0], 1)[1]) - len(words[0])
        return name, offset + start, offset + start + len(name)
    return None


def speaker(passage: str, start: int, end: int) -> tuple[str, int, int] | None:
    """(name, start, end) in `passage` of who says passage[start:end], or None;
    a surname alone ("a déclaré Jones") as the passage first gives the name
    in full ("Seth Jones")."""
    found = _said_by(passage, start, end)
    if not found or " " in found[0]:
        return found
    full = re.search(rf"(?<![\w-])(?:[A-Z][\w-]+\s+){{1,2}}{re.escape(found[0])}\b", passage)
    if not full or full.start() > found[1] or fold(full.group(0).split()[0]) in _NOT_NAMES:
        return found
    return full.group(0), full.start(), full.end()


def of_sentence(passage: str, sentence: str) -> tuple[str, int, int] | None:
    """`speaker` of a sentence of the passage, found by its text."""
    at = passage.find(sentence)
    return speaker(passage, at, at + len(sentence)) if at >= 0 else None


def _said_by(passage: str, start: int, end: int) -> tuple[str, int, int] | None:
    sent = passage[start:end]
    folded = fold(sent).replace("’", "'")
    after = _AFTER.search(folded)
    said = _SAID.search(folded)
    if not after and said and said.start() > 0 and _INVERTED.match(sent[said.end() :]):
        after = said  # "…, a déclaré le plus haut officier militaire américain"
    if after:
        if after.groupdict().get("pro"):
            return _previous(passage, start)
        rest = sent[after.end() :]
        near = _NEXT_NAME.match(rest)
        return _named(rest[near.end() :], start + after.end() + near.end()) if near else None
    if said and not _PRONOUN.search(folded):
        for part_start, part in _parts(sent[: said.start()]):
            found = _named(part, start + part_start)
            if found:
                return found
        return None
    if _PRONOUN.search(folded) or re.match(r"\s*[«“\"']", sent):
        return _previous(passage, start)
    return None


def _parts(subject: str):
    """The comma-separated parts of a subject, with their offsets: the name
    is one of them ("Le porte-parole …, John Kirby, a déclaré")."""
    at = 0
    for part in subject.split(","):
        yield at, part
        at += len(part) + 1


def _previous(passage: str, before: int) -> tuple[str, int, int] | None:
    """The speaker of the nearest earlier sentence that names one."""
    for s, e in reversed([b for b in split_sentences(passage) if b[1] <= before]):
        found = _said_by(passage, s, e)
        if found:
            return found
    return None
