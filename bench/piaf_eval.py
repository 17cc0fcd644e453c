"""PIAF validation through the whole pipeline, as `qa ask` meets it.

Every paragraph of shared/data/piaf-train.json is indexed (573), and only the
questions of the reader's validation articles are asked (the split of
`qa train-reader`: by article, seed 0, a fifth held out), so the reader never
trained on a question or a paragraph it is scored on, while retrieval must
find the right paragraph among all of them. Runs `qa eval --format squad
--answers` on that file; the index is kept in OUT/index for re-runs.

    .venv/bin/python bench/piaf_eval.py --modes hybrid --out runs/piaf/answers
    .venv/bin/python bench/piaf_eval.py --no-answers --out runs/piaf/retrieval
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def validation_file(data_path: str, out: Path) -> Path:
    from qa.reader import data
    from qa.reader.train import TrainConfig

    cfg = TrainConfig()
    articles = data.load_articles(data_path)
    _, val = data.split_articles(articles, cfg.val_fraction, cfg.seed)
    held = {a.get("title", "") for a in val}
    doc = {
        "version": "piaf-validation-all-paragraphs",
        "licence": "PIAF v1.0, MIT, Copyright (c) 2020 DINUM/Etalab",
        "data": [
            {
                "title": a.get("title", ""),
                "paragraphs": [
                    {"context": p["context"], "qas": p["qas"] if a.get("title") in held else []}
                    for p in a["paragraphs"]
                ],
            }
            for a in articles
        ],
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / "piaf-validation.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from qa.reader.train import DEFAULT_DATA

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--out", default=str(ROOT / "runs" / "piaf"))
    p.add_argument("--modes", default="bm25,dense,hybrid,rerank")
    p.add_argument("--no-answers", action="store_true", help="retrieval metrics only")
    p.add_argument("--index-dir", default=str(ROOT / "runs" / "piaf" / "index"))
    args = p.parse_args(argv)
    out = Path(args.out)
    path = validation_file(args.data, out)
    from qa.cli import main as qa

    answers = [] if args.no_answers else ["--answers"]
    return qa(
        ["eval", str(path), "--format", "squad", "--modes", args.modes, "--quiet", *answers]
        + ["--out", str(out), "--index-dir", args.index_dir]
    )


if __name__ == "__main__":
    sys.exit(main())
