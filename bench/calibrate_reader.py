"""Where should the reader abstain? Pipeline-level calibration on the
project's own question sets.

`qa train-reader` calibrates on PIAF pairs (a question with its gold
paragraph vs. with another paragraph of its article). In the product the
reader sees the retrieved passages instead, and the best margin over them is
what decides; on-topic questions the articles cannot answer are what it must
refuse. This script runs retrieval + the reader over question sets on the
seeds, takes the margin the answer would stand on (the best passage's,
after the answer-type gate of qa/answer.py `_typed`: a question the gate
refuses abstains at any threshold), and prints, for candidate thresholds,
the false abstentions (answerable questions refused) and the abstentions on
unanswerable questions. `--write` stores the threshold that keeps false
abstentions at or under `--max-false` while refusing the most unanswerable
questions into the reader's reader.json.

    .venv/bin/python bench/calibrate_reader.py eval/seed_questions.jsonl \
        eval/heldout_questions.jsonl [--write] [--plot tradeoff.png]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_margins(paths: list[str], index_dir: str) -> tuple[np.ndarray, np.ndarray]:
    from qa.answer import choose_picks
    from qa.config import load_settings
    from qa.indexer import build_index
    from qa.lang import detect_language
    from qa.retrieve import Retriever

    settings = load_settings(index_dir=index_dir)  # QA_READER chooses the reader
    if not (Path(index_dir) / "CURRENT").exists():
        build_index([ROOT / "seeds"], settings)
    retriever = Retriever(settings)
    pos, neg = [], []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            question, lang = q["question"], detect_language(q["question"])
            k = max(settings.k, settings.answer_passages)  # as qa ask retrieves
            got = retriever.retrieve(question, k=k)
            picks, _ = choose_picks(question, lang, got, retriever, settings)
            # the margin the answer would stand on; none: refused by the gate
            m = max((p.margin for p in picks), default=-np.inf)
            (pos if q.get("answerable", True) else neg).append(m)
    return np.array(pos), np.array(neg)


def choose(pos: np.ndarray, neg: np.ndarray, max_false: float) -> float:
    """The highest threshold with false abstentions <= max_false."""
    candidates = np.unique(np.concatenate([pos, neg]))
    candidates = candidates[np.isfinite(candidates)]
    ok = [t for t in candidates if np.mean(pos < t) <= max_false]
    if ok:
        return float(max(ok))
    finite = pos[np.isfinite(pos)]  # the gate alone refuses too many: answer all it lets by
    return float(finite.min()) if finite.size else 0.0


def plot(pos: np.ndarray, neg: np.ndarray, chosen: float, max_false: float, path: Path) -> None:
    """The trade-off the threshold picks from: false abstentions against
    unanswerable questions that abstain, one point per candidate threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ts = np.unique(np.concatenate([pos, neg]))
    ts = np.concatenate([[-np.inf], ts[np.isfinite(ts)], [np.inf]])
    fa = [np.mean(pos < t) for t in ts]
    ab = [np.mean(neg < t) for t in ts]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(fa, ab, drawstyle="steps-post", label="margin threshold")
    ax.axvline(max_false, color="grey", linestyle=":", label=f"{max_false:.0%} false abstentions")
    ax.plot([np.mean(pos < chosen)], [np.mean(neg < chosen)], "o", label=f"chosen {chosen:.2f}")
    ax.set_xlabel("answerable questions that abstain (false abstentions)")
    ax.set_ylabel("unanswerable questions that abstain")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(f"{len(pos)} answerable, {len(neg)} unanswerable questions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sets", nargs="+")
    p.add_argument("--index-dir", default=str(ROOT / "runs" / "calibrate" / "index"))
    p.add_argument("--max-false", type=float, default=0.05)
    p.add_argument("--write", action="store_true", help="store the threshold in reader.json")
    p.add_argument("--plot", metavar="PNG", help="also draw the trade-off to this file")
    args = p.parse_args(argv)
    pos, neg = best_margins(args.sets, args.index_dir)
    t = choose(pos, neg, args.max_false)
    print(f"{len(pos)} answerable, {len(neg)} unanswerable questions")
    print(
        f"refused by the answer-type gate: {np.sum(pos == -np.inf)} answerable, "
        f"{np.sum(neg == -np.inf)} unanswerable"
    )
    print("| margin threshold | false abstentions | unanswerable that abstain |")
    print("|---|---|---|")
    for x in sorted(set(np.round(np.linspace(-6, 8, 15), 1)) | {round(t, 2)}):
        print(f"| {x:.2f} | {np.mean(pos < x):.1%} | {np.mean(neg < x):.1%} |")
    print(f"chosen: {t:.2f}")
    if args.plot:
        plot(pos, neg, t, args.max_false, Path(args.plot))
        print(f"plot: {args.plot}")
    if args.write:
        from qa.config import load_settings
        from qa.reader.model import CONFIG, WEIGHTS

        reader = load_settings().reader  # QA_READER: a trained folder, else the shipped one
        path = (Path(reader) if reader and Path(reader).is_dir() else WEIGHTS) / CONFIG
        meta = json.loads(path.read_text(encoding="utf-8"))
        # rounded down: the question whose margin the threshold is stays answered
        meta["calibration"]["margin_threshold"] = math.floor(t * 1e4) / 1e4
        meta["calibration"]["source"] = "bench/calibrate_reader.py " + " ".join(args.sets)
        path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
