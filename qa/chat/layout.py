"""The chat page: its three tabs (Discussion, Documents, Évaluation), the
events that wire them to the callbacks of handlers.py, and the
language switch that relabels every widget.

Only widgets here: what happens on a click is in the handlers and
ChatService, what is said in i18n.py, how an answer looks in render.py.
app.py launches the page this builds.
"""

from __future__ import annotations

import json

import gradio as gr

from ..config import Settings, load_settings
from .documents import UPLOAD_TYPES
from .evaluation import EVAL_TYPES
from .handlers import make_handlers
from .i18n import STRINGS, t
from .service import ChatService, available_generators, available_modes
from .sources import sources_placeholder

EXAMPLES = [
    "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?",
    "Que fournit l'Iran à la Russie ?",
    "Who leads the Ukraine Defense Contact Group?",
]
LANG_CHOICES = [("Français", "fr"), ("English", "en")]
# The browser tab's title and the language the page's CSS (upload widgets' own
# text, see render.CSS) follows: set in the browser, where they live.
SET_LANG_JS = (
    "(lang) => { const titles = "
    + json.dumps({k: v["tab_title"] for k, v in STRINGS.items()}, ensure_ascii=False)
    + "; document.title = titles[lang] || titles.fr;"
    " document.documentElement.dataset.qaLang = lang; return lang; }"
)
ALL_SOURCES = {v["all_sources"] for v in STRINGS.values()}
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
    with gr.Blocks(title=t("tab_title", L)) as demo:
        last = gr.State(None)  # the last answer, re-rendered when the language changes
        with gr.Row(equal_height=True, elem_id="qa-top"):
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
                with gr.Row(elem_id="qa-main"):
                    with gr.Column(scale=3, elem_id="qa-left"):
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
                        examples = gr.Dataset(
                            components=[msg],
                            samples=[[e] for e in EXAMPLES],
                            label=t("examples", L),
                            type="index",
                            elem_id="qa-examples",
                        )
                        with gr.Accordion(
                            t("settings", L), open=False, elem_id="qa-settings"
                        ) as settings_box:
                            with gr.Row():
                                mode = gr.Radio(
                                    mode_choices,
                                    value=settings.mode,
                                    label=t("mode", L),
                                    info=t(f"mode_help_{settings.mode}", L),
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
                    with gr.Column(scale=2, elem_id="qa-right"):
                        sources = gr.HTML(
                            sources_placeholder(L),
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
                with gr.Row(visible=False, elem_id="qa-confirm") as confirm_row:
                    confirm_text = gr.Markdown()
                    confirm_yes = gr.Button(t("remove_yes", L), variant="stop", scale=0)
                    confirm_no = gr.Button(t("remove_no", L), scale=0)
            with gr.Tab(t("tab_eval", L), id="eval") as tab_eval:
                eval_intro = gr.Markdown(t("eval_intro", L))
                with gr.Row():
                    eval_set = gr.Radio(
                        [(t("eval_bundled", L), "bundled"), (t("eval_uploaded", L), "uploaded")],
                        value="bundled",
                        label=t("eval_set", L),
                    )
                    eval_file = gr.File(
                        label=t("eval_file", L),
                        file_types=list(EVAL_TYPES),
                        elem_id="qa-eval-file",
                    )
                with gr.Row():
                    eval_modes = gr.CheckboxGroup(
                        mode_choices, value=["bm25", "dense", "hybrid"], label=t("eval_modes", L)
                    )
                    eval_k = gr.Slider(1, 50, value=10, step=1, label=t("eval_k", L))
                    eval_answers = gr.Checkbox(False, label=t("eval_answers", L))
                eval_btn = gr.Button(t("eval_run", L), variant="primary")
                eval_status = gr.Markdown(elem_id="qa-eval-status")
                eval_table = gr.Markdown(label=t("eval_metrics", L), elem_id="qa-eval-table")
                # hidden until a run: no empty plot, table or download box before one
                eval_plot = gr.Image(
                    label=t("eval_plot", L),
                    type="filepath",
                    interactive=False,
                    height=360,
                    visible=False,
                    elem_id="qa-eval-plot",
                )
                eval_fail = gr.Dataframe(
                    headers=[t(c, L) for c in FAIL_COLS],
                    interactive=False,
                    wrap=True,
                    label=t("eval_failures", L),
                    column_widths=["12%", "34%", "34%", "20%"],
                    visible=False,
                    elem_id="qa-eval-fail",
                )
                eval_files = gr.File(
                    label=t("eval_download", L),
                    file_count="multiple",
                    interactive=False,
                    visible=False,
                )

        # --- events ------------------------------------------------------------
        chat_inputs = [msg, chatbot, mode, k, date_from, date_to, source, generator, lang]
        chat_outputs = [msg, chatbot, sources, last]
        msg.submit(h.chat, chat_inputs, chat_outputs, api_name="chat")
        examples.click(  # a click on an example asks it
            lambda i: EXAMPLES[i], [examples], [msg], queue=False, api_visibility="private"
        ).then(h.chat, chat_inputs, chat_outputs, api_visibility="private")
        chatbot.clear(  # the chat's own bin icon empties the sources panel too
            lambda lang: (sources_placeholder(lang), None),
            [lang],
            [sources, last],
            api_visibility="private",
        )
        mode.change(
            lambda m, lang: gr.update(info=t(f"mode_help_{m}", lang)),
            [mode, lang],
            [mode],
            api_visibility="private",
            queue=False,
        )
        doc_outputs = [docs, doc_pick, source, doc_count]
        index_btn.click(
            h.upload,
            [files, lang],
            [upload_status, files, *doc_outputs],
            api_name="upload",
            show_progress_on=[files],
        )
        remove_btn.click(  # asks first; the removal itself is the confirm button's
            h.ask_remove,
            [doc_pick, lang],
            [upload_status, confirm_row, confirm_text],
            api_visibility="private",
        )
        confirm_yes.click(
            h.remove,
            [doc_pick, lang],
            [upload_status, *doc_outputs, confirm_row],
            api_name="remove",
            show_progress_on=[docs],
        )
        confirm_no.click(
            h.cancel_remove, [lang], [upload_status, confirm_row], api_visibility="private"
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

        def switch(lang: str, mode_now: str, source_now: str, answer):
            def u(key, **kw):
                return gr.update(label=t(key, lang, **kw))

            return [
                service.sources_html(answer, lang),
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
                gr.update(label=t("mode", lang), info=t(f"mode_help_{mode_now}", lang)),
                u("k"),
                u("date_from"),
                u("date_to"),
                gr.update(
                    label=t("source", lang),
                    choices=[t("all_sources", lang)] + service.source_names(),
                    value=t("all_sources", lang)
                    if source_now in ALL_SOURCES or not source_now
                    else source_now,
                ),
                u("generator"),
                u("upload", mb=settings.max_upload_mb),
                gr.update(value=t("upload_button", lang)),
                gr.update(label=t("docs", lang), headers=[t(c, lang) for c in DOC_COLS]),
                u("remove"),
                gr.update(value=t("remove_button", lang)),
                gr.update(value=t("refresh", lang)),
                gr.update(value=t("remove_yes", lang)),
                gr.update(value=t("remove_no", lang)),
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
                "",  # status lines of the other language: cleared rather than left
                "",
                gr.update(visible=False),
            ]

        lang.change(
            switch,
            [lang, mode, source, last],
            [
                sources,
                header,
                lang,
                tab_chat,
                tab_docs,
                tab_eval,
                chatbot,
                msg,
                examples,
                settings_box,
                mode,
                k,
                date_from,
                date_to,
                source,
                generator,
                files,
                index_btn,
                docs,
                doc_pick,
                remove_btn,
                refresh_btn,
                confirm_yes,
                confirm_no,
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
                upload_status,
                eval_status,
                confirm_row,
            ],
            api_visibility="private",
        )
        for event in (lang.change, demo.load):  # the browser's side of the switch
            event(None, [lang], None, js=SET_LANG_JS)
    return demo
