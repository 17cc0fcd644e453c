"""The plain HTTP API under /api: search, ask (JSON or server-sent events),
documents, health. Its OpenAPI page is /api/docs.

Shapes are the CLI's: /api/search returns `qa search --json`'s, /api/ask
`qa ask --json`'s, so scripts move between the two without change. Bad
input is a 4xx with one line, {"error": "..."} (handlers in __init__.py).

Routes are plain `def`s: FastAPI runs them in its thread pool, so a
question being answered never blocks the event loop serving the page.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from ..chat.documents import UPLOAD_TYPES, UploadRefused
from ..chat.service import ChatService
from . import core
from .core import ApiError, Options


class Turn(BaseModel):
    """One earlier message of the conversation."""

    role: Literal["user", "assistant", "system"]
    content: str


class SearchOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k: int | None = Field(None, description=f"passages (1..{core.MAX_K}; default QA_K, 5)")
    mode: str | None = Field(None, description="hybrid, dense, bm25 (or rerank); default QA_MODE")
    date_from: str = Field("", description="keep articles dated on/after: YYYY[-MM[-DD]]")
    date_to: str = Field("", description="keep articles dated on/before")
    source: str = Field("", description="keep articles whose source/agency contains this")

    def options(self, lang: str = "fr") -> Options:
        return Options(self.mode, self.k, self.date_from, self.date_to, self.source, lang)


class SearchRequest(SearchOptions):
    query: str = Field(..., description="what to search for")


class AskRequest(SearchOptions):
    question: str = Field(..., description="the question, French or English")
    history: list[Turn] = Field(
        default_factory=list,
        description="earlier turns, oldest first: a follow-up ('Et l'Iran ?') is resolved "
        "against them, and does not repeat the previous answer",
    )
    stream: bool = Field(False, description="server-sent events: one per cited sentence, then all")
    lang: Literal["fr", "en"] = Field("fr", description="language of the app's own messages")


def make_router(service: ChatService) -> APIRouter:
    r = APIRouter(prefix="/api")

    @r.post("/search", summary="Passages for a query (the shape of `qa search --json`)")
    def search(req: SearchRequest) -> dict:
        return core.search(service, req.query, req.options())

    @r.post(
        "/ask",
        summary="A cited answer (the shape of `qa ask --json`), or its stream",
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    def ask(req: AskRequest):
        """With `"stream": true`, server-sent events: `sentence` events
        ({"text": the next cited sentence, with its [n]}), whose texts add up to
        the answer, then one `answer` event holding what the JSON reply holds
        (answer, span, abstained, citations, ...)."""
        history = [t.model_dump() for t in req.history]
        answers = core.ask_stream(service, req.question, history, req.options(req.lang))
        if not req.stream:
            last = None
            for last, _final in answers:
                pass
            return last.to_dict()
        return StreamingResponse(_events(answers), media_type="text/event-stream")

    @r.get("/documents", summary="The indexed documents")
    def documents() -> dict:
        return {"documents": core.documents(service)}

    @r.post("/documents", summary="Add (or update) articles: .txt .md .html .jsonl")
    def upload(files: list[UploadFile] = File(..., description="one or more articles")) -> dict:
        """Indexed incrementally, like the page's uploads (into `<index>/uploads/`).
        A file that cannot be read (binary, undecodable, empty) is listed under
        `failed`; when none could be indexed the reply is a 422."""
        limit = service.settings.max_upload_mb
        with tempfile.TemporaryDirectory(prefix="qa-upload-") as tmp:
            paths = []
            for f in files:
                name = Path(f.filename or "").name or "document"  # no folders
                if Path(name).suffix.lower() not in UPLOAD_TYPES:
                    raise ApiError(
                        f"{f.filename}: unsupported file type; send {', '.join(UPLOAD_TYPES)}", 415
                    )
                path = Path(tmp) / name
                with open(path, "wb") as out:
                    shutil.copyfileobj(f.file, out)
                if path.stat().st_size > limit * 1024 * 1024:
                    raise ApiError(f"{f.filename}: larger than the {limit} MB limit", 413)
                paths.append(path)
            try:
                report = service.add_files(paths, lang="en")
            except UploadRefused as e:
                raise ApiError(str(e), 422) from None
        failed = [{"file": Path(f).name, "error": why} for f, why in report.failed]
        if failed and not (report.added or report.changed or report.unchanged):
            raise ApiError("; ".join(x["error"] for x in failed), 422)
        return {
            "added": report.added,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "failed": failed,
            "documents": len(service.documents()),
            "chunks": service.n_chunks(),
        }

    @r.delete("/documents/{doc_id:path}", summary="Remove one document")
    def remove(doc_id: str) -> dict:
        if doc_id not in {d["doc_id"] for d in service.documents()}:
            raise ApiError(f"no document {doc_id!r} in the index", 404)
        msg = service.remove(doc_id, lang="en")
        if msg.startswith("⚠️"):  # e.g. it is the last one: an index keeps one
            raise ApiError(msg.removeprefix("⚠️").strip(), 409)
        return {"removed": doc_id, "documents": len(service.documents())}

    @r.get("/health", summary="The live index: generation, documents, chunks, embedder")
    def health() -> dict:
        return core.health(service)

    @r.api_route(
        "/{rest:path}",
        methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
        include_in_schema=False,
    )
    def unknown(rest: str, request: Request):
        raise ApiError(f"no such endpoint: {request.method} /api/{rest}", 404)

    return r


def _events(answers):
    """Server-sent events for an answer stream (see `ask`)."""
    try:
        for piece, final in core.stream_pieces(answers):
            if final is None:
                yield _event("sentence", {"text": piece})
            else:
                yield _event("answer", final.to_dict())
    except ApiError as e:  # too late for a status code: the stream says it
        yield _event("error", {"error": str(e)})


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
