"""The answer reader: a model that reads a question with a passage and finds
the span that answers it, or says the passage does not.

- `model.py`: the `Reader` protocol, the shipped int8 ONNX reader, any
  transformers QA model, `load_reader` (once per process);
- `spans.py`: logits -> span, and the SQuAD exact match / F1 of a span;
- `data.py`, `train.py`: `qa train-reader` (PIAF, split by article);
- `weights/`: the trained model, its config and model card.
"""

from .model import Reader, ReaderError, load_reader
from .spans import Reading

__all__ = ["Reader", "ReaderError", "Reading", "load_reader"]
