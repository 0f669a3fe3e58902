#!/usr/bin/python3
"""Evaluates the converted ONNX files with TF.js's own float32 arithmetic, to verify the conversion exactly.

ONNX Runtime and TF.js's CPU backend both compute in float32 but sum a convolution's products in different orders,
so on BlazeFace, whose raw outputs reach |589| after 36 layers, they differ in the last few units in the last place
(9.1e-4 there), which says nothing about whether the converter is right. This script takes the converter out of that
noise: it evaluates the *ONNX graph* (its nodes, weights, pads and strides, nothing read from the TF.js model) with
the summation order and rounding of @tensorflow/tfjs-backend-cpu 4.22.0's kernels:

  Conv            products added one by one into a float32 output, filter row, then column, then input channel
                  (conv2D and depthwiseConv2dNative: `yVals[i] += xVal * wVal` on a Float32Array, so each step is
                  a double-precision multiply-add rounded to float32); padded taps skipped; bias added afterwards,
                  as _FusedConv2D does (conv, then add, then relu)
  ReduceMean      each value divided by the count in float32, then summed in double in row-major order (mean kernel)
  AveragePool     the window summed in double, row by row, divided by the count in double, rounded (pool utils)
  MatMul          the shared dimension in blocks of 48 (the backend's blockSize): each block's products summed in
                  double, then added into the float32 output (batchMatMul)
  Softmax         max, subtract, exp in double rounded to float32, sum in double, divide (softmax kernel)
  the rest        exact in float32 (Add, Sub, Mul, Div, Relu, Pad, MaxPool, Transpose, Reshape, Identity)

If the conversion is right the outputs equal TF.js's stored outputs to the last bit (max abs diff 0); any wrong
weight, pad, stride, layout or op shows up far above float32 rounding. With --float64 it evaluates the same graph
in double precision instead, which measures how far TF.js's own float32 outputs are from the exact result.

Usage: /usr/bin/python3 tools/lite/tfjs_order_eval.py [--float64] [DATA_DIR]   (python3-onnx, python3-numpy)
DATA_DIR defaults to tests/NeuroSync.Tests/TestData/Lite (inputs and TF.js outputs written by verify.sh).
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

MODELS = "models/lite"
DATA = "tests/NeuroSync.Tests/TestData/Lite"


class Float32TfjsOrder:
    """Kernels with @tensorflow/tfjs-backend-cpu's float32 rounding and summation order."""

    dtype = np.float32

    @staticmethod
    def accumulate(y, x, w):
        # JS evaluates `y += x * w` in double (the product of two float32 values is exact there) and stores float32.
        return (y.astype(np.float64) + x.astype(np.float64) * w.astype(np.float64)).astype(np.float32)

    @staticmethod
    def mean_hw(x):
        scaled = x / np.float32(x.shape[2] * x.shape[3])
        flat = scaled.reshape(x.shape[0], x.shape[1], -1).astype(np.float64)
        total = np.zeros(flat.shape[:2], np.float64)
        for j in range(flat.shape[2]):  # sequential, as the kernel's loop (np.sum would sum pairwise)
            total += flat[:, :, j]
        return total.astype(np.float32)

    @staticmethod
    def avg_pool_window(windows):
        # pool_utils.js: `avgValue += pixel` from 0 in double over the window's rows and columns, then `avgValue / count`.
        total = np.zeros(windows[0].shape, np.float64)
        for w in windows:
            total += w.astype(np.float64)
        return (total / len(windows)).astype(np.float32)

    @staticmethod
    def matmul(a, b):
        # BatchMatMul.js: for each block of 48 along k, `sum += aVal * bVal` from 0.0 in double, then
        # `resVals[...] += sum` into the float32 output.
        out = np.zeros((a.shape[0], b.shape[1]), np.float32)
        for k0 in range(0, a.shape[1], 48):
            block = np.zeros(out.shape, np.float64)
            for k in range(k0, min(k0 + 48, a.shape[1])):
                block += a[:, k:k + 1].astype(np.float64) * b[k:k + 1, :].astype(np.float64)
            out = (out.astype(np.float64) + block).astype(np.float32)
        return out

    @staticmethod
    def softmax(x):
        shifted = x - x.max(axis=-1, keepdims=True)
        e = np.exp(shifted.astype(np.float64)).astype(np.float32)
        total = np.zeros(e.shape[:-1] + (1,), np.float64)
        for j in range(e.shape[-1]):
            total[..., 0] += e[..., j]
        return e / total.astype(np.float32)


class Float64:
    """The same graph in double precision: the reference both float32 implementations approximate."""

    dtype = np.float64

    @staticmethod
    def accumulate(y, x, w):
        return y + x * w

    @staticmethod
    def mean_hw(x):
        return x.mean(axis=(2, 3))

    @staticmethod
    def avg_pool_window(windows):
        return sum(windows) / len(windows)

    @staticmethod
    def matmul(a, b):
        return a @ b

    @staticmethod
    def softmax(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


def conv(arith, x, w, b, node):
    """x NCHW; w ONNX [Cout, Cin/group, kh, kw]; explicit pads [top, left, bottom, right]."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    group = attrs.get("group", 1)
    kh, kw = attrs["kernel_shape"]
    sh, sw = attrs["strides"]
    top, left, bottom, right = attrs["pads"]
    if any(d != 1 for d in attrs.get("dilations", [1, 1])) or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError(f"{node.name}: only explicit pads without dilation are supported")
    n, c, h, wd = x.shape
    oh = (h + top + bottom - kh) // sh + 1
    ow = (wd + left + right - kw) // sw + 1
    xp = np.zeros((n, c, h + top + bottom, wd + left + right), arith.dtype)
    xp[:, :, top:top + h, left:left + wd] = x
    # Adding a padded tap's 0 * w leaves a float32 sum unchanged, so padding then adding every tap equals skipping.
    y = np.zeros((n, w.shape[0], oh, ow), arith.dtype)
    for r in range(kh):
        for s in range(kw):
            patch = xp[:, :, r:r + sh * (oh - 1) + 1:sh, s:s + sw * (ow - 1) + 1:sw]
            if group == 1:
                for d1 in range(c):
                    y = arith.accumulate(y, patch[:, d1:d1 + 1], w[:, d1, r, s][None, :, None, None])
            elif group == c and w.shape[0] == c:  # depthwise, channel multiplier 1: channels are independent
                y = arith.accumulate(y, patch, w[:, 0, r, s][None, :, None, None])
            else:
                raise ValueError(f"{node.name}: group {group} with {w.shape[0]} outputs is not supported")
    if b is not None:
        y = y + b[None, :, None, None].astype(arith.dtype)
    return y


def max_pool(x, node):
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    kh, kw = attrs["kernel_shape"]
    sh, sw = attrs["strides"]
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    n, c, h, wd = x.shape
    oh = (h + top + bottom - kh) // sh + 1
    ow = (wd + left + right - kw) // sw + 1
    xp = np.full((n, c, h + top + bottom, wd + left + right), -np.inf, x.dtype)
    xp[:, :, top:top + h, left:left + wd] = x
    y = np.full((n, c, oh, ow), -np.inf, x.dtype)
    for r in range(kh):
        for s in range(kw):
            y = np.maximum(y, xp[:, :, r:r + sh * (oh - 1) + 1:sh, s:s + sw * (ow - 1) + 1:sw])
    return y


def avg_pool(arith, x, node):
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    kh, kw = attrs["kernel_shape"]
    sh, sw = attrs["strides"]
    if any(attrs.get("pads", [0, 0, 0, 0])) or attrs.get("ceil_mode", 0) or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError(f"{node.name}: only an unpadded average pool is supported")
    n, c, h, wd = x.shape
    oh = (h - kh) // sh + 1
    ow = (wd - kw) // sw + 1
    windows = [x[:, :, r:r + sh * (oh - 1) + 1:sh, s:s + sw * (ow - 1) + 1:sw] for r in range(kh) for s in range(kw)]
    return arith.avg_pool_window(windows)


def evaluate(model, feeds, arith):
    values = {k: v.astype(arith.dtype) for k, v in feeds.items()}
    for init in model.graph.initializer:
        array = numpy_helper.to_array(init)
        values[init.name] = array.astype(arith.dtype) if array.dtype == np.float32 else array
    for node in model.graph.node:
        ins = [values[i] if i else None for i in node.input]
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        op = node.op_type
        if op == "Conv":
            out = conv(arith, ins[0], ins[1], ins[2] if len(ins) > 2 else None, node)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "MatMul":
            if ins[0].ndim != 2 or ins[1].ndim != 2:
                raise ValueError(f"{node.name}: only a 2-D MatMul is supported")
            out = arith.matmul(ins[0], ins[1])
        elif op == "AveragePool":
            out = avg_pool(arith, ins[0], node)
        elif op == "Relu":
            out = np.maximum(ins[0], 0).astype(arith.dtype)
        elif op == "Transpose":
            out = np.ascontiguousarray(ins[0].transpose(attrs["perm"]))
        elif op == "Reshape":
            out = ins[0].reshape([int(d) for d in ins[1]])
        elif op == "Identity":
            out = ins[0]
        elif op == "Pad":
            if attrs.get("mode", b"constant") not in (b"constant", "constant") or len(ins) > 2:
                raise ValueError(f"{node.name}: only zero constant padding is supported")
            p = [int(v) for v in ins[1]]
            rank = ins[0].ndim
            out = np.pad(ins[0], list(zip(p[:rank], p[rank:])))
        elif op == "MaxPool":
            out = max_pool(ins[0], node)
        elif op == "ReduceMean":
            if list(attrs["axes"]) != [2, 3] or attrs.get("keepdims", 1) != 0:
                raise ValueError(f"{node.name}: only a spatial mean without kept dims is supported")
            out = arith.mean_hw(ins[0])
        elif op == "Softmax":
            if attrs.get("axis", -1) not in (-1, ins[0].ndim - 1):
                raise ValueError(f"{node.name}: only a softmax over the last axis is supported")
            out = arith.softmax(ins[0])
        else:
            raise ValueError(f"{node.name}: op {op} is not supported")
        values[node.output[0]] = out
    return {o.name: values[o.name] for o in model.graph.output}


def inputs(data_dir, dtype):
    # The float formulas of tools/lite/tfjs_reference.mjs (and of @vladmandic/human), in float32 as TF.js computes them.
    faces = np.load(os.path.join(data_dir, "emotion_inputs.npy")).astype(np.float32)[..., None]
    emotion = (faces / np.float32(255) - np.float32(0.5)) * np.float32(2)
    image = np.load(os.path.join(data_dir, "blazeface_input.npy")).astype(np.float32)[None]
    blaze = image / np.float32(127.5) - np.float32(1)
    # face-api's FaceExpressionNet normalises inside the graph: its input is the RGB pixels as they are.
    expression = np.load(os.path.join(data_dir, "face_expression_inputs.npy")).astype(np.float32)
    return emotion.astype(dtype), blaze.astype(dtype), expression.astype(dtype)


def cases(data_dir):
    """(ONNX file, input, {output name: TF.js output file}) for the three converted graphs."""
    emotion_in, blaze_in, expression_in = inputs(data_dir, np.float32)
    return [
        ("emotion_fer.onnx", emotion_in, {"Identity": "emotion_expected.npy"}),
        ("blazeface.onnx", blaze_in, {f"Identity{s}": f"blazeface_expected_Identity{s}.npy" for s in ("", "_1", "_2", "_3")}),
        ("face_expression.onnx", expression_in, {"probabilities": "face_expression_expected.npy"}),
    ]


def max_abs_diffs(model, model_input, expected, data_dir, arith):
    """{output name: (value count, max |TF.js value|, max abs diff between the graph's output and TF.js's)}."""
    outputs = evaluate(model, {model.graph.input[0].name: model_input}, arith)
    result = {}
    for name, file in expected.items():
        tfjs = np.load(os.path.join(data_dir, file)).astype(np.float64)
        diff = float(np.max(np.abs(outputs[name].astype(np.float64).reshape(tfjs.shape) - tfjs)))
        result[name] = (tfjs.size, float(np.max(np.abs(tfjs))), diff)
    return result


def main(argv):
    float64 = "--float64" in argv
    args = [a for a in argv[1:] if a != "--float64"]
    data_dir = args[0] if args else DATA
    arith = Float64 if float64 else Float32TfjsOrder
    label = "float64" if float64 else "float32 in TF.js's order"
    worst = 0.0
    for model_file, model_input, expected in cases(data_dir):
        model = onnx.load(os.path.join(MODELS, model_file))
        for name, (count, scale, diff) in max_abs_diffs(model, model_input, expected, data_dir, arith).items():
            worst = max(worst, diff)
            print(f"{model_file} {name:<10} {count:>5} values, max |value| {scale:9.3f}: "
                  f"max abs diff, ONNX graph ({label}) vs TF.js: {diff:.3g}")
    print(f"worst: {worst:.3g}")
    # In TF.js's order a right conversion matches to the bit; the float64 mode only measures TF.js's own rounding.
    return 0 if float64 or worst == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
