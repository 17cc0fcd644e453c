"""Who a chunk quotes without naming: the context it carries into retrieval.

News prose names a speaker once and goes on with "», a-t-il ajouté", "a-t-il
insisté": a chunk cut after the name quotes them by a pronoun only, and a
question that names them ("Selon Stoltenberg, à quel stade en est la
contre-offensive ?") finds it neither by its words (BM25) nor by its
meaning (dense). So each chunk carries the names of the speakers of its
sentences that it does not hold itself, read from the article before it
(qa/speakers.py). Retrieval reads them with the text (`Chunk.indexed_text`);
the reader and the answer read the text alone.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from .chunk import chunk_hash, split_sentences
from .speakers import speaker
from .types import Chunk, Document

# What `with_context` adds to a chunk, in the index manifest's chunking: a
# change re-chunks everything, and re-embeds the chunks whose context
# changed (`Chunk.hash` covers it). 1: the unnamed speakers.
CONTEXT = 1


def with_context(doc: Document, chunks: list[Chunk]) -> list[Chunk]:
    """The chunks, each with the speakers it quotes without naming them (and
    the hash of the text its vector is computed from)."""
    sents = split_sentences(doc.text)  # cached: speakers.speaker splits the same text
    starts = [s for s, _ in sents]
    # once a sentence: chunks overlap by a sentence or more; a pronoun's
    # speaker is looked for in the whole article before the sentence
    said_by = [speaker(doc.text, s, e) for s, e in sents]
    out = []
    for c in chunks:
        names: list[str] = []
        first = bisect.bisect_left(starts, c.start)
        for (_, e), who in zip(sents[first:], said_by[first:]):
            if e > c.end:
                break
            if who and who[0] not in c.text and who[0] not in names:
                names.append(who[0])
        ctx = " ; ".join(names)
        out.append(replace(c, context=ctx, hash=chunk_hash(c.text, ctx)) if ctx else c)
    return out
