"""The report files: report.json, report.md, report.png, and TREC qrels and
runs so that trec_eval or ir_measures can re-check any number.

report.md is for people: modes × metrics tables with the best in bold, the
breakdown by question type, timing, and the failed questions with their top
passages. report.json is the same dict minus the "_runs"/"_qrels" entries.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .metrics import ANSWER_METRICS


def _trec_id(x: str) -> str:
    """TREC files are whitespace-separated: spaces inside ids are escaped."""
    return re.sub(r"\s", lambda m: f"%{ord(m.group()):02X}", x)


def write_trec_run(run: dict[str, dict[str, float]], path: Path, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, docs in run.items():
            ranked = sorted(docs.items(), key=lambda kv: -kv[1])
            for r, (d, s) in enumerate(ranked, 1):
                f.write(f"{_trec_id(qid)} Q0 {_trec_id(d)} {r} {s:g} {tag}\n")


def write_trec_qrels(qrels: dict[str, dict[str, int]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, docs in qrels.items():
            for d, g in docs.items():
                f.write(f"{_trec_id(qid)} 0 {_trec_id(d)} {g}\n")


def _secs(v) -> str:
    return "–" if v is None else f"{v:.2f} s"


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def _table(
    rows: dict[str, dict], cols: list[str], first: str = "mode", bold: bool = True
) -> list[str]:
    """Markdown table; the best value of each column in bold."""
    best = {
        c: max((r.get(c) for r in rows.values() if r.get(c) is not None), default=None)
        for c in cols
    }
    out = [f"| {first} | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, r in rows.items():
        cells = []
        for c in cols:
            v = r.get(c)
            s = _fmt(v)
            cells.append(
                f"**{s}**" if bold and v is not None and len(rows) > 1 and v == best[c] else s
            )
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out


def report_markdown(report: dict) -> str:
    cfg, man, timing = report["config"], report.get("manifest", {}), report["timing"]
    k, labels = cfg["k"], cfg["metrics"]
    counts = man.get("counts", {})
    built = timing.get("index_build_s")
    lines = [
        "# Retrieval evaluation",
        "",
        f"- questions: `{cfg['questions']}` ({cfg['format']}): {cfg['n_questions']} questions, "
        f"{cfg['n_retrieval']} with relevant documents (the others count only for abstention), "
        f"{cfg['n_chunk']} with gold spans found in passages",
        f"- index: {man.get('generation', '?')}, embedder `{man.get('embedder', {}).get('name')}`, "
        f"{counts.get('documents', '?')} documents, {counts.get('searchable', '?')} passages"
        + (f"; built in {built:.1f} s" if built is not None else " (existing index)"),
        f"- k = {k}; each mode retrieves {cfg['depth']} passages, the document run keeps the "
        "first passage of each document",
        "",
        "## Documents",
        "",
        *_table(report["modes"], labels),
    ]
    chunk_cols = ["chunk_" + c for c in labels]
    if any(c in r for r in report["modes"].values() for c in chunk_cols):
        lines += ["", "## Passages (a passage holding a gold span)", ""]
        rows = {m: {c[6:]: r.get(c) for c in chunk_cols} for m, r in report["modes"].items()}
        lines += _table(rows, labels)
    if cfg.get("answers"):
        lines += ["", "## Answers", ""]
        lines += _table(report["modes"], list(ANSWER_METRICS))
    if report.get("by_type"):
        cols = [f"MRR@{k}", f"nDCG@{k}", f"R@{k}", f"chunk_MRR@{k}"]
        if cfg.get("answers"):
            cols += list(ANSWER_METRICS)
        lines += ["", "## By question type", ""]
        by_type = report["by_type"]
        types = sorted({t for m in by_type for t in by_type[m]})
        rows = {
            f"{t} (n={by_type[m][t]['n']}) · {m}": by_type[m][t]
            for t in types
            for m in by_type
            if t in by_type[m] and any(c in by_type[m][t] for c in cols)
        }
        lines += _table(rows, cols, "type · mode", bold=False)
    emb = timing.get("query_embedding", {})
    lines += [
        "",
        "## Timing",
        "",
        f"Index build: {_secs(built)}. Query embedding (once per question, shared by the "
        f"modes): {_secs(emb.get('seconds'))}. Queries/s include it.",
        "",
        "| mode | search s | queries/s | answers s |",
        "|---|---|---|---|",
    ]
    for m, t in timing["modes"].items():
        answers_s = _secs(t.get("answers_seconds"))
        lines.append(f"| {m} | {t['seconds']:.2f} | {t['qps'] or 0:.1f} | {answers_s} |")
    fails = report.get("failures", [])
    lines += ["", f"## Failed questions ({len(fails)})", ""]
    for f in fails[:100]:
        lines.append(f"### {f['id']}" + (f" ({f['type']})" if f["type"] else ""))
        lines.append("")
        lines.append(f"> {f['question']}")
        lines.append("")
        lines.append(
            f"gold answer: {' | '.join(f['answers']) or '(none)'}; "
            f"gold documents: {', '.join(f['doc_ids']) or '(none)'}"
        )
        for m, reasons in f["failed"].items():
            lines.append(f"- **{m}**: {'; '.join(reasons)}")
            for h in f["top_hits"].get(m, []):
                text = " ".join(h["text"].split())[:160]
                lines.append(f"  {h['rank']}. `{h['chunk_id']}` ({h['score']:.3f}) {text}…")
        lines.append("")
    if len(fails) > 100:
        lines.append(f"… and {len(fails) - 100} more in report.json")
    if report.get("warnings"):
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report["warnings"]]
    return "\n".join(lines) + "\n"


def plot_modes(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["config"]["metrics"]
    panels = [("documents", labels, labels)]
    if any(f"chunk_{c}" in r for r in report["modes"].values() for c in labels):
        panels.append(("passages", [f"chunk_{c}" for c in labels], labels))
    if report["config"].get("answers"):
        panels.append(("answers", list(ANSWER_METRICS), list(ANSWER_METRICS)))
    modes = list(report["modes"])
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    width = 0.8 / max(1, len(modes))
    for ax, (title, keys, names) in zip(axes[0], panels):
        for i, m in enumerate(modes):
            vals = [report["modes"][m].get(key) or 0.0 for key in keys]
            xs = [x + (i - (len(modes) - 1) / 2) * width for x in range(len(keys))]
            ax.bar(xs, vals, width, label=m)
        ax.set_xticks(range(len(keys)), names, rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1.15)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="upper center", ncol=len(modes), frameon=False)
    fig.suptitle(f"{Path(report['config']['questions']).name}: modes compared", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(report: dict, out_dir: str | Path) -> dict[str, Path]:
    """report.json, report.md, report.png, TREC qrels and runs -> {name: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "png": out / "report.png"}
    public = {key: v for key, v in report.items() if not key.startswith("_")}
    paths["json"].write_text(json.dumps(public, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(report_markdown(report), encoding="utf-8")
    plot_modes(report, paths["png"])
    qrels = report.get("_qrels", {})
    for level, suffix in (("doc", ""), ("chunk", ".chunk")):
        if qrels.get(level):
            paths[f"qrels{suffix}"] = out / f"qrels{suffix}.txt"
            write_trec_qrels(qrels[level], paths[f"qrels{suffix}"])
            for mode, runs in report.get("_runs", {}).items():
                p = out / f"run.{mode}{suffix}.txt"
                write_trec_run(runs[level], p, f"qa-{mode}{suffix.replace('.', '-')}")
                paths[f"run.{mode}{suffix}"] = p
    return paths
