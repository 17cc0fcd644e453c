"""The chat page: its three tabs (Discussion, Documents, Évaluation), the
events that wire them to the callbacks of handlers.py, and the
language switch that relabels every widget.

Only widgets here: what happens on a click is in the handlers and
ChatService, what is said in i18n.py, how an answer looks in render.py.
app.py launches the page this builds.
"""

from __future__ import annotations

import gradio as gr

from ..config import Settings, load_settings
from .documents import UPLOAD_TYPES
from .evaluation import EVAL_TYPES
from .handlers import make_handlers
from .i18n import t
from .service import ChatService, available_generators, available_modes

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
    h = make_handlers(settings, service)  # the callbacks (handlers.py)

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
        msg.submit(h.chat, chat_inputs, [msg, chatbot, sources], api_name="chat")
        chatbot.clear(  # the chat's own bin icon empties the sources panel too
            lambda lang: f'<p class="qa-empty">{t("sources_empty", lang)}</p>',
            [lang],
            [sources],
            api_visibility="private",
        )
        doc_outputs = [docs, doc_pick, source, doc_count]
        index_btn.click(
            h.upload,
            [files, lang],
            [upload_status, files, *doc_outputs],
            api_name="upload",
            show_progress_on=[files],
        )
        remove_btn.click(
            h.remove,
            [doc_pick, lang],
            [upload_status, *doc_outputs],
            api_name="remove",
            show_progress_on=[docs],
        )
        refresh_btn.click(h.doc_view, [lang], doc_outputs, api_visibility="private")
        demo.load(h.doc_view, [lang], doc_outputs, api_visibility="private")
        gr.api(h.documents, api_name="documents")
        eval_btn.click(
            h.evaluate,
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
