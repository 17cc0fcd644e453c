"""The speakers a chunk quotes without naming, carried into retrieval (qa/context.py)."""

from qa.analyze import analyze
from qa.chunk import chunk, chunk_hash
from qa.context import with_context
from qa.stores.local import build_bm25
from qa.types import Document

TEXT = (
    "Le secrétaire général de l'Otan, Jens Stoltenberg, a plaidé mercredi pour un soutien "
    "accru aux forces ukrainiennes. Les ministres de la Défense se réunissent jeudi à "
    "Bruxelles pour leur dernière réunion avant le sommet.\n\n"
    "'Les forces ukrainiennes mènent une contre-offensive à grande échelle', a-t-il dit. "
    "'Les combats sont acharnés', a-t-il ajouté.\n\n"
    "Le ministre ukrainien de la Défense a informé ses homologues des besoins urgents."
)


def _doc(text: str = TEXT) -> Document:
    return Document(doc_id="a.txt", text=text, sha256="x")


def test_a_chunk_quoting_by_a_pronoun_carries_its_speaker():
    doc = _doc()
    chunks = with_context(doc, chunk(doc, max_chars=100, overlap=0))
    quoting = [c for c in chunks if "a-t-il dit" in c.text]
    assert quoting and "Stoltenberg" not in quoting[0].text
    assert quoting[0].context == "Jens Stoltenberg"
    assert quoting[0].indexed_text == f"Jens Stoltenberg\n{quoting[0].text}"
    # what is embedded changed, so does the embedding cache's key
    assert quoting[0].hash == chunk_hash(quoting[0].text, "Jens Stoltenberg")
    assert quoting[0].hash != chunk_hash(quoting[0].text)
    # the one that names him, and the one that quotes no one, carry nothing
    assert chunks[0].context == "" and chunks[0].hash == chunk_hash(chunks[0].text)
    assert all(c.context == "" for c in chunks if "besoins urgents" in c.text)


def test_a_chunk_carries_nothing_when_the_article_names_no_speaker_before():
    doc = _doc("'Les combats sont acharnés', a-t-il ajouté. Le sommet aura lieu à Vilnius.")
    assert [c.context for c in with_context(doc, chunk(doc))] == [""]


def test_bm25_reads_the_context_with_the_text():
    doc = _doc()
    chunks = with_context(doc, chunk(doc, max_chars=100, overlap=0))
    row = next(i for i, c in enumerate(chunks) if c.context)
    bm25 = build_bm25(chunks)
    ids, scores = bm25.retrieve([analyze("Stoltenberg")], k=len(chunks))
    assert row in set(ids[0][scores[0] > 0].tolist())
