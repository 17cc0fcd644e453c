"""Gradio chat over the indexed articles: `python app.py` (or `make chat`).

Binds 127.0.0.1 unless QA_HOST says otherwise; the port comes from
GRADIO_SERVER_PORT (default 7860), the index from QA_INDEX_DIR (default
index/). On first start with no index it indexes seeds/ (a few seconds).
QA_AUTH=user:password asks for a login on the page and for the same
credentials on the APIs. This file only launches, with safe defaults: the
page and its logic are in qa/chat/, the APIs in qa/api/.

One process, one port: the page at /, the HTTP API at /api (OpenAPI page at
/api/docs), the OpenAI-compatible endpoint at /v1, the MCP tools at /mcp,
all on one ChatService (index, models, answer slots).

Gradio endpoints (gradio_client): /chat (message, history, mode, k,
date_from, date_to, source, generator, lang) -> ("", history, sources_html);
/upload (files, lang); /remove (doc_id, lang); /documents (); /evaluate (...).
"""

from __future__ import annotations

import logging
import os
import sys
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa.chat import ChatService, ensure_index  # noqa: E402
from qa.chat.layout import build_app  # noqa: E402
from qa.chat.render import CSS, HEAD  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402
from qa.reader import load_reader  # noqa: E402


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """QA_AUTH=user:password -> ("user", "password"); empty -> no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("QA_AUTH must look like user:password")
    return user, password


def launch_kwargs(settings: Settings) -> dict:
    """Safe defaults: loopback, upload size limit, no extra paths served."""
    from pathlib import Path

    return dict(
        server_name=settings.host,
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        auth=parse_auth(os.environ.get("QA_AUTH")),
        css=CSS,
        head=HEAD,
        show_error=False,
        max_file_size=f"{settings.max_upload_mb}mb",
        allowed_paths=[],
        blocked_paths=[str(Path(settings.index_dir).resolve())],
    )


def build_server(settings: Settings, kwargs: dict):
    """The APIs (qa/api/) with the page mounted at / on the same ChatService."""
    import gradio as gr

    from qa.api import create_api

    service = ChatService(settings)
    demo = build_app(settings, service)
    # the page's queue has as many workers as the service has answer slots;
    # the APIs take the same slots (qa/chat/service.py, docs/ops.md)
    slots = settings.answer_slots
    demo.queue(default_concurrency_limit=slots, max_size=64)
    # the limit the queue really has (bench/load_test.py overrides it to
    # compare settings): the APIs follow it; None means unlimited
    limit = getattr(getattr(demo, "_queue", None), "default_concurrency_limit", slots)
    if limit != slots:
        service.slots = threading.BoundedSemaphore(limit or 1024)
    api = create_api(service, auth=kwargs["auth"])
    return gr.mount_gradio_app(api, demo, path="/", **kwargs)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
        kwargs = launch_kwargs(settings)
        ensure_index(settings)
        # load the answer reader now (~2 s): a bad QA_READER stops here with
        # one line, and the first question does not wait for it
        load_reader(settings.reader)
    except Exception as e:  # one line, not a traceback
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    import uvicorn

    server = build_server(settings, kwargs)
    host, port = kwargs["server_name"], kwargs["server_port"]
    print(f"* Running on http://{host}:{port} (API: /api/docs, /v1, /mcp)", flush=True)
    uvicorn.run(server, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
