"""Both index backends behind qa/stores/: the same hits, the same updates, the
same answers. Milvus runs as milvus-lite on a file in the test's folder."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tests.conftest import QUESTIONS, SEEDS

STORES = ["local", "milvus"]


def _questions(n=None):
    qs = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line]
    return qs[:n] if n else qs


@pytest.fixture(params=STORES)
def store_settings(request, settings, tmp_path):
    """The fake-embedder settings, on one backend or the other."""
    return settings.replace(
        store=request.param,
        milvus_uri=str(tmp_path / "milvus" / "qa.db"),
        milvus_collection=f"t_{request.param}",
    )


def _ranked(hits) -> tuple:
    """Scores in order, and the chunks above the last score: equal scores may
    come in either order, and a tie at the cut keeps either chunk."""
    scores = [round(h.score, 4) for h in hits]
    above = sorted((s, h.chunk.chunk_id) for s, h in zip(scores, hits) if s > scores[-1])
    return (scores, above) if hits else ([], [])


def _hits(retriever):
    from qa.types import Filters

    out = []
    for q in _questions():
        for mode in ("dense", "bm25", "hybrid"):
            out.append((q, mode, _ranked(retriever.search(q, k=8, mode=mode))))
        f = Filters("2023-08", "2023-12", "t")
        out.append((q, "filtered", _ranked(retriever.search(q, k=8, mode="hybrid", filters=f))))
    return out


def _index(settings, paths, embedder, **kw):
    from qa.indexer import build_index

    return build_index(paths, settings, embedder, **kw)


def test_bm25_as_sparse_vectors_equals_bm25s():
    """The client-side sparse BM25 that Milvus searches gives bm25s's scores."""
    from qa.analyze import analyze
    from qa.chunk import chunk
    from qa.ingest import iter_files, read_file
    from qa.stores.local import build_bm25
    from qa.stores.sparse import Stats, chunk_terms, chunk_vector, query_vector

    chunks = [
        c for p, r in iter_files([SEEDS], []) for d in read_file(p, r) for c in chunk(d, 600, 1)
    ]
    bm25 = build_bm25(chunks)
    stats = Stats()
    terms = [chunk_terms(c.title, c.text) for c in chunks]
    for t in terms:
        stats.add(t)
    vecs = [chunk_vector(t, stats.avgdl) for t in terms]
    for q in _questions(20):
        qt = analyze(q)
        want = np.asarray(bm25.get_scores_from_ids(bm25.get_tokens_ids(qt)))
        qv = query_vector(qt, stats)
        got = np.array([sum(w * v.get(t, 0.0) for t, w in qv.items()) for v in vecs])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        assert want.max() > 0  # the questions do match something


def test_backends_rank_alike(tmp_path, settings, fake_embedder):
    """Dense, BM25, fusion and filters: the same chunks with the same scores."""
    from qa.retrieve import Retriever

    got = {}
    for name in STORES:
        s = settings.replace(
            store=name, index_dir=str(tmp_path / name), milvus_uri=str(tmp_path / "m.db")
        )
        _index(s, [SEEDS], fake_embedder)
        got[name] = _hits(Retriever(s, embedder=fake_embedder))
    assert len(got["local"]) == 4 * len(_questions())
    assert any(h for _, m, h in got["local"] if m == "filtered")
    assert got["milvus"] == got["local"]


def test_incremental_updates_touch_only_changed_files(
    tmp_path, seed_copy, store_settings, fake_embedder, monkeypatch
):
    """A changed file's chunks are rewritten, a removed file's deleted, the
    others untouched; the result equals a fresh local build of the folder."""
    from qa.retrieve import Retriever

    s = store_settings
    first = _index(s, [seed_copy], fake_embedder)
    assert len(first.added) == 5
    files = sorted(seed_copy.iterdir())
    files[0].write_text(files[0].read_text() + "\n\nUn paragraphe ajouté sur les drones.\n")
    files[1].unlink()
    shutil.copy(SEEDS / files[2].name, seed_copy / "copie.txt")  # a new document, all duplicates

    written = []
    if s.store == "milvus":
        from qa.stores import milvus

        real = milvus.MilvusStore._put

        def spy(self, name, rows, what, method="upsert"):
            rows = list(rows)
            if name.endswith(tuple(f"_chunks_g{g}" for g in range(1, 9))):
                written.extend(r["doc_id"] for r in rows)
            return real(self, name, rows, what, method)

        monkeypatch.setattr(milvus.MilvusStore, "_put", spy)
    report = _index(s, [seed_copy], fake_embedder)
    assert report.changed == [files[0].name] and report.removed == [files[1].name]
    assert report.added == ["copie.txt"] and len(report.unchanged) == 3
    if s.store == "milvus":
        assert set(written) == {files[0].name, "copie.txt"}

    fresh = s.replace(store="local", index_dir=str(tmp_path / "fresh"))
    _index(fresh, [seed_copy], fake_embedder)
    a, b = Retriever(s, embedder=fake_embedder), Retriever(fresh, embedder=fake_embedder)
    assert sorted(c.chunk_id for c in a.data.chunks) == sorted(c.chunk_id for c in b.data.chunks)
    assert a.data.duplicates == b.data.duplicates and a.data.duplicates
    assert sorted(d["doc_id"] for d in a.data.documents) == sorted(
        d["doc_id"] for d in b.data.documents
    )
    # chunk BM25 weights keep the mean length they were written with until it
    # drifts 10% (qa/stores/sparse.py): the same chunks, scores within 1%
    for (q, mode, x), (_, _, y) in zip(_hits(a), _hits(b)):
        assert sorted(c for _, c in x[1]) == sorted(c for _, c in y[1]), (q, mode)
        np.testing.assert_allclose(x[0], y[0], rtol=0.01, err_msg=f"{q} {mode}")


def test_remove_and_ask_through_the_cli(store_settings, fake_embedder, monkeypatch, capsys):
    from qa.cli import main

    s = store_settings
    for k, v in {
        "QA_STORE": s.store,
        "QA_MILVUS_URI": s.milvus_uri,
        "QA_MILVUS_COLLECTION": s.milvus_collection,
        "QA_INDEX_DIR": s.index_dir,
        "QA_EMBEDDER": "fake",
    }.items():
        monkeypatch.setenv(k, v)
    assert main(["index", str(SEEDS), "--quiet"]) == 0
    doc = sorted(p.name for p in SEEDS.iterdir())[0]
    assert main(["remove", doc]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert main(["search", "obus 152 mm", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    hits = hits["hits"] if isinstance(hits, dict) else hits
    assert hits and all(h["doc_id"] != doc for h in hits)
    # the 152 mm is told only in the removed article: no measure, no answer
    assert main(["ask", "Quel calibre d'obus la Corée du Nord fournit-elle ?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["abstained"]
    assert main(["ask", "Qui plaide pour un soutien militaire accru à l'Ukraine ?", "--json"]) == 0
    ans = json.loads(capsys.readouterr().out)
    assert not ans["abstained"] and ans["citations"]
    assert all(c["doc_id"] != doc for c in ans["citations"])
    assert main(["info"]) == 0
    assert json.loads(capsys.readouterr().out)["embedder"]["name"] == fake_embedder.name


def test_milvus_interrupted_write_keeps_the_index_and_is_repaired(
    tmp_path, seed_copy, settings, fake_embedder, monkeypatch
):
    from qa.retrieve import Retriever
    from qa.stores import milvus

    s = settings.replace(store="milvus", milvus_uri=str(tmp_path / "m.db"))
    _index(s, [seed_copy], fake_embedder)
    before = _hits(Retriever(s, embedder=fake_embedder))
    f = sorted(seed_copy.iterdir())[0]
    f.write_text(f.read_text() + "\n\nLes obus de mortier arrivent par train.\n")

    def boom(self, *a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(milvus.MilvusStore, "_put", boom)
        with pytest.raises(KeyboardInterrupt):
            _index(s, [seed_copy], fake_embedder)
    # still searchable: the untouched chunks answer as before
    assert len(_hits(Retriever(s, embedder=fake_embedder))) == len(before)
    report = _index(s, [seed_copy], fake_embedder)
    assert "interrupted Milvus write: rebuilt in full" in report.notes
    fresh = s.replace(store="local", index_dir=str(tmp_path / "fresh"))
    _index(fresh, [seed_copy], fake_embedder)
    assert _hits(Retriever(s, embedder=fake_embedder)) == _hits(
        Retriever(fresh, embedder=fake_embedder)
    )


def test_milvus_full_build_failure_leaves_previous(tmp_path, settings, fake_embedder, monkeypatch):
    """A rebuild (here: another embedder) fails half-way: the old collections
    still answer, the half-built ones are gone."""
    from qa.embed import load_embedder
    from qa.retrieve import Retriever
    from qa.stores import milvus

    s = settings.replace(store="milvus", milvus_uri=str(tmp_path / "m.db"))
    _index(s, [SEEDS], fake_embedder)
    gen = Retriever(s, embedder=fake_embedder).store.current()
    calls = []

    def fail_on_docs(self, name, rows, what, method="upsert"):
        calls.append(name)
        if "_docs_" in name:
            raise OSError("disk full")
        return real(self, name, rows, what, method)

    real = milvus.MilvusStore._put
    monkeypatch.setattr(milvus.MilvusStore, "_put", fail_on_docs)
    with pytest.raises(OSError):
        _index(s.replace(embedder="other-fake"), [SEEDS], load_embedder("other-fake"))
    monkeypatch.undo()
    r = Retriever(s, embedder=fake_embedder)
    assert r.store.current() == gen and r.search("obus", k=3)
    assert not any(n.endswith("_g2") for n in r.store.client.list_collections())


def test_milvus_errors_are_one_line(tmp_path, settings, fake_embedder):
    from qa.retrieve import Retriever
    from qa.store import IndexError_

    s = settings.replace(store="milvus", milvus_uri=str(tmp_path / "m.db"))
    with pytest.raises(IndexError_, match="no index here yet"):
        Retriever(s, embedder=fake_embedder)
    _index(s, [SEEDS], fake_embedder)
    from tests.conftest import OtherFakeEmbedder

    with pytest.raises(IndexError_, match="built with embedder 'test/fake-hash-256'"):
        Retriever(s, embedder=OtherFakeEmbedder())
    r = Retriever(s, embedder=fake_embedder)  # its collection dropped behind its back
    r.store.client.drop_collection(r.data._names["chunks"])
    with pytest.raises(IndexError_, match="search failed") as e:
        r.search("obus de 152 mm", mode="dense")
    assert "\n" not in str(e.value)
    dead = settings.replace(store="milvus", milvus_uri="http://127.0.0.1:9", milvus_timeout=3.0)
    with pytest.raises(IndexError_) as e:
        Retriever(dead, embedder=fake_embedder)
    assert "127.0.0.1:9" in str(e.value) and "\n" not in str(e.value)


def test_milvus_filter_expressions_follow_filters_keep():
    from qa.stores.milvus import filter_expr
    from qa.types import Filters

    assert filter_expr(None) == 'dup_of == ""'
    e = filter_expr(Filters(date_from="2023-09", date_to="2023-09", source="AF%P"))
    assert 'date >= "2023-09"' in e and 'date < "2023-0:"' in e
    assert 'source_lc like "%afp%"' in e


def test_local_filter_columns_follow_filters_keep():
    """The local store's vectorised filter keeps exactly what Filters.keep keeps."""
    import random

    from qa.stores.local import LocalSnapshot
    from qa.types import Chunk, Filters

    rng = random.Random(0)
    dates = ["", "2023", "2023-09", "2023-09-05", "2023-08-31", "2022-12-01", "2024-01"]
    sources = ["", "AFP", "ATS", "Reuters/AFP", "pti", "Ça Média"]
    chunks = [
        Chunk(
            f"d#{i}", "d", i, "t", 0, 1, str(i), date=rng.choice(dates), source=rng.choice(sources)
        )
        for i in range(400)
    ]
    snap = LocalSnapshot({"embedder": {"dim": 2}}, [], chunks, {}, None, None)
    checked = 0
    for date_from in ("", "2023", "2023-09", "2023-09-05", "2022"):
        for date_to in ("", "2023", "2023-09", "2023-08-31", "2024"):
            for source in ("", "afp", "A", "ça", "x"):
                f = Filters(date_from, date_to, source)
                if f:
                    want = [f.keep(c.date, c.source) for c in chunks]
                    assert snap._allowed(f).tolist() == want, f
                    checked += sum(want)
    assert checked > 1000  # the filters keep something, not only nothing


def test_a_milvus_lite_file_gets_a_second_connection_try(monkeypatch):
    from qa.stores import milvus

    monkeypatch.setattr(milvus.time, "sleep", lambda s: None)
    calls = []

    class Flaky:
        def __init__(self, uri, token, timeout):
            calls.append(uri)
            if len(calls) == 1:
                raise RuntimeError("Fail connecting to server on unix:/tmp/x.sock")

    assert isinstance(milvus._connect(Flaky, "/tmp/qa.db", "", 1.0), Flaky)
    assert calls == ["/tmp/qa.db", "/tmp/qa.db"]
    calls.clear()
    with pytest.raises(RuntimeError):  # a server URI: its errors are the user's to see
        milvus._connect(Flaky, "http://localhost:19530", "", 1.0)
    assert calls == ["http://localhost:19530"]


def test_a_milvus_index_of_an_older_format_is_refused_then_rebuilt(
    tmp_path, seed_copy, settings, fake_embedder
):
    from qa.retrieve import Retriever
    from qa.store import IndexError_
    from qa.stores import open_store

    s = settings.replace(store="milvus", milvus_uri=str(tmp_path / "m.db"))
    _index(s, [seed_copy], fake_embedder)
    st = open_store(s)
    cur = st._current()
    st._set_current({**cur, "format_version": 1})  # written before chunks kept their context
    with pytest.raises(IndexError_, match="index format 1, this qa reads 2"):
        Retriever(s, embedder=fake_embedder)
    report = _index(s, [seed_copy], fake_embedder)
    assert "previous index was unusable: rebuilt from scratch" in report.notes
    r = Retriever(s, embedder=fake_embedder)
    assert any(c.context for c in r.data.chunks)  # the unnamed speakers are kept
