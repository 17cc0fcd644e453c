"""Gradio chat over the indexed articles: `python app.py` (or `make chat`).

Binds 127.0.0.1 unless QA_HOST says otherwise; the port comes from
GRADIO_SERVER_PORT (default 7860), the index from QA_INDEX_DIR (default
index/). On first start with no index it indexes seeds/ (a few seconds).
QA_AUTH=user:password asks for a login. This file only launches the page
with safe defaults: the page and its logic are in qa/chat/.

API endpoints (gradio_client): /chat (message, history, mode, k, date_from,
date_to, source, generator, lang) -> ("", history, sources_html); /upload
(files, lang); /remove (doc_id, lang); /documents (); /evaluate (...).
"""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa.chat import ensure_index  # noqa: E402
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
    demo = build_app(settings)
    # 2 cores: one answer at a time per worker keeps latency flat; see docs/ops.md
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.launch(**kwargs)


if __name__ == "__main__":
    main()
