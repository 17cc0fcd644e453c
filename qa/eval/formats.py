"""Question sets in: the project's JSONL, SQuAD v1.1 JSON, a BEIR folder.

Each reader turns its format into the same `QuestionSet` so the runner never
knows where the questions came from; every error is a one-line ValueError
naming the file (and line), because these files are user uploads.

- JSONL: {"id", "question", "answers": [gold spans], "doc_ids"?, "type"?,
  "answerable"?}, asked of an existing index;
- SQuAD v1.1 (FQuAD, PIAF): one document per distinct context, so that the
  runner can index them; the gold context's document is relevant;
- BEIR: corpus.jsonl, queries.jsonl, qrels/test.tsv (graded relevance).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("auto", "jsonl", "squad", "beir")


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


def as_question_set(questions, fmt: str) -> QuestionSet:
    """A path, a `QuestionSet`, or a list of JSONL-style dicts -> `QuestionSet`.
    The dicts go through the JSONL reader so they are validated the same way."""
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
