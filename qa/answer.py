"""Question -> `Answer`: retrieve, pick supporting sentences, cite, or abstain.

The offline default is extractive: no usable generative model ships offline,
and quoting the article keeps every claim checkable. Each sentence of the
retrieved passages is scored by how well it answers the question:

- IDF-weighted overlap of analysed terms with the question (IDF from the
  BM25 index, so rare names weigh more than "Russie");
- the rank of its passage in the fused retrieval (the cross-lingual signal:
  an English question still finds French passages through dense retrieval);
- an answer-type cue: a "how many / quel calibre / combien" question wants a
  number, a "qui / who" question a proper name.

At most `max_answer_sentences` sentences are kept, best first, each followed
by the [n] of its passage; near-identical sentences are kept once. The
answer abstains when retrieval found nothing close (dense cosine of the best
passage) and no sentence shares enough of the question's rare terms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .analyze import STOPWORDS, analyze, fold
from .chunk import split_sentences
from .config import Settings
from .retrieve import Filters, Retriever
from .types import Answer, AnswerSentence, Citation, Hit


class QuestionError(ValueError):
    """An unusable question; the message is one line for the user."""


def check_question(question: str, settings: Settings) -> str:
    q = " ".join((question or "").split())
    if not q:
        raise QuestionError("the question is empty")
    if len(q) > settings.max_question_chars:
        raise QuestionError(
            f"the question is {len(q)} characters long; the limit is {settings.max_question_chars}"
        )
    if not re.search(r"[^\W_]", q):
        raise QuestionError("the question has no words")
    return q


_EN_HINTS = {
    "what",
    "which",
    "who",
    "whom",
    "how",
    "why",
    "when",
    "where",
    "does",
    "did",
    "is",
    "are",
    "the",
    "of",
    "and",
    "many",
    "much",
    "according",
    "with",
    "was",
    "were",
    "has",
}
_FR_HINTS = {
    "quel",
    "quelle",
    "quels",
    "quelles",
    "qui",
    "que",
    "quoi",
    "comment",
    "pourquoi",
    "combien",
    "ou",
    "est",
    "les",
    "des",
    "du",
    "la",
    "le",
    "et",
    "selon",
    "a",
    "sont",
    "d",
    "l",
    "qu",
    "une",
    "un",
    "dans",
    "pour",
}


def detect_language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", fold(text))
    en = sum(w in _EN_HINTS for w in words)
    fr = sum(w in _FR_HINTS for w in words) + 2 * bool(re.search(r"[éèêàçùôî’]", text))
    return "en" if en > fr else "fr"


_NUMBER_Q = re.compile(
    r"\b(combien|quel(le)?s? (calibre|montant|nombre|somme|quantit)|how (many|much)|what "
    r"(calibre|caliber|amount|number|sum|size)|quel (âge|age)|how old)\b",
    re.I,
)
_WHO_Q = re.compile(
    r"^\s*(qui|who|whom)\b|\b(quel|which) (dirigeant|responsable|official|leader)", re.I
)
_WHEN_Q = re.compile(r"^\s*(quand|when)\b|\b(quel jour|quelle date|what date|which day)\b", re.I)


@dataclass
class _Candidate:
    text: str
    hit: Hit
    score: float
    terms: set


class _Idf:
    """IDF of analysed terms, read from the BM25 index's postings."""

    def __init__(self, bm25):
        self.vocab = bm25.vocab_dict
        self.indptr = bm25.scores["indptr"]
        self.n = max(1, int(bm25.scores["num_docs"]))

    def __call__(self, term: str) -> float:
        tid = self.vocab.get(term)
        df = 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


def _score_sentences(question: str, hits: list[Hit], idf: _Idf, settings: Settings):
    q_terms = set(analyze(question))
    q_weight = sum(idf(t) for t in q_terms) or 1.0
    wants_number = bool(_NUMBER_Q.search(question))
    wants_name = bool(_WHO_Q.search(question))
    wants_date = bool(_WHEN_Q.search(question))
    cands: list[_Candidate] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        prior = 1.0 / (1.0 + 0.35 * rank)  # passage rank: fused retrieval's opinion
        for s, e in split_sentences(text):
            sent = text[s:e].strip()
            if len(sent) < 25:
                continue
            terms = set(analyze(sent))
            overlap = sum(idf(t) for t in q_terms & terms) / q_weight
            cue = 0.0
            if wants_number and re.search(r"\d", sent):
                cue += 0.15
            if wants_name and re.search(r"(?<![.!?«“\"] )(?<!^)\b[A-Z][a-zé]+ [A-Z][a-zé]+", sent):
                cue += 0.1
            if wants_date and re.search(
                r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
                r"|janvier|février|mars|avril|mai|juin|juillet|août"
                r"|septembre|octobre|novembre|décembre|\d{4})\b",
                sent,
            ):
                cue += 0.1
            score = 0.6 * overlap + 0.4 * prior * hit.scores.get("dense", 0.0) + cue
            cands.append(_Candidate(sent, hit, score, terms))
    cands.sort(key=lambda c: -c.score)
    return cands, q_terms


def _too_similar(a: set, b: set) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) > 0.6


def confidence(hits: list[Hit], best_overlap: float) -> float:
    """0..1: how likely the passages hold an answer. Dense cosine of e5
    models lives in a narrow band (~0.75-0.9), hence the rescaling."""
    if not hits:
        return 0.0
    cos = max(h.scores.get("dense", 0.0) for h in hits[:3])
    dense_part = min(1.0, max(0.0, (cos - 0.78) / 0.1))
    return 0.5 * dense_part + 0.5 * min(1.0, best_overlap)


ABSTAIN = {
    "fr": "Je n'ai pas trouvé de passage qui réponde à cette question dans les articles indexés.",
    "en": "I could not find a passage that answers this question in the indexed articles.",
}


def extractive_answer(
    question: str,
    retriever: Retriever,
    settings: Settings | None = None,
    filters: Filters | None = None,
    mode: str | None = None,
    k: int | None = None,
    query: str | None = None,
) -> Answer:
    settings = settings or retriever.settings
    question = check_question(question, settings)
    query = query or question
    lang = detect_language(question)
    k = k or settings.k
    hits = retriever.search(query, k=max(k, settings.answer_passages), mode=mode, filters=filters)
    idf = _Idf(retriever.data.bm25)
    cands, q_terms = _score_sentences(query, hits[: settings.answer_passages], idf, settings)
    best_overlap = 0.0
    if cands and q_terms:
        q_weight = sum(idf(t) for t in q_terms) or 1.0
        best_overlap = max(sum(idf(t) for t in q_terms & c.terms) / q_weight for c in cands)
    conf = confidence(hits, best_overlap)
    if not cands or conf < settings.abstain_threshold:
        return Answer(
            question=question,
            answer=ABSTAIN[lang],
            abstained=True,
            hits=tuple(hits[:k]),
            language=lang,
            query=query,
        )

    chosen: list[_Candidate] = []
    top = cands[0].score
    for c in cands:
        if len(chosen) >= settings.max_answer_sentences:
            break
        if c.score < 0.7 * top or any(_too_similar(c.terms, x.terms) for x in chosen):
            continue
        chosen.append(c)

    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for c in chosen:
        cid = c.hit.chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            citations.append(Citation(n=numbers[cid], hit=c.hit, sentence=c.text))
        sentences.append(AnswerSentence(text=c.text, n=numbers[cid], supported=True, support=1.0))
    body = " ".join(f"{s.text} [{s.n}]" for s in sentences)
    if lang == "en":
        body = "According to the articles (quoted in French): " + " ".join(
            f"“{s.text}” [{s.n}]" for s in sentences
        )
    return Answer(
        question=question,
        answer=body,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        hits=tuple(hits[:k]),
        language=lang,
        query=query,
    )


__all__ = ["extractive_answer", "check_question", "QuestionError", "detect_language", "STOPWORDS"]
