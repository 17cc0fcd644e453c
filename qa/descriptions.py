"""A question read without the description of what it asks about.

"Vers quelles régions le pays dont Milley attend des obus de 152 mm
cherche-t-il à faire croire que ses expéditions sont destinées ?" names
North Korea by a fact from another article. Read as asked, the
description's words pull retrieval and the reader to the passage it comes
from, which answers something else ("Moscou"); the second hop (qa/hops.py)
cannot ask it on its own ("dont …" has no question to ask). Without it,
"Vers quelles régions le pays cherche-t-il à faire croire que ses
expéditions sont destinées ?" finds Kirby's sentence. qa/answer.py reads
both and answers with the reading the reader is surer of: the description
sometimes is what tells two answers apart.

A description is a relative clause ("qui / que / dont / pour qui / who /
that / whose …") after a singular noun phrase ("le pays", "l'amiral
néerlandais", "le groupe de contact", "the country"). It ends where the
question's inverted verb begins ("… a-t-il qualifié"), at a comma that
opens no source aside, or at the question mark; an English one that opens
the question ends at its main verb ("The spokesman who called … declined").
A comma aside that holds one (", dont le pays est décrit par News18 comme
isolé,", ", contrairement à l'amiral pour qui …,") is dropped whole.

Not dropped: a description of several ("les pays dont Stoltenberg salue
les annonces": it names the set a question picks from), one that names
the thing ("le forum que l'ATS appelle « groupe de Ramstein »"), a
complement clause ("le fait que"), two facts joined (qa/joins.py), one
whose end only a parser could tell ("did the country that … fire",
"Le groupe que … se réunit"), and one that leaves nothing asked ("Quel est
le pays qui … ?", "De quel montant est l'aide que … ?").

What the description says is then checked on the answer (`Reduced.fits`):
its span is not a thing the description names ("le sommet qui a précédé
celui de Vilnius" is not Vilnius), and the passage holds the noun it
described ("la délégation qui accompagnait Kim" is not "une douzaine de
chefs militaires").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import joins
from .analyze import STOPWORDS
from .answertype import COUNTRY_NOUNS, PERSON_NOUNS, straight
from .lang import detect_language
from .passagecheck import content_stems

_PRONOUN = re.compile(
    r"(?<![\w'-])(?:(?:pour|avec|chez|contre|sur|with|for|against)\s+(?:qui|lequel|laquelle|"
    r"lesquels|lesquelles|whom)|qui|que|qu'|dont|who|whom|whose|that|which)(?![\w-])",
)
# a participle that describes like a relative clause: "quel pays présenté
# comme l'une des principales sources d'armement de la Russie a dépêché…";
# it holds no verb of its own, so it ends at the question's first one
_PARTICIPLE = re.compile(
    r"(?<![\w'-])(?:(?:presente|decrit|considere|designe|cite)(?:e|s|es)?\s+comme|"
    r"qualifie(?:e|s|es)?\s+d[e']|(?:described|presented|seen|regarded)\s+as)(?![\w-])"
)
_FINITE = re.compile(
    r"(?<![\w'-])(?:a|ont|avait|avaient|aurait|est|sont|etait|etaient|va|vont|doit|peut|"
    r"has|have|had|is|was|were|did|does|will|would)\s"
)
_DET = r"(?:l'|(?:les|le|la|du|des|aux|au|the|quelle|quel|which|what)(?![\w-]))"
_DETS = re.compile(rf"(?:^|(?<=[\s,(])){_DET}")
# the noun phrase before it: "le pays ", "l'amiral néerlandais ",
# "le groupe de contact ", "the country "
_HEAD = re.compile(
    rf"(?P<det>{_DET})\s*(?P<noun>[\w-]+)"
    r"(?P<of>(?:\s+(?:de|du|des|d'|of)\s*(?:(?:la|le|the)\s+)?[\w'-]+)?)(?P<adj>(?:\s+[\w-]+)?)"
    r"\s*,?\s*$"
)
_OF_BEFORE = re.compile(r"(?<![\w'-])(?:de|of)\s*$")
_ASKED = ("quel", "quelle", "which", "what")  # "Quelle capitale, dont …": the noun asked
# nouns a complement clause follows, not a description: "le fait que", "the claim that"
_COMPLEMENT = frozenset(
    "fait idee crainte espoir sentiment annonce affirmation hypothese assurance impression "
    "certitude preuve signe rumeur promesse garantie condition moment jour annee fois facon "
    "maniere point mesure fact idea hope fear claim news view belief notion sign signal "
    "evidence rumor rumour promise guarantee way time day year extent".split()
)
_CONTRAST = re.compile(r",\s*(?:contrairement (?:a|aux?)|a la difference d|unlike|comme|like)\b")
# a French question's inverted verb: "cherche-t-il", "a-t-elle", "doit-il"
_INVERTED = re.compile(r"(?<![\w'])\w+-(?:t-)?(?:il|elle|ils|elles|on)(?![\w-])")
_ENGLISH_MAIN = re.compile(
    r"(?<![\w'-])(?:has|have|had|is|was|were|did|does|will|would|could|also|said|says|"
    r"plans|told|\w{3,}ed)(?![\w'-])"
)
# an English auxiliary before its subject: "did the country that…"
_SUBJECT_OF = re.compile(
    r"(?<![\w'-])(?:did|does|do|is|was|were|has|have|had|will|would|can|could)\s*$"
)
# a description that gives the thing's name: "que l'ATS appelle « groupe de Ramstein »"
_NAMING = re.compile(
    r"(?<![\w'-])(?:appel\w*|surnomm\w*|nomm\w*|baptis\w*|calls?|called|dubbed|named|known as)"
    r"\s*[«\"“']"
)
_SOURCE_ASIDE = re.compile(r"\s*(?:selon|d'apres|according to|as reported by)\b[^,]*,")
_SOURCE = re.compile(r"(?:^|,)\s*(?:selon|d'apres|according to)[^,]*,")
_KNOWN_BY_NAME = re.compile(rf"(?:{PERSON_NOUNS}|{COUNTRY_NOUNS}|capitale|ville|capital|city)$")
_MIN_CLAUSE = 3


@dataclass(frozen=True)
class Reduced:
    """A question without the description of what it asks about."""

    question: str  # "… le porte-parole a-t-il qualifié les lettres ?"
    description: str  # "qui accuse Pyongyang de faire passer ses obus …"
    nouns: tuple[str, ...]  # the described nouns the answer's passage holds: ("delegation",)
    # a scene the question opens with: read without it only when the question
    # read whole finds nothing (the whole of blind53 q33 read "secrètement";
    # without its scene, "Pyongyang et Téhéran")
    scene: bool = False

    def fits(self, span: str, passage: str) -> bool:
        """Does the answer agree with what the description says?"""
        said = straight(span).strip()
        if said and re.search(
            rf"(?<![\w'-]){re.escape(said)}(?![\w-])", straight(self.description)
        ):
            return False
        return set(self.nouns) <= content_stems(passage)


# a clause that opens the question and sets a scene ("Alors que Milley
# retrouve le Groupe de contact un mardi, quel jour …", "While Milley doubts
# …,"): read with it, the reader answers from the scene's passage
_SCENE = re.compile(
    r"^\W*(?:alors que|tandis que|pendant que|bien que|quoique|(?:\w+ ){0,2}apres que|"
    r"while|whereas|although|even though)\b(?P<scene>[^,?]{10,}),\s*(?=\w)"
)


def reduced(question: str) -> Reduced | None:
    """The question without the description of whom or what it asks about
    ("… le porte-parole qui accuse Pyongyang de … a-t-il qualifié les
    lettres ?" -> "… le porte-parole a-t-il qualifié les lettres ?"), or
    without the scene it opens with, or None."""
    question = question.strip()
    folded = straight(question)
    if len(folded) != len(question) or joins.split(question) is not None:
        return None
    scene = _SCENE.match(folded)
    if scene and not re.search(r"\b(quel\w*|which|what|who|qui)\b", scene.group("scene")):
        rest = question[scene.end() :]
        return Reduced(
            rest[:1].upper() + rest[1:], question[: scene.end()].strip(" ,"), (), scene=True
        )
    english = detect_language(question) == "en"
    found = [*_PRONOUN.finditer(folded), *_PARTICIPLE.finditer(folded)]
    for m in sorted(found, key=lambda m: m.start()):
        participle = m.re is _PARTICIPLE
        head = _head(folded[: m.start()], "qui" if participle else m.group().split()[-1], english)
        if participle:  # of the noun asked only: "que l'ATS décrit comme" is a verb
            asked = head is not None and head.group("det") in _ASKED
            cut = _participle_cut(folded, m) if asked else None
        else:
            cut = _cut(folded, m, head, english) if head else None
        if cut is None:
            continue
        start, end, aside = cut
        left = f"{question[:start].rstrip(' ,')} {question[end:].lstrip(' ,')}".strip()
        left = re.sub(r"\s+\?$", "?" if english else " ?", left)
        if not _asks_something(left, head.group("noun")):
            continue
        nouns = () if aside or english else _described_nouns(head)
        return Reduced(left, question[m.start() : end].strip(" ,"), nouns)
    return None


def _head(before: str, pronoun: str, english: bool) -> re.Match | None:
    """The shortest singular noun phrase that ends `before` ("du pays", not
    "les envois du pays"), when the relative clause after it describes it."""
    head = None
    for d in reversed(list(_DETS.finditer(before))):
        if (h := _HEAD.match(before, d.start())) is not None:
            head = h
            if not _OF_BEFORE.search(before, 0, d.start()):
                break  # "le sommet de l'Otan qui": the summit is described, not NATO
        elif head is not None:
            break
    if head is None or head.group("noun") in _COMPLEMENT:
        return None
    if head.group("adj").strip() and pronoun in ("que", "qu'", "that"):
        return None  # "la Russie affirme que", "the US believes that": a verb, not a noun
    if head.group("det") in ("les", "des", "aux"):
        return None  # "les pays dont Stoltenberg salue les annonces": the set asked from
    words = [head.group("noun"), *head.group("of").split()[1:], *head.group("adj").split()]
    if english and any(re.search(r"[^su]s$", w) for w in words):
        return None  # "the losses that…", "the list of nations whose…"
    return head


def _cut(folded: str, m: re.Match, head: re.Match, english: bool):
    """(start, end, in an aside) of the description `m` opens; None when
    where it ends cannot be told."""
    before, rest = folded[: m.start()], folded[m.end() :]
    start, aside = m.start(), before.rfind(",")
    if before.rstrip().endswith(","):  # "Quelle capitale, dont le pays est décrit …, prévoit"
        if "," not in rest:
            return None
        end, start = m.end() + rest.find(",") + 1, aside
    elif aside >= 0 and _CONTRAST.match(folded, aside) and "," in rest:
        start, end = aside, m.end() + rest.find(",") + 1  # ", contrairement à l'amiral pour qui …,"
    elif inverted := _INVERTED.search(rest):
        end = m.end() + inverted.start()
    elif head.start("det") <= 1:  # the description opens the question
        if not english:
            return None  # "Le groupe que … se réunit à quel rythme": no verb list tells
        verbs = [v for v in _ENGLISH_MAIN.finditer(rest) if len(rest[: v.start()].split()) >= 2]
        if not verbs:
            return None
        end = m.end() + verbs[0].start()
    elif _SUBJECT_OF.search(before[: head.start()]):
        return None  # "did the country that recognised … fire what?": the verb follows
    else:
        end = m.end() + _clause_end(rest)
    if _NAMING.search(folded, m.end(), end) or len(folded[m.end() : end].split()) < _MIN_CLAUSE:
        return None  # "le forum que l'ATS appelle « groupe de Ramstein »" names it
    return start, end, start < m.start()


def _participle_cut(folded: str, m: re.Match):
    """(start, end, False) of a participle's description: up to the
    question's first verb; None when it has none."""
    verb = _FINITE.search(folded, m.end()) or _INVERTED.search(folded, m.end())
    if verb is None or len(folded[m.end() : verb.start()].split()) < _MIN_CLAUSE:
        return None
    return m.start(), verb.start(), False


def _clause_end(rest: str) -> int:
    """Where a description that closes its clause ends: at the question mark,
    or at a comma that opens no source aside ("…, selon Fox News Digital,
    a aussi formé…" goes on; "…selon Washington, quelle proportion…" ends)."""
    at = 0
    while (comma := rest.find(",", at)) >= 0:
        aside = _SOURCE_ASIDE.match(rest, comma + 1)
        if aside is None:
            return comma
        at = aside.end()
    return len(rest.rstrip(" ?"))


def _asks_something(left: str, noun: str) -> bool:
    """Does the question left ask something besides the noun described, and
    besides whom it is asked of ("D'après l'ATS,")? "De quel montant est
    l'aide ?" does not: the description was the question."""
    folded = _SOURCE.sub(" ", straight(left))
    return len([w for w in re.findall(r"[\w-]+", folded) if w not in STOPWORDS and w != noun]) >= 2


def _described_nouns(head: re.Match) -> tuple[str, ...]:
    """The stems of the noun described and its complement ("groupe de
    responsables"), unless it is a person, a country or the noun asked,
    which the passage may name instead."""
    if head.group("det") in _ASKED or _KNOWN_BY_NAME.match(head.group("noun")):
        return ()
    phrase = f"{head.group('noun')} {' '.join(head.group('of').split()[1:])}"
    return tuple(sorted(content_stems(phrase)))
