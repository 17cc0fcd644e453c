"""Records shared by every stage: documents, chunks, hits and answers.

All are frozen dataclasses so a stage can hand them on without fear that the
next one mutates them. `to_dict` gives the JSON shape used by the CLI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    doc_id: str  # path relative to the indexed folder, e.g. "000_x.txt"
    text: str  # cleaned article text, paragraphs separated by blank lines
    sha256: str  # of the raw file bytes: decides whether a file changed
    title: str = ""
    date: str = ""  # ISO date, as precise as the article allows ("2023-09", "2023-08-30")
    source: str = ""  # publisher or agency ("ATS", "PTI", "News18")
    author: str = ""
    path: str = ""  # absolute path when read from disk

    def meta(self) -> dict:
        return {"title": self.title, "date": self.date, "source": self.source}


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # "<doc_id>#<ordinal>": stable while the document is unchanged
    doc_id: str
    ordinal: int
    text: str
    start: int  # character offsets of the chunk inside Document.text
    end: int
    hash: str  # sha1 of what is embedded (context and text): keys the embedding cache
    title: str = ""
    date: str = ""
    source: str = ""
    # the speakers it quotes without naming them ("a-t-il ajouté"): qa/context.py
    context: str = ""

    @property
    def indexed_text(self) -> str:
        """What retrieval reads (BM25 and the embedder): the context, then the text."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    scores: dict = field(default_factory=dict)  # per-retriever scores, for debugging

    def to_dict(self) -> dict:
        c = self.chunk
        return {
            "rank": self.rank,
            "doc_id": c.doc_id,
            "chunk_id": c.chunk_id,
            "score": round(float(self.score), 6),
            "text": c.text,
            "title": c.title,
            "date": c.date,
            "source": c.source,
            "scores": {k: round(float(v), 6) for k, v in self.scores.items()},
        }


@dataclass(frozen=True)
class Citation:
    n: int  # the number shown as [n]
    hit: Hit
    sentence: str = ""  # the sentence of the passage that supports the answer
    span: str = ""  # the words that answer, found by the reader in that sentence
    start: int = -1  # character offsets of `span` in hit.chunk.text
    end: int = -1

    def to_dict(self) -> dict:
        d = self.hit.to_dict()
        d.pop("rank")
        out = {"n": self.n, **d, "sentence": self.sentence}
        if self.span:
            out.update(span=self.span, start=self.start, end=self.end)
        return out


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    n: int  # citation number
    supported: bool = True
    support: float = 0.0  # support score against the cited passage


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str  # text with [n] markers
    abstained: bool
    citations: tuple[Citation, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    hits: tuple[Hit, ...] = ()  # everything retrieved, cited or not
    language: str = "fr"
    query: str = ""  # the search actually run (differs for follow-ups)
    confidence: float = 0.0  # 0..1 that the passages answer the question

    @property
    def span(self) -> str:
        """The short answer, when the reader found one: it is citation [1]'s."""
        return self.citations[0].span if self.citations else ""

    def to_dict(self, with_hits: bool = False) -> dict:
        d = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "language": self.language,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_dict() for c in self.citations],
            "sentences": [asdict(s) for s in self.sentences],
            # offsets in the text of citation [1]'s passage
            "span": self.span or None,
            "start": self.citations[0].start if self.span else None,
            "end": self.citations[0].end if self.span else None,
        }
        if self.query and self.query != self.question:
            d["query"] = self.query
        if with_hits:
            d["hits"] = [h.to_dict() for h in self.hits]
        return d


@dataclass(frozen=True)
class Filters:
    date_from: str = ""  # ISO prefix, inclusive ("2023-09" keeps all of September)
    date_to: str = ""
    source: str = ""  # case-insensitive substring of the source/agency

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.source)

    def keep(self, date: str, source: str) -> bool:
        if self.date_from and (not date or date[: len(self.date_from)] < self.date_from):
            return False
        if self.date_to and (not date or date[: len(self.date_to)] > self.date_to):
            return False
        if self.source and self.source.lower() not in (source or "").lower():
            return False
        return True
