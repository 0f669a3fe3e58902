#!/usr/bin/python3
"""Count the dense-math FLOPs of the exported models for the benchmark inputs, from the ONNX graphs.

    /usr/bin/python3 tools/bench/count_flops.py [/tmp/neurosync-realsize] [--frames 15] [--json out.json]

The inputs are those of the benchmarks: the audio encoder on [1, 112000] (7 s), the visual encoder on [15, 3, 224, 224],
the fusion head on [1, T, 1024] + [1, 15, 1280] with T the audio encoder's output length (349). Dynamic dimensions are
fixed to these values, shapes are inferred by onnx.shape_inference, and every Conv, MatMul, Gemm (and MatMulInteger /
ConvInteger of an int8 file) is counted as 2 x multiply-adds:

* Conv: 2 x prod(output shape) x (input channels / groups) x prod(kernel);
* MatMul / MatMulInteger: 2 x prod(output shape) x K (batched products included: attention's QK^T and AV);
* Gemm: 2 x M x N x K.

Everything else (normalisations, activations, softmax, element-wise ops) is left out: it is memory-bound and small next
to these (a few per cent of the time at most). Dividing these counts by the GFLOP/s of a large float32 MatMul on the same
machine (Onnx/MatMulFloorBenchmarks) gives the floor: the fastest any runtime could run the network on this CPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import onnx
from onnx import shape_inference

sys.dont_write_bytecode = True
COUNTED = ("Conv", "ConvInteger", "MatMul", "MatMulInteger", "Gemm")


def _shape(vi) -> Optional[List[int]]:
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return None
    dims = []
    for d in t.shape.dim:
        if not d.HasField("dim_value"):
            return None
        dims.append(d.dim_value)
    return dims


def _fix_inputs(model: onnx.ModelProto, fixed: Dict[str, Dict[int, int]]) -> None:
    for inp in model.graph.input:
        for axis, value in fixed.get(inp.name, {}).items():
            d = inp.type.tensor_type.shape.dim[axis]
            d.ClearField("dim_param")
            d.dim_value = value


def count(path: Path, fixed: Dict[str, Dict[int, int]], model: Optional[onnx.ModelProto] = None, t0: Optional[float] = None,
          known: Optional[Dict[str, List[int]]] = None) -> Dict[str, object]:
    t0 = t0 or time.time()
    model = model if model is not None else onnx.load(str(path))
    _fix_inputs(model, fixed)
    inferred = shape_inference.infer_shapes(model) if known is None else model
    shapes: Dict[str, List[int]] = dict(known or {})
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        s = _shape(vi)
        if s is not None and vi.name not in shapes:
            shapes[vi.name] = s
    for init in inferred.graph.initializer:
        shapes[init.name] = list(init.dims)
    by_op: Dict[str, int] = {}
    nodes: Dict[str, int] = {}
    unknown: List[str] = []
    for node in inferred.graph.node:
        if node.op_type not in COUNTED:
            continue
        out = shapes.get(node.output[0])
        if out is None:
            unknown.append(f"{node.op_type} {node.name or node.output[0]}")
            continue
        out_elems = int(np.prod(out, dtype=np.int64))
        if node.op_type in ("Conv", "ConvInteger"):
            w = shapes.get(node.input[1])
            if w is None:
                unknown.append(f"{node.op_type} {node.name} (weight shape)")
                continue
            flops = 2 * out_elems * int(np.prod(w[1:], dtype=np.int64))
        elif node.op_type in ("MatMul", "MatMulInteger"):
            a = shapes.get(node.input[0])
            if a is None:
                unknown.append(f"{node.op_type} {node.name} (input shape)")
                continue
            flops = 2 * out_elems * a[-1]
        else:  # Gemm
            a = shapes.get(node.input[0])
            trans_a = next((at.i for at in node.attribute if at.name == "transA"), 0)
            if a is None:
                unknown.append(f"Gemm {node.name} (input shape)")
                continue
            flops = 2 * out_elems * (a[0] if trans_a else a[-1])
        by_op[node.op_type] = by_op.get(node.op_type, 0) + flops
        nodes[node.op_type] = nodes.get(node.op_type, 0) + 1
    if unknown and known is None:
        # onnx.shape_inference stops at computed shapes (the TF-SAME Pad of EfficientNet, the Reshapes of the fusion
        # head's attention): take the shapes from one evaluation of the small graph on the benchmark shapes instead.
        return _count_by_evaluation(path, fixed, t0)
    if unknown:
        raise SystemExit(f"{path.name}: shapes not inferred for {len(unknown)} counted nodes, e.g. {unknown[:5]}")
    total = sum(by_op.values())
    return {"file": path.name, "inputs": {k: v for k, v in fixed.items()}, "flops": total, "gflops": total / 1e9,
            "by_op_gflops": {k: v / 1e9 for k, v in sorted(by_op.items())}, "nodes": nodes,
            "seconds": round(time.time() - t0, 1)}


def _count_by_evaluation(path: Path, fixed: Dict[str, Dict[int, int]], t0: float) -> Dict[str, object]:
    """Shapes from running the graph once on zeros of the benchmark shapes (tools/models/onnx_numpy_eval.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
    from onnx_numpy_eval import NumpyOnnxModel  # noqa: E402

    evaluator = NumpyOnnxModel(str(path), dtype=np.float32)
    _fix_inputs(evaluator.model, fixed)
    feeds = {}
    for graph_in in evaluator.model.graph.input:
        if graph_in.name in evaluator.inits:
            continue
        dims = _shape(graph_in)
        if dims is None:
            raise SystemExit(f"{path.name}: input {graph_in.name} has a dimension the benchmark does not fix")
        feeds[graph_in.name] = np.zeros(dims, np.float32)
    known: Dict[str, List[int]] = {}
    original = evaluator._eval

    def recording(node, ins, attrs):
        outs = original(node, ins, attrs)
        for name, val in zip(node.output, outs):
            known[name] = list(np.shape(val))
        return outs

    evaluator._eval = recording
    evaluator.run(feeds)
    result = count(path, fixed, evaluator.model, t0, known)
    result["shapes_from"] = "one evaluation on zeros (tools/models/onnx_numpy_eval.py)"
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", nargs="?", type=Path, default=Path("/tmp/neurosync-realsize"))
    ap.add_argument("--frames", type=int, default=15, help="face crops in the visual batch (default 15)")
    ap.add_argument("--samples", type=int, default=112000, help="audio encoder input length (default 112000)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    m = args.models
    manifest = json.loads((m / "neurosync.json").read_text())
    audio_out = manifest["audio"]["model"]["outputShape"]   # [1, T, 1024]
    t_audio = int(audio_out[1])
    plan = [
        ("audio_encoder", m / manifest["audio"]["model"]["file"], {"input_values": {0: 1, 1: args.samples}}),
        ("visual_encoder", m / manifest["video"]["model"]["file"], {"pixel_values": {0: args.frames}}),
        ("fusion", m / manifest["fusion"]["file"], {"audio_features": {0: 1, 1: t_audio},
                                                   "video_features": {0: 1, 1: args.frames}}),
    ]
    int8 = m / "audio_encoder.int8.onnx"
    if int8.exists():
        plan.append(("audio_encoder_int8", int8, {"input_values": {0: 1, 1: args.samples}}))
    result: Dict[str, object] = {"tool": "tools/bench/count_flops.py", "models": str(m), "frames": args.frames,
                                 "samples": args.samples, "audio_frames": t_audio, "models_flops": {}}
    for key, path, fixed in plan:
        r = count(path, fixed)
        result["models_flops"][key] = r
        parts = ", ".join(f"{k} {v:.2f}" for k, v in r["by_op_gflops"].items())
        print(f"{key:20s} {r['gflops']:9.2f} GFLOP  ({parts}; {r['seconds']} s)", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
