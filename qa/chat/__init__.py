"""The chat page: its logic, testable without a browser, and its Gradio layout.

One module per concern (app.py at the repo root only launches the page):

- service.py: `ChatService`, the answers: follow-up resolved, search run,
  answer streamed one cited sentence at a time as `Reply` objects.
- followup.py: `resolve_followup`, what to search for "Et l'Iran ?".
- render.py: the answer as HTML, error and status lines, the page's CSS and script.
- sources.py: the sources panel (titles, merged passages, highlights).
- documents.py: the Documents tab (upload, remove, list); `ensure_index`.
- evaluation.py: the Evaluation tab, over `qa.eval`.
- inputs.py: the settings panel's filters; any error as one readable line.
- i18n.py: `STRINGS` / `t`, every word of the page in French and English.
- handlers.py, layout.py: the Gradio callbacks and widgets. The only modules
  importing gradio, so they are not imported here: `import qa.chat` stays
  light for tests and scripts that only need the service.
"""

from .documents import UPLOAD_TYPES, ensure_index, uploads_dir
from .evaluation import BUNDLED_QUESTIONS, EVAL_TYPES, EvalView
from .followup import is_followup, resolve_followup
from .i18n import LANGS, STRINGS, t
from .inputs import DateError, make_filters, user_error
from .render import render_answer
from .service import ChatService, Reply, available_generators, available_modes
from .sources import display_title, render_sources

__all__ = [
    "BUNDLED_QUESTIONS",
    "EVAL_TYPES",
    "LANGS",
    "STRINGS",
    "UPLOAD_TYPES",
    "ChatService",
    "DateError",
    "EvalView",
    "Reply",
    "available_generators",
    "available_modes",
    "display_title",
    "ensure_index",
    "is_followup",
    "make_filters",
    "render_answer",
    "render_sources",
    "resolve_followup",
    "t",
    "uploads_dir",
    "user_error",
]
