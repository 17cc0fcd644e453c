"""Retrieval evaluation: question sets in; TREC runs, metrics and a report out.

Question sets, in three formats (`load_questions`):

- the project's JSONL: {"id", "question", "answers": [gold spans], "doc_ids"?,
  "type"?, "answerable"?}, evaluated against an existing index (built from
  `settings.docs_dir` first when the folder holds none). A document is
  relevant when listed in doc_ids, or, without doc_ids, when one of its
  chunks contains a gold span;
- SQuAD v1.1 JSON (FQuAD, PIAF): one document per distinct context, written
  to a `corpus.jsonl` and indexed into a temporary (or the given) index; the
  gold context's document is relevant;
- a BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv (graded).

Every mode (bm25, dense, hybrid, and rerank when the retriever has it) runs
the same `Retriever.search` as `qa search`, `max(k, 100)` passages deep. The
document-level run keeps the first passage of each document; a passage is
relevant at chunk level when its text holds a gold span (whitespace and
apostrophes normalised, case folded) and it belongs to a relevant document.
Metrics come from ir-measures (nDCG, RR, R, AP); only the averaging over
questions is done here, so a question with an empty run counts as 0, and
questions without relevant documents (unanswerable ones) are left out of
retrieval metrics but count for abstention.

Shortcuts: TREC scores are rank-based (n - rank + 1), so ties cannot
reorder a run; the run and qrels themselves ride in the report dict under
"_runs" / "_qrels" for `write_report`, never in report.json.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

FORMATS = ("auto", "jsonl", "squad", "beir")
DEFAULT_MODES = ("bm25", "dense", "hybrid")
CORPUS_FILE = "corpus.jsonl"  # squad/beir corpora: doc_id in the index is "corpus.jsonl:<id>"
ANSWER_METRICS = ("answer_span", "citation_precision", "abstention_acc")


# --- question sets ---------------------------------------------------------------


@dataclass
class Question:
    id: str
    question: str
    answers: list[str] = field(default_factory=list)  # gold spans
    doc_ids: list[str] | None = None  # gold documents; None = derive from spans
    type: str = ""
    answerable: bool = True
    grades: dict[str, int] | None = None  # BEIR graded relevance


@dataclass
class QuestionSet:
    questions: list[Question]
    fmt: str
    source: str
    corpus: list[dict] | None = None  # [{"id", "title", "text"}] for squad/beir


def detect_format(path: str | Path) -> str:
    """beir for a folder, jsonl for .jsonl, squad for a JSON object with a "data" list."""
    p = Path(path)
    if p.is_dir():
        if (p / "corpus.jsonl").is_file() and (p / "queries.jsonl").is_file():
            return "beir"
        raise ValueError(f"{p}: a folder must be a BEIR dataset (corpus.jsonl, queries.jsonl)")
    if p.suffix.lower() == ".jsonl":
        return "jsonl"
    if p.suffix.lower() == ".json":
        return "squad"
    with open(p, encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
    return "squad" if re.match(r'\s*\{\s*"(version|data)"', head) else "jsonl"


def load_questions(path: str | Path, fmt: str = "auto") -> QuestionSet:
    """Read a question set; raises ValueError with one line for the user."""
    p = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not p.exists():
        raise ValueError(f"{p}: no such file or folder")
    fmt = detect_format(p) if fmt == "auto" else fmt
    loader = {"jsonl": _load_jsonl, "squad": _load_squad, "beir": _load_beir}[fmt]
    qs = loader(p)
    if not qs.questions:
        raise ValueError(f"{p}: no questions found ({fmt} format)")
    seen: set[str] = set()
    for q in qs.questions:
        if q.id in seen:
            raise ValueError(f"{p}: question id {q.id!r} appears twice")
        seen.add(q.id)
    return qs


def _jsonl_records(p: Path):
    try:
        with open(p, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        raise ValueError(f"{p}:{n}: not valid JSON") from None
                    if not isinstance(rec, dict):
                        raise ValueError(f"{p}:{n}: not a JSON object")
                    yield n, rec
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not UTF-8 text") from None
    except FileNotFoundError:
        raise ValueError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{p}: a folder, not a JSONL file (use --format beir?)") from None


def _load_jsonl(p: Path) -> QuestionSet:
    out = []
    for n, rec in _jsonl_records(p):
        question = " ".join(str(rec.get("question") or "").split())
        if not question:
            raise ValueError(f'{p}:{n}: missing or empty "question"')
        answers = rec.get("answers") or []
        if isinstance(answers, str):
            answers = [answers]
        doc_ids = rec.get("doc_ids")
        doc_ids = [str(d) for d in doc_ids] if doc_ids else None
        out.append(
            Question(
                id=str(rec.get("id", n)),
                question=question,
                answers=[str(a) for a in answers if str(a).strip()],
                doc_ids=doc_ids,
                type=str(rec.get("type") or ""),
                answerable=bool(rec.get("answerable", bool(answers or doc_ids))),
            )
        )
    return QuestionSet(out, "jsonl", str(p))


def _load_squad(p: Path) -> QuestionSet:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError(f"{p}: not a valid JSON file") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ValueError(f'{p}: not SQuAD JSON (no "data" list)')
    try:
        return _squad_records(data, p)
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"{p}: not SQuAD v1.1 JSON ({type(e).__name__}: {e})") from None


def _squad_records(data: dict, p: Path) -> QuestionSet:
    contexts: dict[str, str] = {}  # context text -> document id
    corpus, questions = [], []
    for article in data["data"]:
        for para in article.get("paragraphs", []):
            ctx = (para.get("context") or "").strip()
            if not ctx:
                continue
            if ctx not in contexts:
                contexts[ctx] = f"ctx_{len(contexts):05d}"
                corpus.append({"id": contexts[ctx], "title": article.get("title", ""), "text": ctx})
            for qa in para.get("qas", []):
                impossible = bool(qa.get("is_impossible", False))
                answers = list(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                questions.append(
                    Question(
                        id=str(qa.get("id") or f"q{len(questions)}"),
                        question=" ".join(qa["question"].split()),
                        answers=[] if impossible else answers,
                        doc_ids=[] if impossible else [contexts[ctx]],
                        type=str(qa.get("type") or ""),
                        answerable=not impossible,
                    )
                )
    return QuestionSet(questions, "squad", str(p), corpus)


def _load_beir(p: Path) -> QuestionSet:
    if not p.is_dir():
        raise ValueError(f"{p}: a BEIR dataset is a folder (corpus.jsonl, queries.jsonl, qrels/)")
    qrels_file = p / "qrels" / "test.tsv"
    if not qrels_file.is_file():
        found = sorted((p / "qrels").glob("*.tsv")) if (p / "qrels").is_dir() else []
        if len(found) != 1:
            raise ValueError(f"{p}: no qrels/test.tsv")
        qrels_file = found[0]
    corpus = []
    for n, rec in _jsonl_records(p / "corpus.jsonl"):
        if "_id" not in rec:
            raise ValueError(f'{p / "corpus.jsonl"}:{n}: missing "_id"')
        corpus.append(
            {"id": str(rec["_id"]), "title": rec.get("title") or "", "text": rec.get("text") or ""}
        )
    queries = {str(r["_id"]): r.get("text", "") for _, r in _jsonl_records(p / "queries.jsonl")}
    grades: dict[str, dict[str, int]] = {}
    for n, line in enumerate(qrels_file.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.strip().split("\t") if "\t" in line else line.split()
        if not parts or n == 1 and parts[0] in ("query-id", "qid", "query_id"):
            continue
        if len(parts) == 4:  # TREC style "qid 0 docid rel"
            parts = [parts[0], parts[2], parts[3]]
        if len(parts) != 3:
            raise ValueError(f"{qrels_file}:{n}: expected query-id, corpus-id, score")
        grades.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
    questions = []
    for qid, text in queries.items():
        if qid not in grades:
            continue  # BEIR evaluates the queries of the split only
        rel = {d: g for d, g in grades[qid].items() if g > 0}
        questions.append(
            Question(id=qid, question=" ".join(text.split()), doc_ids=sorted(rel), grades=rel)
        )
    return QuestionSet(questions, "beir", str(p), corpus)


# --- relevance -------------------------------------------------------------------

_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
)


def normalise(text: str) -> str:
    """For span matching: NFC, one kind of apostrophe/quote, single spaces, case folded."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold()


def _holds(text: str, spans: list[str]) -> bool:
    t = normalise(text)
    return any(s and normalise(s) in t for s in spans)


def _map_doc(doc_id: str, corpus_index: bool) -> str:
    """Index doc_id -> the question set's doc id."""
    prefix = CORPUS_FILE + ":"
    return doc_id[len(prefix) :] if corpus_index and doc_id.startswith(prefix) else doc_id


def _relevance(qs: QuestionSet, data, corpus_index: bool):
    """(doc qrels, chunk qrels, warnings) from the questions and the loaded index."""
    chunks = data.chunks[: data.n_searchable]
    in_index = {_map_doc(d["doc_id"], corpus_index) for d in data.documents}
    by_doc: dict[str, list] = {}
    for c in chunks:
        by_doc.setdefault(_map_doc(c.doc_id, corpus_index), []).append(c)
    doc_qrels: dict[str, dict[str, int]] = {}
    chunk_qrels: dict[str, dict[str, int]] = {}
    listed = {d for q in qs.questions if q.answerable for d in q.doc_ids or []}
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
            docs = q.grades or {d: 1 for d in q.doc_ids}
        elif q.answers:
            docs = {d: 1 for d, cs in by_doc.items() if any(_holds(c.text, q.answers) for c in cs)}
            if not docs:
                warnings.append(f"{q.id}: no indexed passage holds a gold span")
        else:
            docs = {}
        if docs:
            doc_qrels[q.id] = docs
        if q.answers and docs:
            rel = {
                _map_doc(c.chunk_id, corpus_index): 1
                for d in docs
                for c in by_doc.get(d, [])
                if _holds(c.text, q.answers)
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


def _per_query(qrels: dict, run: dict, ms: dict[str, object], prefix: str = "") -> dict:
    """qid -> {label: value} for every query in qrels (empty runs score 0)."""
    import ir_measures

    label = {str(m): prefix + lab for lab, m in ms.items()}
    out = {qid: {label[str(m)]: 0.0 for m in ms.values()} for qid in qrels}
    run = {qid: run.get(qid, {}) for qid in qrels}
    for m in ir_measures.iter_calc(list(ms.values()), qrels, run):
        out[m.query_id][label[str(m.measure)]] = float(m.value)
    return out


def _mean(rows: list[dict], keys) -> dict:
    out = {}
    for key in keys:
        vals = [r[key] for r in rows if r.get(key) is not None]
        if vals:
            out[key] = sum(vals) / len(vals)
    return out


def _trec_run(hits_by_q: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Ranked ids -> {qid: {id: score}} with rank-based scores (no ties)."""
    return {q: {d: float(len(ids) - r) for r, d in enumerate(ids)} for q, ids in hits_by_q.items()}


# --- evaluation ------------------------------------------------------------------


def _prepare_index(qs, settings, embedder, index_dir, progress, stack):
    """Index dir to search, build seconds (None if reused), whether it is a corpus index."""
    from . import store
    from .indexer import build_index

    if qs.corpus is None:  # project JSONL: the articles are indexed already (or docs_dir)
        target = index_dir or settings.index_dir
        if store.current_generation(target) is not None:
            return target, None, False
        log.warning("no index in %s: indexing %s first", target, settings.docs_dir)
        t = time.perf_counter()
        build_index(
            [settings.docs_dir], settings.replace(index_dir=target), embedder, progress=progress
        )
        return target, time.perf_counter() - t, False
    if index_dir and store.current_generation(index_dir) is not None:
        return index_dir, None, True
    if not index_dir:
        index_dir = str(
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-"))) / "index"
        )
    docs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-corpus-")))
    with open(docs / CORPUS_FILE, "w", encoding="utf-8") as f:
        for d in qs.corpus:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    t = time.perf_counter()
    build_index(
        [docs / CORPUS_FILE], settings.replace(index_dir=index_dir), embedder, progress=progress
    )
    return index_dir, time.perf_counter() - t, True


def _check_modes(modes, settings) -> list[str]:
    from . import retrieve

    modes = [
        m.strip() for m in (modes.split(",") if isinstance(modes, str) else modes) if m.strip()
    ]
    known = (*DEFAULT_MODES, "rerank")
    for m in modes:
        if m not in known:
            raise ValueError(f"unknown mode {m!r}; choose from {', '.join(known)}")
    if "rerank" in modes:
        if not settings.reranker:
            raise ValueError("rerank mode needs QA_RERANKER (a CrossEncoder id or path)")
        if "rerank" not in getattr(retrieve, "MODES", ()):
            raise ValueError("rerank mode: this retriever has no reranking step yet")
    if not modes:
        raise ValueError("no retrieval mode given")
    return list(dict.fromkeys(modes))


def _hit_record(h, corpus_index: bool) -> dict:
    return {
        "rank": h.rank,
        "doc_id": _map_doc(h.chunk.doc_id, corpus_index),
        "chunk_id": _map_doc(h.chunk.chunk_id, corpus_index),
        "score": round(float(h.score), 6),
        "text": h.chunk.text[:300],
    }


def _answer_metrics(q: Question, ans, doc_rel: dict, corpus_index: bool) -> dict:
    """Gold span in the answer, cited passages holding a span (or from a relevant
    document when there are no spans), abstention matching `answerable`."""
    out = {"abstention_acc": float(ans.abstained == (not q.answerable)), "abstained": ans.abstained}
    if not q.answerable:
        return out
    if q.answers:
        out["answer_span"] = float(not ans.abstained and _holds(ans.answer, q.answers))
    if not ans.abstained and ans.citations:

        def good(c):
            ch = c.hit.chunk
            if q.answers:
                return _holds(ch.text, q.answers)
            return _map_doc(ch.doc_id, corpus_index) in doc_rel

        out["citation_precision"] = sum(map(good, ans.citations)) / len(ans.citations)
    return out


class _VectorCache:
    """The retriever, with each question embedded once and reused by every
    mode and by the answerer (the same vector `search` would compute)."""

    def __init__(self, retriever, vectors: dict):
        self._r, self._v = retriever, vectors

    def __getattr__(self, name):
        return getattr(self._r, name)

    def _call(self, name, query, *args, **kw):
        if kw.get("query_vector") is None and query in self._v:
            kw["query_vector"] = self._v[query]
        return getattr(self._r, name)(query, *args, **kw)

    def search(self, query, *args, **kw):
        return self._call("search", query, *args, **kw)

    def retrieve(self, query, *args, **kw):  # what the answerer calls
        return self._call("retrieve", query, *args, **kw)


def _as_question_set(questions, fmt: str) -> QuestionSet:
    if isinstance(questions, QuestionSet):
        return questions
    if isinstance(questions, list | tuple):  # JSONL-style dicts
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "questions.jsonl"
            p.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions))
            qs = load_questions(p, "jsonl")
        qs.source = "<list>"
        return qs
    return load_questions(questions, fmt)


def _failures(qs, per_mode, doc_qrels, tops, k) -> list[dict]:
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


def evaluate(
    questions,
    settings=None,
    modes=DEFAULT_MODES,
    k: int = 10,
    fmt: str = "auto",
    index_dir: str | None = None,
    answers: bool = False,
    progress: bool = False,
) -> dict:
    """Run every mode over a question set and return the report dict.

    `questions`: a path (JSONL file, SQuAD JSON, BEIR folder), a `QuestionSet`,
    or a list of JSONL-style dicts. `index_dir`: the index to search (JSONL),
    or where to build the corpus of a SQuAD/BEIR set (temporary if None).
    `modes`: a sequence or a comma-separated string. Raises ValueError (bad
    input) and store.IndexError_ (bad index) with one-line messages."""
    import contextlib
    import inspect

    from tqdm.auto import tqdm

    from .config import load_settings
    from .embed import load_embedder
    from .retrieve import Retriever

    t0 = time.perf_counter()
    settings = settings or load_settings()
    if k < 1:
        raise ValueError("--k must be at least 1")
    qs = _as_question_set(questions, fmt)
    modes = _check_modes(modes, settings)
    depth, ms = max(k, 100), measures(k)
    questions_ = qs.questions
    n = len(questions_)

    with contextlib.ExitStack() as stack:
        embedder = load_embedder(settings.embedder, settings.embed_batch_size)
        idx, build_s, corpus_index = _prepare_index(
            qs, settings, embedder, index_dir, progress, stack
        )
        base = Retriever(settings.replace(index_dir=idx), embedder=embedder)
        data = base.data
        doc_qrels, chunk_qrels, warnings = _relevance(qs, data, corpus_index)
        for w in warnings:
            log.warning("%s", w)
        bar = tqdm(
            total=n * (len(modes) * (2 if answers else 1) + 1),
            desc="eval: embedding",
            unit="q",
            disable=not progress,
            leave=False,
        )
        timing = {"index_build_s": build_s, "index": "existing" if build_s is None else "built"}
        vectors: dict = {}
        t = time.perf_counter()
        if "query_vector" in inspect.signature(base.search).parameters:
            for q in questions_:  # one at a time, exactly as `qa search` embeds
                vectors.setdefault(q.question, embedder.embed_queries([q.question])[0])
                bar.update(1)
        embed_s = time.perf_counter() - t
        timing["query_embedding"] = {"seconds": embed_s, "qps": n / embed_s if embed_s else None}
        timing["modes"] = {}
        retriever = _VectorCache(base, vectors)

        per_mode, runs, tops = {}, {}, {}
        for mode in modes:
            bar.set_description(f"eval: {mode}")
            doc_run, chunk_run, top = {}, {}, {}
            t = time.perf_counter()
            for q in questions_:
                hits = retriever.search(q.question, k=depth, mode=mode)
                chunk_run[q.id] = [_map_doc(h.chunk.chunk_id, corpus_index) for h in hits]
                doc_run[q.id] = list(
                    dict.fromkeys(_map_doc(h.chunk.doc_id, corpus_index) for h in hits)
                )
                top[q.id] = [_hit_record(h, corpus_index) for h in hits[:3]]
                bar.update(1)
            secs = time.perf_counter() - t
            timing["modes"][mode] = {
                "seconds": secs,  # searches given the query vectors
                "qps": n / (secs + embed_s) if secs + embed_s else None,  # with embedding
            }
            runs[mode] = {"doc": _trec_run(doc_run), "chunk": _trec_run(chunk_run)}
            pq = {q.id: {} for q in questions_}
            for qid, vals in _per_query(doc_qrels, runs[mode]["doc"], ms).items():
                pq[qid].update(vals)
                ranks = [r for r, d in enumerate(doc_run[qid], 1) if d in doc_qrels[qid]]
                pq[qid]["first_relevant_rank"] = ranks[0] if ranks else None
            for qid, vals in _per_query(chunk_qrels, runs[mode]["chunk"], ms, "chunk_").items():
                pq[qid].update(vals)
            if answers:
                from .answer import QuestionError, extractive_answer

                t = time.perf_counter()
                for q in questions_:
                    try:
                        ans = extractive_answer(q.question, retriever, mode=mode, k=k)
                        pq[q.id].update(
                            _answer_metrics(q, ans, doc_qrels.get(q.id, {}), corpus_index)
                        )
                        pq[q.id]["answer"] = ans.answer[:500]
                    except QuestionError as e:
                        log.warning("%s: %s", q.id, e)
                    bar.update(1)
                timing["modes"][mode]["answers_seconds"] = time.perf_counter() - t
            per_mode[mode], tops[mode] = pq, top
        bar.close()
        manifest = dict(data.manifest)

    labels = list(ms)
    keys = labels + ["chunk_" + lab for lab in labels] + (list(ANSWER_METRICS) if answers else [])
    types = sorted({q.type for q in questions_ if q.type})
    by_type = {
        m: {
            t: {
                "n": sum(q.type == t for q in questions_),
                **_mean([per_mode[m][q.id] for q in questions_ if q.type == t], keys),
            }
            for t in types
        }
        for m in modes
    }
    per_query = [
        {
            "id": q.id,
            "question": q.question,
            "type": q.type,
            "answerable": q.answerable,
            "answers": q.answers,
            "doc_ids": sorted(doc_qrels.get(q.id, {})),
            "modes": {m: per_mode[m][q.id] for m in modes},
        }
        for q in questions_
    ]
    timing["total_s"] = time.perf_counter() - t0
    return {
        "manifest": manifest,
        "config": {
            "questions": qs.source,
            "format": qs.fmt,
            "modes": modes,
            "k": k,
            "depth": depth,
            "metrics": labels,
            "answers": answers,
            "n_questions": n,
            "n_retrieval": len(doc_qrels),
            "n_chunk": len(chunk_qrels),
            "index_dir": idx if (index_dir or qs.corpus is None) else None,  # None: temporary
            "embedder": embedder.name,
        },
        "modes": {m: _mean(list(per_mode[m].values()), keys) for m in modes},
        "by_type": by_type if types else {},
        "per_query": per_query,
        "failures": _failures(qs, per_mode, doc_qrels, tops, k),
        "timing": timing,
        "warnings": warnings,
        "_runs": runs,
        "_qrels": {"doc": doc_qrels, "chunk": chunk_qrels},
    }


# --- report files ----------------------------------------------------------------


def _trec_id(x: str) -> str:
    """TREC files are whitespace-separated: spaces inside ids are escaped."""
    return re.sub(r"\s", lambda m: f"%{ord(m.group()):02X}", x)


def write_trec_run(run: dict[str, dict[str, float]], path: Path, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, docs in run.items():
            ranked = sorted(docs.items(), key=lambda kv: -kv[1])
            for r, (d, s) in enumerate(ranked, 1):
                f.write(f"{_trec_id(qid)} Q0 {_trec_id(d)} {r} {s:g} {tag}\n")


def write_trec_qrels(qrels: dict[str, dict[str, int]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, docs in qrels.items():
            for d, g in docs.items():
                f.write(f"{_trec_id(qid)} 0 {_trec_id(d)} {g}\n")


def _secs(v) -> str:
    return "–" if v is None else f"{v:.2f} s"


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def _table(
    rows: dict[str, dict], cols: list[str], first: str = "mode", bold: bool = True
) -> list[str]:
    """Markdown table; the best value of each column in bold."""
    best = {
        c: max((r.get(c) for r in rows.values() if r.get(c) is not None), default=None)
        for c in cols
    }
    out = [f"| {first} | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, r in rows.items():
        cells = []
        for c in cols:
            v = r.get(c)
            s = _fmt(v)
            cells.append(
                f"**{s}**" if bold and v is not None and len(rows) > 1 and v == best[c] else s
            )
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out


def report_markdown(report: dict) -> str:
    cfg, man, timing = report["config"], report.get("manifest", {}), report["timing"]
    k, labels = cfg["k"], cfg["metrics"]
    counts = man.get("counts", {})
    built = timing.get("index_build_s")
    lines = [
        "# Retrieval evaluation",
        "",
        f"- questions: `{cfg['questions']}` ({cfg['format']}): {cfg['n_questions']} questions, "
        f"{cfg['n_retrieval']} with relevant documents (the others count only for abstention), "
        f"{cfg['n_chunk']} with gold spans found in passages",
        f"- index: {man.get('generation', '?')}, embedder `{man.get('embedder', {}).get('name')}`, "
        f"{counts.get('documents', '?')} documents, {counts.get('searchable', '?')} passages"
        + (f"; built in {built:.1f} s" if built is not None else " (existing index)"),
        f"- k = {k}; each mode retrieves {cfg['depth']} passages, the document run keeps the "
        "first passage of each document",
        "",
        "## Documents",
        "",
        *_table(report["modes"], labels),
    ]
    chunk_cols = ["chunk_" + c for c in labels]
    if any(c in r for r in report["modes"].values() for c in chunk_cols):
        lines += ["", "## Passages (a passage holding a gold span)", ""]
        rows = {m: {c[6:]: r.get(c) for c in chunk_cols} for m, r in report["modes"].items()}
        lines += _table(rows, labels)
    if cfg.get("answers"):
        lines += ["", "## Answers", ""]
        lines += _table(report["modes"], list(ANSWER_METRICS))
    if report.get("by_type"):
        cols = [f"MRR@{k}", f"nDCG@{k}", f"R@{k}", f"chunk_MRR@{k}"]
        if cfg.get("answers"):
            cols += list(ANSWER_METRICS)
        lines += ["", "## By question type", ""]
        by_type = report["by_type"]
        types = sorted({t for m in by_type for t in by_type[m]})
        rows = {
            f"{t} (n={by_type[m][t]['n']}) · {m}": by_type[m][t]
            for t in types
            for m in by_type
            if t in by_type[m] and any(c in by_type[m][t] for c in cols)
        }
        lines += _table(rows, cols, "type · mode", bold=False)
    emb = timing.get("query_embedding", {})
    lines += [
        "",
        "## Timing",
        "",
        f"Index build: {_secs(built)}. Query embedding (once per question, shared by the "
        f"modes): {_secs(emb.get('seconds'))}. Queries/s include it.",
        "",
        "| mode | search s | queries/s | answers s |",
        "|---|---|---|---|",
    ]
    for m, t in timing["modes"].items():
        answers_s = _secs(t.get("answers_seconds"))
        lines.append(f"| {m} | {t['seconds']:.2f} | {t['qps'] or 0:.1f} | {answers_s} |")
    fails = report.get("failures", [])
    lines += ["", f"## Failed questions ({len(fails)})", ""]
    for f in fails[:100]:
        lines.append(f"### {f['id']}" + (f" ({f['type']})" if f["type"] else ""))
        lines.append("")
        lines.append(f"> {f['question']}")
        lines.append("")
        lines.append(
            f"gold answer: {' | '.join(f['answers']) or '(none)'}; "
            f"gold documents: {', '.join(f['doc_ids']) or '(none)'}"
        )
        for m, reasons in f["failed"].items():
            lines.append(f"- **{m}**: {'; '.join(reasons)}")
            for h in f["top_hits"].get(m, []):
                text = " ".join(h["text"].split())[:160]
                lines.append(f"  {h['rank']}. `{h['chunk_id']}` ({h['score']:.3f}) {text}…")
        lines.append("")
    if len(fails) > 100:
        lines.append(f"… and {len(fails) - 100} more in report.json")
    if report.get("warnings"):
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report["warnings"]]
    return "\n".join(lines) + "\n"


def plot_modes(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["config"]["metrics"]
    panels = [("documents", labels, labels)]
    if any(f"chunk_{c}" in r for r in report["modes"].values() for c in labels):
        panels.append(("passages", [f"chunk_{c}" for c in labels], labels))
    if report["config"].get("answers"):
        panels.append(("answers", list(ANSWER_METRICS), list(ANSWER_METRICS)))
    modes = list(report["modes"])
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    width = 0.8 / max(1, len(modes))
    for ax, (title, keys, names) in zip(axes[0], panels):
        for i, m in enumerate(modes):
            vals = [report["modes"][m].get(key) or 0.0 for key in keys]
            xs = [x + (i - (len(modes) - 1) / 2) * width for x in range(len(keys))]
            ax.bar(xs, vals, width, label=m)
        ax.set_xticks(range(len(keys)), names, rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1.15)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="upper center", ncol=len(modes), frameon=False)
    fig.suptitle(f"{Path(report['config']['questions']).name}: modes compared", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(report: dict, out_dir: str | Path) -> dict[str, Path]:
    """report.json, report.md, report.png, TREC qrels and runs -> {name: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "png": out / "report.png"}
    public = {key: v for key, v in report.items() if not key.startswith("_")}
    paths["json"].write_text(json.dumps(public, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(report_markdown(report), encoding="utf-8")
    plot_modes(report, paths["png"])
    qrels = report.get("_qrels", {})
    for level, suffix in (("doc", ""), ("chunk", ".chunk")):
        if qrels.get(level):
            paths[f"qrels{suffix}"] = out / f"qrels{suffix}.txt"
            write_trec_qrels(qrels[level], paths[f"qrels{suffix}"])
            for mode, runs in report.get("_runs", {}).items():
                p = out / f"run.{mode}{suffix}.txt"
                write_trec_run(runs[level], p, f"qa-{mode}{suffix.replace('.', '-')}")
                paths[f"run.{mode}{suffix}"] = p
    return paths
