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
    # overlapping cited passages of one article are shown once, with an
    # anchor for each of their numbers
    assert 1 <= cited.count('class="qa-passage qa-cited"') <= len(reply.answer.citations)
    assert all(f'id="qa-src-{c.n}"' in cited for c in reply.answer.citations)
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
    assert reply.markdown == '⚠️ <span class="qa-error">La question est vide.</span>'
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
    assert msg.startswith("⚠️ Non indexé") or "1 en échec" in msg, msg
    assert "fichier vide" in msg and "empty file" not in msg
    assert not (Path(service.settings.index_dir) / "uploads" / "vide.txt").exists()
    assert service.upload([]) == "⚠️ " + t("upload_none")
    assert len(service.document_rows()) == 5


def test_remove_refuses_unknown_and_paths_outside_uploads(service):
    msg = service.remove("../../etc/passwd")
    assert msg == "⚠️ ../../etc/passwd n'est pas dans l'index", msg
    assert service.remove("", lang="en") == "⚠️ Choose a document to remove."


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
    assert view.message.startswith("⚠️ q.jsonl : jeu de questions illisible"), view.message
    assert not view.table_md


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
    assert "chemin dangereux" in view.message and not (tmp_path / "escape.txt").exists()
    notzip = tmp_path / "fake.zip"
    notzip.write_text("nope")
    assert "pas un fichier zip" in service.run_evaluation(notzip, out_dir=tmp_path / "ev3").message
    en = service.run_evaluation(notzip, out_dir=tmp_path / "ev4", lang="en")
    assert en.message == "⚠️ fake.zip: not a zip file"


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
    msg, history, sources, last = outs[-1]  # last: the page's state (the answer)
    assert msg == "" and history[-1]["role"] == "assistant" and "152 mm" in history[-1]["content"]
    assert history[-2] == {"role": "user", "content": Q}
    assert "qa-src-1" in sources and last.citations
    _, history, _, _ = list(fn("Combien ?", history, "hybrid", 5))[-1]
    assert "Recherche effectuée" in history[-1]["content"]
    _, history, sources, last = list(fn(Q, [], "hybrid", 5, "sept", "", "", "extractive", "en"))[-1]
    assert (
        history[-1]["content"].startswith("⚠️")
        and "Cannot read the date" in history[-1]["content"]
        and "qa-error" in history[-1]["content"]
    )
    assert "The cited passages will appear here." in sources and last is None
    # a blank submission adds nothing to the history
    _, same, *_ = list(fn("   ", history, "hybrid", 5))[-1]
    assert same == history


@pytest.mark.slow
@pytest.mark.parametrize("follow", ["Et combien ?", "Combien ?", "Pourquoi ?", "Qui l'a dit ?"])
def test_followups_say_something_new_or_say_nothing_new(real_settings, follow):
    """The README's follow-ups after the calibre question: never the first answer again."""
    svc = ChatService(real_settings)
    first = svc.respond(Q)
    history = [
        {"role": "user", "content": Q},
        {"role": "assistant", "content": first.markdown},
    ]
    reply = svc.respond(follow, history=history)
    assert not reply.error and reply.query != follow
    said = {s.text for s in first.answer.sentences}
    new = {s.text for s in reply.answer.sentences}
    # never the same quote again: "nothing new", new sentences, or (since the
    # answer-type check wants a count for "combien" and "152 mm" is a measure) no answer
    assert not new & said
    assert (
        reply.answer.answer.startswith("Rien de nouveau") or bool(new) or reply.answer.abstained
    ), reply.answer.answer


@pytest.mark.slow
def test_date_filter_that_excludes_the_answer_says_so(real_settings):
    reply = ChatService(real_settings).respond(
        Q, filters=Filters(date_from="2023-09", date_to="2023-09")
    )
    text = reply.answer.answer
    assert text.startswith("Aucun passage daté de 2023-09 ne répond ; 2 articles sans date exclus")
    assert not reply.answer.citations and "152 mm" not in text.split(".")[0]


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


# --- what the page says: sources, notes, follow-ups, one language ---------------------


def _hit(doc_id, ordinal, text, start, title="", date="", source="", rank=1):
    from qa.types import Chunk, Hit

    chunk = Chunk(
        chunk_id=f"{doc_id}#{ordinal}",
        doc_id=doc_id,
        ordinal=ordinal,
        text=text,
        start=start,
        end=start + len(text),
        hash=str(ordinal),
        title=title,
        date=date,
        source=source,
    )
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank)


def test_sources_are_headed_by_the_title_and_overlapping_passages_merge():
    import re

    from qa.types import Answer, AnswerSentence, Citation

    article = (
        "La Corée du Nord livre des obus. Ils sont de 152 mm. Moscou en manque. "
        "Kim a vu Poutine. Les experts doutent de leur effet."
    )
    a = _hit("obus.html", 0, article[:51], 0, title="Des obus pour Moscou", date="2023-09")
    b = _hit("obus.html", 1, article[33:], 33, title="Des obus pour Moscou", date="2023-09", rank=2)
    other = _hit("x.txt", 0, "trois mois après la réunion, rien ne change", 0, rank=3)
    at = article.index("152 mm")
    ans = Answer(
        question="q",
        answer="152 mm — Ils sont de 152 mm. [1] Kim a vu Poutine. [2]",
        abstained=False,
        citations=(
            Citation(1, a, "Ils sont de 152 mm.", "152 mm", at, at + 6),
            Citation(2, b, "Kim a vu Poutine.", "", -1, -1),
        ),
        sentences=(
            AnswerSentence("Ils sont de 152 mm.", 1),
            AnswerSentence("Kim a vu Poutine.", 2),
        ),
        hits=(a, b, other),
    )
    html = render_sources(ans)
    assert html.count('class="qa-passage qa-cited"') == 1  # two overlapping chunks, shown once
    assert 'id="qa-src-1"' in html and 'id="qa-src-2"' in html  # both [n] still lead there
    text = re.sub(r"<[^>]+>", "", html)
    assert text.count("Ils sont de 152 mm.") == 1 and "Les experts doutent" in text
    assert '<mark class="qa-span">152 mm</mark>' in html
    head, meta = html.index('class="qa-title">Des obus pour Moscou'), html.index('class="qa-meta"')
    assert head < meta < html.index("obus.html")  # title first, file name after it, small
    assert "1 autre passage retrouvé (non cité)" in html  # singular
    assert "…trois mois après" in html  # starts mid-sentence
    assert 'class="qa-title">trois mois après la réunion, rien ne change' in html  # no title


def test_answer_notes_name_mode_and_k_when_not_the_defaults(service):
    reply = service.respond(Q, mode="bm25", k=3)
    assert "mode : bm25" in reply.markdown and "3 passages" in reply.markdown
    plain = service.respond(Q, mode="hybrid", k=5)
    assert "mode :" not in plain.markdown and "passages</small>" not in plain.markdown
    en = service.respond(Q, mode="dense", lang="en")
    assert "mode: dense" in en.markdown


def test_followup_that_would_repeat_the_answer_says_something_new(service):
    first = service.respond(Q)
    history = [
        {"role": "user", "content": Q},
        {"role": "assistant", "content": first.markdown},
    ]
    reply = service.respond("Et combien ?", history=history)
    assert reply.query == f"{Q} combien ?"
    said = {s.text for s in first.answer.sentences}
    new = {s.text for s in reply.answer.sentences}
    # never the same quote again: "nothing new", new sentences, or (since the
    # answer-type check wants a count for "combien" and "152 mm" is a measure) no answer
    assert not new & said
    assert reply.answer.answer.startswith("Rien de nouveau") or bool(new) or reply.answer.abstained
    # asking the same self-contained question again is not a follow-up: same answer
    assert service.respond(Q, history=history).answer.answer == first.answer.answer


def test_date_filter_notes_undated_articles(service):
    reply = service.respond(Q, filters=Filters(date_from="2023"))
    assert "2 articles sans date exclus" in reply.markdown, reply.markdown
    assert all(h.chunk.date >= "2023" for h in reply.answer.hits)


def test_documents_tab_titles_fall_back_to_first_words(service, tmp_path):
    titles = {r[0]: r[1] for r in service.document_rows()}
    assert titles["000_083c620a5da298f5.txt"].startswith("OSLO, Norvège — La Corée du Nord")
    f = tmp_path / "pont.txt"
    f.write_text("Une passerelle de 340 mètres inaugurée\n\n" + ARTICLE, encoding="utf-8")
    assert "1 ajouté" in service.upload([str(f)])
    titles = {r[0]: r[1] for r in service.document_rows()}
    assert titles["pont.txt"] == "Une passerelle de 340 mètres inaugurée"
    reply = service.respond(ARTICLE_Q)
    assert 'class="qa-title">Une passerelle de 340 mètres inaugurée' in reply.sources_html


def test_a_french_page_says_nothing_in_english(service, tmp_path):
    import re

    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00 not text at all")
    msg = service.upload([str(binary)])
    assert msg.startswith("⚠️") and "binaire" in msg
    assert not re.search(r"\b(?:binary|file|empty|not text)\b", msg), msg
    en = service.upload([str(binary)], lang="en")
    assert "binary file, not text" in en and "fichier" not in en
    pytest.importorskip("qa.eval")
    view = service.run_evaluation(modes=["bm25"], k=5, out_dir=tmp_path / "ev")
    assert "| mode | nDCG@5" in view.table_md and "Documents (un document" in view.table_md
    assert view.plot.endswith("comparison-fr.png")
    assert all(" : " in row[2] and "top" not in row[2] for row in view.failures)
    assert "passage qui répond hors des 5 premiers" in " ".join(r[2] for r in view.failures)
    assert "passage qui répond n'est pas dans les 5 premiers" in view.failed_note
    view = service.run_evaluation(modes=["bm25"], k=5, answers=True, out_dir=tmp_path / "e2")
    assert "réponse contient l'attendu" in view.table_md and "answer_span" not in view.table_md


def test_ingest_error_messages_are_translated():
    from qa.chat.inputs import ingest_error

    assert ingest_error("a.txt: empty file") == "a.txt : fichier vide"
    assert ingest_error("a.txt: empty file", "en") == "a.txt: empty file"
    assert ingest_error("b.bin: binary file (contains NUL bytes), not text") == (
        "b.bin : fichier binaire, pas du texte"
    )
    assert ingest_error("not in the index: x.txt") == "x.txt n'est pas dans l'index"
    assert ingest_error("something else") is None
