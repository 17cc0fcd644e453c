"""`qa eval`: question sets in; metrics, TREC runs and a report out.

    report = evaluate("eval/seed_questions.jsonl", modes=("bm25", "dense", "hybrid"), k=10)
    paths = write_report(report, "runs/eval")

The package follows the data:

- `formats`: the question-set readers (project JSONL, SQuAD v1.1, BEIR);
- `runner`: `evaluate`, which indexes the corpus if needed and runs every
  mode (and the answerer with `--answers`) through the product's retriever;
- `metrics`: relevance (documents, passages holding a gold span), the
  ir-measures scores, answer metrics, failed questions;
- `report`: report.json / report.md / report.png and the TREC files.

`qa.cli`, `qa.chat` and the README import from `qa.eval` directly, so every
public name stays importable from here.
"""

from .formats import FORMATS, Question, QuestionSet, detect_format, load_questions
from .metrics import ANSWER_METRICS, CORPUS_FILE, measures, normalise
from .report import plot_modes, report_markdown, write_report, write_trec_qrels, write_trec_run
from .runner import DEFAULT_MODES, evaluate

__all__ = [
    "ANSWER_METRICS",
    "CORPUS_FILE",
    "DEFAULT_MODES",
    "FORMATS",
    "Question",
    "QuestionSet",
    "detect_format",
    "evaluate",
    "load_questions",
    "measures",
    "normalise",
    "plot_modes",
    "report_markdown",
    "write_report",
    "write_trec_qrels",
    "write_trec_run",
]
