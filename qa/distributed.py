"""Bulk indexing on Ray: `qa index PATH --ray [ADDRESS]`.

The indexer's two heavy stages run on the cluster, the rest stays in this
process (qa/indexer.py):

    scan   Ray Data over the file list: read, clean and chunk (indexer.scan_file)
    embed  Ray Data `map_batches` over a pool of embedder actors, each holding
           one model for its lifetime

Without an address, a local Ray starts with this machine's cores and keeps
its files in a temporary folder (Ray writes to /tmp/ray and the home folder
otherwise), removed on exit. With one (`ray://head:10001` or `auto`), it
joins the user's cluster; qa-news[scale] must be installed on every node.
Chunk ids come from the same chunker and vectors from the same model, so the
index equals a single-process run's (tests/test_distributed.py).
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import tempfile

import numpy as np

from .config import Settings
from .indexer import ScannedFile, scan_file

log = logging.getLogger(__name__)

SCAN_BATCH = 16  # files per scan task
EMBED_BATCH = 64  # passages per actor call


class _Embed:
    """A Ray actor: one embedder, loaded once, embedding batches of passages."""

    def __init__(self, spec: str, batch_size: int):
        from .embed import load_embedder

        self.embedder = load_embedder(spec, batch_size)

    def __call__(self, batch: dict) -> dict:
        vecs = self.embedder.embed_passages([str(t) for t in batch["text"]])
        return {"i": batch["i"], "vec": np.asarray(vecs, dtype=np.float32)}


class RayCluster:
    """`with RayCluster(address, settings) as cluster: build_index(..., cluster=cluster)`."""

    def __init__(self, address: str | None, settings: Settings, actors: int | None = None):
        self.address = None if address in (None, "", "local") else address
        self.settings = settings
        self.actors = actors
        self._tmp = None

    def __enter__(self) -> RayCluster:
        try:
            import ray
        except ImportError:
            raise RuntimeError("--ray needs Ray: pip install -e '.[scale]'") from None
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        # Ray Data sets its loggers' level from this when it first runs: its
        # per-dataset INFO lines and its "progress bars disabled" warning drown
        # the indexer's own progress bar (failures still raise)
        os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
        kwargs = {"include_dashboard": False, "log_to_driver": False, "logging_level": "WARNING"}
        if self.address is None:
            os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a private local cluster
            # short: Ray's socket paths must fit in 107 characters
            self._tmp = tempfile.mkdtemp(prefix="qa-ray-", dir="/tmp")
            kwargs.update(num_cpus=os.cpu_count() or 1, _temp_dir=self._tmp)
        else:
            kwargs.update(address=self.address)
        try:
            ray.init(**kwargs)
        except Exception as e:
            self._cleanup()
            where = self.address or "a local Ray"
            raise RuntimeError(f"cannot start {where}: {str(e).splitlines()[0]}") from None
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.actors = self.actors or max(1, cpus)
        log.warning("ray: %d CPUs, %d embedder actors", cpus, self.actors)
        return self

    def __exit__(self, *exc) -> None:
        import ray

        ray.shutdown()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def scan(self, files, settings: Settings, unchanged: frozenset):
        """indexer.scan_file over the files, on the cluster, in file order."""
        import ray

        if not files:
            return []
        chars, overlap = settings.chunk_chars, settings.chunk_overlap

        def scan_batch(batch: dict) -> dict:
            out = [
                pickle.dumps(scan_file(p, r, chars, overlap, unchanged))
                for p, r in zip(batch["path"], batch["root"])
            ]
            return {"n": batch["n"], "scanned": out}

        items = [{"n": n, "path": str(p), "root": str(r)} for n, (p, r) in enumerate(files)]
        ds = ray.data.from_items(items).map_batches(
            scan_batch, batch_size=SCAN_BATCH, batch_format="numpy"
        )
        got: list[ScannedFile | None] = [None] * len(files)
        for row in ds.iter_rows():
            got[int(row["n"])] = pickle.loads(row["scanned"])
        return got

    def embed(self, texts: list[str], progress=None) -> np.ndarray:
        """Passage vectors, in order, from the pool of embedder actors."""
        import ray

        s = self.settings
        ds = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(
            _Embed,
            fn_constructor_args=(s.embedder, s.embed_batch_size),
            batch_size=EMBED_BATCH,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.actors),
            num_cpus=1,
        )
        out: np.ndarray | None = None
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            vecs = batch["vec"]
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[batch["i"]] = vecs
            if progress:
                progress(len(vecs))
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)
