"""The HTTP generator: streamed chat completions from any OpenAI-compatible
server (Ollama, llama.cpp's server, llama-cpp-python's, vLLM, ...). httpx
and a small server-sent-events parser rather than the `openai` package: one
dependency less, and the same code talks to every such server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .base import DEFAULT_MAX_TOKENS, GeneratorError, first_line


class OpenAIGenerator:
    """Streaming chat completions from an OpenAI-compatible server (Ollama,
    llama.cpp's server, llama-cpp-python's, vLLM, ...), over httpx with the
    server-sent events parsed here. With no model name, the server's first
    listed model is used."""

    def __init__(
        self,
        base_url: str,
        model: str = "",
        api_key: str = "",
        max_tokens: int = DEFAULT_MAX_TOKENS,
        timeout: float = 300.0,
    ):
        self.base_url = (base_url or "").rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise GeneratorError(f"QA_OPENAI_BASE_URL must be an http(s) URL, got {base_url!r}")
        self.model = model
        self.api_key = api_key
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.name = f"openai:{model or '(server default)'}@{self.base_url}"

    def _client(self):
        from urllib.parse import urlsplit

        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        host = urlsplit(self.base_url).hostname or ""
        loopback = host in ("localhost", "::1") or host.startswith("127.")
        return httpx.Client(
            timeout=httpx.Timeout(self.timeout, connect=10.0),
            headers=headers,
            trust_env=not loopback,  # a proxy from the environment never sees loopback calls
        )

    def _unreachable(self, e) -> GeneratorError:
        return GeneratorError(
            f"cannot reach the OpenAI-compatible server at {self.base_url}: {first_line(e)}"
        )

    def resolve_model(self, client) -> str:
        import httpx

        if self.model:
            return self.model
        try:
            r = client.get(self.base_url + "/models")
            r.raise_for_status()
            models = [m.get("id") for m in (r.json().get("data") or []) if m.get("id")]
        except (httpx.HTTPError, ValueError) as e:
            raise self._unreachable(e) from None
        if not models:
            raise GeneratorError(
                f"{self.base_url} lists no model: set QA_GENERATOR_MODEL (or --model)"
            )
        self.model = models[0]
        return self.model

    def stream(self, messages: list[dict]) -> Iterator[str]:
        import httpx

        url = self.base_url + "/chat/completions"
        with self._client() as client:
            body = {
                "model": self.resolve_model(client),
                "messages": messages,
                "stream": True,
                "temperature": 0,
                "max_tokens": self.max_tokens,
            }
            try:
                with client.stream("POST", url, json=body) as r:
                    if r.status_code >= 400:
                        r.read()
                        detail = " ".join(r.text.split())[:200]
                        raise GeneratorError(f"{url}: HTTP {r.status_code}: {detail}")
                    for line in r.iter_lines():
                        if not line.startswith("data:"):
                            continue
                        data = line[5:].strip()
                        if data == "[DONE]":
                            break
                        try:
                            obj = json.loads(data)
                        except ValueError:
                            raise GeneratorError(f"{url}: bad event {data[:80]!r}") from None
                        if obj.get("error"):
                            raise GeneratorError(f"{url}: {str(obj['error'])[:200]}")
                        for ch in obj.get("choices") or []:
                            delta = (ch.get("delta") or {}).get("content") or ch.get("text")
                            if delta:
                                yield delta
            except httpx.HTTPError as e:
                raise self._unreachable(e) from None
