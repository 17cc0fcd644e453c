"""The APIs' small pure parts, without a server: the login check and the
answer cut into cited sentences for streams."""

from __future__ import annotations

import base64

from qa.api.core import pieces, stream_pieces
from qa.api.guard import credentials_ok, error_body
from qa.types import Answer


def test_credentials_basic_or_bearer():
    basic = "Basic " + base64.b64encode(b"ana:s3:cret").decode()
    assert credentials_ok(basic, "ana:s3:cret")
    assert credentials_ok("Bearer ana:s3:cret", "ana:s3:cret")
    assert credentials_ok("bearer  ana:s3:cret ", "ana:s3:cret")
    for bad in ("", "Bearer", "Bearer ana:wrong", "Basic %%%", "Token ana:s3:cret", "ana:s3:cret"):
        assert not credentials_ok(bad, "ana:s3:cret"), bad
    assert not credentials_ok("Basic " + base64.b64encode(b"\xff\xfe").decode(), "ana:s3:cret")


def test_error_bodies_are_one_line_json_in_each_shape():
    assert error_body("/api/ask", "the question is empty") == b'{"error": "the question is empty"}'
    assert b'"message": "x", "type": "invalid_request_error"' in error_body("/v1/models", "x")


def test_pieces_end_at_each_citation():
    text = "152 mm — A [1] B. [2] C [3]"
    assert pieces(text) == ["152 mm — A [1]", " B. [2]", " C [3]"]
    assert pieces("Rien trouvé.") == ["Rien trouvé."]
    assert pieces("") == [""]


def test_stream_pieces_add_up_to_the_final_answer():
    def ans(text):
        return Answer(question="q", answer=text, abstained=False)

    steps = [(ans("A [1]"), False), (ans("A [1] B [2]"), False), (ans("A [1] B [2] C [1]"), True)]
    out = list(stream_pieces(iter(steps)))
    assert [p for p, final in out if final is None] == ["A [1]", " B [2]", " C [1]"]
    assert out[-1][1].answer == "A [1] B [2] C [1]"
    # a final answer alone (a follow-up waits for it) is still sent sentence by sentence
    out = list(stream_pieces(iter([(ans("A [1] B [2]"), True)])))
    assert [p for p, _ in out] == ["A [1]", " B [2]", ""]
