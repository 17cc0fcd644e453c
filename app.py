"""Gradio chat over the indexed articles: `python app.py` (or `make chat`).

Binds 127.0.0.1 unless QA_HOST says otherwise; the port comes from
GRADIO_SERVER_PORT (default 7860), the index from QA_INDEX_DIR (default
index/). On first start with no index it indexes seeds/ (a few seconds).
The logic lives in qa/chat.py; this file is only widgets and wiring.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from qa.chat import ChatService, ensure_index  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402

CSS = """
.qa-passage { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin: 8px 0; transition: box-shadow .3s; }
.qa-passage.qa-flash { box-shadow: 0 0 0 3px var(--color-accent); }
.qa-meta { font-size: .85em; opacity: .85; margin-bottom: 4px; }
.qa-n { font-weight: bold; color: var(--color-accent); }
mark.qa-support { background: #fff2a8; color: inherit; padding: 0 2px; }
a.qa-cite { text-decoration: none; font-weight: bold; cursor: pointer; }
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
  el.scrollIntoView({behavior: 'smooth', block: 'center'});
  el.classList.add('qa-flash'); setTimeout(() => el.classList.remove('qa-flash'), 2000);
}, true);
</script>
"""


def build_app(settings: Settings | None = None, service: ChatService | None = None) -> gr.Blocks:
    settings = settings or load_settings()
    service = service or ChatService(settings)

    def on_submit(message, history, mode, k):
        history = list(history or [])
        reply = service.respond(message, mode=mode, k=int(k))
        history.append({"role": "user", "content": message})
        history.append({"role": "assistant", "content": reply.markdown})
        return "", history, reply.sources_html

    with gr.Blocks(title="Questions sur les articles") as demo:
        gr.Markdown(
            "## Questions sur les articles\nPosez une question en français ou en anglais. "
            "Chaque phrase de la réponse renvoie au passage cité [n]."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="qa-chat")
                msg = gr.Textbox(
                    label="Question",
                    placeholder="Quel calibre d'obus … ?",
                    elem_id="qa-question",
                    submit_btn="Envoyer",
                )
                with gr.Row():
                    mode = gr.Radio(
                        ["hybrid", "dense", "bm25"], value=settings.mode, label="Recherche"
                    )
                    k = gr.Slider(1, 20, value=settings.k, step=1, label="Passages")
                gr.ClearButton([msg, chatbot], value="Effacer")
            with gr.Column(scale=2):
                sources = gr.HTML(label="Sources", elem_id="qa-sources")
        msg.submit(on_submit, [msg, chatbot, mode, k], [msg, chatbot, sources], api_name="chat")
    return demo


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    ensure_index(settings)
    demo = build_app(settings)
    # 2 cores: one answer at a time per worker keeps latency flat; see docs/ops.md
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.launch(
        server_name=settings.host,
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        css=CSS,
        head=HEAD,
        show_error=False,
        max_file_size=f"{settings.max_upload_mb}mb",
    )


if __name__ == "__main__":
    main()
