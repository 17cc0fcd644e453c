"""Which language a question is in: French or English, the two the chat serves.

Its own module because the answerer, the generators and the chat all need it
and none of them should import another for it.
"""

from __future__ import annotations

import re

from .analyze import fold

_EN_HINTS = set(
    "what which who whom how why when where does did is are the of and many much according "
    "with was were has have in on to for by did".split()
)
_FR_HINTS = set(
    "quel quelle quels quelles qui que quoi comment pourquoi combien ou est les des du la le et "
    "selon a sont d l qu une un dans pour au aux avec sur".split()
)


def detect_language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", fold(text))
    en = sum(w in _EN_HINTS for w in words)
    fr = sum(w in _FR_HINTS for w in words) + 2 * bool(re.search(r"[éèêàçùôî’]", text))
    return "en" if en > fr else "fr"
