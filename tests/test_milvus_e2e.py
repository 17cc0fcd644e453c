"""The product on Milvus with the real models: the same cited answer as the
local index, the seed sets' MRR@10 within 0.01, and the chat (app.py) on it."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import QUESTIONS, SEEDS, Q

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def milvus_settings(real_settings, tmp_path_factory):
    from qa.indexer import build_index

    root = tmp_path_factory.mktemp("milvus")
    s = real_settings.replace(
        store="milvus", milvus_uri=str(root / "qa.db"), index_dir=str(root / "index")
    )
    build_index([SEEDS], s)
    return s


def _env(monkeypatch, s):
    for k in ("store", "milvus_uri", "index_dir"):
        monkeypatch.setenv(f"QA_{k.upper()}", getattr(s, k))


def test_same_cited_answer_on_both_backends(real_settings, milvus_settings, monkeypatch, capsys):
    from qa.cli import main

    answers = {}
    for s in (real_settings, milvus_settings):
        _env(monkeypatch, s)
        for q in (Q, "Qui dirige le Groupe de contact sur la défense de l'Ukraine ?"):
            assert main(["ask", q, "--json"]) == 0
            d = json.loads(capsys.readouterr().out)
            answers.setdefault(s.store, []).append(
                (d["answer"], d["span"], [c["chunk_id"] for c in d["citations"]])
            )
    assert answers["local"][0][1] == "152 mm"
    assert answers["milvus"] == answers["local"]


def test_seed_sets_rank_alike(real_settings, milvus_settings):
    """MRR@10 (article and passage) of each mode on the development and test
    sets, within 0.01."""
    from qa.eval.runner import evaluate

    for qs in (QUESTIONS, QUESTIONS.parent / "test_questions.jsonl"):
        got = {}
        for s in (real_settings, milvus_settings):
            rep = evaluate(str(qs), s, modes=["dense", "bm25", "hybrid"])
            got[s.store] = {
                (m, key): r[key]
                for m, r in rep["modes"].items()
                for key in ("MRR@10", "chunk_MRR@10")
            }
        assert len(got["local"]) == 6 and got["local"][("hybrid", "MRR@10")] > 0.5
        for key, mrr in got["local"].items():
            assert abs(got["milvus"][key] - mrr) <= 0.01, (qs.name, key, got)


def test_the_chat_runs_on_milvus(start_app, tmp_path):
    """app.py with QA_STORE=milvus indexes the seeds into Milvus on first start
    and answers from it."""
    app = start_app(QA_STORE="milvus", QA_MILVUS_URI=str(tmp_path / "chat.db"))
    with httpx.Client(base_url=app.url, timeout=120, trust_env=False) as http:
        h = http.get("/api/health").json()
        assert h["generation"].startswith("milvus-") and h["documents"] == 5
        d = http.post("/api/ask", json={"question": Q}).json()
        assert d["span"] == "152 mm" and not d["abstained"]
        c1 = d["citations"][0]
        assert c1["text"][c1["start"] : c1["end"]] == "152 mm"
        docs = http.get("/api/documents").json()
        assert len(docs["documents"] if isinstance(docs, dict) else docs) == 5
    app.proc.terminate()
    app.proc.wait(timeout=30)
    assert "indexing" in app.log.read_text()  # it built the Milvus index itself
