"""Dynamic int8 quantisation of an ONNX graph's constant-weight MatMul/Gemm nodes, with `onnx` only.

Each `Y = A @ W` whose W is an initializer becomes the standard-operator form ONNX Runtime's own
dynamic quantiser writes (and fuses into one MatMulIntegerToFloat kernel when it loads the model):

    A_q, a_scale, a_zero = DynamicQuantizeLinear(A)          # uint8, per tensor, at run time
    Y_i = MatMulInteger(A_q, W_q, a_zero)                    # int32
    Y   = Cast(Y_i, float) * (a_scale * w_scale)             # w_scale per output column

W_q is int8, symmetric (zero point 0) with one scale per output column. The weights use 7 bits
(-63..63): ONNX Runtime's x86 AVX2 u8 x s8 kernel adds pairs of 8-bit products in saturating 16-bit
arithmetic, and 255 * 63 * 2 stays below 32767 where 255 * 127 * 2 would not.
Everything else (convolutions, normalisation, attention between activations) stays float32.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WEIGHT_LEVELS = 63


def quantize_weight(w: np.ndarray):
    """int8 [K, N] and float32 [N] scales of a float [K, N] weight, per column, symmetric."""
    scale = np.abs(w).max(axis=0) / WEIGHT_LEVELS
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return q, scale


def quantize_matmul_weights(src: Path, dst: Path) -> Dict[str, int]:
    model = onnx.load(str(src))
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    nodes, new_inits = [], []
    quantized_inputs: Dict[str, tuple] = {}   # q/k/v projections share one input: quantise it once
    stats = {"quantized": 0, "skipped": 0}
    replaced_weights = set()

    for n in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        weight = n.input[1] if len(n.input) > 1 else None
        is_matmul = n.op_type == "MatMul"
        is_gemm = (n.op_type == "Gemm" and attrs.get("transA", 0) == 0
                   and attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0)
        if not (is_matmul or is_gemm) or weight not in inits or len(inits[weight].dims) != 2 \
                or inits[weight].data_type != TensorProto.FLOAT:
            if n.op_type in ("MatMul", "Gemm"):
                stats["skipped"] += 1
            nodes.append(n)
            continue
        w = numpy_helper.to_array(inits[weight])
        if is_gemm and attrs.get("transB", 0):
            w = w.T
        q, scale = quantize_weight(w)
        base = n.output[0]
        new_inits += [numpy_helper.from_array(q, base + "_W_int8"), numpy_helper.from_array(scale, base + "_W_scale")]
        replaced_weights.add(weight)

        a = n.input[0]
        if a not in quantized_inputs:
            quantized_inputs[a] = (a + "_quantized", a + "_scale", a + "_zero_point")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [a], list(quantized_inputs[a]),
                                          name=a + "_DynamicQuantizeLinear"))
        a_q, a_scale, a_zero = quantized_inputs[a]
        has_bias = is_gemm and len(n.input) > 2 and bool(n.input[2])
        product = base + "_before_bias" if has_bias else base
        nodes += [
            helper.make_node("MatMulInteger", [a_q, base + "_W_int8", a_zero], [base + "_int32"], name=base + "_MatMulInteger"),
            helper.make_node("Cast", [base + "_int32"], [base + "_float"], to=TensorProto.FLOAT, name=base + "_Cast"),
            helper.make_node("Mul", [a_scale, base + "_W_scale"], [base + "_scale"], name=base + "_ScaleMul"),
            helper.make_node("Mul", [base + "_float", base + "_scale"], [product], name=base + "_Mul"),
        ]
        if has_bias:
            nodes.append(helper.make_node("Add", [product, n.input[2]], [base], name=base + "_Bias"))
        stats["quantized"] += 1

    still_used = {i for nd in nodes for i in nd.input}
    kept = [t for t in g.initializer if t.name not in replaced_weights or t.name in still_used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(dst))
    return stats
