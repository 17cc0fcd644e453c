"""Index type by size (flat, HNSW above Settings.hnsw_threshold) and loads
that map the vectors instead of copying them (docs/bench.md)."""

from __future__ import annotations

import numpy as np


def _anon_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def test_hnsw_above_threshold_recorded_and_searchable(settings, seed_copy):
    from qa import store
    from qa.indexer import build_index
    from qa.retrieve import Retriever

    s = settings.replace(hnsw_threshold=0)  # every index is "large"
    build_index([seed_copy], s)
    data = store.load(s.index_dir)
    assert data.manifest["faiss"]["type"] == "hnsw"
    assert data.manifest["faiss"]["efSearch"] >= 256
    assert type(data.faiss).__name__ == "IndexHNSWFlat"
    hits = Retriever(s).search("Kim Jong Un Poutine", k=3, mode="dense")
    assert len(hits) == 3
    exact = build_index  # the flat index of the same seeds gives the same top hit
    s2 = settings.replace(index_dir=settings.index_dir + "-flat")
    exact([seed_copy], s2)
    assert store.load(s2.index_dir).manifest["faiss"]["type"] == "flat"
    flat_hits = Retriever(s2).search("Kim Jong Un Poutine", k=3, mode="dense")
    assert hits[0].chunk.chunk_id == flat_hits[0].chunk.chunk_id


def test_flat_index_is_mapped_not_copied(tmp_path):
    """Loading a 156 MB flat index adds far less than 156 MB of private memory
    (the chunk records, loaded into Python objects, are most of what it adds)."""
    import faiss

    from qa import store
    from qa.stores.local import build_bm25, build_faiss
    from qa.types import Chunk

    n, dim = 20_000, 2048
    vecs = np.random.default_rng(0).standard_normal((n, dim), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    chunks = [
        Chunk(f"d{i // 10}#{i % 10}", f"d{i // 10}", i % 10, f"mot{i}", 0, 5, f"{i:040x}")
        for i in range(n)
    ]
    docs = [{"doc_id": f"d{j}", "sha256": f"{j:064x}"} for j in range(n // 10)]
    data = store.IndexData(
        manifest={"embedder": {"name": "t", "dim": dim}, "faiss": {"type": "flat"}},
        documents=docs,
        chunks=chunks,
        duplicates={},
        faiss=build_faiss(vecs, dim, hnsw_threshold=10**9),
        bm25=build_bm25(chunks[:n]),
    )
    store.save(tmp_path / "idx", data)
    del data
    before = _anon_mb()
    loaded = store.load(tmp_path / "idx", verify=False)
    grown = _anon_mb() - before
    assert isinstance(loaded.faiss, faiss.IndexFlatIP)
    size_mb = n * dim * 4 / 2**20
    assert grown < size_mb / 2, f"load added {grown:.0f} MB of private memory for {size_mb:.0f} MB"
    np.testing.assert_array_equal(loaded.faiss.reconstruct_n(0, 5), vecs[:5])


def test_hnsw_grows_in_place_when_documents_are_only_added(settings, seed_copy, tmp_path):
    from qa import store
    from qa.indexer import build_index
    from qa.retrieve import Retriever

    s = settings.replace(hnsw_threshold=0)  # every index is "large"
    later = tmp_path / "later"
    later.mkdir()
    (seed_copy / "004_46166f39458f7f75.txt").rename(later / "004_46166f39458f7f75.txt")
    build_index([seed_copy], s)
    before = store.load(s.index_dir).n_searchable

    r = build_index([later], s, sync=False)  # add one article
    assert any("grown in place" in n for n in r.notes)
    data = store.load(s.index_dir)
    assert data.manifest["faiss"]["type"] == "hnsw"
    assert data.faiss.ntotal == data.n_searchable > before
    hits = Retriever(s).search("Stoltenberg stocks de munitions", k=3, mode="dense")
    assert hits[0].chunk.doc_id == "004_46166f39458f7f75.txt"
    # every row of the grown index holds the vector of the chunk at that position
    from qa.embed import load_embedder

    emb = load_embedder(s.embedder, s.embed_batch_size)
    n = data.n_searchable
    want = emb.embed_passages([c.indexed_text for c in data.chunks[:n]])
    got = data.faiss.reconstruct_n(0, n)
    assert np.allclose(got, want, atol=1e-5)

    # a removal cannot be done in place: rebuilt, still consistent
    r = build_index([], s, sync=False, remove=["000_083c620a5da298f5.txt"])
    assert not any("grown in place" in n for n in r.notes)
    data = store.load(s.index_dir)
    assert data.faiss.ntotal == data.n_searchable
    assert (
        Retriever(s)
        .search("Stoltenberg stocks", k=1, mode="dense")[0]
        .chunk.doc_id.startswith("004")
    )
