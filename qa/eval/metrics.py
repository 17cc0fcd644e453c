"""What counts as relevant, and the scores: ir-measures per question,
averaged here; answer metrics for `--answers`.

A document is relevant when the question lists it (graded for BEIR), or,
without doc_ids, when one of its passages holds a gold span. A passage is
relevant when it holds a gold span and belongs to a relevant document. Span
matching ignores spacing, apostrophe/quote style and case, because gold
spans are typed by people and the articles use typographic quotes.

Metrics come from ir-measures (nDCG, RR, R, AP); only the averaging over
questions is done here, so a question with an empty run counts as 0, and
questions without relevant documents (unanswerable ones) are left out of
retrieval metrics but count for abstention. Run scores are rank-based
(n - rank + 1), so ties cannot reorder a run.
"""

from __future__ import annotations

import unicodedata

from ..reader.spans import exact_match, f1
from .formats import Question, QuestionSet

CORPUS_FILE = "corpus.jsonl"  # squad/beir corpora: doc_id in the index is "corpus.jsonl:<id>"
ANSWER_METRICS = (
    "answer_span",
    "answer_cited",
    "span_em",
    "span_f1",
    "citation_precision",
    "abstention_acc",
)


# --- relevance -------------------------------------------------------------------

_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
)


def normalise(text: str) -> str:
    """For span matching: NFC, one kind of apostrophe/quote, single spaces, case folded."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold()


def holds(text: str, spans: list[str]) -> bool:
    t = normalise(text)
    return any(s and normalise(s) in t for s in spans)


def map_doc(doc_id: str, corpus_index: bool) -> str:
    """Index doc_id -> the question set's doc id."""
    prefix = CORPUS_FILE + ":"
    return doc_id[len(prefix) :] if corpus_index and doc_id.startswith(prefix) else doc_id


def _by_name(doc_ids: set[str]) -> dict[str, str]:
    """A gold id written without its file's extension ("001_x" for
    "001_x.txt") -> the indexed id, when only one indexed id has that name."""
    names: dict[str, list[str]] = {}
    for d in doc_ids:
        stem, dot, ext = d.rpartition(".")
        if dot and stem and "/" not in ext:
            names.setdefault(stem, []).append(d)
    return {stem: ds[0] for stem, ds in names.items() if len(ds) == 1 and stem not in doc_ids}


def relevance(qs: QuestionSet, data, corpus_index: bool):
    """(doc qrels, chunk qrels, warnings) from the questions and the loaded index."""
    chunks = data.chunks[: data.n_searchable]
    in_index = {map_doc(d["doc_id"], corpus_index) for d in data.documents}
    by_doc: dict[str, list] = {}
    for c in chunks:
        by_doc.setdefault(map_doc(c.doc_id, corpus_index), []).append(c)
    doc_qrels: dict[str, dict[str, int]] = {}
    chunk_qrels: dict[str, dict[str, int]] = {}
    named = _by_name(in_index)
    listed = {named.get(d, d) for q in qs.questions if q.answerable for d in q.doc_ids or []}
    missing = listed - in_index
    if listed and missing == listed:
        raise ValueError(
            f"none of the gold documents (e.g. {sorted(missing)[0]}) are in the index "
            f"{data.path.parent if data.path else ''}; index the matching articles or pass "
            "--index-dir"
        )
    warnings = []
    for q in qs.questions:
        if not q.answerable:
            continue
        if q.doc_ids:
            grades = q.grades or dict.fromkeys(q.doc_ids, 1)
            docs = {named.get(d, d): g for d, g in grades.items()}
        elif q.answers:
            docs = {d: 1 for d, cs in by_doc.items() if any(holds(c.text, q.answers) for c in cs)}
            if not docs:
                warnings.append(f"{q.id}: no indexed passage holds a gold span")
        else:
            docs = {}
        if docs:
            doc_qrels[q.id] = docs
        if q.answers and docs:
            rel = {
                map_doc(c.chunk_id, corpus_index): 1
                for d in docs
                for c in by_doc.get(d, [])
                if holds(c.text, q.answers)
            }
            if rel:
                chunk_qrels[q.id] = rel
            else:
                warnings.append(f"{q.id}: gold span not found in the passages of its documents")
    if missing:
        warnings.append(
            f"{len(missing)} gold documents are not in the index: {sorted(missing)[:5]}"
        )
    return doc_qrels, chunk_qrels, warnings


# --- metrics ---------------------------------------------------------------------


def measures(k: int = 10) -> dict[str, object]:
    """Report label -> ir_measures measure, in report order."""
    import ir_measures

    names = [f"nDCG@{k}", f"RR@{k}", "R@1", "R@5", f"R@{k}", "R@100", "AP"]
    out = {}
    for name in dict.fromkeys(names):
        label = "MAP" if name == "AP" else name.replace("RR@", "MRR@")
        out[label] = ir_measures.parse_measure(name)
    return out


def per_query_metrics(qrels: dict, run: dict, ms: dict[str, object], prefix: str = "") -> dict:
    """qid -> {label: value} for every query in qrels (empty runs score 0)."""
    import ir_measures

    label = {str(m): prefix + lab for lab, m in ms.items()}
    out = {qid: {label[str(m)]: 0.0 for m in ms.values()} for qid in qrels}
    run = {qid: run.get(qid, {}) for qid in qrels}
    for m in ir_measures.iter_calc(list(ms.values()), qrels, run):
        out[m.query_id][label[str(m.measure)]] = float(m.value)
    return out


def mean_of(rows: list[dict], keys) -> dict:
    out = {}
    for key in keys:
        vals = [r[key] for r in rows if r.get(key) is not None]
        if vals:
            out[key] = sum(vals) / len(vals)
    return out


def trec_run(hits_by_q: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Ranked ids -> {qid: {id: score}} with rank-based scores (no ties)."""
    return {q: {d: float(len(ids) - r) for r, d in enumerate(ids)} for q, ids in hits_by_q.items()}


def answer_metrics(q: Question, ans, doc_rel: dict, corpus_index: bool) -> dict:
    """Gold span in the answer, cited passages holding a span (or from a relevant
    document when there are no spans), abstention matching `answerable`."""
    out = {"abstention_acc": float(ans.abstained == (not q.answerable)), "abstained": ans.abstained}
    if not q.answerable:
        return out
    if q.answers:
        out["answer_span"] = float(not ans.abstained and holds(ans.answer, q.answers))
        # the gold span in a quoted sentence (or the reader's span) whose
        # cited passage holds it: the answer is right and its citation proves it
        out["answer_cited"] = float(
            not ans.abstained
            and any(
                (holds(c.sentence, q.answers) or (c.span and holds(c.span, q.answers)))
                and holds(c.hit.chunk.text, q.answers)
                for c in ans.citations
            )
        )
        # SQuAD exact match / F1 of the short answer (the first sentence when
        # the answerer gives no span, i.e. the QA_READER=none scorer)
        short = (
            "" if ans.abstained else ans.span or (ans.sentences[0].text if ans.sentences else "")
        )
        out["span_em"] = exact_match(short, q.answers)
        out["span_f1"] = f1(short, q.answers)
    if not ans.abstained and ans.citations:

        def good(c):
            ch = c.hit.chunk
            if q.answers:
                return holds(ch.text, q.answers)
            return map_doc(ch.doc_id, corpus_index) in doc_rel

        out["citation_precision"] = sum(map(good, ans.citations)) / len(ans.citations)
    return out


def failures(qs, per_mode, doc_qrels, tops, k) -> list[dict]:
    """The questions some mode failed, why, and that mode's top passages:
    no relevant document in the top k, wrong abstention, or no gold span in
    the answer."""
    out = []
    for q in qs.questions:
        why = {}
        for m, pq in per_mode.items():
            v, reasons = pq[q.id], []
            if q.id in doc_qrels and not v.get(f"MRR@{k}"):
                reasons.append(f"no relevant document in the top {k}")
            if v.get("abstention_acc") == 0.0:
                reasons.append("abstained" if q.answerable else "answered an unanswerable question")
            elif v.get("answer_span") == 0.0:
                reasons.append("answer lacks the gold span")
            if reasons:
                why[m] = reasons
        if why:
            out.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "type": q.type,
                    "answers": q.answers,
                    "doc_ids": sorted(doc_qrels.get(q.id, {})),
                    "failed": why,
                    "top_hits": {m: tops[m][q.id] for m in why},
                }
            )
    return out
