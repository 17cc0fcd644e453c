"""The chat's logic (qa/chat/) and its Gradio handler (qa/chat/handlers.py,
through app.py), without a browser.

Fast tests use the fake embedder; the ones marked slow use the real default one."""

from pathlib import Path

import pytest

from qa.chat import (
    ChatService,
    DateError,
    is_followup,
    make_filters,
    render_sources,
    resolve_followup,
    t,
    user_error,
)
from qa.retrieve import Filters

Q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"
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
ARTICLE_Q = "Quelle est la longueur de la passerelle des Dômes ?"


def user(*texts):
    return [{"role": "user", "content": x} for x in texts]


# --- follow-up questions (no model) ----------------------------------------------


@pytest.mark.parametrize(
    "message, followup",
    [
        ("Et l'Iran ?", True),
        ("Combien ?", True),
        ("Pourquoi ?", True),
        ("Qui l'a dit ?", True),
        ("What about Iran?", True),
        ("And how many?", True),
        (Q, False),
        ("Qui est Milley ?", False),
        ("Pourquoi Milley est-il sceptique ?", False),
        ("Combien de drones l'Iran a-t-il fournis à la Russie ?", False),
    ],
)
def test_is_followup(message, followup):
    assert is_followup(message) is followup


def test_followup_swaps_the_named_entity():
    prev = "Que fournit la Corée du Nord à la Russie ?"
    assert resolve_followup("Et l'Iran ?", user(prev)) == "Que fournit l'Iran à la Russie ?"
    assert resolve_followup("What about Iran?", user(prev)) == "Que fournit Iran à la Russie ?"


def test_followup_without_entity_is_appended_to_the_previous_question():
    assert resolve_followup("Combien ?", user(Q)) == f"{Q} Combien ?"
    assert resolve_followup("Qui l'a dit ?", user(Q)) == f"{Q} Qui l'a dit ?"


def test_followups_chain_on_the_resolved_question():
    hist = user("Que fournit la Corée du Nord à la Russie ?", "Et l'Iran ?")
    assert resolve_followup("Combien ?", hist) == "Que fournit l'Iran à la Russie ? Combien ?"
    hist = user(Q, "Combien ?")  # a second follow-up does not pile up on the first
    assert resolve_followup("Pourquoi ?", hist) == f"{Q} Pourquoi ?"


def test_self_contained_question_and_empty_history_are_searched_as_is():
    assert resolve_followup("Combien ?", []) == "Combien ?"
    assert resolve_followup("Qui est Milley ?", user(Q)) == "Qui est Milley ?"


def test_gradio6_history_content_blocks_are_read():
    hist = [
        {"role": "user", "content": [{"type": "text", "text": Q}]},
        {"role": "assistant", "content": [{"type": "text", "text": "… [1]"}]},
    ]
    assert resolve_followup("Combien ?", hist) == f"{Q} Combien ?"


# --- settings, strings, errors ----------------------------------------------------


def test_filters_from_the_settings_panel():
    assert make_filters("", "", "") is None
    assert make_filters("", "", "(toutes)") is None
    assert make_filters("2023-09", "2023-09-30", "ATS") == Filters("2023-09", "2023-09-30", "ATS")
    for bad in ("sept 2023", "2023-13", "23-09-01"):
        with pytest.raises(DateError):
            make_filters(bad)


def test_strings_exist_in_both_languages_and_errors_are_readable():
    from qa.answer import QuestionError
    from qa.chat import STRINGS
    from qa.store import IndexBusy

    assert set(STRINGS["fr"]) == set(STRINGS["en"])
    assert t("send") == "Envoyer" and t("send", "en") == "Send" and t("send", "xx") == "Envoyer"
    assert user_error(QuestionError("the question is empty")) == "La question est vide."
    assert user_error(QuestionError("the question is empty"), "en") == "The question is empty."
    too_long = QuestionError("the question is 2500 characters long; the limit is 2000")
    assert "2500" in user_error(too_long) and "limite" in user_error(too_long)
    assert "indexation" in user_error(IndexBusy("x: busy (pid 1)"))
    assert "AAAA-MM" in user_error(DateError("sept"))
    boom = user_error(RuntimeError("disk full\nTraceback (most recent call last): ..."))
    assert boom == "Erreur : disk full"


# --- with the fake embedder: fast ---------------------------------------------------


@pytest.fixture
def service(settings):
    from qa.indexer import build_index

    build_index([settings.docs_dir], settings)
    # the fake embedder's cosines are low: never abstain, to test what is around answers
    return ChatService(settings.replace(abstain_threshold=0.0))


def test_stream_shows_the_search_then_the_growing_answer_then_sources(service):
    replies = list(service.stream(Q))
    first, last = replies[0], replies[-1]
    assert not first.final and "Recherche" in first.markdown and Q in first.markdown
    assert last.final and last.answer is not None and not last.error
    assert all(not r.final for r in replies[:-1])
    partials = [r.answer.answer for r in replies[1:-1]]
    for p in partials:  # each partial is a prefix of the final answer ending on a marker
        assert last.answer.answer.startswith(p) and p.endswith("]")
    assert len(partials) == last.answer.answer.count("[") - 1
    assert "autres passages" in last.sources_html
    assert all("autres passages" not in r.sources_html for r in replies[:-1])


def test_sources_keep_cited_and_uncited_apart_with_metadata(service):
    reply = service.respond(Q, k=5)
    html = reply.sources_html
    cited, _, uncited = html.partition("<details")
    assert cited.count('class="qa-passage qa-cited"') == len(reply.answer.citations)
    assert uncited.count("qa-passage qa-other") == len(reply.answer.hits) - len(
        {c.hit.chunk.chunk_id for c in reply.answer.citations}
    )
    assert 'id="qa-src-1"' in cited and 'id="qa-src-' not in uncited
    assert "qa-date" in cited and "qa-agency" in cited and "qa-file" in cited
    assert '<mark class="qa-support">' in cited
    en = render_sources(reply.answer, "en")
    assert "Cited passages" in en and "not cited" in en


def test_followup_shows_the_search_actually_run(service):
    reply = service.respond(
        "Et l'Iran ?", history=user("Que fournit la Corée du Nord à la Russie ?")
    )
    assert reply.query == "Que fournit l'Iran à la Russie ?"
    assert reply.answer.query == reply.query and reply.answer.question == "Et l'Iran ?"
    assert "Recherche effectuée : « Que fournit l'Iran à la Russie ? »" in reply.markdown


def test_filters_restrict_the_passages_and_are_shown(service):
    reply = service.respond(Q, filters=Filters(source="ATS"))
    assert all(h.chunk.source == "ATS" for h in reply.answer.hits)
    assert "filtres : ATS" in reply.markdown


def test_errors_are_one_line_not_tracebacks(service):
    reply = service.respond("   ")
    assert reply.error == "the question is empty" and reply.sources_html == ""
    assert reply.markdown == "⚠️ La question est vide."
    reply = service.respond(Q, mode="nope")
    assert reply.error and "Traceback" not in reply.markdown and "nope" in reply.markdown


def test_upload_then_ask_then_remove(service, tmp_path):
    f = tmp_path / "passerelle des Dômes.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    msg = service.upload([str(f)])
    assert "1 ajouté" in msg, msg
    saved = Path(service.settings.index_dir) / "uploads" / "passerelle_des_Dômes.txt"
    assert saved.is_file()
    rows = {r[0]: r for r in service.document_rows()}
    assert rows["passerelle_des_Dômes.txt"][2:4] == ["2024-03-12", "AFP"]
    reply = service.respond(ARTICLE_Q)
    assert reply.answer.citations[0].hit.chunk.doc_id == "passerelle_des_Dômes.txt"
    assert "340 mètres" in reply.markdown

    assert "retiré" in service.remove("passerelle_des_Dômes.txt")
    assert "passerelle_des_Dômes.txt" not in {r[0] for r in service.document_rows()}
    assert not saved.exists()
    assert len(service.document_rows()) == 5


def test_upload_refuses_bad_files_and_keeps_the_index(service, tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4")
    assert "non pris en charge" in service.upload([str(bad)])
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (service.settings.max_upload_mb * 1024 * 1024 + 1))
    assert "limite" in service.upload([str(big)], lang="fr")
    empty = tmp_path / "vide.txt"
    empty.write_text("", encoding="utf-8")
    msg = service.upload([str(empty)])
    assert msg.startswith("Non indexé") or "1 en échec" in msg, msg
    assert not (Path(service.settings.index_dir) / "uploads" / "vide.txt").exists()
    assert service.upload([]) == t("upload_none")
    assert len(service.document_rows()) == 5


def test_remove_refuses_unknown_and_paths_outside_uploads(service):
    msg = service.remove("../../etc/passwd")
    assert "not in the index" in msg and "Traceback" not in msg
    assert service.remove("") == t("remove_none")


def test_evaluation_tab_runs_the_bundled_questions(service, tmp_path):
    pytest.importorskip("qa.eval")
    view = service.run_evaluation(modes=["bm25", "hybrid"], k=10, out_dir=tmp_path / "ev")
    assert view.message.startswith("54 questions"), view.message
    assert "| bm25 |" in view.table_md and "| hybrid |" in view.table_md
    assert view.plot and Path(view.plot).is_file()
    assert all(len(row) == 4 and row[0] for row in view.failures)
    assert any(p.endswith("report.json") for p in view.files)


def test_evaluation_of_an_unreadable_file_is_a_message(service, tmp_path):
    pytest.importorskip("qa.eval")
    bad = tmp_path / "q.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    view = service.run_evaluation(bad, out_dir=tmp_path / "ev")
    assert view.message.startswith("Erreur") and not view.table_md


def test_evaluation_of_an_uploaded_zipped_beir_folder(service, tmp_path):
    import json
    import zipfile

    pytest.importorskip("qa.eval")
    corpus = [
        {"_id": "d1", "title": "Obus", "text": "La Corée du Nord livre des obus de 152 mm."},
        {"_id": "d2", "title": "Drones", "text": "L'Iran a fourni des drones Shahed à Moscou."},
        {"_id": "d3", "title": "Otan", "text": "Les ministres de l'Otan se réunissent à Vilnius."},
    ]
    queries = [{"_id": "q1", "text": "obus de 152 mm"}, {"_id": "q2", "text": "drones Shahed"}]
    z = tmp_path / "beir.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("mini/corpus.jsonl", "\n".join(json.dumps(c) for c in corpus))
        f.writestr("mini/queries.jsonl", "\n".join(json.dumps(q) for q in queries))
        f.writestr("mini/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    view = service.run_evaluation(z, modes=["bm25"], k=5, out_dir=tmp_path / "ev")
    assert view.message.startswith("2 questions"), view.message
    assert "| bm25 | **" in view.table_md or "| bm25 | 1.000" in view.table_md

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as f:
        f.writestr("../../escape.txt", "x")
    view = service.run_evaluation(evil, out_dir=tmp_path / "ev2")
    assert "unsafe path" in view.message and not (tmp_path / "escape.txt").exists()
    notzip = tmp_path / "fake.zip"
    notzip.write_text("nope")
    assert "not a zip file" in service.run_evaluation(notzip, out_dir=tmp_path / "ev3").message


# --- with the real embedder ---------------------------------------------------------


@pytest.mark.slow
def test_respond_renders_answer_and_sources(real_settings):
    reply = ChatService(real_settings).respond(Q)
    assert not reply.error
    assert "152 mm" in reply.markdown and 'href="#qa-src-1"' in reply.markdown
    html = reply.sources_html
    assert 'id="qa-src-1"' in html and "000_083c620a5da298f5.txt" in html
    assert '<mark class="qa-support">' in html and "152 mm" in html.split("qa-support")[1]
    assert "autres passages" in html  # uncited hits are folded away, not mixed in


@pytest.mark.slow
def test_real_followup_about_iran_finds_the_drones(real_settings):
    svc = ChatService(real_settings)
    reply = svc.respond("Et l'Iran ?", history=user("Que fournit la Corée du Nord à la Russie ?"))
    assert reply.query == "Que fournit l'Iran à la Russie ?"
    assert "drones" in reply.answer.answer and "Iran" in reply.answer.answer


@pytest.mark.slow
def test_empty_question_is_a_message_not_a_traceback(real_settings):
    reply = ChatService(real_settings).respond("   ")
    assert reply.error == "the question is empty" and reply.sources_html == ""


@pytest.mark.slow
def test_gradio_handler_streams(real_settings):
    import app

    demo = app.build_app(real_settings)
    fn = next(d.fn for d in demo.fns.values() if d.api_name == "chat")
    outs = list(fn(Q, [], "hybrid", 5))
    assert len(outs) >= 2
    msg, history, sources = outs[-1]
    assert msg == "" and history[-1]["role"] == "assistant" and "152 mm" in history[-1]["content"]
    assert history[-2] == {"role": "user", "content": Q}
    assert "qa-src-1" in sources
    _, history, _ = list(fn("Combien ?", history, "hybrid", 5))[-1]
    assert "Recherche effectuée" in history[-1]["content"]
    _, history, _ = list(fn(Q, [], "hybrid", 5, "sept", "", "", "extractive", "en"))[-1]
    assert history[-1]["content"].startswith("⚠️ Cannot read the date")


# --- app.py: safe defaults ------------------------------------------------------------


def test_auth_from_the_environment():
    import app

    assert app.parse_auth("") is None and app.parse_auth(None) is None
    assert app.parse_auth("ana:s3cr:et") == ("ana", "s3cr:et")
    for bad in ("ana", ":pw", "ana:"):
        with pytest.raises(ValueError, match="user:password"):
            app.parse_auth(bad)


def test_launch_defaults_are_safe(monkeypatch, settings):
    import app

    monkeypatch.delenv("QA_AUTH", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    kw = app.launch_kwargs(settings)
    assert kw["server_name"] == "127.0.0.1" and kw["server_port"] == 7860
    assert kw["max_file_size"] == "20mb" and kw["auth"] is None
    assert (
        kw["allowed_paths"] == [] and str(Path(settings.index_dir).resolve()) in kw["blocked_paths"]
    )
    assert kw["show_error"] is False
    monkeypatch.setenv("QA_AUTH", "ana:pw")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    kw = app.launch_kwargs(settings)
    assert kw["auth"] == ("ana", "pw") and kw["server_port"] == 7999


def test_generator_menu_lists_only_configured_generators(settings):
    from qa.chat import available_generators

    assert available_generators(settings) == ["extractive"]
    assert available_generators(settings.replace(generator="transformers")) == [
        "extractive",
        "transformers",
    ]


def test_a_configured_generator_that_streams_plugs_in(service):
    """A generator yielding partial Answers is streamed as it composes."""
    import dataclasses

    from qa.answer import extractive_answer

    def fake_llm(question, retriever, **kw):
        full = extractive_answer(question, retriever, **kw)
        words = full.answer.split(" ")
        for i in range(1, len(words)):
            yield dataclasses.replace(full, answer=" ".join(words[:i]), citations=())
        yield full

    service.answerers["fake-llm"] = fake_llm
    replies = list(service.stream(Q, generator="fake-llm"))
    assert len(replies) > 10 and replies[-1].final and "[1]" in replies[-1].markdown
    # a generator the settings do not configure is never built from an API call
    reply = service.respond(Q, generator="openai")
    assert not reply.error and "openai" not in service.answerers


def test_configured_generator_streams_through_qa_generate(settings):
    """QA_GENERATOR=<name>: the chat streams qa.generate's checked partial answers."""
    generate = pytest.importorskip("qa.generate")
    from qa.indexer import build_index

    calls = []

    class Scripted:
        name = "scripted"

        def stream(self, messages):
            calls.append(messages)
            text = (
                "La Corée du Nord pourrait fournir à Moscou des obus d'artillerie de 152 mm [1]. "
                "Le général Milley doute que cela soit décisif [1]."
            )
            for i in range(0, len(text), 12):
                yield text[i : i + 12]

    built = []
    generate.register_generator("scripted", lambda s: built.append(s) or Scripted())
    s = settings.replace(generator="scripted", abstain_threshold=0.0)
    build_index([s.docs_dir], s)
    svc = ChatService(s)
    replies = list(svc.stream(Q, generator="scripted"))
    assert len(calls) == 1 and replies[-1].final and not replies[-1].error
    assert "[1]" in replies[-1].markdown and 'id="qa-src-1"' in replies[-1].sources_html
    list(svc.stream(Q, generator="scripted"))
    assert len(calls) == 2 and len(built) == 1  # one generator built, used twice


def test_mode_menu_offers_rerank_only_with_a_reader_or_reranker(settings):
    from qa.chat import available_modes

    assert available_modes(settings)[:3] == ["hybrid", "dense", "bm25"]
    assert "rerank" in available_modes(settings)  # the reader reranks
    assert "rerank" not in available_modes(settings.replace(reader="none"))
