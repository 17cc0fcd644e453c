"""Training pairs for the reader, from SQuAD-style data (PIAF).

A pair is (question, passage, gold span or none). Each question gives its
own paragraph (the answer's position known) and, with probability
`negatives`, another paragraph of the same article: on topic, same names,
but it does not answer, which is what teaches answerability. Articles with a
single paragraph borrow a paragraph of another article. With probability
`cut_rate` the question also gets its own paragraph minus the answer's
sentence (SQuAD 2.0's hard case: on topic, the detail is missing). With
probability `hard_rate` it also gets the paragraph a BM25 search ranks
highest among those that do not hold its answer: the passage the product's
retriever would put beside the right one, which is where the answerer
quoted the wrong passage (docs/answers.md).

`extra_pairs` adds the project's own questions on PIAF paragraphs
(qa/reader/annotations/): French paraphrases, English questions over the
French text, and on-topic questions the paragraph does not answer.
`load_written` reads news articles the project wrote itself, with their
questions (answerable or not), in the same article shape as PIAF's, so that
they split by article and get the same negatives.

Validation is split by article, never by question: questions about one
paragraph share its words, and a question split would flatter the model.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Pair:
    qid: str
    question: str
    context: str
    article: str
    answers: tuple[str, ...] = ()  # empty: this passage does not answer
    starts: tuple[int, ...] = ()  # character offsets of `answers` in `context`

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_articles(path: str | Path) -> list[dict]:
    """SQuAD v1.1 JSON -> its `data` list (title, paragraphs, qas)."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    articles = data.get("data") if isinstance(data, dict) else None
    if not articles:
        raise ValueError(f"{path}: not SQuAD v1.1 JSON (no 'data' list)")
    return articles


def split_articles(articles: list[dict], val_fraction: float = 0.2, seed: int = 0):
    """(train, validation), by article; stable for a given seed and title set."""

    def rank(a: dict) -> str:
        return hashlib.sha1(f"{seed}:{a.get('title', '')}".encode()).hexdigest()

    ordered = sorted(articles, key=rank)
    n_val = max(1, round(len(ordered) * val_fraction)) if val_fraction > 0 else 0
    return ordered[n_val:], ordered[:n_val]


def positives(articles: list[dict]) -> list[Pair]:
    out = []
    for a in articles:
        title = a.get("title", "")
        for p in a["paragraphs"]:
            for qa in p["qas"]:
                answers = [x for x in qa.get("answers", []) if x.get("text")]
                if not answers:
                    continue
                out.append(
                    Pair(
                        qid=str(qa["id"]),
                        question=qa["question"].strip(),
                        context=p["context"],
                        article=title,
                        answers=tuple(x["text"] for x in answers),
                        starts=tuple(int(x["answer_start"]) for x in answers),
                    )
                )
    return out


def negatives(articles: list[dict], rate: float, seed: int = 0) -> list[Pair]:
    """For a share `rate` of the questions, the question with another paragraph
    that does not hold its answer (a story told by several outlets repeats its
    facts from paragraph to paragraph)."""
    from .spans import normalize

    rng = random.Random(seed)
    everything = [p["context"] for a in articles for p in a["paragraphs"]]
    folded = {c: normalize(c) for c in everything}
    out = []
    for a in articles:
        contexts = [p["context"] for p in a["paragraphs"]]
        for p in a["paragraphs"]:
            others = [c for c in contexts if c != p["context"]]
            for qa in p["qas"]:
                if rng.random() >= rate:
                    continue
                answers = [normalize(x["text"]) for x in qa.get("answers", []) if x.get("text")]
                pool = others or [c for c in everything if c != p["context"]]
                if answers:
                    pool = [c for c in pool if not _holds(folded[c], answers)]
                if pool:
                    out.append(
                        Pair(
                            qid=f"{qa['id']}-neg",
                            question=qa["question"].strip(),
                            context=rng.choice(pool),
                            article=a.get("title", ""),
                        )
                    )
    return out


def _holds(folded: str, answers: list[str]) -> bool:
    """Whether a normalised text holds one of the normalised answers as whole words."""
    return any(x and f" {x} " in f" {folded} " for x in answers)


def cut_negatives(articles: list[dict], rate: float, seed: int = 0) -> list[Pair]:
    """For a share `rate` of the questions, their own paragraph without the
    sentence that holds the answer: the hardest "on topic, does not answer"
    case, the one users meet (a detail the article never gives, next to the
    facts it does). Skipped when the answer is still found in what is left."""
    from ..chunk import split_sentences
    from .spans import normalize

    rng = random.Random(seed + 1)
    out = []
    for a in articles:
        for p in a["paragraphs"]:
            ctx = p["context"]
            for qa in p["qas"]:
                answers = [x for x in qa.get("answers", []) if x.get("text")]
                if not answers or rng.random() >= rate:
                    continue
                a0 = int(answers[0]["answer_start"])
                a1 = a0 + len(answers[0]["text"])
                kept = [ctx[s:e] for s, e in split_sentences(ctx) if e <= a0 or s >= a1]
                rest = " ".join(kept)
                if len(rest) < 150 or any(normalize(x["text"]) in normalize(rest) for x in answers):
                    continue
                out.append(
                    Pair(
                        qid=f"{qa['id']}-cut",
                        question=qa["question"].strip(),
                        context=rest,
                        article=a.get("title", ""),
                    )
                )
    return out


def hard_negatives(articles: list[dict], rate: float, seed: int = 0, depth: int = 10) -> list[Pair]:
    """For a share `rate` of the questions, the best BM25 match among all
    `articles`' paragraphs other than their own that does not contain an
    answer (normalised), so it is unanswered but looks answering."""
    from ..analyze import analyze
    from .spans import normalize

    rng = random.Random(seed + 2)
    paras = [(a.get("title", ""), p) for a in articles for p in a["paragraphs"]]
    if len(paras) < 2:
        return []
    contexts = [p["context"] for _, p in paras]
    folded = [normalize(c) for c in contexts]
    bm25 = _bm25(contexts)
    k = min(depth, len(contexts))
    out = []
    for i, (title, p) in enumerate(paras):
        for qa in p["qas"]:
            answers = [normalize(x["text"]) for x in qa.get("answers", []) if x.get("text")]
            if not answers or rng.random() >= rate:
                continue
            terms = analyze(qa["question"]) or [""]
            hits, _ = bm25.retrieve([terms], k=k, show_progress=False)
            # A plain substring test, stricter than `_holds`' whole words: a
            # paragraph chosen for looking like the answer must not hold it
            # even inside a longer word ("12" in "2012") to be called unanswered.
            unanswered = (
                int(j)
                for j in hits[0]
                if contexts[j] != p["context"] and not any(a and a in folded[j] for a in answers)
            )
            j = next(unanswered, None)
            if j is None:
                continue
            out.append(
                Pair(
                    qid=f"{qa['id']}-hard",
                    question=qa["question"].strip(),
                    context=contexts[j],
                    article=title,
                )
            )
    return out


def _bm25(contexts: list[str]):
    """A BM25 index of paragraphs, with the product's analyser (qa/analyze.py)."""
    import bm25s

    from ..analyze import analyze

    bm25 = bm25s.BM25()
    bm25.index([analyze(c) or [""] for c in contexts], show_progress=False)
    return bm25


def pairs(
    articles: list[dict],
    negative_rate: float,
    seed: int = 0,
    cut_rate: float = 0.0,
    hard_rate: float = 0.0,
) -> list[Pair]:
    return (
        positives(articles)
        + negatives(articles, negative_rate, seed)
        + (cut_negatives(articles, cut_rate, seed) if cut_rate else [])
        + (hard_negatives(articles, hard_rate, seed) if hard_rate else [])
    )


ANNOTATIONS = Path(__file__).parent / "annotations"
EXTRA = ANNOTATIONS / "piaf-extra.jsonl"
# the kinds of qa/reader/annotations/piaf-extra.jsonl, and their id suffixes
EXTRA_KINDS = {"paraphrase": "para", "english": "en", "unanswerable": "adv"}


def _lines(path: str | Path):
    """(line number, line) of a JSONL file's non-blank lines."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                yield n, line


def extra_pairs(path: str | Path, articles: list[dict]) -> list[Pair]:
    """The annotation file's questions on the paragraphs of `articles`.

    An item names its paragraph by article title and position, so only the
    articles given (one side of the split) contribute: the questions written
    on validation articles never train. An answer that is no longer a
    substring of its paragraph is an error, not a silent skip."""
    paragraphs = {
        (a.get("title", ""), i): p["context"]
        for a in articles
        for i, p in enumerate(a["paragraphs"])
    }
    out = []
    for n, line in _lines(path):
        try:
            item = json.loads(line)
            key = (item["title"], int(item["paragraph"]))
            kind = EXTRA_KINDS[item["kind"]]
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{n}: not an annotation line ({err!r})") from None
        if key not in paragraphs:
            continue
        context, answer = paragraphs[key], item.get("answer") or ""
        start = context.find(answer) if answer else -1
        if answer and start < 0:
            raise ValueError(f"{path}:{n}: answer {answer!r} is not in its paragraph")
        out.append(
            Pair(
                qid=f"x{n}-{kind}",
                question=item["question"].strip(),
                context=context,
                article=key[0],
                answers=(answer,) if answer else (),
                starts=(start,) if answer else (),
            )
        )
    return out


def features(tokenizer, batch: list[Pair], max_len: int, stride: int) -> dict:
    """Tokenised windows of `batch` with their labels (start/end token, 0 = null).

    A passage longer than `max_len` is cut into windows that overlap by
    `stride` tokens; a window without the whole gold span is labelled null.
    Returns lists: input_ids, attention_mask, start, end, pair (the index in
    `batch`), offsets and context masks (for decoding at validation)."""
    enc = tokenizer(
        [p.question for p in batch],
        [p.context for p in batch],
        truncation="only_second",
        max_length=max_len,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    out = {k: [] for k in ("input_ids", "attention_mask", "start", "end", "pair", "offsets", "ctx")}
    for w, ids in enumerate(enc["input_ids"]):
        i = enc["overflow_to_sample_mapping"][w]
        seq = enc.sequence_ids(w)
        offsets = enc["offset_mapping"][w]
        ctx = [s == 1 for s in seq]
        start = end = 0
        p = batch[i]
        if p.answerable:
            a0, a1 = p.starts[0], p.starts[0] + len(p.answers[0])
            tok = [t for t, c in enumerate(ctx) if c]
            if offsets[tok[0]][0] <= a0 and offsets[tok[-1]][1] >= a1:
                start = next(t for t in tok if offsets[t][1] > a0)
                end = next(t for t in reversed(tok) if offsets[t][0] < a1)
        out["input_ids"].append(ids)
        out["attention_mask"].append(enc["attention_mask"][w])
        out["start"].append(start)
        out["end"].append(end)
        out["pair"].append(i)
        out["offsets"].append(offsets)
        out["ctx"].append(ctx)
    return out


WRITTEN = ANNOTATIONS / "news-written.jsonl"


def annotation_file(path: str) -> str:
    """`path`, or the bundled annotation file of that bare name: docs/answers.md
    names them so ("--extra piaf-extra.jsonl"), and a file of that name in the
    working folder still comes first."""
    if not path or Path(path).is_file() or Path(path).name != path:
        return path
    bundled = ANNOTATIONS / path
    return str(bundled) if bundled.is_file() else path


def written_files() -> list[Path]:
    """Every round's file of written news: news-written.jsonl (thirteenth
    round), then news-written-14.jsonl…"""
    return sorted(WRITTEN.parent.glob("news-written*.jsonl"), key=lambda p: (p != WRITTEN, p.name))


# the kinds of news-written.jsonl's questions; an unanswerable one pairs with
# its own paragraph, labelled null
WRITTEN_KINDS = ("direct", "paraphrase", "english", "unanswerable")


def load_written(path: str | Path) -> list[dict]:
    """The project-written news articles (one JSON article per line) as
    SQuAD-style articles: an answerable question gets `answers` (its first
    occurrence in the paragraph), an unanswerable one none and `kind`
    "unanswerable". A bad line is a one-line error with file:line."""
    out = []
    for n, line in _lines(path):
        try:
            item = json.loads(line)
            paragraphs = [
                _written_paragraph(p, f"w{n}.{i}") for i, p in enumerate(item["paragraphs"])
            ]
            out.append({"title": str(item["title"]), "paragraphs": paragraphs})
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{n}: not a written article ({err})") from None
    return out


def _written_paragraph(p: dict, pid: str) -> dict:
    context, qas = p["context"], []
    for k, q in enumerate(p["questions"]):
        if q["kind"] not in WRITTEN_KINDS:
            raise ValueError(f"unknown kind {q['kind']!r}")
        answer = q.get("answer") or ""
        start = context.find(answer) if answer else -1
        if answer and start < 0:
            raise ValueError(f"answer {answer!r} is not in its paragraph")
        if q["kind"] == "unanswerable" and answer:
            raise ValueError("an unanswerable question has an answer")
        qas.append(
            {
                "id": f"{pid}.{k}",
                "question": q["question"],
                "kind": q["kind"],
                "answers": [{"text": answer, "answer_start": start}] if answer else [],
            }
        )
    return {"context": context, "qas": qas}


def unanswered(articles: list[dict]) -> list[Pair]:
    """Each question marked unanswerable with its own paragraph, labelled null."""
    return [
        Pair(
            qid=f"{qa['id']}-nadv",
            question=qa["question"].strip(),
            context=p["context"],
            article=a.get("title", ""),
        )
        for a in articles
        for p in a["paragraphs"]
        for qa in p["qas"]
        if qa.get("kind") == "unanswerable"
    ]


# at most this many other paragraphs of its own article per unanswerable
# question in `spread_unanswered`: every paragraph of a one-outlet article
# (4-6 paragraphs), about what the pipeline reads (3 + 3 passages)
SAME_CAP = 5


def spread_unanswered(articles: list[dict], depth: int = 3) -> list[Pair]:
    """Each question marked unanswerable with every other paragraph of its
    article and the `depth` paragraphs of other articles a BM25 search ranks
    highest for it, all labelled null: what the pipeline shows the reader.

    Its own paragraph is `unanswered`'s. Through the pipeline the margin is
    the best over the retrieved passages, so one of them that looks like an
    answer is enough to answer; training with its own paragraph only does not
    teach that (docs/answers.md, sixteenth round)."""
    from ..analyze import analyze

    paras = [(ai, p["context"]) for ai, a in enumerate(articles) for p in a["paragraphs"]]
    asked = [
        (ai, p["context"], qa)
        for ai, a in enumerate(articles)
        for p in a["paragraphs"]
        for qa in p["qas"]
        if qa.get("kind") == "unanswerable"
    ]
    if not asked:
        return []
    hits = [[] for _ in asked]
    bm25 = _bm25([c for _, c in paras]) if len(paras) > 1 else None
    if depth and bm25 is not None:
        queries = [analyze(qa["question"]) or [""] for _, _, qa in asked]
        found, scores = bm25.retrieve(queries, k=min(len(paras), depth + 20), show_progress=False)
        hits = [
            [int(j) for j, s in zip(row, score) if s > 0 and paras[j][0] != ai][:depth]
            for row, score, (ai, _, _) in zip(found, scores, asked)
        ]
    index = {c: j for j, (_, c) in enumerate(paras)}
    out = []
    for (ai, own, qa), near in zip(asked, hits):
        same = [c for a, c in paras if a == ai and c != own]
        if len(same) > SAME_CAP:
            # a story told by several outlets has dozens of paragraphs: its
            # BM25 nearest, as retrieval would show them
            scores = bm25.get_scores(analyze(qa["question"]) or [""])
            same = sorted(same, key=lambda c: -scores[index[c]])[:SAME_CAP]
        for k, context in enumerate(same + [paras[j][1] for j in near]):
            out.append(
                Pair(
                    qid=f"{qa['id']}.{k}-nspr",
                    question=qa["question"].strip(),
                    context=context,
                    article=articles[ai].get("title", ""),
                )
            )
    return out


def written_validation(articles: list[dict]) -> list[Pair]:
    """Validation pairs of written articles, in file order (every kind in
    turn): answerable ones with the id suffix "-news", unanswerable ones
    "-nadv" (train.validate tells them apart)."""
    pairs = {p.qid: replace(p, qid=f"{p.qid}-news") for p in positives(articles)}
    pairs |= {p.qid.rsplit("-", 1)[0]: p for p in unanswered(articles)}
    return [pairs[str(qa["id"])] for a in articles for p in a["paragraphs"] for qa in p["qas"]]
