"""The answer figures of docs/answers.md over several question sets, in one run.

Runs `qa eval SET --answers --modes hybrid` on each set against one index
(the reader is the one `QA_READER` names, as in the product), then prints per
set and in total: answerable questions answered with the gold span and a
citation that holds it, false abstentions, and unanswerable questions that
abstained. Each set's report.json stays under OUT/<set>/ for a closer look.

    QA_READER=path/to/reader .venv/bin/python bench/answer_sets.py \
        seed heldout test blind2 --index-dir runs/sets/index --out runs/sets/mine
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the fourteen sets the reader's threshold was calibrated on (docs/answers.md)
USED = "seed heldout test " + " ".join(f"blind{i}" for i in range(2, 13))


def tally(report: dict) -> dict[str, int]:
    t = dict.fromkeys(("answerable", "cited", "false_abstain", "unanswerable", "abstained"), 0)
    for q in report["per_query"]:
        m = q["modes"]["hybrid"]
        if q.get("answerable", True):
            t["answerable"] += 1
            t["cited"] += int(m.get("answer_cited", 0) == 1)
            t["false_abstain"] += int(bool(m.get("abstained")))
        else:
            t["unanswerable"] += 1
            t["abstained"] += int(bool(m.get("abstained")))
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", help=f"set names under eval/ (default: {USED})")
    ap.add_argument("--index-dir", default="runs/sets/index")
    ap.add_argument("--out", default="runs/sets/answers")
    args = ap.parse_args(argv)

    from qa.cli import main as qa_main

    if not (Path(args.index_dir) / "CURRENT").exists():
        qa_main(["index", str(ROOT / "seeds"), "--index-dir", args.index_dir])
    total: dict[str, int] = {}
    print(f"{'set':<10} cited/ans  false-abst  abstained/unans")
    for name in args.sets or USED.split():
        out = Path(args.out) / name
        with contextlib.redirect_stdout(io.StringIO()):  # the report is in OUT
            qa_main(
                [
                    "eval",
                    str(ROOT / "eval" / f"{name}_questions.jsonl"),
                    "--answers",
                    "--modes",
                    "hybrid",
                    "--index-dir",
                    args.index_dir,
                    "--out",
                    str(out),
                    "--quiet",
                ]
            )
        t = tally(json.loads((out / "report.json").read_text(encoding="utf-8")))
        total = {k: total.get(k, 0) + v for k, v in t.items()}
        print(
            f"{name:<10} {t['cited']:>3}/{t['answerable']:<5} {t['false_abstain']:>6}"
            f"      {t['abstained']:>3}/{t['unanswerable']}",
            flush=True,
        )
    print(
        f"{'total':<10} {total['cited']:>3}/{total['answerable']:<5} {total['false_abstain']:>6}"
        f"      {total['abstained']:>3}/{total['unanswerable']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
