"""The OpenAI-compatible endpoint (/v1) of the running app, through the
official `openai` package: models, completions streamed and not, the
citations' extra fields, a follow-up, abstention, bad input, QA_AUTH."""

from __future__ import annotations

import openai
import pytest

from .conftest import UNANSWERABLE, Q

pytestmark = pytest.mark.slow

CITATION_KEYS = {"n", "doc_id", "chunk_id", "text", "date", "source", "sentence"}


@pytest.fixture(scope="module")
def app(start_app):
    app = start_app()
    yield app
    app.proc.terminate()


def client_for(app, api_key: str = "unused") -> openai.OpenAI:
    import httpx

    return openai.OpenAI(
        base_url=f"{app.url}v1",
        api_key=api_key,
        max_retries=0,
        timeout=120,
        http_client=httpx.Client(trust_env=False),
    )


@pytest.fixture(scope="module")
def client(app):
    return client_for(app)


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def test_models_lists_the_corpus(client):
    assert [m.id for m in client.models.list()] == ["qa-news"]
    assert client.models.retrieve("qa-news").id == "qa-news"


def test_completion_answers_with_citations(client):
    c = client.chat.completions.create(model="qa-news", messages=[user(Q)])
    assert c.object == "chat.completion" and c.choices[0].finish_reason == "stop"
    text = c.choices[0].message.content
    assert text.startswith("152 mm — ") and "[1]" in text
    assert c.qa["span"] == "152 mm" and c.qa["abstained"] is False
    assert len(c.citations) >= 1 and CITATION_KEYS <= set(c.citations[0])
    assert c.citations[0]["doc_id"] == "000_083c620a5da298f5.txt"
    assert {f"[{x['n']}]" for x in c.citations} <= {w for w in text.split() if w.startswith("[")}


def test_streaming_sends_sentences_then_the_citations(client, q_many):
    whole = client.chat.completions.create(model="qa-news", messages=[user(q_many)])
    chunks = list(
        client.chat.completions.create(model="qa-news", messages=[user(q_many)], stream=True)
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [ch.choices[0].delta.content or "" for ch in chunks]
    assert "".join(pieces) == whole.choices[0].message.content
    assert sum(1 for p in pieces if p) >= 2  # one cited sentence per chunk (q_many has two or more)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.citations == whole.citations and last.qa == whole.qa
    assert all(getattr(ch, "citations", None) is None for ch in chunks[:-1])


def test_a_follow_up_uses_the_earlier_turns(client):
    first = "Que fournit la Corée du Nord à la Russie ?"
    before = client.chat.completions.create(model="qa-news", messages=[user(first)])
    messages = [
        {"role": "system", "content": "You answer from news articles."},
        user(first),
        {"role": "assistant", "content": before.choices[0].message.content},
        user("Et l'Iran ?"),
    ]
    c = client.chat.completions.create(model="qa-news", messages=messages)
    assert c.qa["query"] == "Que fournit l'Iran à la Russie ?"
    assert "drones" in c.choices[0].message.content and c.citations
    streamed = client.chat.completions.create(model="qa-news", messages=messages, stream=True)
    chunks = list(streamed)
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == (
        c.choices[0].message.content
    )
    assert chunks[-1].citations == c.citations


def test_content_parts_are_read_as_text(client):
    c = client.chat.completions.create(
        model="qa-news", messages=[{"role": "user", "content": [{"type": "text", "text": Q}]}]
    )
    assert c.qa["span"] == "152 mm"


def test_an_unanswerable_question_abstains(client):
    c = client.chat.completions.create(model="qa-news", messages=[user(UNANSWERABLE)])
    assert c.qa["abstained"] is True and c.citations == []
    assert "pas trouvé" in c.choices[0].message.content
    chunks = list(
        client.chat.completions.create(model="qa-news", messages=[user(UNANSWERABLE)], stream=True)
    )
    assert chunks[-1].citations == [] and chunks[-1].qa["abstained"] is True


def test_search_options_go_in_extra_body(client):
    c = client.chat.completions.create(
        model="qa-news", messages=[user(Q)], extra_body={"mode": "bm25", "k": 3}
    )
    assert "152 mm" in c.choices[0].message.content
    with pytest.raises(openai.BadRequestError, match="unknown mode 'magic'"):
        client.chat.completions.create(
            model="qa-news", messages=[user(Q)], extra_body={"mode": "magic"}
        )


def test_bad_requests_raise_the_clients_errors(client):
    with pytest.raises(openai.BadRequestError, match="the question is empty"):
        client.chat.completions.create(model="qa-news", messages=[user("  ")])
    with pytest.raises(openai.BadRequestError, match="last message"):
        client.chat.completions.create(
            model="qa-news", messages=[user(Q), {"role": "assistant", "content": "152 mm"}]
        )
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="qa-news", messages=[])
    with pytest.raises(openai.NotFoundError, match="qa-news"):
        client.chat.completions.create(model="gpt-4o", messages=[user(Q)])
    with pytest.raises(openai.APIStatusError, match="too large") as e:
        client.chat.completions.create(model="qa-news", messages=[user("obus " * 300_000)])
    assert e.value.status_code == 413
    # the error body is OpenAI's shape, one line
    assert e.value.body["code"] == "body_too_large" and "\n" not in e.value.body["message"]


def test_with_qa_auth_the_api_key_is_the_login(start_app):
    app = start_app(QA_AUTH="ana:s3cret")
    try:
        with pytest.raises(openai.AuthenticationError):
            client_for(app, "wrong").models.list()
        with pytest.raises(openai.AuthenticationError):
            client_for(app, "s3cret").chat.completions.create(model="qa-news", messages=[user(Q)])
        c = client_for(app, "ana:s3cret").chat.completions.create(
            model="qa-news", messages=[user(Q)]
        )
        assert c.qa["span"] == "152 mm"
    finally:
        app.proc.terminate()
