"""MCP tools over the corpus, served by the app itself at /mcp (streamable
HTTP): `search_articles`, `ask` and `list_documents`.

In the app's process rather than a separate `qa mcp` stdio server, so an
agent shares the loaded index, models and answer slots with the page and the
other APIs, and sees uploads at once. Stateless JSON responses: every call
stands alone, nothing is kept between them. Register it with a client as a
streamable-HTTP server at http://127.0.0.1:7860/mcp (README, "Use it from
code"); with QA_AUTH set, add the header `Authorization: Bearer user:password`.

The tools run in a worker thread: an answer takes a second of CPU and must
not stall the event loop that serves the page.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from mcp.server.fastmcp import FastMCP
from pydantic import BaseModel, Field

from ..chat.service import ChatService
from . import core
from .core import ApiError, Options

INSTRUCTIONS = (
    "Questions about a folder of news articles (French and English). `ask` answers with "
    "the words that answer and the sentence that proves it, each cited [n], or says that "
    "no passage answers; `search_articles` returns passages; `list_documents` lists articles."
)

K = Annotated[int | None, Field(description=f"passages, 1..{core.MAX_K} (default 5)")]
Mode = Annotated[
    str | None, Field(description="hybrid (default), dense (meaning), bm25 (exact words)")
]
DateFrom = Annotated[str, Field(description="only articles dated on/after: YYYY[-MM[-DD]]")]
DateTo = Annotated[str, Field(description="only articles dated on/before: YYYY[-MM[-DD]]")]
Source = Annotated[str, Field(description="only articles whose source/agency contains this")]


class Turn(BaseModel):
    """An earlier message of the conversation."""

    role: Literal["user", "assistant"]
    content: str


def make_mcp(service: ChatService, host: str = "127.0.0.1") -> FastMCP:
    """The tools, bound to the app's service. Mount its `streamable_http_app()`
    routes and run its `session_manager` in the app's lifespan."""
    server = FastMCP(
        "qa-news",
        instructions=INSTRUCTIONS,
        host=host,  # loopback: the SDK also checks the Host header (DNS rebinding)
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
    )

    async def run(fn, *args):
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        except ApiError as e:  # the client sees one line, flagged isError
            raise ValueError(str(e)) from None

    @server.tool()
    async def search_articles(
        query: Annotated[str, Field(description="what to search for")],
        k: K = None,
        mode: Mode = None,
        date_from: DateFrom = "",
        date_to: DateTo = "",
        source: Source = "",
    ) -> dict[str, Any]:
        """Passages of the indexed articles for a query, best first.

        Returns {"query", "hits": [{"rank", "doc_id", "chunk_id", "score", "text",
        "title", "date", "source"}]}: the shape of `qa search --json`."""
        opts = Options(mode, k, date_from, date_to, source)
        return await run(core.search, service, query, opts)

    @server.tool()
    async def ask(
        question: Annotated[str, Field(description="the question, in French or English")],
        history: Annotated[
            list[Turn] | None,
            Field(description="earlier turns, oldest first, to resolve a follow-up"),
        ] = None,
        k: K = None,
        mode: Mode = None,
        date_from: DateFrom = "",
        date_to: DateTo = "",
        source: Source = "",
    ) -> dict[str, Any]:
        """A cited answer from the articles, or an abstention.

        Returns the shape of `qa ask --json`: "answer" (the short answer, then
        the sentence proving it, each followed by its [n]), "span" (the short
        answer or null), "abstained" (true when no passage answers; "answer"
        then says so), "confidence", and "citations": [{"n", "doc_id",
        "chunk_id", "text", "title", "date", "source", "sentence", "span"?}]."""
        turns = [t.model_dump() for t in history or []]
        opts = Options(mode, k, date_from, date_to, source)
        ans = await run(core.ask, service, question, turns, opts)
        return ans.to_dict()

    @server.tool()
    async def list_documents() -> dict[str, Any]:
        """The indexed articles.

        Returns {"documents": [{"doc_id", "title", "date", "source", "author",
        "chars", "passages"}]}; `doc_id` is what citations name."""
        return {"documents": await run(core.documents, service)}

    return server
