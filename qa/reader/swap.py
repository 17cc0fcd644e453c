"""Swapped questions: on-topic questions that the paragraph does not answer
because they name something it never mentions.

The questions the product answers wrongly are rarely off topic. About half
of the unanswerable questions still answered on the used sets (24 of 48 on
nine sets, by a capitalised-word check) name an entity the passage lacks:
"how much did Germany announce" over a passage about NATO's credit line,
"which types of weapons Denmark" over the United States' package
(docs/answers.md). The reader's training negatives (another paragraph, the
paragraph minus its answer, a BM25 look-alike) never pair a question with
its own paragraph while the question asks about somebody else. A swapped
question does: a name, year, date or number of a training question that its
paragraph contains is replaced by one of the same kind from another article,
which the paragraph does not contain. "En quelle année Jean II fonde-t-il la
ville ?" becomes "En quelle année Louis Pasteur fonde-t-il la ville ?",
labelled null with the same paragraph. SQuAD 2.0's crowd workers wrote such
questions by hand ("entity swap", "impossible condition"; Rajpurkar et al.
2018).

Measured in the ninth round (docs/answers.md): a run with them tells swapped
validation questions from real ones with AUC 0.92 (the shipped soup: 0.72),
but answers no better through the pipeline, so they are off by default.
"""

from __future__ import annotations

import random

from .cloze import candidates
from .data import Pair


def _facts(articles: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(article title, text)] of every fact in the paragraphs."""
    from ..chunk import split_sentences

    out: dict[str, list[tuple[str, str]]] = {}
    for a in articles:
        title = a.get("title", "")
        for p in a["paragraphs"]:
            ctx = p["context"]
            for s0, s1 in split_sentences(ctx):
                sentence = ctx[s0:s1]
                for kind, s, e in candidates(sentence):
                    out.setdefault(kind, []).append((title, sentence[s:e]))
    return out


def swap_negatives(articles: list[dict], rate: float, seed: int = 0) -> list[Pair]:
    """For a share `rate` of the questions that name a fact of their own
    paragraph, the question with that fact replaced by one of the same kind
    from another article that the paragraph does not hold, with the same
    paragraph and no answer."""
    from .spans import normalize

    rng = random.Random(seed + 4)
    pool = _facts(articles)
    out = []
    for a in articles:
        title = a.get("title", "")
        for p in a["paragraphs"]:
            folded = normalize(p["context"])
            for qa in p["qas"]:
                if rng.random() >= rate:
                    continue
                q = qa["question"].strip()
                # lower-cased first, or "Quand Gustave Eiffel" would read as one name
                named = [
                    (kind, s, e)
                    for kind, s, e in candidates(q[:1].lower() + q[1:])
                    if kind in pool and (fact := normalize(q[s:e])) and fact in folded
                ]
                if not named:
                    continue
                kind, s, e = rng.choice(named)
                words = len(q[s:e].split())
                for _ in range(50):  # a few draws find one the paragraph lacks
                    other, text = rng.choice(pool[kind])
                    new = normalize(text)
                    # as many words, so "Jean II" gives "Louis Pasteur", not "Royaume"
                    if len(text.split()) != words or other == title:
                        continue
                    if new and new not in folded:
                        out.append(
                            Pair(
                                qid=f"{qa['id']}-swap",
                                question=q[:s] + text + q[e:],
                                context=p["context"],
                                article=title,
                            )
                        )
                        break
    return out
