"""Torch -> ONNX export and int8 quantisation, shared by the reader
(qa/reader/train.py) and the ONNX embedder (qa/e5onnx.py).

Two kinds of int8 (and "none", fp32):
- "dynamic": ONNX Runtime's dynamic quantisation: per-channel int8 weights,
  activations quantised at run time. Fastest (VNNI kernels). On the reader
  it moved span F1 by -0.033 on one run and +0.018 on another: noise
  around fp32 (docs/answers.md). On the embedder: cosine 0.997 to fp32.
- "weights": weight-only int8, one scale per output column. The file is a
  quarter of fp32's; each MatMul's constant weight becomes
  `DequantizeLinear(int8, scale, axis=1)`, which ONNX Runtime folds back to
  fp32 when the session starts, so the arithmetic is fp32's (measured: as
  fast as the fp32 file, 1.7x slower than "dynamic").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

QUANTS = ("dynamic", "weights", "none")


def export(
    module,
    inputs: tuple,
    input_names,
    output_names,
    dynamic_axes,
    target: Path,
    quant: str = "dynamic",
    keep_fp32: str = "",
    reduce_range: bool = False,
) -> Path:
    """`module(*inputs)` traced to ONNX at `target`, quantised as `quant`."""
    import torch

    if quant not in QUANTS:
        raise ValueError(f"unknown quantisation {quant!r} ({', '.join(QUANTS)})")
    target = Path(target)
    fp32 = target.with_name(target.stem + ".fp32.onnx")
    # dynamo=False: the dynamo exporter fails on these BERT graphs (shared/docs/environment.md)
    torch.onnx.export(
        module.eval(),
        inputs,
        str(fp32),
        input_names=list(input_names),
        output_names=list(output_names),
        dynamic_axes=dynamic_axes,
        opset_version=17,
        dynamo=False,
    )
    if keep_fp32:
        Path(keep_fp32).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fp32, keep_fp32)
    quantize(fp32, target, quant, reduce_range)
    for extra in target.parent.glob(fp32.name + "*"):
        extra.unlink()
    return target


def quantize(fp32: Path, target: Path, quant: str = "dynamic", reduce_range: bool = False) -> Path:
    """The fp32 ONNX file `fp32` written to `target` as `quant`. `reduce_range`:
    7-bit weights for "dynamic", so that CPUs without VNNI (AVX2 only), whose
    u8 x s8 kernels add pairs of products in saturating int16, do not clip."""
    if quant not in QUANTS:
        raise ValueError(f"unknown quantisation {quant!r} ({', '.join(QUANTS)})")
    if quant == "dynamic":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # per-channel scales: per-tensor int8 loses visibly more (cosine 0.984 vs 0.997)
        quantize_dynamic(
            str(fp32),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=reduce_range,
        )
    elif quant == "weights":
        quantize_weights(Path(fp32), Path(target))
    else:
        shutil.copyfile(fp32, target)
    return Path(target)


def quantize_weights(src: Path, dst: Path, min_size: int = 4096) -> Path:
    """`src` fp32 ONNX -> `dst` with every constant 2-D MatMul weight in int8."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1
    dq_nodes = []
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in inits:
            continue
        name = node.input[1]
        w = numpy_helper.to_array(inits[name])
        if w.ndim != 2 or w.size < min_size or w.dtype != np.float32 or consumers[name] != 1:
            continue
        scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        graph.initializer.remove(inits[name])
        graph.initializer.extend(
            [
                numpy_helper.from_array(q, f"{name}_q"),
                numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
                numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f"{name}_zero"),
            ]
        )
        dq_nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{name}_q", f"{name}_scale", f"{name}_zero"],
                [name],
                name=f"{name}_dequantize",
                axis=1,
            )
        )
    # dequantisation first: the graph stays topologically sorted
    nodes = dq_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(dst))
    return dst
