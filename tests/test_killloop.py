"""kill -9 at random points of `qa index`: the index is always the previous
complete generation or the new one, never a mix, and leftovers are cleaned.

How it runs. Importing faiss, bm25s and friends takes ~2-3 s on the shared
CI cores, so a fresh process per kill would blow the time budget. A helper
process (this file run as a script, `--serve`) imports everything once and,
for every round, forks a worker that runs `qa.cli.main(["index", ...])` with
a fake embedder; the test SIGKILLs that worker after a random delay. The
worker is a real process doing real writes, so the kill is as abrupt as
`kill -9` on the CLI. Two extra rounds kill a freshly exec'd `qa index`.
The helper widens the save window with short sleeps around each step, and
logs every step with a monotonic timestamp, so the test knows where each
kill landed: before the CURRENT switch the old generation must be live,
after it the new one.

Two corpora alternate (files changed, removed and added between them), so
each round writes a generation that really differs. After every kill the
test loads the index with checksum verification and checks: the document
set and hashes are exactly one corpus; every chunk's text is the slice of
its document it claims to be; FAISS row i holds chunk i's vector (a chunk's
own vector finds itself, score ~1); a long-lived Retriever picks up the
live generation and finds each document's marker word in that document.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVE_PHASES = {"write", "fsync", "rename", "switch"}  # between first byte and CURRENT switch
MIN_KILLS = 22  # fork rounds; +2 exec rounds
MIN_SAVE_HITS = 4
MAX_ROUNDS = 90  # a busy machine lets more rounds finish before their kill lands
STEP_SLEEP = 0.03  # widens each save step so random kills land inside it


# --- the helper process ---------------------------------------------------------


def _serve(index_dir: str, docs_dir: str, phases_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["QA_EMBEDDER"] = "fake"
    import bm25s  # noqa: F401  (warm imports, shared by every forked worker)
    import datasketch  # noqa: F401
    import faiss  # noqa: F401
    import pysbd  # noqa: F401

    import qa.cli
    import qa.indexer  # noqa: F401
    from qa import store
    from qa.embed import register_embedder
    from tests.conftest import FakeEmbedder

    register_embedder("fake", FakeEmbedder)
    state = {"fd": None}

    def phase(name: str) -> None:
        if state["fd"] is not None:
            os.write(state["fd"], f"{name} {time.monotonic():.6f}\n".encode())

    def wrap(obj, attr, name, after=None):
        fn = getattr(obj, attr)

        def wrapped(*a, **kw):
            phase(name)
            time.sleep(STEP_SLEEP)
            out = fn(*a, **kw)
            if after:
                phase(after)
            return out

        setattr(obj, attr, wrapped)

    wrap(store, "cleanup", "cleanup", after="cleaned")
    wrap(store, "_write_generation", "write")
    wrap(store, "_fsync_tree", "fsync")
    wrap(os, "rename", "rename")
    wrap(os, "replace", "switch", after="switched")

    child = None
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "run":
            child = os.fork()
            if child == 0:  # the worker: real indexing, killed at random
                out = os.open(Path(phases_dir) / f"{arg}.log", os.O_WRONLY | os.O_CREAT, 0o644)
                os.dup2(out, 1)
                os.dup2(out, 2)
                state["fd"] = os.open(
                    Path(phases_dir) / f"{arg}.phases", os.O_WRONLY | os.O_CREAT, 0o644
                )
                phase("start")
                rc = qa.cli.main(["index", docs_dir, "--index-dir", index_dir, "--quiet"])
                phase("done")
                os._exit(rc)
            print(child, flush=True)
        elif cmd == "reap":  # the worker stays a zombie until now, so its pid is never reused
            _, status = os.waitpid(child, 0)
            print(status, flush=True)


def _once(index_dir: str, docs_dir: str, phases_file: str) -> None:
    """A fresh process: `qa index` exactly as the CLI runs it, plus phase logging."""
    fd = os.open(phases_file, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, f"exec {time.monotonic():.6f}\n".encode())
    sys.path.insert(0, str(ROOT))
    os.environ["QA_EMBEDDER"] = "fake"
    import qa.cli
    from qa.embed import register_embedder
    from tests.conftest import FakeEmbedder

    register_embedder("fake", FakeEmbedder)
    os.write(fd, f"start {time.monotonic():.6f}\n".encode())
    sys.exit(qa.cli.main(["index", docs_dir, "--index-dir", index_dir, "--quiet"]))


if __name__ == "__main__":
    {"--serve": _serve, "--once": _once}[sys.argv[1]](*sys.argv[2:])
    sys.exit(0)


# --- the test -------------------------------------------------------------------

import pytest  # noqa: E402

from qa import store  # noqa: E402
from qa.ingest import read_file  # noqa: E402
from qa.retrieve import Retriever  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402

FAKE_NAME = "test/fake-hash-256"


def _marker(i: int, variant: str) -> str:
    return "zq" + "".join(chr(97 + int(c)) for c in f"{i:02d}") + variant + "vx"


def _corpora() -> dict[str, dict[str, bytes]]:
    """Two versions of one folder: A, and B with 2 seeds removed, 2 generated
    files changed, 2 removed and 2 added. Generated files mix seed sentences
    (so chunks are not near-duplicates of the seeds) around a marker word."""
    rng = random.Random(7)
    seeds = {p.name: p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))}
    pool = [
        s.strip() + "."
        for b in seeds.values()
        for s in b.decode().replace("\n", " ").split(". ")
        if 60 < len(s) < 300
    ]

    def gen(i: int, variant: str) -> bytes:
        m = _marker(i, variant)
        sents = rng.sample(pool, 14)
        paras = [f"Dossier {m} : {sents[0]}"] + [" ".join(sents[j : j + 3]) for j in (1, 4, 7, 10)]
        return ("\n\n".join(paras) + "\n").encode()

    a = dict(seeds) | {f"gen_{i:02d}.txt": gen(i, "a") for i in range(8)}
    b = {
        k: v
        for k, v in a.items()
        if k not in ("003_4b0051bde1c53c49.txt", "004_46166f39458f7f75.txt")
    }
    for i in (2, 3):
        b[f"gen_{i:02d}.txt"] = gen(i, "b")
    for i in (6, 7):
        del b[f"gen_{i:02d}.txt"]
    for i in (8, 9):
        b[f"gen_{i:02d}.txt"] = gen(i, "b")
    return {"A": a, "B": b}


def _write_corpus(docs: Path, files: dict[str, bytes]) -> None:
    for p in docs.iterdir():
        if p.name not in files:
            p.unlink()
    for name, data in files.items():
        p = docs / name
        if not p.exists() or p.read_bytes() != data:
            p.write_bytes(data)


class _Server:
    def __init__(self, index_dir: Path, docs: Path, phases: Path):
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(index_dir), str(docs), str(phases)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def _line(self, timeout: float) -> str:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError("kill-loop helper did not answer")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("kill-loop helper died")
        return line.strip()

    def run(self, n: int) -> int:
        self.proc.stdin.write(f"run {n}\n")
        self.proc.stdin.flush()
        return int(self._line(60))

    def reap(self) -> int:
        self.proc.stdin.write("reap\n")
        self.proc.stdin.flush()
        return int(self._line(60))

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _phases(path: Path) -> list[tuple[str, float]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        name, _, t = line.partition(" ")
        if t:
            out.append((name, float(t)))
    return out


def _landed(phases: list[tuple[str, float]], t_kill: float) -> str:
    before = [n for n, t in phases if t <= t_kill]
    return before[-1] if before else "startup"


def _leftovers(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob(".tmp-*")}


class _Checker:
    """Loads the index after a kill and says which corpus it holds."""

    def __init__(self, corpora, docs: Path, index_dir: Path, settings):
        self.corpora = corpora
        self.index_dir = index_dir
        self.settings = settings
        self.sha = {
            k: {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
            for k, files in corpora.items()
        }
        self.texts = {}
        for k, files in corpora.items():
            _write_corpus(docs, files)
            self.texts[k] = {n: read_file(docs / n, docs)[0].text for n in files}
        self.retriever = None
        from tests.conftest import FakeEmbedder

        self.fake = FakeEmbedder()

    def state(self) -> str | None:
        if store.current_generation(self.index_dir) is None:
            return None
        data = store.load(self.index_dir, FAKE_NAME, verify=True)
        found = [k for k, sha in self.sha.items() if data.manifest["documents"] == sha]
        assert len(found) == 1, f"{data.generation}: documents are neither corpus"
        k = found[0]
        assert {d["doc_id"]: d["sha256"] for d in data.documents} == self.sha[k]
        for c in data.chunks:  # each chunk is the slice of its document it claims to be
            assert self.texts[k][c.doc_id][c.start : c.end] == c.text, c.chunk_id
        rows = random.Random(len(data.chunks)).sample(
            range(data.n_searchable), min(25, data.n_searchable)
        )
        for i in rows:  # FAISS row i is chunk i's vector
            q = self.fake.embed_queries([data.chunks[i].indexed_text])
            scores, ids = data.faiss.search(q, 1)
            assert data.chunks[int(ids[0][0])].hash == data.chunks[i].hash
            assert scores[0][0] > 0.999
        if self.retriever is None:
            self.retriever = Retriever(self.settings)
        for name in self.texts[k]:  # a reader that lives across generations
            if name.startswith("gen_"):
                m = self.texts[k][name].split()[1]
                hits = self.retriever.search(m, k=3, mode="bm25")
                assert hits and hits[0].chunk.doc_id == name and m in hits[0].chunk.text
        assert self.retriever.data.generation == store.current_generation(self.index_dir)
        return k


def test_kill_minus_nine_loop(tmp_path, fake_embedder):
    t_start = time.monotonic()
    docs, index_dir, phases = tmp_path / "docs", tmp_path / "index", tmp_path / "phases"
    for d in (docs, phases):
        d.mkdir()
    corpora = _corpora()
    from qa.config import Settings

    settings = Settings(index_dir=str(index_dir), embedder="fake")
    check = _Checker(corpora, docs, index_dir, settings)
    rng = random.Random(int(os.environ.get("QA_KILLLOOP_SEED", "0")) or None)
    server = _Server(index_dir, docs, phases)
    log = []
    live = None  # corpus the index holds
    try:
        # calibration: one complete run, to know when the save happens
        _write_corpus(docs, corpora["A"])
        pid = server.run(0)
        assert server.reap() == 0, (phases / "0.log").read_text()
        ph = dict(_phases(phases / "0.phases"))
        t0 = ph["start"]
        save_from, save_to, done = ph["write"] - t0, ph["switched"] - t0, ph["done"] - t0
        live = check.state()
        assert live == "A"

        kills = save_hits = 0
        stale_before: set[str] = set()
        n = 0
        while n < MAX_ROUNDS and (kills < MIN_KILLS or save_hits < MIN_SAVE_HITS):
            n += 1
            target = "B" if live == "A" else "A"
            _write_corpus(docs, corpora[target])
            if n % 2:  # anywhere in the run
                delay = rng.uniform(0, done * 1.1)
            else:  # aimed at the save: from the first byte written to the switch
                delay = rng.uniform(save_from - 0.01, save_to + 0.01)
            t_sent = time.monotonic()
            pid = server.run(n)
            time.sleep(max(0.0, delay - (time.monotonic() - t_sent)))
            t_kill = time.monotonic()
            os.kill(pid, signal.SIGKILL)  # our own forked worker, still unreaped
            status = server.reap()
            ph = _phases(phases / f"{n}.phases")
            where = _landed(ph, t_kill)
            killed = os.WIFSIGNALED(status)
            assert killed or os.WEXITSTATUS(status) == 0, (phases / f"{n}.log").read_text()
            state = check.state()
            names = [p for p, t in ph if t <= t_kill]
            if "switched" in names:
                assert state == target, f"round {n}: killed after the switch, got {state}"
            elif where != "switch":
                assert state == live, f"round {n}: killed at {where}, got {state}"
            else:  # inside os.replace itself: either is fine
                assert state in (live, target)
            if "cleaned" in names and stale_before:  # this run's cleanup removed the old mess
                gone = stale_before - _leftovers(index_dir)
                assert gone == stale_before, f"round {n}: leftovers not cleaned: {stale_before}"
            stale_before = _leftovers(index_dir)
            kills += killed
            save_hits += killed and where in SAVE_PHASES
            log.append((n, round(delay, 3), where, state, sorted(stale_before)))
            live = state

        # two kills of a freshly exec'd `qa index`, as a user would press kill -9
        for m in (1, 2):
            target = "B" if live == "A" else "A"
            _write_corpus(docs, corpora[target])
            pf = phases / f"exec{m}.phases"
            proc = subprocess.Popen(
                [sys.executable, __file__, "--once", str(index_dir), str(docs), str(pf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 60
            while "start" not in dict(_phases(pf)) and proc.poll() is None:
                assert time.monotonic() < deadline, "exec'd qa index did not start"
                time.sleep(0.01)
            time.sleep(rng.uniform(0, done))
            t_kill = time.monotonic()
            proc.kill()
            proc.wait(timeout=30)
            state = check.state()
            assert state in (live, target)
            kills += proc.returncode == -signal.SIGKILL
            log.append((f"exec{m}", None, "?", state, sorted(_leftovers(index_dir))))
            live = state

        # leftovers of every kind, then a run that changes nothing: all cleaned
        cur = store.current_generation(index_dir)
        junk_gen = f"gen-{int(cur.split('-')[1]) + 5:06d}"  # renamed, never made current
        for d in (f".tmp-{junk_gen}-1", junk_gen):
            (index_dir / d).mkdir()
            (index_dir / d / "chunks.jsonl").write_text('{"trunc')
        (index_dir / ".tmp-CURRENT-1").write_text("gen-999999\n")
        _write_corpus(docs, corpora[live])
        server.run(MAX_ROUNDS + 1)
        assert server.reap() == 0
        out = (phases / f"{MAX_ROUNDS + 1}.log").read_text()
        assert "index unchanged" in out and "0 embedded" in out
        assert not _leftovers(index_dir) and not (index_dir / junk_gen).exists()
        assert store.current_generation(index_dir) == cur and check.state() == live

        # and a complete run to the other corpus prunes old generations
        other = "B" if live == "A" else "A"
        _write_corpus(docs, corpora[other])
        server.run(MAX_ROUNDS + 2)
        assert server.reap() == 0
        assert check.state() == other
        assert len(store.generations(index_dir)) <= store.KEEP_GENERATIONS
        assert not _leftovers(index_dir)
    finally:
        server.close()
        print(f"\nkill loop: {len(log)} rounds, {time.monotonic() - t_start:.1f} s")
        for row in log:
            print("  round {} delay={} landed={} -> {} leftovers={}".format(*row))
        (tmp_path / "killloop.json").write_text(json.dumps(log))

    assert kills >= 20, f"only {kills} kills"
    assert save_hits >= MIN_SAVE_HITS, f"only {save_hits} kills inside the save"
    assert len({row[2] for row in log}) >= 4, "kills did not spread over the run"


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
