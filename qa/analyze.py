"""French-aware analyser for BM25 and for the answerer's word overlap.

text -> lower case -> elisions stripped (l', d', qu', jusqu', lorsqu' with
both ' and ’) -> words split on anything not a letter or digit (so
"Nord-Coréens" and "Kim Jong-Un" become separate words) -> stopwords dropped
(French, plus English because questions come in English too) -> Snowball
French stem -> accents folded.

Stemming comes before folding because the French Snowball rules read
accents ("défense" and "defense" both end as "defens"). Folding last makes
"Choïgu" and "Choigu" one term.
"""

from __future__ import annotations

import functools
import re
import unicodedata

ANALYZER_VERSION = "fr-snowball-fold-v1"

_ELISION = re.compile(r"\b(?:[lmtsdnjc]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’‘`´]", re.I)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

_FR_STOP = """
a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
même meme mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta
te tes toi ton tu un une vos votre vous c d j l à m n s t y été etee étée étées étés étant
suis es est sommes êtes sont serai seras sera serons serez seront serais serait serions
seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois soit
soyons soyez soient fusse fusses fût fussions fussiez fussent ayant eu eue eues eus ai as
avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient
avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse
eusses eût eussions eussiez eussent ceci cela celà cet cette ici ils les leurs quel quels
quelle quelles sans soi si ça est-ce quoi comment pourquoi quand combien dont lequel
laquelle lesquels lesquelles selon
"""
_EN_STOP = """
a an the of to in on at by for with from and or but is are was were be been being do does
did has have had what which who whom whose when where why how that this these those it its
as into about than then there their they them he she his her we our you your i me my not no
can could would should will shall may might must
"""


def fold(text: str) -> str:
    """Lower case without accents; œ/æ expanded so "cœur" matches "coeur"."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


STOPWORDS = frozenset(fold(w) for w in (_FR_STOP + _EN_STOP).split())


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("french")


@functools.lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    return fold(_stemmer().stemWord(word))


def analyze(text: str) -> list[str]:
    """Text -> BM25 terms."""
    text = _ELISION.sub(" ", text.lower())
    out = []
    for w in _WORD.findall(text):
        if fold(w) in STOPWORDS:
            continue
        out.append(_term(w))
    return out


# "un milliard" in the question, "1 milliard" in the span: the same number.
_DIGIT = dict(
    zip(
        "un une deux trois quatre cinq six sept huit neuf dix one two three four five six seven "
        "eight nine ten".split(),
        "1 1 2 3 4 5 6 7 8 9 10 1 2 3 4 5 6 7 8 9 10".split(),
    )
)


def words(text: str) -> list[str]:
    """Folded words, with the number words one to ten as digits."""
    return [_DIGIT.get(w, w) for w in re.findall(r"[^\W_]+", fold(text))]
