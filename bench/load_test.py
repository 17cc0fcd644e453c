"""Load test of the chat: N concurrent users over loopback, each with its own
gradio_client.Client, each asking Q questions through the app's "chat" API.

    .venv/bin/python bench/load_test.py                       # 20 users x 10 questions
    .venv/bin/python bench/load_test.py --concurrency 1 2 4   # compare queue settings
    .venv/bin/python bench/load_test.py --users 5 --questions 3 --out runs/load.json

It indexes seeds/ into a temporary folder with the real embedder (unless
--index-dir names an existing index), starts app.py on a free 127.0.0.1 port
with QA_INDEX_DIR pointing there, waits for it, then runs the users. With
--concurrency the app is started once per value, with its queue's
default_concurrency_limit overridden (app.py's own settings otherwise).

Before the users start, one client asks each question once, alone: that is
the reference answer. A request is an error if the client raises, times
out, the answer is a "⚠️" error line or empty, or it differs from the
reference (concurrency must never change an answer). Prints p50/p95/max
latency, throughput and errors; writes the same as JSON (--out). Exit
status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"

# Runs app.py with the queue settings overridden, without touching app.py.
WRAPPER = """
import os, runpy, sys
import gradio as gr
_queue = gr.Blocks.queue
def queue(self, *a, **kw):
    if os.environ.get("LOADTEST_CONCURRENCY"):
        kw["default_concurrency_limit"] = int(os.environ["LOADTEST_CONCURRENCY"])
    if os.environ.get("LOADTEST_MAX_SIZE"):
        kw["max_size"] = int(os.environ["LOADTEST_MAX_SIZE"])
    print("loadtest queue settings:", kw, flush=True)
    return _queue(self, *a, **kw)
gr.Blocks.queue = queue
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_seed_index(index_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from qa.config import Settings
    from qa.indexer import build_index

    t = time.perf_counter()
    r = build_index([ROOT / "seeds"], Settings(index_dir=str(index_dir)))
    print(f"indexed seeds/ into {index_dir}: {r.summary()} ({time.perf_counter() - t:.1f} s)")


class App:
    """app.py as a subprocess on 127.0.0.1; stopped (by its own pid) on exit."""

    def __init__(self, index_dir: Path, workdir: Path, concurrency=None, max_size=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
        env.update(
            QA_INDEX_DIR=str(index_dir),
            QA_HOST="127.0.0.1",
            GRADIO_SERVER_PORT=str(self.port),
            GRADIO_TEMP_DIR=str(workdir / "gradio"),
            GRADIO_ANALYTICS_ENABLED="False",
            HF_HUB_OFFLINE="1",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        if concurrency:
            env["LOADTEST_CONCURRENCY"] = str(concurrency)
        if max_size:
            env["LOADTEST_MAX_SIZE"] = str(max_size)
        self.log = workdir / f"app-{self.port}.log"
        self._out = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, str(ROOT / "app.py")],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180) -> float:
        t0 = time.monotonic()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited:\n{self.log.read_text()[-3000:]}")
            try:
                opener.open(self.url, timeout=2).close()
                return time.monotonic() - t0
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"app.py did not answer on {self.url} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def chat_endpoint(client) -> tuple[str, list[str]]:
    """The API whose name is "chat", and its parameter names (the UI changes)."""
    api = client.view_api(print_info=False, return_format="dict")
    for name, spec in api.get("named_endpoints", {}).items():
        if name.strip("/") == "chat":
            return name, [p.get("parameter_name") or p.get("label") for p in spec["parameters"]]
    raise RuntimeError(f"no 'chat' endpoint; the app exposes {list(api['named_endpoints'])}")


def answer_text(result) -> str:
    """The assistant's last message, from (msg, history, sources) or similar."""
    history = next((x for x in result if isinstance(x, list)), None) if result else None
    if not history:
        return ""
    content = history[-1].get("content") if isinstance(history[-1], dict) else history[-1]
    if isinstance(content, list):
        content = " ".join(c.get("text", "") for c in content if isinstance(c, dict))
    return str(content or "")


def run_users(url: str, users: int, per_user: int, timeout: float) -> dict:
    from gradio_client import Client

    questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines() if x.strip()]
    t = time.perf_counter()
    clients = [Client(url, verbose=False) for _ in range(users)]
    endpoint, params = chat_endpoint(clients[0])
    setup = time.perf_counter() - t

    def ask(client, q: str) -> str:
        return answer_text(client.submit(q, [], api_name=endpoint).result(timeout=timeout))

    plan = [
        [questions[(u * per_user + i) % len(questions)] for i in range(per_user)]
        for u in range(users)
    ]
    t = time.perf_counter()
    reference = {q: ask(clients[0], q) for q in dict.fromkeys(q for qs in plan for q in qs)}
    alone = (time.perf_counter() - t) / max(len(reference), 1)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user(u: int) -> None:
        client = clients[u]
        start.wait()
        for i, q in enumerate(plan[u]):
            t0 = time.perf_counter()
            try:
                text = ask(client, q)
                ok = bool(text.strip()) and not text.lstrip().startswith("⚠️")
                why = "" if ok else f"bad answer: {text[:120]!r}"
                if ok and text != reference[q]:
                    why = f"answer differs from the same question asked alone: {text[:120]!r}"
            except Exception as e:  # noqa: BLE001 - every failure is counted, none is fatal
                why = f"{type(e).__name__}: {str(e)[:200]}"
            dt = time.perf_counter() - t0
            with lock:
                (errors.append(f"user {u} q{i}: {why}") if why else latencies.append(dt))

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
    t_run = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=timeout * per_user + 60)
    wall = time.perf_counter() - t_run
    stuck = sum(th.is_alive() for th in threads)
    if stuck:
        errors.append(f"{stuck} users still running after the time limit")
    n = users * per_user
    return {
        "users": users,
        "questions_per_user": per_user,
        "requests": n,
        "ok": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:10],
        "endpoint": endpoint,
        "endpoint_parameters": params,
        "client_setup_s": round(setup, 2),
        "distinct_questions": len(reference),
        "alone_mean_s": round(alone, 3),
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "mean_s": round(statistics.mean(latencies), 3) if latencies else None,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=10, help="per user")
    ap.add_argument("--concurrency", type=int, nargs="*", help="queue limits to compare")
    ap.add_argument("--max-size", type=int, help="queue max_size override")
    ap.add_argument("--index-dir", help="existing index (default: seeds/ indexed in a temp dir)")
    ap.add_argument("--timeout", type=float, default=120, help="per request, seconds")
    ap.add_argument("--out", default=str(ROOT / "runs" / "load_test.json"))
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    results = []
    try:
        index_dir = Path(args.index_dir) if args.index_dir else work / "index"
        if not args.index_dir:
            build_seed_index(index_dir)
        for limit in args.concurrency or [None]:
            app = App(index_dir, work, limit, args.max_size)
            try:
                ready = app.wait_ready()
                load_before = os.getloadavg()[0]
                r = run_users(app.url, args.users, args.questions, args.timeout)
                load_after = os.getloadavg()[0]
            finally:
                app.stop()
            settings = [ln for ln in app.log.read_text().splitlines() if "loadtest queue" in ln]
            r.update(
                concurrency_limit=limit or "app.py default",
                queue_settings=settings[-1].split(":", 1)[1].strip() if settings else "",
                app_ready_s=round(ready, 1),
                loadavg_1min_before_after=[round(load_before, 2), round(load_after, 2)],
            )
            results.append(r)
            print(
                f"concurrency {r['concurrency_limit']}: {r['users']} users x "
                f"{r['questions_per_user']} questions, {r['errors']} errors; "
                f"p50 {r['p50_s']} s, p95 {r['p95_s']} s, max {r['max_s']} s, "
                f"{r['throughput_rps']} req/s, wall {r['wall_s']} s; alone {r['alone_mean_s']} s "
                f"(load average {load_before:.1f} -> {load_after:.1f})",
                flush=True,
            )
            for e in r["error_samples"]:
                print("  error:", e)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version()}
    out.write_text(json.dumps({"machine": machine, "runs": results}, indent=1))
    print(f"wrote {out}")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
