"""The door of /api, /v1 and /mcp: the login and the size of what comes in.

One ASGI middleware in front of the three, so no route can forget either
check. The page (everything else) keeps Gradio's own login form.

- Login: with QA_AUTH=user:password set, a request needs
  `Authorization: Basic base64(user:password)` (curl -u user:password) or
  `Authorization: Bearer user:password` (what OpenAI clients send as their
  API key, and what MCP clients put in a header). Without QA_AUTH, none.
- Size: a request body above the limit is refused with 413 before a route
  reads it, whether it says its length (Content-Length) or streams it
  (chunked: read up to the limit, then replayed to the route).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json

PREFIXES = ("/api", "/v1", "/mcp")
# JSON requests (questions, conversations, MCP calls): a long conversation is
# tens of kilobytes; a megabyte is a mistake or an attack.
MAX_BODY_BYTES = 1024 * 1024
# An upload's form around its file(s): boundaries, headers, field names.
FORM_OVERHEAD_BYTES = 1024 * 1024
UPLOAD_PATH = "/api/documents"


def credentials_ok(header: str, expected: str) -> bool:
    """Does an Authorization header carry `expected` ("user:password")?"""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.encode(), expected.encode())


def error_body(
    path: str, message: str, code: str | None = None, kind: str = "invalid_request_error"
) -> bytes:
    """{"error": "..."}; under /v1 the OpenAI shape its clients read."""
    if path.startswith("/v1"):
        body = {"error": {"message": message, "type": kind, "code": code}}
    else:
        body = {"error": message}
    return json.dumps(body).encode()


class Guard:
    """ASGI middleware: login (when `auth` is set) and body size on PREFIXES."""

    def __init__(self, app, auth: tuple[str, str] | None, max_upload_mb: int):
        self.app = app
        self.expected = f"{auth[0]}:{auth[1]}" if auth else None
        self.upload_limit = max_upload_mb * 1024 * 1024 + FORM_OVERHEAD_BYTES

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not any(
            path == p or path.startswith(p + "/") for p in PREFIXES
        ):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.expected and not credentials_ok(headers.get("authorization", ""), self.expected):
            return await _reply(
                send,
                path,
                401,
                "login required: send Authorization: Bearer user:password, or basic auth",
                "invalid_api_key",
                [(b"www-authenticate", b'Basic realm="qa-news"')],
            )
        limit = self.upload_limit if path.startswith(UPLOAD_PATH) else MAX_BODY_BYTES
        too_big = f"request body too large (limit {limit // 1024} KB)"
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await _reply(send, path, 413, too_big, "body_too_large")
            return await self.app(scope, receive, send)
        if scope.get("method") in ("GET", "HEAD", "DELETE", "OPTIONS"):
            return await self.app(scope, receive, send)
        # chunked: read it all (up to the limit), then hand it on
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            if size > limit:
                return await _reply(send, path, 413, too_big, "body_too_large")
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


async def _reply(send, path: str, status: int, message: str, code: str, extra=()) -> None:
    body = error_body(path, message, code)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + list(extra)})
    await send({"type": "http.response.body", "body": body})
