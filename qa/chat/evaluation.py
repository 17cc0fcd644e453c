"""The Evaluation tab: `qa eval` run from the page, its report shaped for widgets.

The page runs the same `qa.eval.evaluate` / `write_report` as the CLI, on
the bundled question set or an uploaded one (the project's JSONL, SQuAD
JSON, or a BEIR folder as a .zip, unpacked here with size and path checks
since it comes from the browser). `qa.eval` is imported only when asked, so
the chat starts without it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ROOT, Settings
from ..retrieve import MODES
from .i18n import STRINGS, t
from .inputs import user_error

log = logging.getLogger(__name__)

BUNDLED_QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"
EVAL_TYPES = (".jsonl", ".json", ".zip")  # project JSONL, SQuAD JSON, zipped BEIR folder


@dataclass
class EvalView:
    """What the evaluation tab shows."""

    table_md: str = ""
    plot: str | None = None  # PNG path
    failures: list[list] = field(default_factory=list)  # [id, question, why, gold answer]
    files: list[str] = field(default_factory=list)  # report.json, report.md, ...
    message: str = ""
    failed_note: str = ""  # what counts as a failed question
    report: dict | None = None


def run_evaluation(
    settings: Settings,
    questions: str | Path | None = None,
    modes=("bm25", "dense", "hybrid"),
    k: int = 10,
    answers: bool = False,
    out_dir: str | Path | None = None,
    lang: str = "fr",
    progress: bool = False,
) -> EvalView:
    """Run `qa.eval` on the bundled question set (or `questions`) against the
    index `settings` names; the report files go to `out_dir` (a temp folder by
    default)."""
    import tempfile
    import time

    try:
        from ..eval import evaluate, write_report
    except ImportError:
        return EvalView(message="⚠️ " + t("eval_unavailable", lang))
    modes = tuple(m for m in (modes or ()) if m in MODES) or MODES
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="qa-eval-"))
    t0 = time.perf_counter()
    try:
        path = Path(questions) if questions else BUNDLED_QUESTIONS
        if path.suffix.lower() == ".zip":
            path = _unzip_beir(path, out / "questions", 10 * settings.max_upload_mb, lang)
        report = evaluate(
            path,
            settings=settings,
            modes=modes,
            k=int(k),
            answers=answers,
            progress=progress,
        )
        paths = {k_: str(v) for k_, v in (write_report(report, out) or {}).items()}
    except Exception as e:
        if not isinstance(e, (ValueError, OSError)):
            log.exception("evaluation failed")
        if isinstance(e, _ZipError):
            return EvalView(message=f"⚠️ {e}")
        if isinstance(e, (ValueError, OSError)):  # what qa.eval says of a bad file, in English
            log.info("evaluation refused the question set: %s", e)
            why = str(e).split(": ")[-1] if lang == "en" else "JSONL, SQuAD .json, BEIR .zip"
            name = Path(questions).name if questions else BUNDLED_QUESTIONS.name
            return EvalView(message="⚠️ " + t("eval_bad_file", lang, name=name, why=why))
        return EvalView(message="⚠️ " + user_error(e, lang))
    failures = _eval_failures(report, lang)
    return EvalView(
        table_md=_eval_table(report, lang),
        plot=_plot(report, out / f"comparison-{lang}.png", lang),
        failures=failures,
        files=[p for p in paths.values() if Path(p).suffix in (".json", ".md", ".jsonl")],
        message=t("eval_done", lang, n=_n_questions(report), s=time.perf_counter() - t0)
        + ("" if failures else " " + t("eval_no_failures", lang)),
        failed_note=t("eval_what_failed_answers" if answers else "eval_what_failed", lang, k=k),
        report=report,
    )


class _ZipError(ValueError):
    """A zipped BEIR folder the page refuses; the message is in the page's language."""


def _unzip_beir(path: Path, dest: Path, limit_mb: int, lang: str = "fr") -> Path:
    """A zipped BEIR folder -> the folder holding corpus.jsonl and queries.jsonl."""
    import zipfile

    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            size = sum(i.file_size for i in infos)
            if size > limit_mb * 1024 * 1024:
                raise _ZipError(t("eval_zip_big", lang, name=name, mb=size / 1e6, limit=limit_mb))
            for i in infos:
                p = Path(i.filename)
                if p.is_absolute() or ".." in p.parts:
                    raise _ZipError(t("eval_zip_unsafe", lang, name=name, path=i.filename))
            z.extractall(dest)
    except zipfile.BadZipFile:
        raise _ZipError(t("eval_not_zip", lang, name=name)) from None
    found = [q.parent for q in dest.rglob("queries.jsonl") if (q.parent / "corpus.jsonl").is_file()]
    if len(found) != 1:
        raise _ZipError(t("eval_beir_shape", lang, name=name))
    return found[0]


def _n_questions(report: dict) -> int:
    return int(
        (report.get("config") or {}).get("n_questions") or len(report.get("per_query") or [])
    )


ANSWER_METRICS = (
    "answer_span",
    "answer_cited",
    "span_em",
    "span_f1",
    "citation_precision",
    "abstention_acc",
)  # qa.eval.metrics' order; here too so the chat imports qa.eval only when it runs one


def _metric(name: str, lang: str) -> str:
    """A metric's name on the page: answer metrics in words, IR ones (MRR@10, R@1) as usual."""
    key = f"m_{name}"
    return t(key, lang) if key in STRINGS["fr"] else name


def _sections(report: dict, lang: str) -> list[tuple[str, list[str], list[str]]]:
    """(title, report keys, metric names) of each table: documents, passages, answers."""
    labels = list(report.get("config", {}).get("metrics") or [])
    modes = report.get("modes") or {}
    if not labels:
        labels = list(dict.fromkeys(m for v in modes.values() for m in v))
    out = [(t("eval_docs", lang), labels, labels)]
    chunk = [f"chunk_{c}" for c in labels]
    if any(c in r for r in modes.values() for c in chunk):
        out.append((t("eval_passages", lang), chunk, labels))
    if report.get("config", {}).get("answers"):
        names = list(ANSWER_METRICS)
        out.append((t("eval_answers_t", lang), names, names))
    return out


def _eval_table(report: dict, lang: str = "fr") -> str:
    """The metrics tables (documents, passages, answers) in the page's language,
    the best value of each column in bold."""
    modes = report.get("modes") or {}
    out = []
    for title, keys, names in _sections(report, lang):
        rows = {m: [v.get(key) for key in keys] for m, v in modes.items()}
        if not any(x is not None for r in rows.values() for x in r):
            continue
        best = [
            max((r[i] for r in rows.values() if r[i] is not None), default=None)
            for i in range(len(keys))
        ]
        out += ["", f"#### {title}", ""]
        out.append(
            f"| {t('eval_col_mode', lang)} | " + " | ".join(_metric(n, lang) for n in names) + " |"
        )
        out.append("|---" * (len(keys) + 1) + "|")
        for m, vals in rows.items():
            cells = []
            for i, v in enumerate(vals):
                s = "–" if v is None else f"{v:.3f}"
                cells.append(f"**{s}**" if v is not None and len(rows) > 1 and v == best[i] else s)
            out.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(out).strip()


def _plot(report: dict, path: Path, lang: str = "fr") -> str | None:
    """The modes compared, one panel per table, titles and metric names in `lang`."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    modes = report.get("modes") or {}
    panels = _sections(report, lang)
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    width = 0.8 / max(1, len(modes))
    for ax, (title, keys, names) in zip(axes[0], panels):
        for i, m in enumerate(modes):
            vals = [modes[m].get(key) or 0.0 for key in keys]
            xs = [x + (i - (len(modes) - 1) / 2) * width for x in range(len(keys))]
            ax.bar(xs, vals, width, label=m)
        ax.set_xticks(
            range(len(keys)), [_metric(n, lang) for n in names], rotation=30, ha="right", fontsize=8
        )
        ax.set_ylim(0, 1.15)
        ax.set_title(title.split(" (")[0])
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="upper center", ncol=max(1, len(modes)), frameon=False)
    name = Path(str(report.get("config", {}).get("questions") or "")).name
    fig.suptitle(t("eval_plot_title", lang, name=name), fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return str(path)


_REASONS = {
    "abstained": "eval_fail_abstained",
    "answered an unanswerable question": "eval_fail_answered",
    "answer lacks the gold span": "eval_fail_span",
}


def _reason(r: str, k: int, lang: str) -> str:
    if r.startswith("no relevant document in the top"):
        return t("eval_fail_doc", lang, k=k)
    return t(_REASONS[r], lang) if r in _REASONS else r


def _eval_failures(report: dict, lang: str = "fr") -> list[list]:
    """[id, question, what failed (per mode), expected answer] for each failed
    question: `qa eval`'s failures (document not in the top k, wrong
    abstention, answer without the expected words), and the questions whose
    answering passage is outside the top k, which retrieval-only runs would
    otherwise never list."""
    k = int(report.get("config", {}).get("k") or 10)
    why: dict[str, dict[str, list[str]]] = {}
    info: dict[str, dict] = {}
    for f in report.get("failures") or []:
        qid = str(f.get("id", ""))
        info[qid] = f
        for m, reasons in (f.get("failed") or {}).items():
            why.setdefault(qid, {}).setdefault(m, []).extend(_reason(r, k, lang) for r in reasons)
    for q in report.get("per_query") or []:
        qid = str(q.get("id", ""))
        for m, v in (q.get("modes") or {}).items():
            key = f"chunk_R@{k}"
            if key in v and not v[key]:
                info.setdefault(qid, q)
                reasons = why.setdefault(qid, {}).setdefault(m, [])
                reasons.append(t("eval_fail_passage", lang, k=k))
    order = [str(q.get("id", "")) for q in report.get("per_query") or []] or list(why)
    rows = []
    for qid in sorted(why, key=lambda x: order.index(x) if x in order else len(order)):
        f = info[qid]
        text = " | ".join(
            f"{m} : {'; '.join(r)}" if lang == "fr" else f"{m}: {'; '.join(r)}"
            for m, r in why[qid].items()
        )
        rows.append([qid, f.get("question", ""), text, " | ".join(f.get("answers") or [])])
    return rows
