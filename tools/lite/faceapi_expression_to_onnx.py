#!/usr/bin/python3
"""Builds face-api.js's FaceExpressionNet as ONNX (opset 13) from its weights manifest and weight file.

face-api's model files hold weights only (a TF.js *weights manifest*, no graph); the network is defined in its code:
`src/faceFeatureExtractor/FaceFeatureExtractor.ts`, `denseBlock.ts`, `src/common/depthwiseSeparableConv.ts`,
`src/faceProcessor/FaceProcessor.ts`, `src/common/fullyConnectedLayer.ts`, `src/faceExpressionNet/` of
@vladmandic/face-api 1.7.15 (justadudewhohacks/face-api.js's network, with explicit float32 casts added; its weight file
is face-api.js's, byte for byte). This script writes that definition as an ONNX graph, op for op:

  x = (input - [122.782, 117.001, 104.298]) / 255        normalize(batchTensor, meanRgb).div(255), float32
  denseBlock4 x 4 (dense0 with a plain 3x3 conv, stride 2; dense1..3 with a separable conv, stride 2), each:
      out1 = relu(conv0(x));  out2 = sep(out1);  out3 = sep(relu(out1 + out2))
      out4 = sep(relu(out1 + (out2 + out3)));  return relu(out1 + (out2 + (out3 + out4)))
    where sep = depthwise 3x3 (SAME) -> pointwise 1x1 -> + bias, as tf.separableConv2d followed by tf.add
  avgPool 7x7, stride 2, VALID (7x7 -> 1x1);  as2D;  matMul(fc/weights) + fc/bias;  softmax

The additions keep face-api's bracketing (float32 addition is not associative), the bias is a separate Add after the
MatMul as in fullyConnectedLayer, and the pads are explicit, from TensorFlow's SAME rule (odd pixel after).

Interface: `input` [N, 112, 112, 3] float32 RGB in 0..255 (what face-api's net receives from toBatchTensor(112),
before its normalisation) -> `probabilities` [N, 7] in face-api's order: neutral, happy, sad, angry, fearful,
disgusted, surprised (FACE_EXPRESSION_LABELS).

The weights are uint8-quantised in the manifest; they are decoded as @tensorflow/tfjs-core 4.22.0's decodeWeights
does (`v * scale + min` in double, stored as float32) and stored as float32, so the ONNX weights equal the tensors
face-api computes with, bit for bit. Any missing, extra or misshapen weight, an unknown dtype or quantisation, or a
weight file of the wrong length stops the conversion.

Usage: /usr/bin/python3 tools/lite/faceapi_expression_to_onnx.py face_expression_model-weights_manifest.json out.onnx
Needs only Debian's python3-onnx and python3-numpy.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
INPUT_SIZE = 112
MEAN_RGB = [122.782, 117.001, 104.298]  # FaceFeatureExtractor.forwardInput
LABELS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]  # FACE_EXPRESSION_LABELS
CHANNELS = [32, 64, 128, 256]  # dense0..dense3 (FaceFeatureExtractor/extractParams.ts)
FC_IN, FC_OUT = 256, 7  # FaceExpressionNet.getClassifierChannelsIn/Out


class ConversionError(Exception):
    pass


def expected_weights():
    """{name: shape} of every weight face-api's loadFromWeightMap reads, in manifest order."""
    shapes = {}
    cin = 3
    for i, c in enumerate(CHANNELS):
        block = f"dense{i}"
        if i == 0:
            shapes[f"{block}/conv0/filters"] = [3, 3, cin, c]
            shapes[f"{block}/conv0/bias"] = [c]
        else:
            shapes[f"{block}/conv0/depthwise_filter"] = [3, 3, cin, 1]
            shapes[f"{block}/conv0/pointwise_filter"] = [1, 1, cin, c]
            shapes[f"{block}/conv0/bias"] = [c]
        for j in (1, 2, 3):
            shapes[f"{block}/conv{j}/depthwise_filter"] = [3, 3, c, 1]
            shapes[f"{block}/conv{j}/pointwise_filter"] = [1, 1, c, c]
            shapes[f"{block}/conv{j}/bias"] = [c]
        cin = c
    shapes["fc/weights"] = [FC_IN, FC_OUT]
    shapes["fc/bias"] = [FC_OUT]
    return shapes


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def decode_weights(manifest_path):
    """The manifest's weights as float32 arrays, decoded as tf.io.decodeWeights (tfjs-core 4.22.0) decodes them."""
    with open(manifest_path) as f:
        manifest = json.load(f)
    if not isinstance(manifest, list) or not all(isinstance(g, dict) and set(g) == {"paths", "weights"} for g in manifest):
        raise ConversionError(f"{manifest_path}: expected a weights manifest (a list of {{paths, weights}} groups)")
    weights = {}
    for group in manifest:
        data = b"".join(read_bytes(os.path.join(os.path.dirname(manifest_path), p)) for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            name, shape = spec["name"], [int(d) for d in spec["shape"]]
            if spec["dtype"] != "float32":
                raise ConversionError(f"weight '{name}': expected dtype float32, found {spec['dtype']}")
            count = int(np.prod(shape, dtype=np.int64))
            quant = spec.get("quantization")
            if quant is None:
                values = np.frombuffer(data, np.float32, count, offset)
                offset += 4 * count
            elif quant.get("dtype") == "uint8" and set(quant) == {"dtype", "scale", "min"}:
                q = np.frombuffer(data, np.uint8, count, offset)
                offset += count
                # io_utils.js: values[i] = v * quantization.scale + quantization.min, in double, into a Float32Array.
                values = (q.astype(np.float64) * float(quant["scale"]) + float(quant["min"])).astype(np.float32)
            else:
                raise ConversionError(f"weight '{name}': expected no quantisation or uint8 (scale, min), found {quant}")
            if name in weights:
                raise ConversionError(f"weight '{name}' appears twice in the manifest")
            weights[name] = values.reshape(shape).copy()
        if offset != len(data):
            raise ConversionError(f"weights {group['paths']}: the manifest describes {offset} bytes, the files hold {len(data)}")
    expected = expected_weights()
    missing = [n for n in expected if n not in weights]
    extra = [n for n in weights if n not in expected]
    if missing or extra:
        raise ConversionError(f"weights: missing {missing}, unexpected {extra}")
    for name, shape in expected.items():
        if list(weights[name].shape) != shape:
            raise ConversionError(f"weight '{name}': expected shape {shape}, found {list(weights[name].shape)}")
    return weights


def same_pads(size, kernel, stride):
    """TensorFlow's SAME padding for one spatial axis: (before, after, output size)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


class Builder:
    def __init__(self, weights):
        self.weights = weights
        self.used = set()
        self.nodes = []
        self.initializers = []

    def param(self, name, layout=lambda a: a):
        """A face-api weight as an initializer of the same name, in ONNX's layout."""
        self.used.add(name)
        return self.const(name, layout(self.weights[name]))

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x, size, prefix, stride):
        """tf.conv2d(x, filters, stride, 'same') + bias: x NCHW of spatial `size`; returns (output, output size)."""
        w = self.weights[f"{prefix}/filters"]  # [kh, kw, cin, cout]
        t, b, out = same_pads(size, w.shape[0], stride)
        wn = self.param(f"{prefix}/filters", lambda a: a.transpose(3, 2, 0, 1))  # -> [cout, cin, kh, kw]
        y = self.node("Conv", [x, wn, self.param(f"{prefix}/bias")], f"{prefix}/conv", kernel_shape=list(w.shape[:2]),
                      strides=[stride, stride], pads=[t, t, b, b])
        return y, out

    def separable(self, x, size, prefix, stride):
        """depthwiseSeparableConv: tf.separableConv2d(x, dw, pw, stride, 'same') then tf.add(bias)."""
        dw = self.weights[f"{prefix}/depthwise_filter"]
        c = dw.shape[2]
        t, b, out = same_pads(size, dw.shape[0], stride)
        # [kh, kw, c, 1] -> [c, 1, kh, kw] (a grouped conv, one group per channel); [1, 1, cin, cout] -> [cout, cin, 1, 1]
        dwn = self.param(f"{prefix}/depthwise_filter", lambda a: a.transpose(2, 3, 0, 1))
        pwn = self.param(f"{prefix}/pointwise_filter", lambda a: a.transpose(3, 2, 0, 1))
        d = self.node("Conv", [x, dwn], f"{prefix}/depthwise", kernel_shape=list(dw.shape[:2]), strides=[stride, stride],
                      pads=[t, t, b, b], group=c)
        # separableConv2d's pointwise conv is a separate conv2d (stride 1, VALID); the bias is added after it.
        y = self.node("Conv", [d, pwn, self.param(f"{prefix}/bias")], f"{prefix}/pointwise", kernel_shape=[1, 1],
                      strides=[1, 1], pads=[0, 0, 0, 0])
        return y, out

    def dense_block4(self, x, size, block, first):
        conv0 = self.conv if first else self.separable
        out1, size = conv0(x, size, f"{block}/conv0", 2)
        out1 = self.node("Relu", [out1], f"{block}/out1")
        out2, _ = self.separable(out1, size, f"{block}/conv1", 1)
        in3 = self.node("Relu", [self.node("Add", [out1, out2], f"{block}/out1+out2")], f"{block}/in3")
        out3, _ = self.separable(in3, size, f"{block}/conv2", 1)
        s23 = self.node("Add", [out2, out3], f"{block}/out2+out3")
        in4 = self.node("Relu", [self.node("Add", [out1, s23], f"{block}/out1+(out2+out3)")], f"{block}/in4")
        out4, _ = self.separable(in4, size, f"{block}/conv3", 1)
        s34 = self.node("Add", [out3, out4], f"{block}/out3+out4")
        s234 = self.node("Add", [out2, s34], f"{block}/out2+(out3+out4)")
        s1234 = self.node("Add", [out1, s234], f"{block}/out1+(out2+(out3+out4))")
        return self.node("Relu", [s1234], f"{block}/out"), size

    def build(self):
        # Transposed first, so the normalisation runs on NCHW planes: the same values (element-wise ops commute with a
        # transpose), but ONNX Runtime broadcasts an NHWC [1, 1, 1, 3] operand three values at a time (13 % of a run).
        x = self.node("Transpose", ["input"], "to_nchw", perm=[0, 3, 1, 2])
        mean = self.const("normalize/mean_rgb", np.array(MEAN_RGB, np.float32).reshape(1, 3, 1, 1))
        x = self.node("Sub", [x, mean], "normalize/sub_mean_rgb")
        x = self.node("Div", [x, self.const("normalize/255", np.array(255, np.float32))], "normalize/div_255")
        size = INPUT_SIZE
        for i in range(len(CHANNELS)):
            x, size = self.dense_block4(x, size, f"dense{i}", first=i == 0)
        if size != 7:
            raise ConversionError(f"expected a 7x7 feature map before the average pool, found {size}x{size}")
        x = self.node("AveragePool", [x], "avg_pool", kernel_shape=[7, 7], strides=[2, 2], pads=[0, 0, 0, 0])
        # as2D(N, -1) of an NHWC [N, 1, 1, 256] tensor: with a 1x1 map NCHW and NHWC flatten alike.
        x = self.node("Reshape", [x, self.const("as2d/shape", np.array([-1, FC_IN], np.int64))], "as2d")
        x = self.node("MatMul", [x, self.param("fc/weights")], "fc/matmul")
        x = self.node("Add", [x, self.param("fc/bias")], "fc/add_bias")
        self.node("Softmax", [x], "probabilities", axis=-1)
        unused = sorted(set(self.weights) - self.used)
        if unused:
            raise ConversionError(f"weights not used by the graph: {unused}")
        inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", INPUT_SIZE, INPUT_SIZE, 3])]
        outputs = [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", FC_OUT])]
        return helper.make_graph(self.nodes, "face_expression_net", inputs, outputs, self.initializers)


def convert(manifest_path, out_path):
    builder = Builder(decode_weights(manifest_path))
    model = helper.make_model(builder.build(), opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="neurosync-faceapi_expression_to_onnx")
    model.ir_version = 7
    model.doc_string = ("face-api.js FaceExpressionNet (@vladmandic/face-api 1.7.15, "
                        f"{os.path.basename(manifest_path)}): input [N, 112, 112, 3] RGB 0..255, "
                        f"output probabilities [N, 7]: {', '.join(LABELS)}.")
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out_path)
    return model


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        m = convert(argv[1], argv[2])
    except ConversionError as e:
        print(f"faceapi_expression_to_onnx: error: {e}", file=sys.stderr)
        return 1
    ops = sorted({n.op_type for n in m.graph.node})
    params = sum(int(np.prod(i.dims)) for i in m.graph.initializer)
    print(f"{argv[2]}: {len(m.graph.node)} nodes ({', '.join(ops)}), {params} values, "
          f"inputs {[i.name for i in m.graph.input]}, outputs {[o.name for o in m.graph.output]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
