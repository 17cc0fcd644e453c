"""The page's Gradio callbacks: widget values in, `ChatService` calls, widget
updates out.

Thin on purpose, since ChatService (service.py) does the work and is tested
without a browser. Their signatures, defaults and docstrings are the app's
API (gradio_client's /chat, /upload, /remove, /documents, /evaluate): the
defaults let `/chat` be called with (message, history, mode, k) only.
"""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from ..config import Settings
from .i18n import t
from .inputs import DateError, make_filters, user_error
from .render import render_error, render_status
from .service import ChatService
from .sources import sources_placeholder


def make_handlers(settings: Settings, service: ChatService) -> SimpleNamespace:
    """The callbacks, as closures so that `chat`'s defaults are `settings`'."""

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
        """Answer `message` given the conversation; streams the growing answer.

        Yields (message box, history, sources panel, last answer): the last
        answer is the page's state, kept so that a language switch re-renders
        the sources panel; API callers see the first three."""
        before = list(history or [])
        if not (message or "").strip():  # a blank submission adds nothing to the history
            yield message or "", before, gr.skip(), gr.skip()
            return
        history = before + [
            {"role": "user", "content": message},
            {"role": "assistant", "content": ""},
        ]
        try:
            filters = make_filters(date_from, date_to, source)
        except DateError as e:
            history[-1] = {"role": "assistant", "content": render_error(user_error(e, lang))}
            yield "", history, sources_placeholder(lang), None
            return
        k = int(k) if k else None
        for reply in service.stream(
            message, before, mode or None, k, filters, generator or None, lang or "fr"
        ):
            history[-1] = {"role": "assistant", "content": reply.markdown}
            if reply.error:  # the previous question's passages would mislead
                yield "", history, sources_placeholder(lang), None
            elif reply.final:
                yield "", history, reply.sources_html, reply.answer
            else:
                yield "", history, reply.sources_html or gr.skip(), gr.skip()

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
        return (render_status(msg), None, *doc_view(lang))

    def remove(doc_id: str, lang: str = "fr"):
        """Remove one document (by doc_id) from the index."""
        msg = service.remove(doc_id, lang=lang)
        return (render_status(msg), *doc_view(lang), gr.update(visible=False))

    def ask_remove(doc_id: str, lang: str = "fr"):
        """The confirmation a removal asks for, naming the article."""
        if not doc_id:
            return render_status("⚠️ " + t("remove_none", lang)), gr.update(visible=False), ""
        try:
            title = service.titles().get(doc_id) or doc_id
        except Exception:
            title = doc_id
        question = t("remove_confirm", lang, title=title, doc=doc_id)
        return "", gr.update(visible=True), question

    def cancel_remove(lang: str = "fr"):
        return render_status(t("remove_cancelled", lang)), gr.update(visible=False)

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
            return (
                render_status("⚠️ " + t("eval_need_file", lang)),
                "",
                gr.update(value=None, visible=False),
                gr.update(value=[], visible=False),
                gr.update(value=None, visible=False),
            )
        progress(0, desc=t("eval_running", lang))
        view = service.run_evaluation(
            file if which == "uploaded" else None,
            modes=modes,
            k=int(k),
            answers=bool(answers),
            lang=lang,
            progress=True,
        )
        label = t("eval_failures", lang) + (f" — {view.failed_note}" if view.failed_note else "")
        return (
            render_status(view.message),
            view.table_md,
            gr.update(value=view.plot, visible=bool(view.plot)),
            gr.update(value=view.failures, visible=bool(view.table_md), label=label),
            gr.update(value=view.files or None, visible=bool(view.files)),
        )

    return SimpleNamespace(
        chat=chat,
        doc_view=doc_view,
        documents=documents,
        upload=upload,
        remove=remove,
        ask_remove=ask_remove,
        cancel_remove=cancel_remove,
        evaluate=evaluate,
    )
