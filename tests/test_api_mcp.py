"""The MCP tools (/mcp) of the running app, through the `mcp` package's client:
the tools listed with their schemas, each one called, a follow-up, an
abstention, bad input as tool errors, QA_AUTH. And the same question through
every door (the page's /chat, /api/ask, /v1, MCP `ask`) gives the same answer
and citations."""

from __future__ import annotations

import asyncio
import html
import json
import re

import httpx
import pytest

from .conftest import UNANSWERABLE, Q

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(start_app):
    app = start_app()
    yield app
    app.proc.terminate()


def with_session(app, work, headers: dict | None = None):
    """Run `await work(session)` in an MCP client session with the app."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def main():
        # no proxy from the environment: the app is on loopback
        async with httpx.AsyncClient(headers=headers, timeout=120, trust_env=False) as http:
            async with streamable_http_client(f"{app.url}mcp", http_client=http) as (r, w, _):
                async with ClientSession(r, w) as session:
                    await session.initialize()
                    return await work(session)

    return asyncio.run(asyncio.wait_for(main(), 300))


def call(app, tool: str, args: dict, headers: dict | None = None):
    async def work(session):
        return await session.call_tool(tool, args)

    return with_session(app, work, headers)


def result(res) -> dict:
    """A tool's structured result, checked against its text form."""
    assert not res.isError, res.content
    assert json.loads(res.content[0].text) == res.structuredContent
    return res.structuredContent


def test_tools_are_listed_with_typed_parameters_and_docstrings(app):
    async def work(session):
        return (await session.list_tools()).tools

    tools = {t.name: t for t in with_session(app, work)}
    assert set(tools) == {"search_articles", "ask", "list_documents"}
    for t in tools.values():
        assert "Returns" in t.description, t.name  # says what comes back
    ask = tools["ask"].inputSchema
    assert ask["required"] == ["question"]
    assert ask["properties"]["question"]["type"] == "string"
    assert "follow-up" in ask["properties"]["history"]["description"]
    search = tools["search_articles"].inputSchema["properties"]
    assert {"query", "k", "mode", "date_from", "date_to", "source"} <= set(search)


def test_ask_gives_a_cited_answer(app):
    d = result(call(app, "ask", {"question": Q}))
    assert d["span"] == "152 mm" and d["answer"].startswith("152 mm — ") and not d["abstained"]
    c1 = d["citations"][0]
    assert c1["n"] == 1 and c1["doc_id"] == "000_083c620a5da298f5.txt"
    assert c1["text"][c1["start"] : c1["end"]] == "152 mm" and c1["sentence"] in c1["text"]


def test_search_articles_and_list_documents(app):
    d = result(call(app, "search_articles", {"query": "Kim Jong Un Poutine", "k": 3}))
    assert d["query"] == "Kim Jong Un Poutine" and len(d["hits"]) == 3
    assert {"doc_id", "chunk_id", "score", "text"} <= set(d["hits"][0])
    docs = result(call(app, "list_documents", {}))["documents"]
    assert len(docs) == 5 and {"doc_id", "title", "date", "source", "passages"} <= set(docs[0])
    assert {h["doc_id"] for h in d["hits"]} <= {x["doc_id"] for x in docs}


def test_a_follow_up_and_an_abstention(app):
    first = "Que fournit la Corée du Nord à la Russie ?"
    before = result(call(app, "ask", {"question": first}))
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": before["answer"]},
    ]
    d = result(call(app, "ask", {"question": "Et l'Iran ?", "history": history}))
    assert d["query"] == "Que fournit l'Iran à la Russie ?" and "drones" in d["answer"]
    none = result(call(app, "ask", {"question": UNANSWERABLE}))
    assert none["abstained"] and none["citations"] == []


def test_bad_input_is_a_tool_error(app):
    for tool, args, words in (
        ("ask", {"question": "  "}, "the question is empty"),
        ("ask", {"question": Q, "mode": "magic"}, "unknown mode 'magic'"),
        ("search_articles", {"query": "obus", "date_to": "hier"}, "unreadable date"),
        ("ask", {"question": Q, "k": "many"}, "k"),
        ("ask", {}, "question"),
    ):
        res = call(app, tool, args)
        assert res.isError, (tool, args)
        text = res.content[0].text
        assert words in text and "Traceback" not in text


def test_with_qa_auth_the_tools_need_the_header(start_app):
    app = start_app(QA_AUTH="ana:s3cret")
    try:
        r = httpx.post(f"{app.url}mcp", json={}, trust_env=False, timeout=30)
        assert r.status_code == 401 and r.json() == {
            "error": "login required: send Authorization: Bearer user:password, or basic auth"
        }
        with pytest.raises(Exception):  # noqa: B017 - the client's refusal, whatever its type
            call(app, "list_documents", {})
        ok = {"Authorization": "Bearer ana:s3cret"}
        assert len(result(call(app, "list_documents", {}, ok))["documents"]) == 5
    finally:
        app.proc.terminate()


def _chat_page(app) -> tuple[str, dict[int, str], str]:
    """(answer text, {n: doc_id}, sources text) from the page's /chat endpoint."""
    from gradio_client import Client

    _, history, sources = Client(app.url, verbose=False).predict(Q, [], api_name="/chat")
    content = history[-1]["content"]
    if isinstance(content, list):
        content = " ".join(c.get("text", "") for c in content)
    text = html.unescape(re.sub(r"<[^>]+>", "", content))
    cited = {}
    for box in sources.split('<div class="qa-passage qa-cited"')[1:]:
        box = box.split("<details")[0]
        doc = re.search(r'class="qa-file"[^>]*>([^<]+)<', box)[1]
        for n in re.findall(r'<span class="qa-n">\[(\d+)\]</span>', box):
            cited[int(n)] = html.unescape(doc)
    plain = html.unescape(re.sub(r"<[^>]+>", "", sources))
    return text, cited, plain


def test_the_same_question_gets_the_same_answer_through_every_door(app):
    import openai

    page_text, page_cited, page_sources = _chat_page(app)
    with httpx.Client(base_url=app.url, timeout=120, trust_env=False) as http:
        api = http.post("/api/ask", json={"question": Q}).json()
    v1 = openai.OpenAI(
        base_url=f"{app.url}v1", api_key="x", http_client=httpx.Client(trust_env=False)
    ).chat.completions.create(model="qa-news", messages=[{"role": "user", "content": Q}])
    tool = result(call(app, "ask", {"question": Q}))

    assert api["answer"] == page_text == v1.choices[0].message.content == tool["answer"]
    assert api["citations"] == v1.citations == tool["citations"]
    assert api["span"] == v1.qa["span"] == tool["span"] == "152 mm"
    assert {c["n"]: c["doc_id"] for c in api["citations"]} == page_cited
    for c in api["citations"]:  # the page highlights the very sentences the APIs cite
        assert " ".join(c["sentence"].split()) in " ".join(page_sources.split())


def test_concurrent_clients_on_every_door_share_the_answer_slots(app):
    """Two clients per door at once: no errors, no answer changed by the others
    (the full load test, 20 users, is bench/load_test.py's job)."""
    from concurrent.futures import ThreadPoolExecutor

    import openai

    def page():
        return _chat_page(app)[0]

    def api():
        with httpx.Client(base_url=app.url, timeout=300, trust_env=False) as http:
            return http.post("/api/ask", json={"question": Q}).json()["answer"]

    def v1():
        client = openai.OpenAI(
            base_url=f"{app.url}v1", api_key="x", http_client=httpx.Client(trust_env=False)
        )
        chunks = client.chat.completions.create(
            model="qa-news", messages=[{"role": "user", "content": Q}], stream=True, timeout=300
        )
        return "".join(ch.choices[0].delta.content or "" for ch in chunks)

    def tool():
        return result(call(app, "ask", {"question": Q}))["answer"]

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(fn) for fn in (page, api, v1, tool) * 2]
        answers = [f.result(timeout=600) for f in futures]
    assert len(set(answers)) == 1 and answers[0].startswith("152 mm — ")
