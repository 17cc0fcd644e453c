"""Cloze questions: more span-finding practice from the training text itself.

PIAF gives about 2,200 training questions, and the reader's validation F1
stops rising after three epochs of them: it is short of examples, not of
passes. Every training paragraph holds many more facts than its five
questions ask about. A cloze question takes one of them (a date, a year, a
number, a name), cuts the sentence around it and puts a question word in
its place: "La ville est fondée en 1312 par Jean II." gives "la ville est
fondée en quelle année par Jean II ?" with the answer "1312". Pre-training
a reader on such questions helps most when labelled questions are few
(Dhingra et al. 2018, "Simple and Effective Semi-Supervised Question
Answering"; Lewis et al. 2019, "Unsupervised Question Answering by Cloze
Translation").

Only training articles' paragraphs are used: the validation articles' text
stays unseen.
"""

from __future__ import annotations

import random
import re

from .data import Pair

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_NAME_WORD = rf"[{_UPPER}][\w'’-]+"
# (kind, pattern): the first one that matches a stretch of text claims it
_KINDS = (
    ("date", re.compile(rf"\b(?:1er|\d{{1,2}})\s+(?:{_MONTHS})(?:\s+\d{{3,4}})?\b", re.I)),
    ("year", re.compile(r"\b(?:1[0-9]|20)\d{2}\b")),
    ("century", re.compile(r"\b[IVX]{1,5}e\s+siècle\b")),
    # not ordinals ("3e"), not ranges ("2001-2002")
    ("number", re.compile(r"(?<![\w-])\d+(?:[  .,]\d+)*(?![\w-])(?:\s*%)?")),
    ("name", re.compile(rf"\b{_NAME_WORD}(?:\s+(?:de\s+|du\s+|d['’])?{_NAME_WORD}){{0,3}}")),
)
# kind -> (the preposition the question words swallow, the words then, the
# words without it); numbers ask "combien (de …)" instead
_ASK = {
    "date": (r"le\s+$", "quand", "quand"),
    "year": (r"en\s+$", "en quelle année", "quand"),
    "century": (r"au\s+$", "à quelle époque", "quand"),
    "name": (r"(?:à|en|au|aux|dans)\s+$", "où", "qui"),
}
_WINDOW = 12  # words kept on each side of the gap


def candidates(sentence: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of the facts in `sentence` a cloze could ask for,
    not overlapping, the sentence's first word excepted (it is capitalised
    anyway, so it says nothing about names)."""
    first = len(sentence) - len(sentence.lstrip())
    first_end = first + len(sentence[first:].split(" ", 1)[0])
    taken: list[tuple[str, int, int]] = []
    for kind, pattern in _KINDS:
        for m in pattern.finditer(sentence):
            s, e = m.span()
            text = m.group().rstrip(" .,")
            e = s + len(text)
            if not text or (kind == "name" and s < first_end):
                continue
            if kind == "number" and not any(ch.isdigit() for ch in text):
                continue
            if any(s < te and ts < e for _, ts, te in taken):
                continue
            taken.append((kind, s, e))
    return sorted(taken, key=lambda t: t[1])


def question(sentence: str, kind: str, start: int, end: int) -> str:
    """The sentence around the gap, with the question words in its place."""
    before, after = sentence[:start], sentence[end:]
    before = re.sub(r"\b[ldLD]['’]$", "", before)  # "l'Allemagne": the article goes too
    if kind == "number":
        # "combien de" takes the counted noun that follows ("3 000 habitants")
        words = after.split()
        ask = "combien"
        if words and words[0].isalpha():
            ask = f"combien de {words[0]}"
            after = after[after.index(words[0]) + len(words[0]) :]
    else:
        prep, with_prep, without = _ASK[kind]
        m = re.search(prep, before, re.I)
        ask = with_prep if m else without
        before = before[: m.start()] if m else before
    left = before.split()[-_WINDOW:]
    right = after.split()[:_WINDOW]
    text = " ".join([*left, ask, *right]).rstrip(" .,;:")
    return text[:1].lower() + text[1:] + " ?"


def cloze_pairs(articles: list[dict], rate: float, seed: int = 0) -> list[Pair]:
    """About `rate` cloze questions per real question of `articles`, drawn
    from every fact of their paragraphs that no real question answers."""
    from ..chunk import split_sentences

    rng = random.Random(seed + 3)
    pool: list[Pair] = []
    n_real = 0
    for a in articles:
        for p in a["paragraphs"]:
            ctx = p["context"]
            asked = {
                int(x["answer_start"])
                for qa in p["qas"]
                for x in qa.get("answers", [])
                if x.get("text")
            }
            n_real += len(p["qas"])
            for s0, s1 in split_sentences(ctx):
                sentence = ctx[s0:s1]
                for kind, s, e in candidates(sentence):
                    if any(s0 + s <= a0 < s0 + e for a0 in asked):
                        continue
                    pool.append(
                        Pair(
                            qid=f"cloze-{len(pool)}",
                            question=question(sentence, kind, s, e),
                            context=ctx,
                            article=a.get("title", ""),
                            answers=(sentence[s:e],),
                            starts=(s0 + s,),
                        )
                    )
    return rng.sample(pool, min(len(pool), round(rate * n_real)))
