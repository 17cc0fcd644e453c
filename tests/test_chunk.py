"""Chunking invariants on real seed text."""

import pytest

from qa.chunk import chunk, split_sentences
from qa.ingest import read_file

from .conftest import SEEDS


@pytest.fixture(scope="module")
def docs():
    return [read_file(p, SEEDS)[0] for p in sorted(SEEDS.glob("*.txt"))]


def test_sentences_cover_text(docs):
    d = docs[0]
    spans = split_sentences(d.text)
    assert len(spans) > 15
    assert d.text[spans[0][0] : spans[0][1]].startswith("OSLO, Norvège")
    assert all(d.text[s:e].strip() == d.text[s:e] for s, e in spans)


@pytest.mark.parametrize("size", [300, 600, 1000])
def test_no_chunk_cuts_a_sentence(docs, size):
    for d in docs:
        bounds = split_sentences(d.text)
        starts, ends = {s for s, _ in bounds}, {e for _, e in bounds}
        for c in chunk(d, max_chars=size, overlap=1):
            assert c.start in starts and c.end in ends
            assert d.text[c.start : c.end] == c.text
            assert len(c.text) <= size or len(split_sentences(c.text)) <= 2


def test_overlap_is_equal_on_both_sides(docs):
    for d in docs:
        cs = chunk(d, max_chars=600, overlap=1)
        assert len(cs) >= 2
        for a, b in zip(cs, cs[1:]):
            last = split_sentences(a.text)[-1]
            shared = a.text[last[0] : last[1]]
            assert b.text.startswith(shared)
            assert b.start < a.end  # they really overlap


def test_ids_are_stable_and_unique(docs):
    a = chunk(docs[1])
    b = chunk(docs[1])
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert [c.hash for c in a] == [c.hash for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    assert a[0].chunk_id == "001_a40ff9a2a54cd64d.txt#0"
    assert a[0].date == "2023-09"
