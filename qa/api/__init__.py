"""The app's doors for code: a plain HTTP API (/api, OpenAPI page at
/api/docs), an OpenAI-compatible endpoint (/v1) and MCP tools (/mcp), all in
the process that serves the chat page, on the same `ChatService`.

- core.py: what the three ask of the service, input checked once for all.
- http.py: /api/search, /api/ask (JSON or server-sent events),
  /api/documents, /api/health.
- openai_compat.py: /v1/chat/completions, /v1/models.
- mcp_tools.py: the MCP tools search_articles, ask, list_documents.
- guard.py: the login (QA_AUTH) and the request size, in front of all three.

`create_api` builds the FastAPI app; app.py mounts the Gradio page on it
(`gr.mount_gradio_app`), so the page keeps every path these do not take.
Like the chat's logic, nothing here imports gradio.
"""

from __future__ import annotations

import contextlib
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..chat.service import ChatService
from .core import ApiError
from .guard import Guard, error_body

log = logging.getLogger(__name__)

__all__ = ["ApiError", "create_api"]


def create_api(service: ChatService, auth: tuple[str, str] | None = None) -> FastAPI:
    """FastAPI app with /api, /v1 and /mcp on `service`; `auth` (user, password)
    protects the three (guard.py)."""
    from . import http, openai_compat
    from .mcp_tools import make_mcp

    mcp = make_mcp(service, service.settings.host)
    mcp_app = mcp.streamable_http_app()  # creates the session manager the lifespan runs

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async with mcp.session_manager.run():
            yield

    app = FastAPI(
        title="qa-news",
        summary="Cited answers from a folder of news articles",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.include_router(http.make_router(service))
    app.include_router(openai_compat.make_router(service))
    app.router.routes.extend(mcp_app.routes)  # exactly /mcp, before the page's catch-all
    app.add_middleware(Guard, auth=auth, max_upload_mb=service.settings.max_upload_mb)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError):
        return _error(request, e.status, str(e), "invalid_request_error")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError):
        return _error(request, 422, _validation_line(e), "invalid_request_error")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException):
        detail = str(e.detail)
        if detail == "There was an error parsing the body":  # e.g. bytes that are not UTF-8
            detail = "the request body is not valid JSON in UTF-8"
        return _error(request, e.status_code, detail, "invalid_request_error")

    from ..store import IndexError_

    # its own handler, not the catch-all below: Starlette re-raises what the
    # catch-all handles, and the log would get a traceback for a known state
    @app.exception_handler(IndexError_)
    async def index_error(request: Request, e: IndexError_):
        # missing, corrupt, busy or built by another embedder: the index, not the request
        line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return _error(request, 503, line, "server_error")

    @app.exception_handler(Exception)
    async def crash(request: Request, e: Exception):
        line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        log.exception("API request failed: %s", request.url.path)
        return _error(request, 500, f"internal error: {line}", "server_error")

    return app


def _error(request: Request, status: int, message: str, kind: str) -> JSONResponse:
    import json

    line = (message.strip().splitlines() or ["error"])[0]
    body = json.loads(error_body(request.url.path, line, kind=kind))
    return JSONResponse(body, status_code=status)


def _validation_line(e: RequestValidationError) -> str:
    """Pydantic's list of errors -> "body.k: Input should be a valid integer"."""
    errs = e.errors()
    if not errs:
        return "invalid request"
    first = errs[0]
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") or "body"
    more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"
