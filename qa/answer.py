"""Question -> `Answer`: retrieve, pick the sentences that answer, cite, or abstain.

The offline default is extractive: no usable generative model ships offline,
and quoting the article keeps every claim checkable. Each sentence of the
retrieved passages is scored by how well it answers the question:

- cosine of the question with the sentence's own vector (qa/sentences.py),
  the signal that survives paraphrase and English questions on French text;
- IDF-weighted overlap of analysed terms (IDF read from the BM25 postings, so
  rare names weigh more than "Russie");
- the rank of its passage in the fused retrieval;
- an answer-type cue: a "combien / quel calibre / how many" question wants a
  number, a "qui / who" question a name, a "quand / when" question a date.

At most `max_answer_sentences` sentences are kept, best first, each followed
by the [n] of its passage. A sentence already said by a near-duplicate
passage is kept once.

Abstention reads three things: how close the best sentence is to the
question, how much of the question's rare vocabulary the passages share, and
whether the question names something (a capitalised name, a rare French
word) that the corpus never mentions. The weights and threshold were fitted
on eval/seed_questions.jsonl (answerable and unanswerable questions); see
docs/answers.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import answertype
from .analyze import analyze, fold
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
    """IDF of analysed terms, read from the BM25 index's postings."""

    def __init__(self, bm25):
        self.vocab = bm25.vocab_dict
        self.indptr = bm25.scores["indptr"]
        self.n = max(1, int(bm25.scores["num_docs"]))

    def df(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

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

ABSTAIN = {
    "fr": "Je n'ai pas trouvé de passage qui réponde à cette question dans les articles indexés.",
    "en": "I could not find a passage that answers this question in the indexed articles.",
}
EN_FRAME = "According to the articles (quoted in French): "


def _too_similar(a: frozenset, b: frozenset) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) > 0.6


def select(cands: list[_Candidate], max_sentences: int, margin: float = 0.09):
    """Best sentence, then others close to it in score; never twice the same
    fact (near-identical wording, e.g. from a duplicate passage)."""
    chosen: list[_Candidate] = []
    for c in cands:
        if len(chosen) >= max_sentences or c.score < cands[0].score - margin:
            break
        if any(_too_similar(c.terms, x.terms) or c.text == x.text for x in chosen):
            continue
        chosen.append(c)
    return chosen


def compose(question, lang, chosen, hits, query, conf) -> Answer:
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for c in chosen:
        cid = c.hit.chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            citations.append(Citation(n=numbers[cid], hit=c.hit, sentence=c.text))
        sentences.append(AnswerSentence(text=c.text, n=numbers[cid], supported=True, support=1.0))
    if lang == "en":
        body = EN_FRAME + " ".join(f"“{s.text}” [{s.n}]" for s in sentences)
    else:
        body = " ".join(f"{s.text} [{s.n}]" for s in sentences)
    return Answer(
        question=question,
        answer=body,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        hits=tuple(hits),
        language=lang,
        query=query,
        confidence=conf,
    )


def _reading_list(retriever, got, query, settings, mode, filters) -> list[Hit]:
    """The passages the answerer reads: the fused top ones, plus dense's own
    top ones. Fusion ranks the right article well but can push the passage
    that answers a paraphrase below BM25's word matches (docs/retrieval.md);
    the sentence scores then choose. Costs one more FAISS search."""
    n = settings.answer_passages
    hits = list(got.hits[:n])
    if (mode or settings.mode) in ("hybrid", "rerank"):
        dense = retriever.retrieve(
            query, k=n, mode="dense", filters=filters, query_vector=got.query_vector, data=got.data
        ).hits
        seen = {h.chunk.chunk_id for h in hits}
        hits += [h for h in dense if h.chunk.chunk_id not in seen]
    return hits


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
    query = check_question(query, settings) if query else question
    lang = detect_language(question)
    k = k or settings.k
    got = retriever.retrieve(query, k=max(k, settings.answer_passages), mode=mode, filters=filters)
    hits = got.hits
    idf = _Idf(got.data.bm25)
    cands = score_sentences(
        query,
        _reading_list(retriever, got, query, settings, mode, filters),
        got.query_vector,
        got.data.sentences,
        idf,
    )
    conf = confidence(features(query, cands, hits, idf, lang))
    if cands and (kind := answertype.expected(query)):
        # the question names the kind of fact it wants: the answer starts with
        # one of the best sentences that holds such a fact, or there is none
        fitting = [c for c in cands[:GATE_DEPTH] if answertype.fits(kind, c.text, query)]
        if fitting:
            cands = [fitting[0]] + [c for c in cands if c is not fitting[0]]
        else:
            conf = min(conf, GATE_CONFIDENCE)
    if not cands or conf < settings.abstain_threshold:
        return Answer(
            question=question,
            answer=ABSTAIN[lang],
            abstained=True,
            hits=tuple(hits[:k]),
            language=lang,
            query=query,
            confidence=conf,
        )
    chosen = select(cands, settings.max_answer_sentences)
    return compose(question, lang, chosen, hits[:k], query, conf)


def generate_answer(*args, **kwargs):
    """Answer with the configured generator (qa/generate.py), streaming partial Answers."""
    from .generate import generate_answer as _generate

    return _generate(*args, **kwargs)
