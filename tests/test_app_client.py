"""The running app through gradio_client: the chat endpoint, upload-then-ask, removal."""

import pytest

from .conftest import Q

pytestmark = pytest.mark.slow

ARTICLE = "\n\n".join(  # one paragraph a line, as scraped articles come
    [
        "Publié le 12 mars 2024",
        "Saint-Ours — La commune de Saint-Ours-les-Roches a inauguré samedi la passerelle des "
        "Dômes, un pont suspendu long de 340 mètres au-dessus de la vallée de la Sioule.",
        "Le chantier a duré dix-huit mois et a coûté 4,2 millions d'euros, financés pour moitié "
        "par la région. Le maire, Jeanne Fayolle, attend 80 000 visiteurs par an.",
        "/AFP\n",
    ]
)


@pytest.fixture(scope="module")
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)


def text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(c.get("text", "") for c in content)
    return content


def test_chat_endpoint_answers_with_citations_and_sources(client):
    # the short form (message, history, mode, k) still works: later inputs have defaults
    msg, history, sources = client.predict(Q, [], "hybrid", 5, api_name="/chat")
    assert msg == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    answer = text(history[-1])
    assert "152 mm" in answer and 'href="#qa-src-1"' in answer
    assert 'id="qa-src-1"' in sources and "000_083c620a5da298f5.txt" in sources
    assert '<mark class="qa-support">' in sources

    # a follow-up, with the conversation returned by the first call, and every input named
    _, history, _ = client.predict(
        "Combien ?",
        history,
        mode="hybrid",
        k=5,
        date_from="",
        date_to="",
        source="(toutes)",
        generator="extractive",
        lang="en",
        api_name="/chat",
    )
    assert len(history) == 4
    assert f"Search run: “{Q} Combien ?”" in text(history[-1])


def test_chat_endpoint_streams_the_answer(client, q_many):
    job = client.submit(q_many, [], api_name="/chat")
    job.result(timeout=120)
    answers = [text(out[1][-1]) for out in job.outputs()]
    assert len(answers) >= 3, answers  # the search, then at least one partial, then final
    assert answers[0].startswith(f"<em>Recherche : « {q_many[:20]}")
    final = answers[-1]
    for partial in answers[1:-1]:
        assert final.startswith(partial) and partial.endswith("</a>")


def test_chat_endpoint_errors_are_messages(client):
    _, history, _ = client.predict("   ", [], "hybrid", 5, api_name="/chat")
    assert history == []  # a blank submission adds nothing to the history
    _, history, _ = client.predict(Q, [], "hybrid", 5, "septembre", api_name="/chat")
    assert "AAAA-MM" in text(history[-1]) and "Traceback" not in text(history[-1])
    assert "⚠️" in text(history[-1]) and "qa-error" in text(history[-1])


def test_upload_then_ask_then_remove(client, app_server, tmp_path):
    from gradio_client import handle_file

    f = tmp_path / "passerelle.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    status, *_ = client.predict([handle_file(str(f))], "fr", api_name="/upload")
    assert status.startswith('<div class="qa-ok">✅ 1 ajouté'), status
    assert (app_server.index_dir / "uploads" / "passerelle.txt").is_file()
    docs = {row[0]: row for row in client.predict(api_name="/documents")}
    assert docs["passerelle.txt"][2:4] == ["2024-03-12", "AFP"]

    _, history, sources = client.predict(
        "Quelle est la longueur de la passerelle des Dômes ?", [], "hybrid", 5, api_name="/chat"
    )
    assert "340 mètres" in text(history[-1]) and "[1]" in text(history[-1])
    cited = sources.split('id="qa-src-1"')[1].split('id="qa-src-2"')[0]
    assert "passerelle.txt" in cited and "2024-03-12" in cited and "AFP" in cited

    status, *_ = client.predict("passerelle.txt", "fr", api_name="/remove")
    assert "retiré" in status
    assert "passerelle.txt" not in {row[0] for row in client.predict(api_name="/documents")}
    assert not (app_server.index_dir / "uploads" / "passerelle.txt").exists()


def test_upload_refuses_other_file_types(client, tmp_path):
    from gradio_client import handle_file

    f = tmp_path / "script.py"
    f.write_text("print('hi')\n", encoding="utf-8")
    try:
        status, *_ = client.predict([handle_file(str(f))], "en", api_name="/upload")
    except Exception as e:  # Gradio itself may refuse the file type first
        assert "Traceback" not in str(e)
        return
    assert "unsupported file type" in status


def test_no_file_beyond_what_the_app_needs_is_served(app_server):
    import urllib.error
    import urllib.request
    from pathlib import Path

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    root = Path(__file__).resolve().parent.parent
    for path in (
        app_server.index_dir / "CURRENT",
        root / "README.md",
        root / "seeds" / "000_083c620a5da298f5.txt",
        Path("/etc/passwd"),
    ):
        with pytest.raises(urllib.error.HTTPError) as e:
            opener.open(f"{app_server.url}gradio_api/file={path}", timeout=10)
        assert e.value.code in (403, 404), path


def test_optional_login_from_the_environment(start_app):
    import urllib.error
    import urllib.request

    from gradio_client import Client

    app = start_app(QA_AUTH="ana:s3cret")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as e:
        opener.open(f"{app.url}gradio_api/info", timeout=10)
    assert e.value.code == 401
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        Client(app.url, auth=("ana", "wrong"), verbose=False)
    client = Client(app.url, auth=("ana", "s3cret"), verbose=False)
    _, history, _ = client.predict(Q, [], "hybrid", 5, api_name="/chat")
    assert "[1]" in text(history[-1])
    app.proc.terminate()
