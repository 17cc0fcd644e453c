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
from .i18n import t
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
        return EvalView(message=t("eval_unavailable", lang))
    modes = tuple(m for m in (modes or ()) if m in MODES) or MODES
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="qa-eval-"))
    t0 = time.perf_counter()
    try:
        path = Path(questions) if questions else BUNDLED_QUESTIONS
        if path.suffix.lower() == ".zip":
            path = _unzip_beir(path, out / "questions", 10 * settings.max_upload_mb)
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
