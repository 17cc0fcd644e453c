"""milvus-lite versions compared on one probe: insert, dense and sparse search.

    python bench/milvus_lite_probe.py 3000 /tmp/probe.db

Run it in one venv per milvus-lite version (e.g. `pip install pymilvus
"milvus-lite==2.5.1" "setuptools<81" numpy`, then `pip install pymilvus
"milvus-lite==3.2.2"` in another): 384-d vectors and sparse vectors of 60
Zipf-drawn terms per row, the shapes of the project's chunks. docs/scale.md
has the figures that made the [scale] extra pin milvus-lite<3.
"""

import shutil
import sys
import time

import numpy as np
from pymilvus import DataType, MilvusClient

n = int(sys.argv[1])
path = sys.argv[2]
shutil.rmtree(path, ignore_errors=True)
rng = np.random.default_rng(0)
V = 300000
p = 1 / np.arange(1, V + 1)
p /= p.sum()
c = MilvusClient(uri=path)
s = c.create_schema(auto_id=False, enable_dynamic_field=False)
s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
s.add_field("text", DataType.VARCHAR, max_length=65535)
s.add_field("dup_of", DataType.VARCHAR, max_length=64)
s.add_field("dense", DataType.FLOAT_VECTOR, dim=384)
s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
ip = c.prepare_index_params()
ip.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
c.create_collection("x", schema=s, index_params=ip)
t = time.time()
for a in range(0, n, 256):
    rows = []
    for i in range(a, min(n, a + 256)):
        terms = rng.choice(V, 60, p=p)
        v = rng.standard_normal(384).astype(np.float32)
        v /= np.linalg.norm(v)
        rows.append(
            {
                "id": str(i),
                "text": "x" * 500,
                "dup_of": "",
                "dense": v.tolist(),
                "sparse": {int(t) + 1: float(rng.random()) for t in terms},
            }
        )
    c.insert("x", rows)
print("insert/s", n / (time.time() - t))
c.load_collection("x")
qs = [{int(t) + 1: 1.0 for t in rng.choice(V, 5, p=p)} for _ in range(10)]
for name, data, field in [
    ("dense", [rng.standard_normal(384).tolist()], "dense"),
    ("sparse", None, "sparse"),
]:
    ts = []
    for q in qs:
        t = time.time()
        c.search(
            "x",
            data=data or [q],
            anns_field=field,
            limit=50,
            filter='dup_of == ""',
            output_fields=["id", "text"],
            search_params={"metric_type": "IP"},
        )
        ts.append(time.time() - t)
    print(name, "p50 ms", 1000 * np.median(ts))
