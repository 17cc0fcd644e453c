"""What every generator shares: the `Generator` protocol the answer flow
streams from, the one error type the CLI and chat show as one line, and the
reply length. Kept apart so that the backends and the flow import it without
importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

DEFAULT_MAX_TOKENS = 200


class GeneratorError(RuntimeError):
    """A generator that cannot load or be reached; the message is one line."""


@runtime_checkable
class Generator(Protocol):
    name: str

    def stream(self, messages: list[dict]) -> Iterator[str]:
        """Text deltas of the assistant's reply to chat `messages`."""
        ...


def first_line(e: BaseException) -> str:
    s = str(e).strip()
    return s.splitlines()[0] if s else type(e).__name__
