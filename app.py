"""Gradio chat over the indexed articles: `python app.py` (or `make chat`).

Binds 127.0.0.1 unless QA_HOST says otherwise; the port comes from
GRADIO_SERVER_PORT (default 7860), the index from QA_INDEX_DIR (default
index/). On first start with no index it indexes seeds/ (a few seconds).
QA_AUTH=user:password asks for a login. The logic lives in qa/chat.py; this
file is only widgets and wiring.

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

import gradio as gr  # noqa: E402

from qa.chat import (  # noqa: E402
    EVAL_TYPES,
    UPLOAD_TYPES,
    ChatService,
    DateError,
    available_generators,
    available_modes,
    ensure_index,
    make_filters,
    t,
    user_error,
)
from qa.config import Settings, load_settings  # noqa: E402

CSS = """
#qa-sources { max-height: 78vh; overflow-y: auto !important; }
.qa-passage { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin: 8px 0; transition: box-shadow .3s, background .3s; }
.qa-passage.qa-flash { box-shadow: 0 0 0 3px var(--color-accent); }
.qa-meta { font-size: .85em; opacity: .9; margin-bottom: 4px; }
.qa-title { font-style: italic; }
.qa-n { font-weight: bold; color: var(--color-accent); }
.qa-file { font-family: var(--font-mono); }
mark.qa-support { background: #fff2a8; color: #111; padding: 0 2px; border-radius: 2px; }
a.qa-cite { text-decoration: none !important; font-weight: bold; cursor: pointer;
  color: var(--color-accent) !important; }
.qa-missing { opacity: .6; font-style: italic; }
small.qa-query { opacity: .8; }
details.qa-uncited summary { cursor: pointer; margin: 8px 0; }
.qa-other { opacity: .85; }
"""

# A click on [n] brings passage n into view and flashes it. Done in JS because
# Gradio's chat renders links to open in a new tab.
HEAD = """
<script>
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a.qa-cite, a[href^="#qa-src-"]');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const el = document.getElementById(a.getAttribute('href').slice(1));
  if (!el) return;
  el.scrollIntoView({behavior: 'instant', block: 'center'});
  el.classList.add('qa-flash'); setTimeout(() => el.classList.remove('qa-flash'), 2000);
}, true);
</script>
"""

EXAMPLES = [
    "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?",
    "Que fournit l'Iran à la Russie ?",
    "Who leads the Ukraine Defense Contact Group?",
]
LANG_CHOICES = [("Français", "fr"), ("English", "en")]
FAIL_COLS = ["fcol_id", "fcol_question", "fcol_why", "fcol_gold"]
DOC_COLS = [
    "col_doc",
    "col_title",
    "col_date",
    "col_source",
    "col_author",
    "col_chars",
    "col_chunks",
]


def build_app(settings: Settings | None = None, service: ChatService | None = None) -> gr.Blocks:
    settings = settings or load_settings()
    service = service or ChatService(settings)
    generators = available_generators(settings)
    mode_choices = available_modes(settings)
    L = "fr"  # initial language; the radio switches every label below

    # --- handlers (thin: qa/chat.py does the work) ---------------------------
    def chat(
        message: str,
        history: list | None,
        mode: str = settings.mode,
        k: float = settings.k,
        date_from: str = "",
        date_to: str = "",
        source: str = "",
        generator: str = "extractive",
        lang: str = "fr",
    ):
        """Answer `message` given the conversation; streams the growing answer."""
        before = list(history or [])
        history = before + [
            {"role": "user", "content": message or ""},
            {"role": "assistant", "content": ""},
        ]
        try:
            filters = make_filters(date_from, date_to, source)
        except DateError as e:
            history[-1] = {"role": "assistant", "content": f"⚠️ {user_error(e, lang)}"}
            yield "", history, gr.skip()
            return
        k = int(k) if k else None
        for reply in service.stream(
            message, before, mode or None, k, filters, generator or None, lang or "fr"
        ):
            history[-1] = {"role": "assistant", "content": reply.markdown}
            sources = reply.sources_html if (reply.final or reply.sources_html) else gr.skip()
            yield "", history, sources

    def doc_view(lang: str = "fr"):
        try:
            rows = service.document_rows()
        except Exception as e:
            return (
                gr.update(value=[]),
                gr.update(choices=[], value=None),
                gr.update(),
                user_error(e, lang),
            )
        names = [r[0] for r in rows]
        sources = [t("all_sources", lang)] + service.source_names()
        count = t("docs_count", lang, n=len(rows), c=sum(r[-1] for r in rows))
        return (
            gr.update(value=rows),
            gr.update(choices=names, value=None),
            gr.update(choices=sources),
            count,
        )

    def documents() -> list[list]:
        """The indexed documents: [doc_id, title, date, source, author, chars, passages]."""
        return service.document_rows()

    def upload(files, lang: str = "fr", progress=gr.Progress(track_tqdm=True)):
        """Index uploaded articles (.txt, .md, .html, .jsonl) incrementally."""
        progress(0, desc=t("progress_index", lang))
        msg = service.upload(files, lang=lang, progress=True)
        return (msg, None, *doc_view(lang))

    def remove(doc_id: str, lang: str = "fr"):
        """Remove one document (by doc_id) from the index."""
        msg = service.remove(doc_id, lang=lang)
        return (msg, *doc_view(lang))

    def evaluate(
        which: str,
        file,
        modes: list,
        k: float,
        answers: bool,
        lang: str = "fr",
        progress=gr.Progress(track_tqdm=True),
    ):
        """Run the bundled (or uploaded) question set; metrics, plot, failed questions."""
        if which == "uploaded" and not file:
            return t("eval_need_file", lang), "", None, [], None
        progress(0, desc=t("eval_running", lang))
        view = service.run_evaluation(
            file if which == "uploaded" else None,
            modes=modes,
            k=int(k),
            answers=bool(answers),
            lang=lang,
            progress=True,
        )
        return view.message, view.table_md, view.plot, view.failures, view.files or None

    # --- widgets ---------------------------------------------------------------
    with gr.Blocks(title=t("title", L)) as demo:
        with gr.Row(equal_height=True):
            header = gr.Markdown(f"## {t('title', L)}\n{t('intro', L)}", elem_id="qa-header")
            lang = gr.Radio(
                LANG_CHOICES,
                value=L,
                label=t("language", L),
                scale=0,
                min_width=250,
                elem_id="qa-lang",
            )
        with gr.Tabs():
            with gr.Tab(t("tab_chat", L), id="chat") as tab_chat:
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label=t("conversation", L),
                            height=470,
                            elem_id="qa-chat",
                            placeholder=t("chat_placeholder", L),
                            feedback_options=None,
                            buttons=["copy"],
                        )
                        msg = gr.Textbox(
                            label=t("question", L),
                            placeholder=t("question_placeholder", L),
                            elem_id="qa-question",
                            submit_btn=t("send", L),
                            max_length=settings.max_question_chars,
                        )
                        examples = gr.Examples(EXAMPLES, inputs=[msg], label=t("examples", L))
                        with gr.Accordion(t("settings", L), open=False) as settings_box:
                            with gr.Row():
                                mode = gr.Radio(
                                    mode_choices, value=settings.mode, label=t("mode", L)
                                )
                                k = gr.Slider(1, 20, value=settings.k, step=1, label=t("k", L))
                            with gr.Row():
                                date_from = gr.Textbox("", label=t("date_from", L), max_length=10)
                                date_to = gr.Textbox("", label=t("date_to", L), max_length=10)
                                source = gr.Dropdown(
                                    [t("all_sources", L)],
                                    value=t("all_sources", L),
                                    label=t("source", L),
                                    allow_custom_value=True,
                                )
                            generator = gr.Dropdown(
                                generators,
                                value=generators[0],
                                label=t("generator", L),
                                visible=len(generators) > 1,
                            )
                    with gr.Column(scale=2):
                        sources = gr.HTML(
                            f'<p class="qa-empty">{t("sources_empty", L)}</p>',
                            label=t("sources", L),
                            show_label=True,
                            container=True,
                            padding=True,
                            elem_id="qa-sources",
                        )
            with gr.Tab(t("tab_docs", L), id="docs") as tab_docs:
                files = gr.File(
                    label=t("upload", L, mb=settings.max_upload_mb),
                    file_count="multiple",
                    file_types=list(UPLOAD_TYPES),
                    elem_id="qa-upload",
                )
                index_btn = gr.Button(t("upload_button", L), variant="primary")
                upload_status = gr.Markdown(elem_id="qa-upload-status")
                doc_count = gr.Markdown()
                docs = gr.Dataframe(
                    headers=[t(c, L) for c in DOC_COLS],
                    datatype=["str", "str", "str", "str", "str", "number", "number"],
                    interactive=False,
                    label=t("docs", L),
                    wrap=True,
                    elem_id="qa-docs",
                )
                with gr.Row(equal_height=True):
                    doc_pick = gr.Dropdown([], label=t("remove", L), scale=3)
                    remove_btn = gr.Button(t("remove_button", L), variant="stop", scale=1)
                    refresh_btn = gr.Button(t("refresh", L), scale=1)
            with gr.Tab(t("tab_eval", L), id="eval") as tab_eval:
                eval_intro = gr.Markdown(t("eval_intro", L))
                with gr.Row():
                    eval_set = gr.Radio(
                        [(t("eval_bundled", L), "bundled"), (t("eval_uploaded", L), "uploaded")],
                        value="bundled",
                        label=t("eval_set", L),
                    )
                    eval_file = gr.File(label=t("eval_file", L), file_types=list(EVAL_TYPES))
                with gr.Row():
                    eval_modes = gr.CheckboxGroup(
                        mode_choices, value=["bm25", "dense", "hybrid"], label=t("eval_modes", L)
                    )
                    eval_k = gr.Slider(1, 50, value=10, step=1, label=t("eval_k", L))
                    eval_answers = gr.Checkbox(False, label=t("eval_answers", L))
                eval_btn = gr.Button(t("eval_run", L), variant="primary")
                eval_status = gr.Markdown()
                eval_table = gr.Markdown(label=t("eval_metrics", L), elem_id="qa-eval-table")
                eval_plot = gr.Image(
                    label=t("eval_plot", L), type="filepath", interactive=False, height=360
                )
                eval_fail = gr.Dataframe(
                    headers=[t(c, L) for c in FAIL_COLS],
                    interactive=False,
                    wrap=True,
                    label=t("eval_failures", L),
                )
                eval_files = gr.File(
                    label=t("eval_download", L), file_count="multiple", interactive=False
                )

        # --- events ------------------------------------------------------------
        chat_inputs = [msg, chatbot, mode, k, date_from, date_to, source, generator, lang]
        msg.submit(chat, chat_inputs, [msg, chatbot, sources], api_name="chat")
        chatbot.clear(  # the chat's own bin icon empties the sources panel too
            lambda lang: f'<p class="qa-empty">{t("sources_empty", lang)}</p>',
            [lang],
            [sources],
            api_visibility="private",
        )
        doc_outputs = [docs, doc_pick, source, doc_count]
        index_btn.click(
            upload,
            [files, lang],
            [upload_status, files, *doc_outputs],
            api_name="upload",
            show_progress_on=[files],
        )
        remove_btn.click(
            remove,
            [doc_pick, lang],
            [upload_status, *doc_outputs],
            api_name="remove",
            show_progress_on=[docs],
        )
        refresh_btn.click(doc_view, [lang], doc_outputs, api_visibility="private")
        demo.load(doc_view, [lang], doc_outputs, api_visibility="private")
        gr.api(documents, api_name="documents")
        eval_btn.click(
            evaluate,
            [eval_set, eval_file, eval_modes, eval_k, eval_answers, lang],
            [eval_status, eval_table, eval_plot, eval_fail, eval_files],
            api_name="evaluate",
            show_progress_on=[eval_plot],
        )
        eval_file.upload(lambda: "uploaded", None, eval_set, api_visibility="private")

        def switch(lang: str):
            def u(key, **kw):
                return gr.update(label=t(key, lang, **kw))

            return [
                f"## {t('title', lang)}\n{t('intro', lang)}",
                u("language"),
                u("tab_chat"),
                u("tab_docs"),
                u("tab_eval"),
                gr.update(label=t("conversation", lang), placeholder=t("chat_placeholder", lang)),
                gr.update(
                    label=t("question", lang),
                    placeholder=t("question_placeholder", lang),
                    submit_btn=t("send", lang),
                ),
                gr.update(label=t("examples", lang)),
                u("settings"),
                u("mode"),
                u("k"),
                u("date_from"),
                u("date_to"),
                u("source"),
                u("generator"),
                u("sources"),
                u("upload", mb=settings.max_upload_mb),
                gr.update(value=t("upload_button", lang)),
                gr.update(label=t("docs", lang), headers=[t(c, lang) for c in DOC_COLS]),
                u("remove"),
                gr.update(value=t("remove_button", lang)),
                gr.update(value=t("refresh", lang)),
                t("eval_intro", lang),
                gr.update(
                    label=t("eval_set", lang),
                    choices=[
                        (t("eval_bundled", lang), "bundled"),
                        (t("eval_uploaded", lang), "uploaded"),
                    ],
                ),
                u("eval_file"),
                u("eval_modes"),
                u("eval_k"),
                u("eval_answers"),
                gr.update(value=t("eval_run", lang)),
                u("eval_plot"),
                gr.update(label=t("eval_failures", lang), headers=[t(c, lang) for c in FAIL_COLS]),
                u("eval_download"),
            ]

        lang.change(
            switch,
            [lang],
            [
                header,
                lang,
                tab_chat,
                tab_docs,
                tab_eval,
                chatbot,
                msg,
                examples.dataset,
                settings_box,
                mode,
                k,
                date_from,
                date_to,
                source,
                generator,
                sources,
                files,
                index_btn,
                docs,
                doc_pick,
                remove_btn,
                refresh_btn,
                eval_intro,
                eval_set,
                eval_file,
                eval_modes,
                eval_k,
                eval_answers,
                eval_btn,
                eval_plot,
                eval_fail,
                eval_files,
            ],
            api_visibility="private",
        )
    return demo


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
    except Exception as e:  # one line, not a traceback
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    demo = build_app(settings)
    # 2 cores: one answer at a time per worker keeps latency flat; see docs/ops.md
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.launch(**kwargs)


if __name__ == "__main__":
    main()
