"""A small run of bench/load_test.py: app.py on loopback, 5 concurrent
gradio_client users x 3 questions, zero errors (the full 20 x 10 run and its
figures are in docs/ops.md)."""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _load_test_module():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "bench" / "load_test.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_percentile():
    lt = _load_test_module()
    assert lt.percentile([3, 1, 2], 50) == 2
    assert lt.percentile(list(range(1, 101)), 95) == 95
    assert lt.percentile([0.5], 95) == 0.5


def test_small_load_zero_errors(real_settings, tmp_path, capsys):
    lt = _load_test_module()
    index = tmp_path / "index"  # the app may write there; keep the session index clean
    shutil.copytree(real_settings.index_dir, index, ignore=shutil.ignore_patterns(".lock"))
    out = tmp_path / "load.json"
    rc = lt.main(
        ["--users", "5", "--questions", "3", "--index-dir", str(index), "--out", str(out)]
        + ["--timeout", "60"]
    )
    printed = capsys.readouterr().out
    (run,) = json.loads(out.read_text())["runs"]
    assert rc == 0 and run["errors"] == 0, run["error_samples"] or printed
    assert run["requests"] == run["ok"] == 15
    assert run["endpoint"].strip("/") == "chat"
    assert 0 < run["p50_s"] <= run["p95_s"] <= run["max_s"] < 60
    assert "p50" in printed and "p95" in printed
