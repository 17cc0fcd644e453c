"""An OpenAI-compatible chat endpoint: the corpus as a "model" that any OpenAI
client or chat front-end (Open WebUI, ...) can talk to.

- GET /v1/models lists one model, MODEL_ID.
- POST /v1/chat/completions, streaming or not. The last user message is the
  question; the earlier user and assistant turns feed the chat's follow-up
  resolution. The answer text carries the [n] markers.
- The sources go in two extra top-level fields that OpenAI clients keep
  (`completion.citations`, or `model_extra["citations"]`): `citations`, the
  cited passages as `qa ask --json` gives them (n, doc_id, chunk_id, text,
  date, source, sentence, span...), and `qa` (abstained, span, query,
  confidence, language). Streamed, each chunk carries one cited sentence
  and the final chunk (finish_reason "stop") carries both fields.
- Extra request fields (`extra_body` in the openai package) choose the
  search: mode, k, date_from, date_to, source, lang. Sampling fields
  (temperature, max_tokens, ...) are accepted and ignored: answers are
  extracted, not sampled.

Errors use OpenAI's shape, {"error": {"message", "type", "code"}}, which its
clients turn into exceptions (handlers in __init__.py).
"""

from __future__ import annotations

import json
import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from ..chat.service import ChatService
from ..types import Answer
from . import core
from .core import ApiError, Options

MODEL_ID = "qa-news"
CREATED = int(time.time())


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list | None = None  # a string, or a list of {"type": "text", "text"} parts


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, ...: ignored

    model: str = MODEL_ID
    messages: list[Message] = Field(..., min_length=1)
    stream: bool = False
    # the search, as in /api/ask (extra_body={...} in the openai package)
    mode: str | None = None
    k: int | None = None
    date_from: str = ""
    date_to: str = ""
    source: str = ""
    lang: str = "fr"


def make_router(service: ChatService) -> APIRouter:
    r = APIRouter(prefix="/v1")

    @r.get("/models", summary="The one model: the indexed corpus")
    def models() -> dict:
        return {"object": "list", "data": [_model()]}

    @r.get("/models/{model_id}", include_in_schema=False)
    def model(model_id: str) -> dict:
        if model_id != MODEL_ID:
            raise ApiError(f"no model {model_id!r}; the one model is {MODEL_ID!r}", 404)
        return _model()

    @r.post("/chat/completions", summary="Answer the last user message, with citations")
    def completions(req: CompletionRequest):
        if req.model != MODEL_ID:
            raise ApiError(f"no model {req.model!r}; the one model is {MODEL_ID!r}", 404)
        last = req.messages[-1]
        if last.role != "user":
            raise ApiError("the last message must be the user's question")
        history = [
            {"role": m.role, "content": _text(m.content)}
            for m in req.messages[:-1]
            if m.role in ("user", "assistant")
        ]
        opts = Options(req.mode, req.k, req.date_from, req.date_to, req.source, req.lang)
        answers = core.ask_stream(service, _text(last.content), history, opts)
        cid = f"chatcmpl-{uuid.uuid4().hex}"
        if req.stream:
            return StreamingResponse(_chunks(answers, cid), media_type="text/event-stream")
        ans = None
        for ans, _final in answers:
            pass
        return {
            "id": cid,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ans.answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **_extras(ans),
        }

    @r.api_route("/{rest:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False)
    def unknown(rest: str, request: Request):
        raise ApiError(f"no such endpoint: {request.method} /v1/{rest}", 404)

    return r


def _text(content) -> str:
    """A message's text: a string, or the text parts of a list of parts."""
    if isinstance(content, list):
        parts = [p for p in content if isinstance(p, dict) and p.get("type") == "text"]
        return " ".join(str(p.get("text", "")) for p in parts)
    return content or ""


def _model() -> dict:
    return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "qa-news"}


def _extras(ans: Answer) -> dict:
    d = ans.to_dict()
    return {
        "citations": d["citations"],
        "qa": {
            "abstained": d["abstained"],
            "span": d["span"],
            "query": d.get("query", ans.question),
            "confidence": d["confidence"],
            "language": d["language"],
        },
    }


def _chunks(answers, cid: str):
    """chat.completion.chunk events: the role, one cited sentence each, then
    the final chunk with the citations, then [DONE]."""
    created = int(time.time())

    def chunk(delta: dict, finish=None, **extra) -> str:
        body = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for piece, final in core.stream_pieces(answers):
            if final is None:
                yield chunk({"content": piece})
            else:
                yield chunk({}, "stop", **_extras(final))
    except ApiError as e:  # too late for a status code: an error event, as OpenAI sends
        err = {"message": str(e), "type": "server_error", "code": None}
        yield f"data: {json.dumps({'error': err})}\n\n"
    yield "data: [DONE]\n\n"
