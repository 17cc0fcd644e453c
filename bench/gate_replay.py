"""Replay the answer-type gate over readings kept from one pass of the reader.

Reading every question of the used sets and of PIAF validation takes about
eight minutes on 2 cores; the gate (qa/answertype.py, and `attributed` and
`_typed` in qa/answer.py) takes a few milliseconds a question. `read` keeps
each question's picks before the gate (what `read_passages` returns) in a
pickle; `replay` runs today's gate over them and prints, per set, what
bench/answer_sets.py prints (answerable questions cited, false abstentions,
unanswerable questions that abstain), and with `--baseline` the questions
whose outcome changed. The pickle is valid while the reader, the index and
retrieval are those it was read with: it records the reader and the index
generation, and `replay` refuses another.

    .venv/bin/python bench/gate_replay.py read seed heldout test blind2 ... --piaf \\
        --index-dir runs/sets/index --out runs/gate/picks.pkl
    .venv/bin/python bench/gate_replay.py replay runs/gate/picks.pkl --baseline runs/gate/base.json

`misses` reads every wrong answer's reading list again and says where it
went wrong: no passage of the list held the gold span ("retrieval"), one
did but the reader preferred another ("passage"), or the quoted passage
holds it and the span or sentence is another ("span").

    .venv/bin/python bench/gate_replay.py misses runs/gate/picks.pkl

`refused` lists the answerable questions the gate turned away although a
pick's sentence held the answer, with the checks that refused it
(`refusals` in qa/answer.py); `refused --answered` the unanswerable
questions answered, with their span.

    .venv/bin/python bench/gate_replay.py refused runs/gate/picks.pkl [--answered]

A first `replay --baseline F` with no F writes it. `--margin-threshold T`
replays another abstention threshold (the margin the answer stands on, as
bench/calibrate_reader.py chooses it).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIAF_INDEX = ROOT / "runs" / "piaf" / "index"


def _questions(name: str) -> list[dict]:
    path = ROOT / "eval" / f"{name}_questions.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _piaf_questions(out: Path) -> list[dict]:
    """PIAF validation as bench/piaf_eval.py asks it (its file, its split)."""
    from bench.piaf_eval import validation_file
    from qa.reader.train import DEFAULT_DATA

    doc = json.loads(validation_file(str(DEFAULT_DATA), out).read_text(encoding="utf-8"))
    return [
        {
            "id": str(qa["id"]),
            "question": qa["question"],
            "answers": [a["text"] for a in qa["answers"]],
            "answerable": True,
        }
        for article in doc["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]


def _read(questions: list[dict], index_dir: str, label: str) -> tuple[dict, dict]:
    """(id -> question and pre-gate picks, what they were read with)."""
    from tqdm import tqdm

    from qa.answer import _reading_list, read_passages
    from qa.config import load_settings
    from qa.reader import load_reader
    from qa.retrieve import Retriever

    settings = load_settings().replace(index_dir=index_dir)
    retriever = Retriever(settings)
    reader = load_reader(settings.reader)
    if reader is None:
        raise SystemExit("gate_replay: QA_READER=none has no reader picks to replay")
    out = {}
    for q in tqdm(questions, desc=label, unit="q"):
        got = retriever.retrieve(q["question"], k=max(settings.k, settings.answer_passages))
        hits = _reading_list(retriever, got, q["question"], settings, None, None)
        picks, conf = read_passages(reader, q["question"], hits, settings)
        out[q["id"]] = {"q": q, "picks": picks, "conf": conf}
    meta = {"reader": reader.name, "index": retriever.data.generation, "index_dir": index_dir}
    return out, meta


def read(args) -> int:
    if args.piaf and not (PIAF_INDEX / "CURRENT").exists():  # before minutes of reading
        raise SystemExit(
            f"gate_replay: no PIAF index in {PIAF_INDEX}; build it with "
            "`.venv/bin/python bench/piaf_eval.py --no-answers --modes hybrid`"
        )
    runs: dict[str, dict] = {}
    for name in args.sets:
        picks, meta = _read(_questions(name), args.index_dir, name)
        runs[name] = {"picks": picks, "meta": meta}
    if args.piaf:
        questions = _piaf_questions(Path(args.out).parent / "piaf")
        picks, meta = _read(questions, str(PIAF_INDEX), "piaf")
        runs["piaf"] = {"picks": picks, "meta": meta}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        pickle.dump(runs, f)
    print(f"kept the picks of {sum(len(r['picks']) for r in runs.values())} questions: {args.out}")
    return 0


def _load(path: str) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f)


def gated(picks, question: str, conf: float = 0.0):
    """(the picks the gate keeps, the confidence they stand on), as `qa ask`
    keeps them (speakers attributed first)."""
    from qa.answer import _typed, attributed

    return _typed(attributed(picks, question), conf, question)


def outcome(q: dict, picks, conf: float, margin_threshold: float | None) -> str:
    """What the answer to `q` comes to with today's gate: "cited", "wrong" or
    "abstained" (answerable), "answered" or "abstained" (unanswerable); the
    citations are built as `compose` builds them, one per passage."""
    from qa.eval.metrics import holds

    kept, conf = gated(picks, q["question"], conf)
    if margin_threshold is None:
        abstained = not kept or conf < 0.5  # Settings.abstain_threshold
    else:
        abstained = not kept or max(p.margin for p in kept) < margin_threshold
    if not q.get("answerable", True):
        return "abstained" if abstained else "answered"
    if abstained:
        return "abstained"
    first = {}
    for p in kept:
        first.setdefault(p.hit.chunk.chunk_id, p)
    spans = q["answers"]
    cited = any(
        (holds(p.sentence, spans) or (p.span and holds(p.span, spans)))
        and holds(p.hit.chunk.text, spans)
        for p in first.values()
    )
    return "cited" if cited else "wrong"


def replay(args) -> int:
    from qa.config import load_settings
    from qa.reader import load_reader
    from qa.stores import open_store

    runs = _load(args.picks)
    reader = load_reader(load_settings().reader)
    results: dict[str, str] = {}
    print(f"{'set':<10} cited/ans  false-abst  abstained/unans")
    total: Counter = Counter()
    for name, run in runs.items():
        meta = run["meta"]
        if reader is None or reader.name != meta["reader"]:
            raise SystemExit(f"gate_replay: {name} was read with {meta['reader']}, not this reader")
        # the live generation only: no embedder or index load per set
        generation = open_store(load_settings().replace(index_dir=meta["index_dir"])).current()
        if generation != meta["index"]:
            raise SystemExit(f"gate_replay: {meta['index_dir']} changed since {name} was read")
        tally: Counter = Counter()
        for qid, kept in run["picks"].items():
            q = kept["q"]
            got = outcome(q, kept["picks"], kept["conf"], args.margin_threshold)
            results[f"{name}/{qid}"] = got
            answerable = q.get("answerable", True)
            tally["answerable" if answerable else "unanswerable"] += 1
            tally["cited"] += got == "cited"
            tally["false"] += answerable and got == "abstained"
            tally["abstained"] += not answerable and got == "abstained"
        total.update(tally)
        _row(name, tally)
    _row("total", total)
    if args.baseline:
        base = Path(args.baseline)
        if not base.exists():
            base.write_text(json.dumps(results, indent=0), encoding="utf-8")
            print(f"baseline written: {base}")
        else:
            before = json.loads(base.read_text(encoding="utf-8"))
            for key, got in results.items():
                if before.get(key) != got:
                    name, qid = key.split("/", 1)
                    question = runs[name]["picks"][qid]["q"]["question"]
                    print(f"changed {key}: {before.get(key)} -> {got}  {question[:100]}")
    return 0


def where_missed(holds_gold: list[bool], quoted: int) -> str:
    """Why a wrong answer missed, from which passages of its reading list hold
    the gold span and which one the reader quoted."""
    if not any(holds_gold):
        return "retrieval"
    return "span" if holds_gold[quoted] else "passage"


def misses(args) -> int:
    from qa.answer import _reading_list, for_reader
    from qa.config import load_settings
    from qa.eval.metrics import holds
    from qa.reader import load_reader
    from qa.retrieve import Retriever

    runs = _load(args.picks)
    reader = load_reader(load_settings().reader)
    found: Counter = Counter()
    for name, run in runs.items():
        settings = load_settings().replace(index_dir=run["meta"]["index_dir"])
        retriever = Retriever(settings)
        for qid, kept in run["picks"].items():
            q = kept["q"]
            if outcome(q, kept["picks"], kept["conf"], args.margin_threshold) != "wrong":
                continue
            got = retriever.retrieve(q["question"], k=max(settings.k, settings.answer_passages))
            hits = _reading_list(retriever, got, q["question"], settings, None, None)
            readings = reader.read(for_reader(q["question"]), [h.chunk.text for h in hits])
            # the passage the answer quotes first, as `outcome` kept it
            kept_picks, _ = gated(kept["picks"], q["question"])
            ids = [h.chunk.chunk_id for h in hits]
            quoted = ids.index(kept_picks[0].hit.chunk.chunk_id)
            gold = [holds(h.chunk.text, q["answers"]) for h in hits]
            why = where_missed(gold, quoted)
            found[why] += 1
            print(f"{name}/{qid} [{why}] {q['question'][:90]}")
            golds = [("gold", i) for i, g in enumerate(gold) if g][:2]
            for label, i in [("quoted", quoted), *golds]:
                r = readings[i]
                print(f"    {label:<6} #{i} margin {r.margin:.2f}: {r.text!r}")
    print(" ".join(f"{k}: {v}" for k, v in found.most_common()))
    return 0


def refused_by(picks, question: str, answers: list[str]) -> list[str] | None:
    """The gate's checks that refuse the first pick whose sentence holds a
    gold span (None when no pick's does): what an abstention cost."""
    from qa.answer import asks, attributed, refusals
    from qa.eval.metrics import holds

    good = [p for p in attributed(picks, question) if holds(p.sentence, answers)]
    return list(refusals(good[0], question, asks(question))) if good else None


def refused(args) -> int:
    """Answerable questions that abstain although a pick's sentence held the
    answer, with the checks that refused it; with --answered, the unanswerable
    questions answered, with the span quoted."""
    runs = _load(args.picks)
    found: Counter = Counter()
    for name, run in runs.items():
        for qid, kept in run["picks"].items():
            q = kept["q"]
            got = outcome(q, kept["picks"], kept["conf"], args.margin_threshold)
            if args.answered and got == "answered":
                picks, _ = gated(kept["picks"], q["question"])
                best = max(picks, key=lambda p: p.margin)
                print(f"{name}/{qid} margin {best.margin:.1f} {q['question'][:90]} | {best.span!r}")
            elif not args.answered and got == "abstained" and q.get("answerable", True):
                checks = refused_by(kept["picks"], q["question"], q["answers"])
                if checks is None:
                    continue
                checks = checks or ["(none: below the threshold)"]
                found.update(checks)
                print(f"{name}/{qid} {checks} {q['question'][:90]}")
    if found:
        print(" ".join(f"{k}: {v}" for k, v in found.most_common()))
    return 0


def _row(name: str, t: Counter) -> None:
    print(
        f"{name:<10} {t['cited']:>4}/{t['answerable']:<4}  {t['false']:>6}  "
        f"{t['abstained']:>9}/{t['unanswerable']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("read", help="read every question once and keep its picks")
    r.add_argument("sets", nargs="*", help="set names under eval/")
    r.add_argument("--piaf", action="store_true", help="also PIAF validation (runs/piaf/index)")
    r.add_argument("--index-dir", default=str(ROOT / "runs" / "sets" / "index"))
    r.add_argument("--out", default=str(ROOT / "runs" / "gate" / "picks.pkl"))
    p = sub.add_parser("replay", help="today's gate over the kept picks")
    p.add_argument("picks")
    p.add_argument("--baseline", help="outcomes to compare with (written if missing)")
    p.add_argument("--margin-threshold", type=float, help="abstain below this margin instead")
    m = sub.add_parser("misses", help="where each wrong answer went wrong (reads them again)")
    m.add_argument("picks")
    m.add_argument("--margin-threshold", type=float, help="abstain below this margin instead")
    f = sub.add_parser("refused", help="which checks refused the answers the gate turned away")
    f.add_argument("picks")
    f.add_argument("--answered", action="store_true", help="the unanswerable ones answered")
    f.add_argument("--margin-threshold", type=float, help="abstain below this margin instead")
    args = ap.parse_args(argv)
    commands = {"read": read, "replay": replay, "misses": misses, "refused": refused}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
