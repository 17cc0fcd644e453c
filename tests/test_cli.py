"""The `qa` command through main(argv): contracts of design.md (fake embedder)."""

import json

import pytest

from qa.cli import main


@pytest.fixture
def idx(settings, seed_copy, monkeypatch, capsys):
    monkeypatch.setenv("QA_EMBEDDER", "fake")
    monkeypatch.setenv("QA_INDEX_DIR", settings.index_dir)
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 added" in out
    return settings.index_dir


def test_search_json(idx, capsys):
    assert main(["search", "Holmenkollen Oslo", "--json", "--k", "2", "--mode", "bm25"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["query"] == "Holmenkollen Oslo" and len(d["hits"]) == 2
    h = d["hits"][0]
    assert {"doc_id", "chunk_id", "score", "text"} <= set(h)
    assert h["doc_id"] == "000_083c620a5da298f5.txt" and "Holmenkollen" in h["text"]


def test_search_and_ask_queries_file(idx, tmp_path, capsys):
    q = tmp_path / "q.jsonl"
    q.write_text(
        '{"id": "a", "question": "Stoltenberg Vilnius"}\n{"id": "b", "question": "Kirby"}\n'
    )
    assert main(["search", "--queries", str(q), "--k", "2"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"] and len(lines[0]["hits"]) == 2
    assert lines[0]["hits"][0]["doc_id"] == "004_46166f39458f7f75.txt"
    assert main(["ask", "--queries", str(q), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert all({"question", "answer", "abstained", "citations"} <= set(x) for x in lines)


def test_filters(idx, capsys):
    assert main(["search", "munitions", "--json", "--k", "20", "--source", "ats"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and {h["doc_id"] for h in hits} == {"004_46166f39458f7f75.txt"}
    assert (
        main(
            [
                "search",
                "munitions",
                "--json",
                "--date-from",
                "2023-08-01",
                "--date-to",
                "2023-08-31",
            ]
        )
        == 0
    )
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert {h["doc_id"] for h in hits} == {"003_4b0051bde1c53c49.txt"}


def test_remove_and_info(idx, capsys):
    assert main(["remove", "000_083c620a5da298f5.txt"]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert main(["info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["counts"]["documents"] == 4


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["index", "/no/such/dir"], "no such file"),
        (["ask", "   "], "question is empty"),
        (["ask", "x" * 5000], "limit is"),
        (["search", "--queries", "/no/q.jsonl"], "no such file"),
    ],
)
def test_bad_input_one_line(idx, capsys, argv, msg):
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert msg in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_corrupt_index_and_wrong_embedder(idx, capsys, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDER", "other-fake")
    assert main(["search", "Kim"]) == 1
    assert "built with embedder" in capsys.readouterr().err
    monkeypatch.setenv("QA_EMBEDDER", "fake")
    from qa.store import Path, current_generation

    (Path(idx) / current_generation(idx) / "manifest.json").write_text("{trunc")
    assert main(["ask", "Kim"]) == 1
    err = capsys.readouterr().err
    assert "manifest.json" in err and "qa index" in err


def test_missing_index(tmp_path, capsys, fake_embedder):
    assert main(["search", "Kim", "--index-dir", str(tmp_path / "none")]) == 1
    assert "run `qa index` first" in capsys.readouterr().err
