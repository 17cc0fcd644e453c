"""What the chat page does, without Gradio: answer, stream, render, manage documents.

app.py only wires widgets to this module, so every behaviour of the page can
be tested without a browser:

- `ChatService.stream(message, history, ...)` yields `Reply` objects: first
  the search being run (follow-ups resolved against the conversation by
  `resolve_followup`), then the answer growing one cited sentence at a time,
  then the final answer with the sources panel. `respond` returns the last one.
- `render_answer` / `render_sources`: Markdown answer whose [n] markers link
  to `#qa-src-n`; sources panel with each cited passage (file, date, agency,
  the supporting sentence highlighted) and the uncited retrieved passages
  folded away in a <details>.
- `upload` / `remove` / `document_rows`: incremental indexing of uploaded
  articles (copied to `<index_dir>/uploads/`), removal by doc_id.
- `run_evaluation`: the evaluation tab, over `qa.eval`.
- `STRINGS` / `t`: the interface in French (default) and English.

Answer generators plug in through `ChatService.answer_stream`, which yields
`Answer` objects, partial ones first: a configured generator
(`QA_GENERATOR`, qa/generate.py) streams checked sentences as the model
writes them; the extractive answerer composes the whole answer at once, so
its stream reveals it sentence by sentence.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .analyze import STOPWORDS, analyze, fold
from .answer import QuestionError, check_question, extractive_answer
from .config import ROOT, Settings
from .retrieve import MODES, Filters, Retriever
from .types import Answer, Hit

log = logging.getLogger(__name__)

UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
BUNDLED_QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"
EVAL_TYPES = (".jsonl", ".json", ".zip")  # project JSONL, SQuAD JSON, zipped BEIR folder

# --- interface strings ---------------------------------------------------------

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Questions sur les articles",
        "intro": "Posez une question en français ou en anglais. Chaque phrase de la réponse "
        "cite son passage [n] : cliquez dessus pour le voir à droite, la phrase citée "
        "surlignée.",
        "language": "Langue",
        "tab_chat": "Discussion",
        "tab_docs": "Documents",
        "tab_eval": "Évaluation",
        "conversation": "Conversation",
        "chat_placeholder": "Les réponses s'affichent ici, leurs sources à droite. Essayez un "
        "exemple ci-dessous, puis une question de suite comme « Et l'Iran ? ».",
        "question": "Question",
        "question_placeholder": "Ex. : Quel calibre d'obus la Corée du Nord pourrait-elle "
        "fournir à la Russie ?",
        "send": "Envoyer",
        "examples": "Exemples",
        "settings": "Réglages de la recherche",
        "mode": "Mode de recherche",
        "k": "Passages affichés",
        "date_from": "Depuis (AAAA, AAAA-MM ou AAAA-MM-JJ)",
        "date_to": "Jusqu'à",
        "source": "Source / agence",
        "all_sources": "(toutes)",
        "generator": "Générateur de réponse",
        "sources": "Sources",
        "sources_empty": "Les passages cités apparaîtront ici.",
        "cited": "Passages cités",
        "uncited": "{n} autres passages retrouvés (non cités)",
        "searched": "Recherche effectuée : « {q} »",
        "filters": "filtres : {f}",
        "searching": "Recherche : « {q} »…",
        "no_source": "Aucun passage retrouvé.",
        "file": "Fichier",
        "date": "Date",
        "agency": "Agence",
        "no_date": "date inconnue",
        "no_agency": "agence inconnue",
        "upload": "Ajouter des articles (.txt, .md, .html, .jsonl ; {mb} Mo max. par fichier)",
        "upload_button": "Indexer",
        "upload_none": "Choisissez d'abord un ou plusieurs fichiers.",
        "upload_type": "{name} : type de fichier non pris en charge (acceptés : {types})",
        "upload_size": "{name} : {mb:.1f} Mo dépasse la limite de {limit} Mo",
        "upload_done": "{added} ajouté(s), {changed} mis à jour, {unchanged} inchangé(s), "
        "{failed} en échec ; {chunks} passages dans l'index.",
        "upload_failed": "Non indexé : {why}",
        "progress_copy": "Copie des fichiers",
        "progress_index": "Indexation",
        "docs": "Documents indexés",
        "docs_count": "{n} documents, {c} passages",
        "col_doc": "Document",
        "col_title": "Titre",
        "col_date": "Date",
        "col_source": "Source",
        "col_author": "Auteur",
        "col_chars": "Caractères",
        "col_chunks": "Passages",
        "remove": "Document à retirer",
        "remove_button": "Retirer de l'index",
        "removed": "{doc} retiré de l'index.",
        "remove_none": "Choisissez un document à retirer.",
        "refresh": "Actualiser",
        "eval_intro": "Mesure la recherche (et, en option, les réponses) sur un jeu de "
        "questions : celui fourni avec le projet, ou le vôtre dans un format de `qa eval` : "
        "JSONL du projet, SQuAD (.json) ou dossier BEIR zippé (.zip).",
        "eval_set": "Jeu de questions",
        "eval_bundled": "Questions fournies (eval/seed_questions.jsonl)",
        "eval_uploaded": "Fichier envoyé",
        "eval_file": "Votre jeu de questions",
        "eval_modes": "Modes comparés",
        "eval_k": "k (rang maximal compté)",
        "eval_answers": "Évaluer aussi les réponses (plus lent)",
        "eval_run": "Lancer l'évaluation",
        "eval_metrics": "Métriques",
        "eval_plot": "Comparaison",
        "eval_failures": "Questions ratées",
        "eval_no_failures": "Aucune question ratée.",
        "fcol_id": "id",
        "fcol_question": "Question",
        "fcol_why": "Échec (par mode)",
        "fcol_gold": "Réponse attendue",
        "eval_download": "Rapport complet",
        "eval_unavailable": "Le module d'évaluation (qa.eval) n'est pas disponible.",
        "eval_need_file": "Envoyez d'abord un fichier de questions.",
        "eval_running": "Évaluation en cours…",
        "eval_done": "{n} questions évaluées en {s:.0f} s.",
        "err_empty": "La question est vide.",
        "err_no_words": "La question ne contient aucun mot.",
        "err_too_long": "La question fait {n} caractères ; la limite est {limit}.",
        "err_date": "Date « {v} » illisible : écrivez AAAA, AAAA-MM ou AAAA-MM-JJ.",
        "err_no_index": "Aucun index pour l'instant : ajoutez des articles dans l'onglet "
        "Documents.",
        "err_busy": "Une autre indexation est en cours ; réessayez dans un instant.",
        "err_generic": "Erreur : {msg}",
    },
    "en": {
        "title": "Questions about the articles",
        "intro": "Ask a question in French or English. Every sentence of the answer cites "
        "its passage [n]: click it to see the passage on the right, the quoted sentence "
        "highlighted.",
        "language": "Language",
        "tab_chat": "Chat",
        "tab_docs": "Documents",
        "tab_eval": "Evaluation",
        "conversation": "Conversation",
        "chat_placeholder": "Answers appear here, their sources on the right. Try an example "
        "below, then a follow-up such as “And Iran?”.",
        "question": "Question",
        "question_placeholder": "E.g.: What calibre of shells could North Korea supply to Russia?",
        "send": "Send",
        "examples": "Examples",
        "settings": "Search settings",
        "mode": "Search mode",
        "k": "Passages shown",
        "date_from": "From (YYYY, YYYY-MM or YYYY-MM-DD)",
        "date_to": "To",
        "source": "Source / agency",
        "all_sources": "(all)",
        "generator": "Answer generator",
        "sources": "Sources",
        "sources_empty": "The cited passages will appear here.",
        "cited": "Cited passages",
        "uncited": "{n} more retrieved passages (not cited)",
        "searched": "Search run: “{q}”",
        "filters": "filters: {f}",
        "searching": "Searching: “{q}”…",
        "no_source": "No passage found.",
        "file": "File",
        "date": "Date",
        "agency": "Agency",
        "no_date": "date unknown",
        "no_agency": "agency unknown",
        "upload": "Add articles (.txt, .md, .html, .jsonl; {mb} MB max per file)",
        "upload_button": "Index",
        "upload_none": "Choose one or more files first.",
        "upload_type": "{name}: unsupported file type (accepted: {types})",
        "upload_size": "{name}: {mb:.1f} MB is over the {limit} MB limit",
        "upload_done": "{added} added, {changed} updated, {unchanged} unchanged, "
        "{failed} failed; {chunks} passages in the index.",
        "upload_failed": "Not indexed: {why}",
        "progress_copy": "Copying files",
        "progress_index": "Indexing",
        "docs": "Indexed documents",
        "docs_count": "{n} documents, {c} passages",
        "col_doc": "Document",
        "col_title": "Title",
        "col_date": "Date",
        "col_source": "Source",
        "col_author": "Author",
        "col_chars": "Characters",
        "col_chunks": "Passages",
        "remove": "Document to remove",
        "remove_button": "Remove from the index",
        "removed": "{doc} removed from the index.",
        "remove_none": "Choose a document to remove.",
        "refresh": "Refresh",
        "eval_intro": "Measures retrieval (and optionally the answers) on a question set: "
        "the one bundled with the project, or yours in a format of `qa eval`: the "
        "project's JSONL, SQuAD (.json) or a zipped BEIR folder (.zip).",
        "eval_set": "Question set",
        "eval_bundled": "Bundled questions (eval/seed_questions.jsonl)",
        "eval_uploaded": "Uploaded file",
        "eval_file": "Your question set",
        "eval_modes": "Modes compared",
        "eval_k": "k (deepest rank counted)",
        "eval_answers": "Also evaluate the answers (slower)",
        "eval_run": "Run the evaluation",
        "eval_metrics": "Metrics",
        "eval_plot": "Comparison",
        "eval_failures": "Failed questions",
        "eval_no_failures": "No failed question.",
        "fcol_id": "id",
        "fcol_question": "Question",
        "fcol_why": "Failure (per mode)",
        "fcol_gold": "Expected answer",
        "eval_download": "Full report",
        "eval_unavailable": "The evaluation module (qa.eval) is not available.",
        "eval_need_file": "Upload a question file first.",
        "eval_running": "Evaluating…",
        "eval_done": "{n} questions evaluated in {s:.0f} s.",
        "err_empty": "The question is empty.",
        "err_no_words": "The question has no words.",
        "err_too_long": "The question is {n} characters long; the limit is {limit}.",
        "err_date": "Cannot read the date “{v}”: write YYYY, YYYY-MM or YYYY-MM-DD.",
        "err_no_index": "No index yet: add articles in the Documents tab.",
        "err_busy": "Another indexing run is in progress; try again in a moment.",
        "err_generic": "Error: {msg}",
    },
}
LANGS = tuple(STRINGS)


def t(key: str, lang: str = "fr", **kw) -> str:
    table = STRINGS.get(lang) or STRINGS["fr"]
    s = table.get(key) or STRINGS["fr"][key]
    return s.format(**kw) if kw else s


def user_error(e: BaseException, lang: str = "fr") -> str:
    """One readable line for the page; never a traceback."""
    from . import store

    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, QuestionError):
        if msg == "the question is empty":
            return t("err_empty", lang)
        if msg == "the question has no words":
            return t("err_no_words", lang)
        if m := re.match(r"the question is (\d+) characters long; the limit is (\d+)", msg):
            return t("err_too_long", lang, n=m[1], limit=m[2])
        return msg
    if isinstance(e, store.IndexBusy):
        return t("err_busy", lang)
    if isinstance(e, store.IndexError_) and "no index here yet" in msg:
        return t("err_no_index", lang)
    if isinstance(e, DateError):
        return t("err_date", lang, v=e.value)
    return t("err_generic", lang, msg=msg)


class DateError(ValueError):
    def __init__(self, value: str):
        super().__init__(f"unreadable date {value!r}")
        self.value = value


_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def make_filters(date_from: str = "", date_to: str = "", source: str = "") -> Filters | None:
    """Filters from the settings panel; raises DateError for an unreadable date."""
    date_from, date_to, source = (date_from or "").strip(), (date_to or "").strip(), source or ""
    for v in (date_from, date_to):
        if v and not _DATE.match(v):
            raise DateError(v)
    if source in (STRINGS["fr"]["all_sources"], STRINGS["en"]["all_sources"]):
        source = ""
    f = Filters(date_from=date_from, date_to=date_to, source=source.strip())
    return f or None


# --- follow-up questions -------------------------------------------------------

# "Et l'Iran ?", "And Iran?", "What about Iran?": the same question about something else.
_SWAP_CUE = re.compile(
    r"^\s*(?:et\s+(?:pour|concernant|quid\s+de)?|and\s+(?:for\s+)?|what\s+about|how\s+about"
    r"|quid\s+de|mais|but|aussi|also|même\s+question\s+pour|same\s+for)\b\s*",
    re.I,
)
# "Combien ?", "Pourquoi ?", "Qui l'a dit ?": asks more about the previous subject.
_MORE_CUE = re.compile(
    r"^\s*(?:combien|pourquoi|quand|comment|où|ou|qui|quoi|lequel|laquelle|lesquels"
    r"|how|why|when|where|who|what|which)\b",
    re.I,
)
_PRONOUN = re.compile(
    r"\b(?:il|elle|ils|elles|ça|cela|ceci|celui|celle|ceux|celles|lui|leur|leurs|y"
    r"|he|she|they|it|this|that|these|those|them|his|her|their)\b",
    re.I,
)
_EXTRA_STOP = {"many", "much", "about", "also", "aussi", "alors", "ok", "donc", "then"}
_ENTITY = re.compile(
    r"(?:\b(?:la|le|les|du|des|de\s+la|the)\s+|\b[lL]['’])?"
    r"[A-ZÀ-ÖØ-Þ][\w-]+(?:(?:\s+(?:du|de|des|de\s+la|d['’]|of|the)?\s*)[A-ZÀ-ÖØ-Þ][\w-]+)*"
)


def _content_terms(text: str) -> list[str]:
    return [w for w in analyze(text) if w not in _EXTRA_STOP and fold(w) not in STOPWORDS]


def _proper_nouns(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", text)
    return [w for w in words[1:] if w[:1].isupper()]


def is_followup(message: str) -> bool:
    """Does `message` only make sense with the previous question?"""
    terms = _content_terms(message)
    if not terms:
        return True  # "Combien ?", "Et ?", "Pourquoi ça ?"
    names = _proper_nouns(message)
    if _SWAP_CUE.match(message) and len(terms) <= 3:
        return True
    if _MORE_CUE.match(message) and len(terms) <= 2 and not names:
        return True
    return bool(_PRONOUN.search(message) and len(terms) <= 3 and not names)


def _substitute(base: str, follow: str) -> str | None:
    """ "Et l'Iran ?" after "Que fournit la Corée du Nord à la Russie ?" gives
    "Que fournit l'Iran à la Russie ?": the first named entity of the previous
    question is swapped for the new one. None when there is nothing to swap."""
    m = _SWAP_CUE.match(follow)
    if not m:
        return None
    new = follow[m.end() :].strip().rstrip("?!. ").strip()
    if not new or not _proper_nouns("x " + new):
        return None
    for ent in _ENTITY.finditer(base):
        if ent.start() == 0:  # the question's first word is capitalised anyway
            continue
        return base[: ent.start()] + new + base[ent.end() :]
    return None


def _user_texts(history) -> list[str]:
    out = []
    for m in history or []:
        if isinstance(m, dict):
            role, content = m.get("role"), m.get("content")
        elif isinstance(m, (list, tuple)) and len(m) == 2:  # old tuple format
            out.append(_text(m[0]))
            continue
        else:
            role, content = getattr(m, "role", None), getattr(m, "content", None)
        if role == "user":
            out.append(_text(content))
    return [x for x in out if x.strip()]


def _text(content) -> str:
    """Chatbot content -> plain text (Gradio 6 gives a list of {"type","text"} blocks)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(_text(c) for c in content if not isinstance(c, (int, float)))
    return str(getattr(content, "text", "") or "")


def resolve_followup(message: str, history=None) -> str:
    """The search to run for `message` given the earlier user messages.

    A self-contained question is searched as it is. A follow-up is resolved
    against the previous question (itself resolved the same way): "Et
    l'Iran ?" swaps the named entity, "Combien ?" / "Pourquoi ?" / a
    question with a pronoun is appended to the previous question."""
    message = " ".join((message or "").split())
    base = ""  # the last self-contained (or swapped) question
    for prev in _user_texts(history):
        prev = " ".join(prev.split())
        base = _resolve_one(prev, base)[1]
    return _resolve_one(message, base)[0]


def _resolve_one(message: str, base: str) -> tuple[str, str]:
    """(query, new base) for `message` after the conversation whose base is `base`."""
    if not base or not is_followup(message):
        return message, message
    swapped = _substitute(base, message)
    if swapped:
        return swapped, swapped
    m = _SWAP_CUE.match(message)
    tail = message[m.end() :] if m else message
    return f"{base} {tail.strip()}".strip(), base


# --- rendering -----------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    markdown: str
    sources_html: str
    answer: Answer | None = None
    error: str = ""
    query: str = ""  # the search actually run
    final: bool = True  # False for the partial replies of a stream


def _meta_line(hit: Hit, lang: str = "fr") -> str:
    c = hit.chunk
    parts = [
        f'<span class="qa-file" title="{t("file", lang)}">'
        f"{html.escape(Path(c.doc_id.split(':')[0]).name)}"
        f"{html.escape(':' + c.doc_id.split(':', 1)[1]) if ':' in c.doc_id else ''}</span>"
    ]
    for cls, label, value, missing in (
        ("qa-date", "date", c.date, "no_date"),
        ("qa-agency", "agency", c.source, "no_agency"),
    ):
        shown = html.escape(value) if value else t(missing, lang)
        extra = "" if value else " qa-missing"
        parts.append(f'<span class="{cls}{extra}" title="{t(label, lang)}">{shown}</span>')
    line = " · ".join(parts)
    if c.title:
        line += f'<div class="qa-title">{html.escape(c.title)}</div>'
    return line


def _highlight(text: str, sentences: list[str]) -> str:
    out = html.escape(text)
    for s in dict.fromkeys(x.strip() for x in sentences if x and x.strip()):
        e = html.escape(s)
        if e in out and f'<mark class="qa-support">{e}' not in out:
            out = out.replace(e, f'<mark class="qa-support">{e}</mark>', 1)
    return out.replace("\n\n", "<br><br>")


def render_sources(ans: Answer | None, lang: str = "fr", final: bool = True) -> str:
    """Cited passages first, each with file, date, agency and the supporting
    sentence highlighted; uncited retrieved passages folded in a <details>."""
    if ans is None:
        return ""
    parts = ['<div class="qa-sources">']
    if ans.citations:
        parts.append(f'<h4 class="qa-cited-title">{t("cited", lang)}</h4>')
    for c in ans.citations:
        sents = [s.text for s in ans.sentences if s.n == c.n] + [c.sentence]
        parts.append(
            f'<div class="qa-passage qa-cited" id="qa-src-{c.n}" data-n="{c.n}">'
            f'<div class="qa-meta"><span class="qa-n">[{c.n}]</span> {_meta_line(c.hit, lang)}'
            f'</div><div class="qa-text">{_highlight(c.hit.chunk.text, sents)}</div></div>'
        )
    cited = {c.hit.chunk.chunk_id for c in ans.citations}
    others = [h for h in ans.hits if h.chunk.chunk_id not in cited]
    if final and others:
        parts.append(
            f"<details class='qa-uncited'><summary>{t('uncited', lang, n=len(others))}</summary>"
        )
        for h in others:
            parts.append(
                f'<div class="qa-passage qa-other"><div class="qa-meta">{_meta_line(h, lang)}'
                f'</div><div class="qa-text">{_highlight(h.chunk.text, [])}</div></div>'
            )
        parts.append("</details>")
    if final and not ans.hits:
        parts.append(f'<p class="qa-none">{t("no_source", lang)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _filters_text(filters: Filters | None) -> str:
    if not filters:
        return ""
    bits = []
    if filters.date_from or filters.date_to:
        bits.append(f"{filters.date_from or '…'} → {filters.date_to or '…'}")
    if filters.source:
        bits.append(filters.source)
    return ", ".join(bits)


def render_answer(ans: Answer, lang: str = "fr", filters: Filters | None = None) -> str:
    """Markdown answer; each [n] links to its passage in the sources panel.
    The search actually run is shown when it differs from the question."""
    text = html.escape(ans.answer, quote=False)
    text = re.sub(r"\[(\d+)\]", r'<a href="#qa-src-\1" class="qa-cite">[\1]</a>', text)
    note = []
    if ans.query and ans.query != ans.question:
        note.append(t("searched", lang, q=html.escape(ans.query, quote=False)))
    if ftxt := _filters_text(filters):
        note.append(t("filters", lang, f=html.escape(ftxt, quote=False)))
    if note:
        text += f'\n\n<small class="qa-query">{" — ".join(note)}</small>'
    return text


def _partials(ans: Answer) -> Iterator[Answer]:
    """The answer cut after each [n] marker: what a reader sees while it is composed."""
    ends = [m.end() for m in re.finditer(r"\[\d+\]", ans.answer)]
    for end in ends[:-1]:
        text = ans.answer[:end]
        seen = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        yield dataclasses.replace(
            ans,
            answer=text,
            citations=tuple(c for c in ans.citations if c.n in seen),
            sentences=tuple(s for s in ans.sentences if s.text in text),
        )


# --- the service ---------------------------------------------------------------


def ensure_index(settings: Settings, progress: bool = True) -> None:
    """Build the index on first start (the seeds, by default)."""
    from . import store

    if store.current_generation(settings.index_dir) is not None:
        return
    from .indexer import build_index

    log.warning(
        "no index in %s yet: indexing %s (first start only)", settings.index_dir, settings.docs_dir
    )
    report = build_index([settings.docs_dir], settings, progress=progress)
    log.warning("index built: %s", report.summary())


def uploads_dir(settings: Settings) -> Path:
    """Where uploaded articles are kept: inside the index folder, so each index
    has its own, and nothing is written next to the seeds."""
    return Path(settings.index_dir) / "uploads"


def available_modes(settings: Settings) -> list[str]:
    """Retrieval modes the settings can run ("rerank" needs a cross-encoder)."""
    return [m for m in MODES if m != "rerank" or settings.reranker]


def available_generators(settings: Settings) -> list[str]:
    """ "extractive" plus the generator the settings configure, if any."""
    out = ["extractive"]
    if settings.generator and settings.generator != "extractive":
        out.append(settings.generator)
    return out


def _safe_name(name: str) -> str:
    name = Path(str(name)).name
    stem, ext = Path(name).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._") or "document"
    return stem[:120] + ext


@dataclass
class EvalView:
    """What the evaluation tab shows."""

    table_md: str = ""
    plot: str | None = None  # PNG path
    failures: list[list] = field(default_factory=list)  # [id, question, why, gold answer]
    files: list[str] = field(default_factory=list)  # report.json, report.md, ...
    message: str = ""
    report: dict | None = None


class ChatService:
    def __init__(self, settings: Settings, retriever: Retriever | None = None):
        self.settings = settings
        self._retriever = retriever
        self._lock = threading.Lock()
        # name -> callable(question, retriever, *, settings, filters, mode, k, query)
        # returning an Answer or an iterator of Answers (partial ones first).
        self.answerers: dict[str, Callable] = {"extractive": extractive_answer}

    # --- index ---------------------------------------------------------------
    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.settings)
            return self._retriever

    def _embedder(self):
        return self._retriever.embedder if self._retriever is not None else None

    def documents(self) -> list[dict]:
        r = self.retriever
        r.refresh()
        return list(r.data.documents)

    def document_rows(self) -> list[list]:
        """[doc_id, title, date, source, author, chars, passages] per indexed document."""
        r = self.retriever
        r.refresh()
        n_chunks = Counter(c.doc_id for c in r.data.chunks[: r.data.n_searchable])
        return [
            [
                d["doc_id"],
                d.get("title", ""),
                d.get("date", ""),
                d.get("source", ""),
                d.get("author", ""),
                d.get("chars", 0),
                n_chunks.get(d["doc_id"], 0),
            ]
            for d in sorted(r.data.documents, key=lambda d: d["doc_id"])
        ]

    def source_names(self) -> list[str]:
        """Distinct sources/agencies in the index, for the filter menu."""
        try:
            docs = self.documents()
        except Exception:
            return []
        return sorted({d.get("source", "") for d in docs if d.get("source")}, key=str.lower)

    def n_chunks(self) -> int:
        r = self.retriever
        r.refresh()
        return r.data.n_searchable

    def upload(self, files, lang: str = "fr", progress: bool = False) -> str:
        """Copy uploaded files into the uploads folder and index them
        incrementally (other documents keep their vectors). Returns one
        readable line; never raises."""
        from .indexer import build_index

        paths = [Path(getattr(f, "name", f)) for f in (files or []) if f]
        if not paths:
            return t("upload_none", lang)
        limit = self.settings.max_upload_mb
        problems = []
        for p in paths:
            if p.suffix.lower() not in UPLOAD_TYPES:
                problems.append(t("upload_type", lang, name=p.name, types=", ".join(UPLOAD_TYPES)))
            elif p.stat().st_size > limit * 1024 * 1024:
                mb = p.stat().st_size / 1024 / 1024
                problems.append(t("upload_size", lang, name=p.name, mb=mb, limit=limit))
        if problems:
            return " ; ".join(problems) if lang == "fr" else "; ".join(problems)
        dest = uploads_dir(self.settings)
        dest.mkdir(parents=True, exist_ok=True)
        targets = []
        for p in paths:
            target = dest / _safe_name(p.name)
            shutil.copyfile(p, target)
            targets.append(target)
        try:
            report = build_index(
                targets, self.settings, embedder=self._embedder(), sync=False, progress=progress
            )
        except Exception as e:
            for target in targets:
                target.unlink(missing_ok=True)
            if not isinstance(e, (ValueError, OSError)) and "Ingest" not in type(e).__name__:
                log.exception("upload failed")
            return t("upload_failed", lang, why=user_error(e, lang))
        for f, _why in report.failed:  # keep only what made it into the index
            Path(f).unlink(missing_ok=True)
        if self._retriever is not None:
            self._retriever.refresh()
        msg = t(
            "upload_done",
            lang,
            added=len(report.added),
            changed=len(report.changed),
            unchanged=len(report.unchanged),
            failed=len(report.failed),
            chunks=self.n_chunks(),
        )
        if report.failed:
            msg += " " + " ".join(why for _f, why in report.failed)
        return msg

    def remove(self, doc_id: str, lang: str = "fr") -> str:
        """Drop a document from the index (and its uploaded file, if it was uploaded)."""
        from .indexer import build_index

        if not doc_id:
            return t("remove_none", lang)
        try:
            build_index([], self.settings, embedder=self._embedder(), sync=False, remove=[doc_id])
        except Exception as e:
            return user_error(e, lang)
        up = uploads_dir(self.settings).resolve()
        f = (up / doc_id).resolve()
        if f.parent == up and f.is_file():
            f.unlink()
        if self._retriever is not None:
            self._retriever.refresh()
        return t("removed", lang, doc=doc_id)

    # --- answers -------------------------------------------------------------
    def answer_stream(
        self,
        question: str,
        query: str,
        generator: str | None = None,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Answer]:
        """Answers for `question`, searched with `query`: partial ones while the
        answer is composed, the complete one last."""
        if generator not in self.answerers and generator not in available_generators(self.settings):
            generator = "extractive"  # not configured: never build what the API names
        fn = self.answerers.get(generator)
        if fn is None:  # a configured generator qa.answer knows how to build
            fn = _configured_generator(generator, self.settings)
            self.answerers[generator] = fn
        out = fn(question, self.retriever, filters=filters, mode=mode, k=k, query=query)
        if isinstance(out, Answer):
            yield from _partials(out)
            yield out
        else:
            yield from out

    def stream(
        self,
        message: str,
        history=None,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        generator: str | None = None,
        lang: str = "fr",
    ) -> Iterator[Reply]:
        """Replies for `message`: the search being run, the answer growing, then final."""
        try:
            question = check_question(message, self.settings)
            if mode is not None and mode not in MODES:
                raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
            query = resolve_followup(question, history)
            yield Reply(
                markdown=f"<em>{html.escape(t('searching', lang, q=query), quote=False)}</em>",
                sources_html="",
                query=query,
                final=False,
            )
            last = None
            for ans in self.answer_stream(question, query, generator, mode, k, filters):
                if last is not None:
                    yield self._reply(last, lang, filters, final=False)
                last = ans
        except Exception as e:  # the page shows one readable line, the log the traceback
            if not isinstance(e, (QuestionError, DateError)):
                log.exception("chat failed")
            msg = user_error(e, lang)
            yield Reply(markdown=f"⚠️ {html.escape(msg)}", sources_html="", error=str(e))
            return
        yield self._reply(last, lang, filters, final=True)

    def _reply(self, ans: Answer, lang: str, filters, final: bool) -> Reply:
        return Reply(
            markdown=render_answer(ans, lang, filters),
            sources_html=render_sources(ans, lang, final=final),
            answer=ans,
            query=ans.query,
            final=final,
        )

    def respond(
        self,
        message: str,
        mode: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history=None,
        generator: str | None = None,
        lang: str = "fr",
    ) -> Reply:
        reply = None
        for reply in self.stream(message, history, mode, k, filters, generator, lang):
            pass
        return reply

    # --- evaluation ----------------------------------------------------------
    def run_evaluation(
        self,
        questions: str | Path | None = None,
        modes=("bm25", "dense", "hybrid"),
        k: int = 10,
        answers: bool = False,
        out_dir: str | Path | None = None,
        lang: str = "fr",
        progress: bool = False,
    ) -> EvalView:
        """Run `qa.eval` on the bundled question set (or `questions`) against
        this index; the report files go to `out_dir` (a temp folder by default)."""
        import tempfile
        import time

        try:
            from .eval import evaluate, write_report
        except ImportError:
            return EvalView(message=t("eval_unavailable", lang))
        modes = tuple(m for m in (modes or ()) if m in MODES) or MODES
        out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="qa-eval-"))
        t0 = time.perf_counter()
        try:
            path = Path(questions) if questions else BUNDLED_QUESTIONS
            if path.suffix.lower() == ".zip":
                path = _unzip_beir(path, out / "questions", 10 * self.settings.max_upload_mb)
            report = evaluate(
                path,
                settings=self.settings,
                modes=modes,
                k=int(k),
                answers=answers,
                progress=progress,
            )
            paths = {k_: str(v) for k_, v in (write_report(report, out) or {}).items()}
        except Exception as e:
            if not isinstance(e, (ValueError, OSError)):
                log.exception("evaluation failed")
            return EvalView(message=user_error(e, lang))
        return EvalView(
            table_md=_eval_table(report, paths),
            plot=next((p for p in paths.values() if str(p).endswith(".png")), None),
            failures=_eval_failures(report),
            files=[p for p in paths.values() if Path(p).suffix in (".json", ".md", ".jsonl")],
            message=t("eval_done", lang, n=_n_questions(report), s=time.perf_counter() - t0)
            + ("" if report.get("failures") else " " + t("eval_no_failures", lang)),
            report=report,
        )


def _unzip_beir(path: Path, dest: Path, limit_mb: int) -> Path:
    """A zipped BEIR folder -> the folder holding corpus.jsonl and queries.jsonl."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            size = sum(i.file_size for i in infos)
            if size > limit_mb * 1024 * 1024:
                raise ValueError(
                    f"{path.name}: {size / 1e6:.0f} MB unpacked; the limit is {limit_mb} MB"
                )
            for i in infos:
                name = Path(i.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise ValueError(f"{path.name}: unsafe path {i.filename!r} in the zip")
            z.extractall(dest)
    except zipfile.BadZipFile:
        raise ValueError(f"{path.name}: not a zip file") from None
    found = [q.parent for q in dest.rglob("queries.jsonl") if (q.parent / "corpus.jsonl").is_file()]
    if len(found) != 1:
        raise ValueError(
            f"{path.name}: the zip must hold one BEIR folder (corpus.jsonl, queries.jsonl, qrels/)"
        )
    return found[0]


def _configured_generator(name: str, settings: Settings) -> Callable:
    """The answer function of a configured generator: `qa.generate.generate_answer`
    (partial answers while the model writes, each sentence checked), with the
    model built once, by the first question that asks for it."""
    try:
        from . import generate
    except ImportError:
        log.warning("generator %r is not available; answering extractively", name)
        return extractive_answer
    gen_settings = settings.replace(generator=name)
    lock, built = threading.Lock(), []

    def answer(question, retriever, **kw):
        with lock:
            if not built:
                built.append(generate.make_generator(gen_settings))
        return generate.generate_answer(
            question, retriever, settings=gen_settings, generator=built[0], **kw
        )

    return answer


def _n_questions(report: dict) -> int:
    return int(
        (report.get("config") or {}).get("n_questions") or len(report.get("per_query") or [])
    )


def _eval_table(report: dict, paths: dict) -> str:
    """The metrics tables of report.md (documents, passages, answers), or, without
    it, one table built from report["modes"]."""
    md = paths.get("md")
    if md and Path(md).is_file():
        out, keep = [], False
        for line in Path(md).read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                keep = line[3:].split(" (")[0].strip() in ("Documents", "Passages", "Answers")
                if keep:
                    out += ["", "#### " + line[3:]]
                continue
            if keep:
                out.append(line)
        if any(x.startswith("|") for x in out):
            return "\n".join(out).strip()
    modes = report.get("modes") or {}
    metrics = list(dict.fromkeys(m for v in modes.values() for m in v))
    rows = ["| mode | " + " | ".join(metrics) + " |", "|---" * (len(metrics) + 1) + "|"]
    for mode, vals in modes.items():
        cells = [
            f"{vals[m]:.3f}" if isinstance(vals.get(m), float) else str(vals.get(m) or "–")
            for m in metrics
        ]
        rows.append(f"| {mode} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _eval_failures(report: dict) -> list[list]:
    """[id, question, what failed (per mode), gold answer] for each failed question."""
    rows = []
    for f in report.get("failures") or []:
        failed = f.get("failed") or {}
        why = " | ".join(f"{m}: {'; '.join(r)}" for m, r in failed.items())
        gold = " | ".join(f.get("answers") or [])
        rows.append([str(f.get("id", "")), f.get("question", ""), why, gold])
    return rows
