"""What the second hop (qa/hops.py), or the join (qa/joins.py), changes,
question by question.

A replay (bench/gate_replay.py) reads each question once and cannot take a
second hop or read a question's halves, so this answers, live, every
question of the named sets that `hops.splits` (`--stage joins`:
`joins.split`) splits, with the stage and without it, and prints the questions
whose outcome changed and the count of each (before, after) pair: cited,
wrong or abstained for an answerable question, answered or abstained for
an unanswerable one (the citation must hold the gold span, as in
bench/gate_replay.py).

    .venv/bin/python bench/hops_eval.py seed heldout test blind2 ... --index-dir runs/sets/index
    .venv/bin/python bench/hops_eval.py seed ... --stage joins
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def outcome(q: dict, ans) -> str:
    from qa.eval.metrics import holds

    if not q.get("answerable", True):
        return "abstained" if ans.abstained else "answered"
    if ans.abstained:
        return "abstained"
    spans = q["answers"]
    cited = any(
        (holds(c.sentence, spans) or (c.span and holds(c.span, spans)))
        and holds(c.hit.chunk.text, spans)
        for c in ans.citations
    )
    return "cited" if cited else "wrong"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--index-dir", default="runs/sets/index")
    ap.add_argument("--stage", choices=("hops", "joins"), default="hops")
    args = ap.parse_args(argv)

    from qa import hops, joins
    from qa.answer import extractive_answer
    from qa.config import load_settings
    from qa.retrieve import Retriever

    retriever = Retriever(load_settings().replace(index_dir=args.index_dir))
    module, attr, none = (hops, "splits", ()) if args.stage == "hops" else (joins, "split", None)
    split = getattr(module, attr)
    pairs: Counter = Counter()
    for name in args.sets:
        path = ROOT / "eval" / f"{name}_questions.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line) if line else None
            if q is None or not split(q["question"]):
                continue
            after = outcome(q, extractive_answer(q["question"], retriever))
            setattr(module, attr, lambda _q: none)  # the same question, read whole
            try:
                before = outcome(q, extractive_answer(q["question"], retriever))
            finally:
                setattr(module, attr, split)
            pairs[(before, after)] += 1
            if before != after:
                print(f"{name}/{q['id']}: {before} -> {after}  {q['question'][:100]}")
    for (before, after), n in sorted(pairs.items()):
        print(f"{before:>9} -> {after:<9} {n}")
    print(f"questions split: {sum(pairs.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
