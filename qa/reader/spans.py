"""From a reader's start/end logits to the answer span, and the SQuAD scores of a span.

Numpy only: the same decoding serves the shipped ONNX reader, any
transformers QA model, training-time validation and `qa eval`.

The null answer is the first token (`<s>` / `[CLS]`), as in SQuAD 2.0
readers: a window's *margin* is its best span score minus its null score,
so margin > 0 means "this passage answers", and the margin's size is what
abstention is calibrated on (qa/reader/calibrate.py).
"""

from __future__ import annotations

import collections
import re
import string
import unicodedata
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reading:
    """What the reader found in one passage."""

    margin: float  # best span score minus the null score; > 0: the passage answers
    start: int = -1  # character offsets of the span in the passage text
    end: int = -1
    text: str = ""  # the span
    # the passage's next best spans, best first (`_Base.alternatives` of them):
    # the answer may take one when the best repeats what the question sets aside
    others: tuple[Reading, ...] = ()

    @property
    def found(self) -> bool:
        return self.start >= 0


NONE = Reading(margin=-1e9)


def best_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    offsets,
    context: np.ndarray,
    max_tokens: int = 30,
    top: int = 20,
    n: int = 1,
) -> list[tuple[float, int, int]]:
    """The n best (margin, char_start, char_end) of one window, best first.

    `context` marks the passage's tokens (the question's and special tokens
    can't be an answer); `offsets` are each token's (start, end) characters."""
    null = float(start_logits[0] + end_logits[0])
    idx = np.flatnonzero(context)
    if idx.size == 0:
        return []
    s_idx = idx[np.argsort(-start_logits[idx])[:top]]
    e_idx = idx[np.argsort(-end_logits[idx])[:top]]
    scores = start_logits[s_idx][:, None] + end_logits[e_idx][None, :]
    length = e_idx[None, :] - s_idx[:, None]
    scores = np.where((length >= 0) & (length < max_tokens), scores, -np.inf)
    out = []
    for flat in np.argsort(-scores, axis=None)[:n]:
        i, j = np.unravel_index(int(flat), scores.shape)
        if not np.isfinite(scores[i, j]):
            break
        s, e = int(s_idx[i]), int(e_idx[j])
        out.append((float(scores[i, j]) - null, int(offsets[s][0]), int(offsets[e][1])))
    return out


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Whole words, without the spaces and the punctuation a token boundary
    leaves around a span ("152 mm," -> "152 mm"), keeping quotes and brackets
    that pair ("(29,53 jours" -> "29,53 jours"). A span that starts or ends
    inside a word (a subword token: "Tro" of "Trois") takes the whole word: 3
    of the 690 PIAF validation spans, F1 0.4917 -> 0.4950. One that stops at a
    hyphen takes the whole compound ("ce mois" -> "ce mois-ci", "Bas" ->
    "Pays-Bas"): no PIAF validation span, 6 answers of the project's sets."""
    start, end = _word_start(text, start), _word_end(text, end)
    while start < end and (text[start].isspace() or text[start] in ",;:.!?»)]"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.!?«(["):
        end -= 1
    # an opening bracket or quote whose closer the span leaves out: "(29,53 jours"
    while start < end and text[start] in _PAIRS and _PAIRS[text[start]] not in text[start:end]:
        start += 1
        while start < end and text[start].isspace():
            start += 1
    start, end = _paired(text, start, end)
    return start, _with_number(text, start, end)


def _paired(text: str, start: int, end: int) -> tuple[int, int]:
    """A bracket or quote the span closes or opens, whose other half lies just
    outside it, joins it: "Oleksiy) Reznikov" -> "(Oleksiy) Reznikov", "accord
    « vivres contre armes" -> "accord « vivres contre armes »" (a token
    boundary cut them off: 47 of the 2,296 first spans the gate kept over the
    project's sets and PIAF had such a half pair)."""
    span = text[start:end]
    for opener, closer in _PAIRS.items():
        if span.count(closer) > span.count(opener):
            at = start
            while at > 0 and text[at - 1].isspace():
                at -= 1
            if at > 0 and text[at - 1] == opener:
                start = at - 1
        elif span.count(opener) > span.count(closer):
            at = end
            while at < len(text) and text[at].isspace():
                at += 1
            if at < len(text) and text[at] == closer:
                end = at + 1
    return start, end


def _word_start(text: str, start: int) -> int:
    """Back to the start of the word, and of the hyphenated compound
    ("Bas" -> "Pays-Bas"), that `start` is inside."""
    while 0 < start < len(text) and text[start].isalnum():
        if text[start - 1].isalnum():
            start -= 1
        elif text[start - 1] in _HYPHENS and start >= 2 and text[start - 2].isalnum():
            start -= 2
        else:
            break
    return start


def _word_end(text: str, end: int) -> int:
    """On to the end of the word, and of the hyphenated compound ("ce mois"
    -> "ce mois-ci"), that `end` is inside."""
    while 0 < end < len(text) and text[end - 1].isalnum():
        if text[end].isalnum():
            end += 1
        elif text[end] in _HYPHENS and end + 1 < len(text) and text[end + 1].isalnum():
            end += 2
        else:
            break
    return end


_HYPHENS = "-‐‑"
_PAIRS = {"(": ")", "[": "]", "«": "»", "“": "”"}


# "au moins", "plus de", "at least": a span that stops on one takes the
# number it introduces ("au moins" -> "au moins un" bombardier)
_QUANTIFIER_END = re.compile(
    r"\b(au moins|au plus|plus de|moins de|pr[eè]s de|environ|quelque|jusqu'[àa]|"
    r"at least|at most|more than|less than|fewer than|nearly|about|up to)$",
    re.IGNORECASE,
)
_NUMBER_NEXT = re.compile(
    r"\s+(\d[\d\s.,]*\d|\d|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|"
    r"vingt|trente|cent|mille|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"twenty|hundred|thousand)\b",
    re.IGNORECASE,
)


def _with_number(text: str, start: int, end: int) -> int:
    if not _QUANTIFIER_END.search(text[start:end]):
        return end
    m = _NUMBER_NEXT.match(text, end)
    return m.end() if m else end


# --- SQuAD exact match and F1 ----------------------------------------------
# As in the official SQuAD script, with French articles and elisions removed
# too (as FQuAD and PIAF evaluate): "l’ère soviétique" == "ère soviétique".

_ARTICLES = re.compile(
    r"\b(a|an|the|le|la|les|l|un|une|des|du|de|d)\b", flags=re.IGNORECASE | re.UNICODE
)
_PUNCT = set(string.punctuation) | set("«»’‘“”–—…")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", " ").replace("'", " ")
    text = "".join(ch for ch in text if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, golds) -> float:
    p = normalize(prediction)
    return float(any(p == normalize(g) for g in golds)) if golds else 0.0


def f1(prediction: str, golds) -> float:
    def one(gold: str) -> float:
        p, g = normalize(prediction).split(), normalize(gold).split()
        common = collections.Counter(p) & collections.Counter(g)
        same = sum(common.values())
        if not p or not g or same == 0:
            return float(p == g)
        precision, recall = same / len(p), same / len(g)
        return 2 * precision * recall / (precision + recall)

    return max((one(g) for g in golds), default=0.0)
