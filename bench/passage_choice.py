"""Which passage should the answer quote? The reader's margin alone, or the
margin plus the passage's place in the reading list?

On PIAF through the pipeline, 127 of 690 answers quoted another passage than
the gold one, 48 of them while retrieval had ranked the gold passage first.
This script reads every question's reading list once (retrieval + reader,
as `qa ask` does), records per passage the margin, its place, and whether
the sentence the answer would quote holds a gold span, then scores choice
rules offline:

    choose argmax(margin + w * prior(place)),   prior = -log(1 + place)

with w cross-fitted by article (fit on half the articles, scored on the
other half, and the reverse), so no question scores a weight fitted on it.

    .venv/bin/python bench/passage_choice.py [--index-dir runs/piaf/index] [--out runs/choice]
    .venv/bin/python bench/passage_choice.py --sets eval/a.jsonl,eval/b.jsonl --index-dir DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEIGHTS = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]


def collect(questions, settings) -> list[dict]:
    """Per question: the reading list with margin, place and whether the
    quoted sentence holds a gold span."""
    from tqdm import tqdm

    from qa.answer import _reading_list, sentence_around
    from qa.reader import load_reader
    from qa.reader.spans import normalize
    from qa.retrieve import Retriever

    retriever, reader = Retriever(settings), load_reader(settings.reader)
    rows = []
    for q in tqdm(questions, desc="reading", unit="q"):
        got = retriever.retrieve(q["question"], k=settings.k)
        hits = _reading_list(retriever, got, q["question"], settings, None, None)
        readings = reader.read(q["question"], [h.chunk.text for h in hits])
        golds = [normalize(a) for a in q.get("answers", []) if a]
        passages = []
        for place, (h, r) in enumerate(zip(hits, readings)):
            sent = sentence_around(h.chunk.text, r.start, r.end) if r.found else ""
            holds = bool(sent) and any(g and g in normalize(sent) for g in golds)
            passages.append({"place": place, "margin": float(r.margin), "holds": holds})
        rows.append(
            {
                "id": q["id"],
                "article": q.get("article", q["id"]),
                "answerable": q.get("answerable", True),
                "passages": passages,
            }
        )
    return rows


def correct(rows: list[dict], w: float) -> np.ndarray:
    out = []
    for r in rows:
        ps = r["passages"]
        if not ps:
            out.append(False)
            continue
        best = max(ps, key=lambda p: p["margin"] - w * np.log1p(p["place"]))
        out.append(best["holds"])
    return np.array(out, dtype=bool)


def cross_fit(rows: list[dict]) -> dict:
    arts = sorted({r["article"] for r in rows})
    halves = [set(arts[0::2]), set(arts[1::2])]
    got, chosen = np.zeros(len(rows), dtype=bool), []
    for fit, score in ((0, 1), (1, 0)):
        fit_rows = [r for r in rows if r["article"] in halves[fit]]
        w = max(WEIGHTS, key=lambda w: (correct(fit_rows, w).mean(), -w))
        chosen.append(w)
        idx = [i for i, r in enumerate(rows) if r["article"] in halves[score]]
        got[idx] = correct([rows[i] for i in idx], w)
    return {"weights_fitted": chosen, "cross_fitted": float(got.mean())}


def piaf_questions(index_dir: str) -> tuple[list[dict], object]:
    from bench.piaf_eval import validation_file
    from qa.config import load_settings
    from qa.eval.formats import load_questions
    from qa.reader.train import DEFAULT_DATA

    path = validation_file(str(DEFAULT_DATA), ROOT / "runs" / "choice")
    qs = load_questions(path, "squad")
    article = {d["id"]: d.get("title", "") for d in qs.corpus}  # paragraph -> its article
    questions = [
        {
            "id": q.id,
            "question": q.question,
            "answers": q.answers,
            "article": article.get((q.doc_ids or ["?"])[0], q.id),
        }
        for q in qs.questions
    ]
    return questions, load_settings(index_dir=index_dir)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--index-dir",
        help="the index to read (default: runs/piaf/index; with --sets, QA_INDEX_DIR's)",
    )
    p.add_argument("--sets", default="", help="project JSONL sets on the seeds instead of PIAF")
    p.add_argument("--out", default=str(ROOT / "runs" / "choice"))
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.sets:
        from qa.config import load_settings

        questions = []
        for path in a.sets.split(","):
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    q = json.loads(line)
                    questions.append({**q, "article": (q.get("doc_ids") or ["?"])[0]})
        questions = [q for q in questions if q.get("answerable", True)]
        settings, name = load_settings(), "seeds"
        if a.index_dir:
            settings = settings.replace(index_dir=a.index_dir)
    else:
        index_dir = a.index_dir or str(ROOT / "runs" / "piaf" / "index")
        if not (Path(index_dir) / "CURRENT").exists():
            sys.exit(f"{index_dir}: no PIAF index; run bench/piaf_eval.py first")
        questions, settings = piaf_questions(index_dir)
        name = "piaf"
    rows = collect(questions, settings)
    (out / f"{name}.json").write_text(json.dumps(rows))
    res = {
        "questions": len(rows),
        "by_weight": {w: float(correct(rows, w).mean()) for w in WEIGHTS},
        **cross_fit(rows),
    }
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
