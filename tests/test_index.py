"""Indexing, incremental updates, validated loads and the writer lock (fake embedder)."""

import json
import shutil
from pathlib import Path

import pytest

from qa import store
from qa.context import CONTEXT
from qa.indexer import build_index
from qa.retrieve import Retriever


def test_build_and_load(settings, seed_copy):
    r = build_index([seed_copy], settings)
    assert sorted(r.added) == sorted(p.name for p in seed_copy.glob("*.txt"))
    data = store.load(settings.index_dir, "test/fake-hash-256")
    m = data.manifest
    assert m["format_version"] == store.FORMAT_VERSION
    assert m["embedder"] == {"name": "test/fake-hash-256", "dim": 256}
    assert m["chunking"]["max_chars"] == settings.chunk_chars
    assert m["chunking"]["context"] == CONTEXT  # a change re-chunks and re-embeds
    assert set(m["documents"]) == set(r.added) and "faiss-cpu" in m["versions"]
    assert data.faiss.ntotal == data.n_searchable == m["counts"]["searchable"]


def test_second_run_embeds_nothing(settings, seed_copy, fake_embedder):
    build_index([seed_copy], settings)
    first = fake_embedder.calls
    assert first > 0
    r = build_index([seed_copy], settings)
    assert fake_embedder.calls == first and r.embedded == 0
    assert len(r.unchanged) == 5 and not (r.added or r.changed or r.removed)
    assert r.generation == ""  # nothing written


def test_changed_and_removed_files(settings, seed_copy, fake_embedder):
    settings = settings.replace(sentence_vectors=True)  # opt-in: its cache is checked too
    build_index([seed_copy], settings)
    f = seed_copy / "004_46166f39458f7f75.txt"
    f.write_text(f.read_text() + "\nUne phrase ajoutée sur les chars Leopard livrés à Kiev.\n")
    (seed_copy / "001_a40ff9a2a54cd64d.txt").unlink()
    before = fake_embedder.calls
    r = build_index([seed_copy], settings)
    assert r.changed == ["004_46166f39458f7f75.txt"]
    assert r.removed == ["001_a40ff9a2a54cd64d.txt"]
    assert 0 < r.embedded <= 2  # only the chunks whose text changed
    assert r.embedded_sentences == 1  # the one new sentence
    assert fake_embedder.calls - before == r.embedded + r.embedded_sentences
    ret = Retriever(settings)
    for mode in ("dense", "bm25", "hybrid"):
        hits = ret.search("chars Leopard", k=50, mode=mode)
        assert "001_a40ff9a2a54cd64d.txt" not in {h.chunk.doc_id for h in hits}
    assert ret.search("chars Leopard", k=1, mode="bm25")[0].chunk.doc_id.startswith("004")


def test_remove_by_doc_id_and_add_mode(settings, seed_copy, tmp_path):
    build_index([seed_copy], settings)
    r = build_index([], settings, sync=False, remove=["002_79c30380bc51d99a.txt"])
    assert r.removed == ["002_79c30380bc51d99a.txt"] and r.embedded == 0
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text(
        "Le Japon annonce une aide humanitaire à l'Ukraine de 5 millions."
    )
    r = build_index([extra], settings, sync=False)
    assert r.added == ["new.txt"] and not r.removed
    docs = {d["doc_id"] for d in store.load(settings.index_dir).documents}
    assert "new.txt" in docs and "000_083c620a5da298f5.txt" in docs
    with pytest.raises(Exception, match="not in the index"):
        build_index([], settings, sync=False, remove=["nope.txt"])


def test_removing_every_document_is_refused_and_keeps_the_index(settings, seed_copy):
    build_index([seed_copy / "000_083c620a5da298f5.txt"], settings)
    gen = store.current_generation(settings.index_dir)
    with pytest.raises(Exception, match="would leave the index empty"):
        build_index([], settings, sync=False, remove=["000_083c620a5da298f5.txt"])
    assert store.current_generation(settings.index_dir) == gen
    assert len(store.load(settings.index_dir).documents) == 1


def test_rebuild_keeps_chat_uploads(settings, seed_copy, tmp_path):
    build_index([seed_copy], settings)
    up = Path(settings.index_dir) / "uploads"
    up.mkdir()
    (up / "upload.txt").write_text("Le Japon annonce une aide humanitaire à l'Ukraine.")
    build_index([up / "upload.txt"], settings, sync=False)
    r = build_index([seed_copy], settings)  # a plain rebuild from the user's folder
    assert "upload.txt" not in r.removed and any("uploads" in n for n in r.notes)
    docs = {d["doc_id"] for d in store.load(settings.index_dir).documents}
    assert "upload.txt" in docs and len(docs) == 6
    # given explicitly: not added twice, no note
    r = build_index([seed_copy, up], settings)
    assert not r.notes and not r.removed


def test_bad_files_do_not_stop_the_run(settings, seed_copy):
    (seed_copy / "empty.txt").write_bytes(b"")
    (seed_copy / "bin.txt").write_bytes(b"\x00\xff" * 100)
    (seed_copy / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    r = build_index([seed_copy], settings)
    assert len(r.added) == 5 and len(r.failed) == 3


def test_embedder_mismatch_refused(settings, seed_copy):
    build_index([seed_copy], settings)
    with pytest.raises(store.IndexError_, match="built with embedder 'test/fake-hash-256'"):
        Retriever(settings.replace(embedder="other-fake"))


@pytest.mark.parametrize(
    "victim", ["manifest.json", "chunks.jsonl", "dense.faiss", "bm25/vocab.index.json"]
)
def test_corrupt_file_named_in_error(settings, seed_copy, victim):
    build_index([seed_copy], settings)
    gen = store.current_generation(settings.index_dir)
    p = store.Path(settings.index_dir) / gen / victim
    p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
    with pytest.raises(store.IndexError_) as e:
        store.load(settings.index_dir)
    msg = str(e.value)
    assert victim.split("/")[-1] in msg and "qa index" in msg and "\n" not in msg


def test_count_mismatch_detected_without_checksums(settings, seed_copy):
    build_index([seed_copy], settings)
    gen = store.Path(settings.index_dir) / store.current_generation(settings.index_dir)
    lines = (gen / "chunks.jsonl").read_text().splitlines()
    (gen / "chunks.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(store.IndexError_, match="chunks.jsonl has"):
        store.load(settings.index_dir, verify=False)


def test_failed_run_keeps_previous_index(settings, seed_copy, tmp_path):
    build_index([seed_copy], settings)
    gen = store.current_generation(settings.index_dir)
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "bad.txt").write_bytes(b"")
    with pytest.raises(Exception, match="no document could be indexed"):
        build_index([empty], settings)
    assert store.current_generation(settings.index_dir) == gen
    assert store.load(settings.index_dir).n_searchable > 0


def test_lock_refuses_second_writer(settings, seed_copy):
    with store.writer_lock(settings.index_dir):
        with pytest.raises(store.IndexBusy, match="another indexing run"):
            build_index([seed_copy], settings)


def test_old_generations_pruned_and_reader_reloads(settings, seed_copy):
    build_index([seed_copy], settings)
    ret = Retriever(settings)
    g1 = ret.data.generation
    (seed_copy / "new.txt").write_text(
        "Les chars Leopard allemands arrivent en Ukraine au printemps."
    )
    build_index([seed_copy], settings)
    (seed_copy / "new2.txt").write_text("La Pologne forme des équipages de chars Leopard.")
    build_index([seed_copy], settings)
    gens = sorted(p.name for p in store.Path(settings.index_dir).glob("gen-*"))
    assert len(gens) == store.KEEP_GENERATIONS
    hits = ret.search("Leopard", mode="bm25", k=5)  # picks up the new generation itself
    assert ret.data.generation != g1
    assert {h.chunk.doc_id for h in hits} >= {"new.txt", "new2.txt"}


def test_duplicates_collapsed(settings, seed_copy):
    shutil.copy(seed_copy / "002_79c30380bc51d99a.txt", seed_copy / "zz_copy_of_002.txt")
    r = build_index([seed_copy], settings)
    assert r.duplicates >= 5
    data = store.load(settings.index_dir)
    assert all(d.startswith("zz_copy") for d in data.duplicates)
    hits = Retriever(settings).search("expédie secrètement obus d’artillerie", k=10)
    assert "zz_copy_of_002.txt" not in {h.chunk.doc_id for h in hits}
    recs = [json.loads(x) for x in (data.path / "chunks.jsonl").read_text().splitlines()]
    assert sum("dup_of" in x for x in recs) == r.duplicates


def test_no_index_yet(settings):
    with pytest.raises(store.IndexError_, match="run `qa index` first"):
        Retriever(settings)


def test_syndicated_copy_with_edits_collapses(settings, seed_copy):
    """The same wire story republished with another header, footer and a
    retouched sentence: five hits must never be one dispatch twice."""
    text = (seed_copy / "004_46166f39458f7f75.txt").read_text()
    text = text.replace("a plaidé mercredi", "a plaidé ce mercredi").replace("/ATS", "")
    (seed_copy / "zz_repost.txt").write_text(
        "Publié par : Rédaction Web\nDernière mise à jour : 14 juin 2023\n"
        + text
        + "\nLire aussi : nos autres articles\n(Belga)\n"
    )
    r = build_index([seed_copy], settings)
    assert r.duplicates >= 4
    ret = Retriever(settings)
    for q in ("Stoltenberg soutien militaire contre-offensive", "stocks de munitions Vilnius"):
        hits = ret.search(q, k=5)
        texts = [h.chunk.text for h in hits]
        assert len({h.chunk.doc_id for h in hits} & {"zz_repost.txt", "004_46166f39458f7f75.txt"})
        assert not any(a[:80] == b[:80] for i, a in enumerate(texts) for b in texts[i + 1 :])


def test_retrieve_can_pin_a_generation(settings, seed_copy):
    """The answerer's second search must read the generation of its first one,
    even when another process published a newer one in between."""
    build_index([seed_copy], settings)
    ret = Retriever(settings)
    first = ret.retrieve("chars Leopard", k=3, mode="bm25")
    (seed_copy / "004_46166f39458f7f75.txt").unlink()
    build_index([seed_copy], settings)
    again = ret.retrieve("chars Leopard", k=50, mode="dense", data=first.data)
    assert again.data is first.data
    assert any(h.chunk.doc_id.startswith("004") for h in again.hits)
    fresh = ret.retrieve("chars Leopard", k=50, mode="dense")
    assert fresh.data.generation != first.data.generation
    assert not any(h.chunk.doc_id.startswith("004") for h in fresh.hits)


def test_repeated_questions_are_embedded_once(settings, seed_copy, fake_embedder, monkeypatch):
    import qa.retrieve

    build_index([seed_copy], settings)
    ret = Retriever(settings)
    asked = []
    real = fake_embedder.embed_queries
    monkeypatch.setattr(fake_embedder, "embed_queries", lambda t: asked.extend(t) or real(t))
    monkeypatch.setattr(qa.retrieve, "QUERY_CACHE_SIZE", 2)
    a = ret.search("obus de 152 mm", k=3, mode="dense")
    b = ret.search("obus de 152 mm", k=3, mode="hybrid")
    assert asked == ["obus de 152 mm"]
    assert a[0].chunk.chunk_id == ret.search("obus de 152 mm", k=3, mode="dense")[0].chunk.chunk_id
    assert b
    ret.search("Kim Jong Un", k=1)
    ret.search("Stoltenberg", k=1)  # evicts the oldest
    ret.search("obus de 152 mm", k=1)
    assert asked == ["obus de 152 mm", "Kim Jong Un", "Stoltenberg", "obus de 152 mm"]
