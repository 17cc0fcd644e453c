"""Load test of the app: N concurrent users over loopback, each with its own
client of one of the app's doors, each asking Q questions:

    chat    the page's "chat" endpoint through gradio_client (what the page's queue serves)
    api     POST /api/ask through httpx
    openai  /v1/chat/completions through the official openai package
    mcp     the MCP tool `ask` through the mcp package's client (one session per user)

    .venv/bin/python bench/load_test.py                       # 20 users x 10 questions, all doors
    .venv/bin/python bench/load_test.py --users 20 --questions 5 --out runs/load-mixed.json
    .venv/bin/python bench/load_test.py --interfaces chat     # the page only (the old test)
    .venv/bin/python bench/load_test.py --interfaces api,mcp --users 8
    .venv/bin/python bench/load_test.py --concurrency 1 2 4   # compare queue settings
    .venv/bin/python bench/load_test.py --users 4 --questions 2 --out runs/load.json

Users get the --interfaces (default: chat,api,openai,mcp) round-robin: user 0
the first, user 1 the second, and so on.

It indexes seeds/ into a temporary folder with the real embedder (unless
--index-dir names an existing index), starts app.py on a free 127.0.0.1 port
with QA_INDEX_DIR pointing there, waits for it, then runs the users. With
--concurrency the app is started once per value, with its queue's
default_concurrency_limit overridden (app.py's own settings otherwise); the
APIs follow that limit too (they share the page's answer slots).

Before the users start, each question is asked once, alone, through
/api/ask: that is the reference answer for every door (the doors must give
the same answer; the page's is compared as plain text, its HTML removed).
A request is an error if the client raises, times out, the answer is a "⚠️"
error line or empty, or it differs from the reference (neither the door nor
the load may change an answer). Prints p50/p95/max latency, throughput and
errors, overall and per door; writes the same as JSON (--out). Exit status 1
if any request failed.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack, asynccontextmanager, contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"
INTERFACES = ("chat", "api", "openai", "mcp")

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


def plain_text(markdown: str) -> str:
    """The page's answer as the APIs give it: HTML tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markdown))


# One client per door. Each is a context manager yielding ask(question) -> the
# answer text, raising on any failure; one is opened per user.


@contextmanager
def chat_client(url: str, timeout: float, endpoint: str = "/chat"):
    """The page's "chat" endpoint through gradio_client (it waits in the page's queue)."""
    from gradio_client import Client

    client = Client(url, verbose=False)

    def ask(q: str) -> str:
        return plain_text(answer_text(client.submit(q, [], api_name=endpoint).result(timeout)))

    try:
        yield ask
    finally:
        client.close()


@contextmanager
def api_client(url: str, timeout: float):
    """POST /api/ask through httpx; anything but a 200 raises."""
    import httpx

    with httpx.Client(base_url=url, timeout=timeout, trust_env=False) as http:

        def ask(q: str) -> str:
            r = http.post("/api/ask", json={"question": q})
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
            return r.json()["answer"]

        yield ask


@contextmanager
def openai_client(url: str, timeout: float):
    """/v1/chat/completions through the openai package; no retries, so a failure counts."""
    import httpx
    import openai

    http = httpx.Client(trust_env=False)
    client = openai.OpenAI(
        base_url=f"{url}v1", api_key="unused", max_retries=0, timeout=timeout, http_client=http
    )

    def ask(q: str) -> str:
        reply = client.chat.completions.create(
            model="qa-news", messages=[{"role": "user", "content": q}]
        )
        return reply.choices[0].message.content or ""

    with client:
        yield ask


@asynccontextmanager
async def mcp_session(url: str, timeout: float):
    """An initialized MCP client session with the app's /mcp."""
    import httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with httpx.AsyncClient(timeout=timeout, trust_env=False) as http:
        async with streamable_http_client(f"{url}mcp", http_client=http) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


@contextmanager
def mcp_client(url: str, timeout: float):
    """The MCP tool `ask` through the mcp package's client: one session per user,
    held open on an event loop of its own (anyio's blocking portal, which enters
    and leaves the session in one task); a tool error raises."""
    from anyio.from_thread import start_blocking_portal

    with start_blocking_portal() as portal:
        with portal.wrap_async_context_manager(mcp_session(url, timeout)) as session:
            call = partial(session.call_tool, read_timeout_seconds=timedelta(seconds=timeout))

            def ask(q: str) -> str:
                res = portal.call(partial(call, "ask", {"question": q}))
                if res.isError:
                    raise RuntimeError(" ".join(getattr(c, "text", "") for c in res.content))
                return res.structuredContent["answer"]

            yield ask


def latency_figures(latencies: list[float], requests: int, errors: int, wall: float) -> dict:
    """Counts, throughput and latency percentiles of one door, or of all."""
    return {
        "requests": requests,
        "ok": len(latencies),
        "errors": errors,
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "mean_s": round(statistics.mean(latencies), 3) if latencies else None,
    }


def run_users(url: str, users: int, per_user: int, timeout: float, interfaces=INTERFACES) -> dict:
    from gradio_client import Client

    questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines() if x.strip()]
    plan = [
        [questions[(u * per_user + i) % len(questions)] for i in range(per_user)]
        for u in range(users)
    ]
    door = [interfaces[u % len(interfaces)] for u in range(users)]
    endpoint = params = None
    if "chat" in door:
        probe = Client(url, verbose=False)
        endpoint, params = chat_endpoint(probe)
        probe.close()
    clients = {
        "chat": partial(chat_client, endpoint=endpoint),
        "api": api_client,
        "openai": openai_client,
        "mcp": mcp_client,
    }

    with ExitStack() as opened:
        t = time.perf_counter()
        asks = [opened.enter_context(clients[door[u]](url, timeout)) for u in range(users)]
        setup = time.perf_counter() - t

        with api_client(url, timeout) as ask_alone:
            t = time.perf_counter()
            distinct = dict.fromkeys(q for qs in plan for q in qs)
            reference = {q: ask_alone(q) for q in distinct}
            alone = (time.perf_counter() - t) / max(len(reference), 1)

        latencies: dict[str, list[float]] = {d: [] for d in interfaces}
        errors: list[tuple[str, str]] = []
        lock = threading.Lock()
        start = threading.Barrier(users)

        def user(u: int) -> None:
            start.wait()
            for i, q in enumerate(plan[u]):
                t0 = time.perf_counter()
                try:
                    text = asks[u](q)
                    ok = bool(text.strip()) and not text.lstrip().startswith("⚠️")
                    why = "" if ok else f"bad answer: {text[:120]!r}"
                    if ok and text != reference[q]:
                        why = f"answer differs from /api/ask's, asked alone: {text[:120]!r}"
                except Exception as e:  # noqa: BLE001 - every failure is counted, none is fatal
                    why = f"{type(e).__name__}: {str(e)[:200]}"
                dt = time.perf_counter() - t0
                with lock:
                    if why:
                        errors.append((door[u], f"user {u} ({door[u]}) q{i}: {why}"))
                    else:
                        latencies[door[u]].append(dt)

        threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
        t_run = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=timeout * per_user + 60)
        wall = time.perf_counter() - t_run
        stuck = [u for u, th in enumerate(threads) if th.is_alive()]
        for u in stuck:
            errors.append((door[u], f"user {u} ({door[u]}) still running after the time limit"))
        if stuck:  # leave their clients open: closing one in use would hang
            opened.pop_all()

    users_of = Counter(door)
    per_interface = {}
    for d in interfaces:
        if users_of[d]:
            mine = [e for x, e in errors if x == d]
            per_interface[d] = {
                "users": users_of[d],
                **latency_figures(latencies[d], users_of[d] * per_user, len(mine), wall),
                "error_samples": mine[:3],
            }
    everything = [x for d in interfaces for x in latencies[d]]
    return {
        "users": users,
        "questions_per_user": per_user,
        "interfaces": list(interfaces),
        **latency_figures(everything, users * per_user, len(errors), wall),
        "error_samples": [e for _, e in errors[:10]],
        "per_interface": per_interface,
        "reference": "/api/ask, each question alone before the users start",
        "endpoint": endpoint,
        "endpoint_parameters": params,
        "client_setup_s": round(setup, 2),
        "distinct_questions": len(reference),
        "alone_mean_s": round(alone, 3),
        "wall_s": round(wall, 2),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=10, help="per user")
    ap.add_argument("--concurrency", type=int, nargs="*", help="queue limits to compare")
    ap.add_argument("--max-size", type=int, help="queue max_size override")
    ap.add_argument("--index-dir", help="existing index (default: seeds/ indexed in a temp dir)")
    ap.add_argument("--timeout", type=float, default=120, help="per request, seconds")
    ap.add_argument(
        "--interfaces",
        default=",".join(INTERFACES),
        help="doors given to users round-robin, comma-separated (default: %(default)s)",
    )
    ap.add_argument("--out", default=str(ROOT / "runs" / "load_test.json"))
    args = ap.parse_args(argv)
    interfaces = tuple(dict.fromkeys(x.strip() for x in args.interfaces.split(",") if x.strip()))
    if not interfaces or set(interfaces) - set(INTERFACES):
        ap.error(f"--interfaces: choose among {', '.join(INTERFACES)}, comma-separated")

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
                r = run_users(app.url, args.users, args.questions, args.timeout, interfaces)
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
            for d, x in r["per_interface"].items():
                print(
                    f"  {d:<6} {x['users']} users, {x['requests']} requests, {x['errors']} errors; "
                    f"p50 {x['p50_s']} s, p95 {x['p95_s']} s, max {x['max_s']} s, "
                    f"{x['throughput_rps']} req/s",
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
