"""Today's hand-weighted sentence scorer: the answerer's fallback when no
reader is configured (`QA_READER=none`, docs/answers.md).

Each sentence of the retrieved passages is scored by the cosine of the
question with the sentence's own vector (qa/sentences.py, when the index has
them; else the passage's dense score), IDF-weighted overlap of analysed
terms, the passage's rank and an answer-type cue (qa/answertype.py). The
weights and the abstention threshold were fitted on
eval/seed_questions.jsonl. The trained reader (qa/reader/) replaces all of
this by default; nothing here is used on its path.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import answertype
from .analyze import analyze
from .chunk import split_sentences
from .types import Hit


@dataclass
class _Candidate:
    text: str
    hit: Hit
    rank: int
    cos: float  # question vs sentence vector (0 when the index has none)
    overlap: float  # IDF-weighted share of the question's terms
    score: float
    terms: frozenset


class _Idf:
    """IDF of analysed terms, from the index's document frequencies."""

    def __init__(self, data):
        self.data = data
        self.n = max(1, data.n_searchable)
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = self.data.df(term)
        return self._df[term]

    def __call__(self, term: str) -> float:
        df = self.df(term)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


# Sentence score weights; fitted on the seed question set (docs/answers.md).
W_COS, W_OVERLAP, W_RANK, W_CUE, W_NOVEL, W_NEXT = 3.0, 0.25, 0.05, 0.05, 0.2, 0.2


def score_sentences(question: str, hits: list[Hit], q_vec, sentences, idf: _Idf):
    """Every sentence of `hits`, scored, best first.

    Two corrections to plain similarity: a sentence that only echoes the
    question (all its words are the question's) cannot hold the answer, so
    `novel` rewards words the question lacks; and the sentence right after an
    echo often holds the answer ("... le Groupe de contact. Ce groupe, dirigé
    par Lloyd Austin, ..."), so it inherits part of the echo's overlap."""
    q_terms = set(analyze(question))
    q_weight = sum(idf(t) for t in q_terms) or 1.0
    cands: list[_Candidate] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        sents = [text[s:e].strip() for s, e in split_sentences(text)]
        sents = [x for x in sents if len(x) >= 20]
        cos = sentences.cosines(sents, q_vec) if sentences is not None else [None] * len(sents)
        prev_overlap = 0.0
        for sent, c in zip(sents, cos):
            terms = frozenset(analyze(sent))
            overlap = sum(idf(t) for t in q_terms & terms) / q_weight
            novel = len(terms - q_terms) / max(1, len(terms))
            c = hit.scores.get("dense", 0.0) if c is None else c
            score = (
                W_COS * c
                + W_OVERLAP * overlap
                + W_RANK / (1 + rank)
                + W_CUE * answertype.cue(question, sent)
                + W_NOVEL * min(novel, 0.5)
                + W_NEXT * prev_overlap
            )
            cands.append(_Candidate(sent, hit, rank, c, overlap, score, terms))
            prev_overlap = overlap
    cands.sort(key=lambda c: -c.score)
    return cands


def unknown_names(question: str, idf: _Idf, lang: str) -> list[str]:
    """Names the question uses that the corpus never mentions ("Macron",
    "Leopard"): a strong sign the answer is not in the articles. Only for
    French questions: an English question's names are often translations
    ("North Korea" for "Corée du Nord") and would look unknown."""
    if lang != "fr":
        return []
    out = []
    for m in re.finditer(r"(?<=[\s'’(])([A-ZÉÈÀ][\w-]+)", question):
        terms = analyze(m.group(1))
        if terms and all(idf.df(t) == 0 for t in terms):
            out.append(m.group(1))
    return out


def features(question: str, cands: list[_Candidate], hits: list[Hit], idf, lang) -> dict:
    best = cands[0] if cands else None
    return {
        "sent_cos": best.cos if best else 0.0,
        "overlap": max((c.overlap for c in cands), default=0.0),
        "unknown": len(unknown_names(question, idf, lang)),
    }


# Abstention: a question is answered when its best sentence is close enough
# to it, unless it names something the corpus never mentions and shares
# little else with the passages. Thresholds fitted on the seed question set
# under "at most 5% false abstentions" (docs/answers.md).
MIN_SENT_COS = 0.805
UNKNOWN_MAX_OVERLAP = 0.5


def confidence(f: dict) -> float:
    """0..1; below 0.5 the answer abstains. A squashed margin over the
    thresholds, so the UI can show how sure the answer is."""
    z = (f["sent_cos"] - MIN_SENT_COS) / 0.02
    if f["unknown"] and f["overlap"] < UNKNOWN_MAX_OVERLAP:
        z = min(z, -1.0)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# How many of the best sentences may hold the fact a typed question asks for
# (qa/answertype.py); below that the answer abstains, with this confidence.
GATE_DEPTH = 5
GATE_CONFIDENCE = 0.25


def too_similar(a: frozenset, b: frozenset) -> bool:
    """Near-identical wording: Jaccard of analysed terms above 0.6."""
    return bool(a and b) and len(a & b) / len(a | b) > 0.6


def select(cands: list[_Candidate], max_sentences: int, margin: float = 0.09):
    """Best sentence, then others close to it in score; never twice the same
    fact (near-identical wording, e.g. from a duplicate passage)."""
    chosen: list[_Candidate] = []
    for c in cands:
        if len(chosen) >= max_sentences or c.score < cands[0].score - margin:
            break
        if any(too_similar(c.terms, x.terms) or c.text == x.text for x in chosen):
            continue
        chosen.append(c)
    return chosen


def choose(query, lang, got, reading, settings):
    """(chosen candidates, confidence) for `query` over the passages `reading`."""
    idf = _Idf(got.data)
    cands = score_sentences(query, reading, got.query_vector, got.data.sentences, idf)
    conf = confidence(features(query, cands, got.hits, idf, lang))
    if cands and (kind := answertype.expected(query)):
        # the question names the kind of fact it wants: the answer starts with
        # one of the best sentences that holds such a fact, or there is none
        fitting = [c for c in cands[:GATE_DEPTH] if answertype.fits(kind, c.text, query)]
        if fitting:
            cands = [fitting[0]] + [c for c in cands if c is not fitting[0]]
        else:
            conf = min(conf, GATE_CONFIDENCE)
    if not cands:
        return [], 0.0
    return select(cands, settings.max_answer_sentences), conf
