"""The chat function behind app.py, with the real default embedder."""

import pytest

from qa.chat import ChatService

pytestmark = pytest.mark.slow

Q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"


def test_respond_renders_answer_and_sources(real_settings):
    reply = ChatService(real_settings).respond(Q)
    assert not reply.error
    assert "152 mm" in reply.markdown and 'href="#qa-src-1"' in reply.markdown
    html = reply.sources_html
    assert 'id="qa-src-1"' in html and "000_083c620a5da298f5.txt" in html
    assert '<mark class="qa-support">' in html and "152 mm" in html.split("qa-support")[1]
    assert "autres passages" in html  # uncited hits are folded away, not mixed in


def test_empty_question_is_a_message_not_a_traceback(real_settings):
    reply = ChatService(real_settings).respond("   ")
    assert reply.error == "the question is empty" and reply.sources_html == ""


def test_gradio_handler(real_settings):
    import app

    demo = app.build_app(real_settings)
    fn = next(d.fn for d in demo.fns.values() if d.api_name == "chat")
    msg, history, sources = fn(Q, [], "hybrid", 5)
    assert msg == "" and history[-1]["role"] == "assistant" and "152 mm" in history[-1]["content"]
    assert "qa-src-1" in sources
