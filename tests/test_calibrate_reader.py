"""bench/calibrate_reader.py's choice of threshold and its trade-off plot,
on made-up margins (the real run needs the reader and the seed index)."""

from __future__ import annotations

import importlib.util

import numpy as np

from tests.conftest import ROOT


def _module():
    path = ROOT / "bench" / "calibrate_reader.py"
    spec = importlib.util.spec_from_file_location("calibrate_reader", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


POS = np.array([-np.inf, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])  # one refused by the gate
NEG = np.array([-np.inf, -np.inf, -2.0, 0.5, 2.5, 9.5])


def test_the_threshold_keeps_false_abstentions_in_budget():
    cal = _module()
    assert cal.choose(POS, NEG, max_false=0.1) == 1.0  # the gate already spends 1 of 10
    assert cal.choose(POS, NEG, max_false=0.2) == 2.0
    assert np.mean(POS < cal.choose(POS, NEG, 0.3)) <= 0.3


def test_the_trade_off_plot_is_written(tmp_path):
    cal = _module()
    out = tmp_path / "tradeoff.png"
    cal.plot(POS, NEG, 2.0, 0.2, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000


def test_a_wrong_answer_is_told_apart_by_where_the_gold_span_was():
    """bench/gate_replay.py misses: no passage read held the gold span, one
    did but another was quoted, or the quoted one holds it."""
    path = ROOT / "bench" / "gate_replay.py"
    spec = importlib.util.spec_from_file_location("gate_replay", path)
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)
    assert replay.where_missed([False, False, False], 0) == "retrieval"
    assert replay.where_missed([False, True, False], 0) == "passage"
    assert replay.where_missed([False, True, False], 1) == "span"


def test_the_checks_that_refused_a_right_answer_are_named():
    """bench/gate_replay.py refused: which of the gate's checks turned away
    the pick whose sentence held the answer (`refusals` in qa/answer.py)."""
    from qa.answer import Pick
    from qa.types import Chunk, Hit

    path = ROOT / "bench" / "gate_replay.py"
    spec = importlib.util.spec_from_file_location("gate_replay", path)
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)

    def pick(sentence, span):
        hit = Hit(Chunk("d#0", "d", 0, sentence, 0, len(sentence), "h"), 1.0, 1)
        return Pick(hit=hit, sentence=sentence, span=span, confidence=0.9)

    line = "Publié par : Aditi Ray Chowdhury"
    q = "Who won the 2023 Rugby World Cup?"
    # every check that refuses it, in the gate's order: "2023" is not in the passage either
    got = replay.refused_by([pick(line, "Aditi")], q, ["Aditi Ray Chowdhury"])
    assert got == ["figures", "article line"]
    date = "Les chefs se réunissent dimanche à Oslo."
    q = "Combien de chefs se réunissent dimanche ?"
    assert "span kind count" in replay.refused_by([pick(date, "Oslo")], q, ["Oslo"])
    assert replay.refused_by([pick(date, "Oslo")], q, ["Vilnius"]) is None
