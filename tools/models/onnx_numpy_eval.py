"""A small, slow, pure-NumPy interpreter for the ONNX graphs exported by make_tiny_models.py.

Debian 12 ships onnx 1.12, which has no `onnx.reference.ReferenceEvaluator` (added in 1.13), and
onnxruntime is not packaged. This module is the fallback used to check the exported files
independently of PyTorch: it reads the graph with `onnx` and evaluates it node by node with NumPy
(float64 by default, so the comparison measures export errors, not float32 rounding).

Only the operators (and attributes) that appear in these graphs, and in the int8 audio encoder of
tools/export/int8_quantization.py, are implemented; any other
operator raises NotImplementedError naming it. Semantics follow the ONNX operator specification
for opsets 13-17.
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np
import onnx
from onnx import numpy_helper

try:
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover - scipy is a Debian package here
    import math
    _erf = np.vectorize(math.erf)


def _attrs(node) -> Dict[str, object]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    group = int(a.get("group", 1))
    nsp = x.ndim - 2
    k = w.shape[2:]
    strides = list(a.get("strides", [1] * nsp))
    dil = list(a.get("dilations", [1] * nsp))
    pads = list(a.get("pads", [0] * (2 * nsp)))
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    if any(d != 1 for d in dil):
        raise NotImplementedError("Conv dilations != 1")
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + nsp]) for i in range(nsp)])
    win = np.lib.stride_tricks.sliding_window_view(xp, k, axis=tuple(range(2, 2 + nsp)))
    sl = (slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)
    win = win[sl]  # [N, C, *out, *k]
    n, c = x.shape[:2]
    m = w.shape[0]
    out_sp = win.shape[2:2 + nsp]
    win = win.reshape((n, group, c // group) + out_sp + k)
    wg = w.reshape((group, m // group, c // group) + k)
    letters = "abcdef"[:nsp]
    kl = "uvwxyz"[:nsp]
    y = np.einsum(f"ngc{letters}{kl},gmc{kl}->ngm{letters}", win, wg, optimize=True)
    y = y.reshape((n, m) + out_sp)
    if b is not None:
        y = y + b.reshape((1, m) + (1,) * nsp)
    return y


def _layer_norm(x, scale, bias, a):
    axis = int(a.get("axis", -1))
    eps = float(a.get("epsilon", 1e-5))
    axis = axis % x.ndim
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


_CAST = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}


class NumpyOnnxModel:
    def __init__(self, path: str, dtype=np.float64):
        self.model = onnx.load(path)
        self.dtype = dtype
        self.inits = {t.name: self._fl(numpy_helper.to_array(t)) for t in self.model.graph.initializer}

    def _fl(self, arr):
        return arr.astype(self.dtype) if arr.dtype in (np.float32, np.float64, np.float16) else arr

    def op_types(self) -> List[str]:
        return sorted({n.op_type for n in self.model.graph.node})

    def run(self, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
        env = dict(self.inits)
        for k, v in feeds.items():
            env[k] = self._fl(np.asarray(v))
        for node in self.model.graph.node:
            ins = [env[n] if n else None for n in node.input]
            outs = self._eval(node, ins, _attrs(node))
            for name, val in zip(node.output, outs):
                env[name] = val
        return [env[o.name] for o in self.model.graph.output]

    def _eval(self, node, i, a):
        op = node.op_type
        if op == "Constant":
            return [self._fl(numpy_helper.to_array(a["value"]))]
        if op == "Identity":
            return [i[0]]
        if op == "Add":
            return [i[0] + i[1]]
        if op == "Sub":
            return [i[0] - i[1]]
        if op == "Mul":
            return [i[0] * i[1]]
        if op == "Div":
            if np.issubdtype(np.asarray(i[0]).dtype, np.integer):
                return [np.asarray(i[0] // i[1])]
            return [i[0] / i[1]]
        if op == "Pow":
            return [np.power(i[0], i[1])]
        if op == "Sqrt":
            return [np.sqrt(i[0])]
        if op == "Erf":
            return [_erf(i[0])]
        if op == "Sigmoid":
            return [1.0 / (1.0 + np.exp(-i[0]))]
        if op == "Relu":
            return [np.maximum(i[0], 0)]
        if op == "MatMul":
            return [np.matmul(i[0], i[1])]
        if op == "Gemm":
            A, B = i[0], i[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            y = float(a.get("alpha", 1.0)) * (A @ B)
            if len(i) > 2 and i[2] is not None:
                y = y + float(a.get("beta", 1.0)) * i[2]
            return [y]
        if op == "Conv":
            return [_conv(i[0], i[1], i[2] if len(i) > 2 else None, a)]
        if op == "LayerNormalization":
            if len(node.output) > 1 and any(node.output[1:]):
                raise NotImplementedError("LayerNormalization with Mean/InvStdDev outputs")
            return [_layer_norm(i[0], i[1], i[2] if len(i) > 2 else None, a)]
        if op == "Softmax":
            return [_softmax(i[0], int(a.get("axis", -1)))]
        if op == "ReduceMean":
            axes = a.get("axes")
            if axes is None and len(i) > 1 and i[1] is not None:
                axes = i[1]
            axes = tuple(int(x) for x in axes) if axes is not None else None
            return [i[0].mean(axis=axes, keepdims=bool(a.get("keepdims", 1)))]
        if op == "Transpose":
            perm = a.get("perm")
            return [np.transpose(i[0], perm)]
        if op == "Reshape":
            shape = [int(s) for s in i[1]]
            if not a.get("allowzero", 0):
                shape = [i[0].shape[k] if s == 0 else s for k, s in enumerate(shape)]
            return [i[0].reshape(shape)]
        if op == "Unsqueeze":
            y = i[0]
            axes = sorted(int(x) % (y.ndim + len(i[1])) for x in i[1])
            for ax in axes:
                y = np.expand_dims(y, ax)
            return [y]
        if op == "Squeeze":
            if len(i) > 1 and i[1] is not None:
                return [np.squeeze(i[0], axis=tuple(int(x) for x in i[1]))]
            return [np.squeeze(i[0])]
        if op == "Shape":
            s = np.array(i[0].shape, dtype=np.int64)
            return [s[int(a.get("start", 0)):a.get("end", None)]]
        if op == "Gather":
            return [np.take(i[0], i[1].astype(np.int64), axis=int(a.get("axis", 0)))]
        if op == "Concat":
            return [np.concatenate([np.atleast_1d(x) for x in i], axis=int(a["axis"]))]
        if op == "Cast":
            t = int(a["to"])
            if t not in _CAST:
                raise NotImplementedError(f"Cast to {t}")
            dt = _CAST[t]
            if dt in (np.float32, np.float64):
                dt = self.dtype
            return [np.asarray(i[0]).astype(dt)]
        if op == "Slice":
            data, starts, ends = i[0], i[1], i[2]
            axes = i[3] if len(i) > 3 and i[3] is not None else range(len(starts))
            steps = i[4] if len(i) > 4 and i[4] is not None else [1] * len(starts)
            sl = [slice(None)] * data.ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                ax = int(ax) % data.ndim
                dim = data.shape[ax]
                st, en, sp = int(st), int(en), int(sp)
                # clamp as the spec says (numpy does the same for out-of-range ends)
                st = max(min(st, dim), -dim - 1) if st < 0 else min(st, dim)
                en = max(min(en, dim), -dim - 1) if en < 0 else min(en, dim)
                sl[ax] = slice(st, en, sp)
            return [data[tuple(sl)]]
        if op == "Expand":
            return [i[0] * np.ones([int(s) for s in i[1]], dtype=i[0].dtype)]
        if op == "Where":
            return [np.where(i[0], i[1], i[2])]
        if op == "Equal":
            return [np.equal(i[0], i[1])]
        if op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            return [np.full([int(s) for s in i[0]], self._fl(v)[0])]
        if op == "Pad":
            if a.get("mode", b"constant") not in (b"constant", "constant"):
                raise NotImplementedError("Pad mode other than constant")
            pads = [int(p) for p in i[1]]
            r = i[0].ndim
            value = float(i[2]) if len(i) > 2 and i[2] is not None and np.size(i[2]) else 0.0
            return [np.pad(i[0], [(pads[k], pads[k + r]) for k in range(r)], constant_values=value)]
        if op == "DynamicQuantizeLinear":
            x = i[0]
            lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
            scale = (hi - lo) / 255 if hi > lo else 1.0
            zero = np.clip(np.rint(-lo / scale), 0, 255)
            q = np.clip(np.rint(x / scale) + zero, 0, 255).astype(np.uint8)
            return [q, np.asarray(scale, self.dtype), np.asarray(zero, np.uint8)]
        if op == "MatMulInteger":
            A = i[0].astype(np.int64) - (i[2].astype(np.int64) if len(i) > 2 and i[2] is not None else 0)
            B = i[1].astype(np.int64) - (i[3].astype(np.int64) if len(i) > 3 and i[3] is not None else 0)
            # float64 is exact here (|products| < 2^15, at most a few thousand terms, far below 2^53) and uses BLAS,
            # where an integer matmul would be a slow loop.
            return [np.matmul(A.astype(np.float64), B.astype(np.float64)).astype(np.int32)]
        raise NotImplementedError(f"operator {op} is not implemented in onnx_numpy_eval")
