"""How much does each int8 scheme cost the reader? One fp32 export, three
files, validated side by side on the PIAF validation articles.

    .venv/bin/qa train-reader --keep-fp32 runs/reader/reader.fp32.onnx
    .venv/bin/python bench/reader_quant.py runs/reader/reader.fp32.onnx

For fp32, ONNX Runtime's dynamic int8 (weights and activations) and
weight-only int8 (qa/onnxexport.py): span EM/F1 given the gold paragraph,
answerable-vs-not AUC, file size, and the time to read the 690 validation
questions with their paragraphs (batch 16, 2 cores).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from qa.onnxexport import quantize, quantize_weights
    from qa.reader import data
    from qa.reader.model import CONFIG, ONNX_FILE, WEIGHTS, OnnxReader
    from qa.reader.train import DEFAULT_DATA, READER_REDUCE_RANGE, TrainConfig, validate

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("fp32", help="the fp32 reader ONNX (qa train-reader --keep-fp32)")
    p.add_argument("--config", default=str(WEIGHTS / CONFIG), help="reader.json to pair it with")
    p.add_argument("--limit", type=int, default=0, help="validate on N questions only")
    args = p.parse_args(argv)

    cfg = TrainConfig()
    _, val_a = data.split_articles(data.load_articles(DEFAULT_DATA), cfg.val_fraction, cfg.seed)
    pos = data.positives(val_a)[: args.limit or None]
    keep = {x.qid for x in pos}
    neg = [x for x in data.negatives(val_a, 1.0, cfg.seed) if x.qid[:-4] in keep]
    cut = [x for x in data.cut_negatives(val_a, 1.0, cfg.seed) if x.qid[:-4] in keep]

    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-reader-quant-") as tmp:
        for name in ("fp32", "dynamic int8", "weight-only int8"):
            folder = Path(tmp) / name.replace(" ", "-")
            folder.mkdir()
            shutil.copyfile(args.config, folder / CONFIG)
            target = folder / ONNX_FILE
            if name == "fp32":
                shutil.copyfile(args.fp32, target)
            elif name == "dynamic int8":
                # the reader's own scheme (7-bit weights: READER_REDUCE_RANGE)
                quantize(Path(args.fp32), target, "dynamic", reduce_range=READER_REDUCE_RANGE)
            else:
                quantize_weights(Path(args.fp32), target)
            reader = OnnxReader(folder)
            t = time.perf_counter()
            v = validate(reader, pos, neg, cut)
            seconds = time.perf_counter() - t
            row = {
                "model": name,
                "MB": round(target.stat().st_size / 1e6, 1),
                "exact_match": v["exact_match"],
                "f1": v["f1"],
                "auc": v["auc"],
                "auc_cut": v.get("auc_cut"),
                "seconds": round(seconds, 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| model | MB | EM | F1 | AUC (other paragraph) | AUC (answer cut) | seconds |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['model']} | {r['MB']} | {r['exact_match']:.3f} | {r['f1']:.3f} | "
            f"{r['auc']:.3f} | {r['auc_cut']:.3f} | {r['seconds']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
