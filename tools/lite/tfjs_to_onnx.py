#!/usr/bin/python3
"""Converts a TensorFlow.js graph model (model.json + weight shards) to ONNX.

Supports exactly the ops the lite set's two graphs use (BlazeFace and the FER mini-Xception from
@vladmandic/human): Placeholder, Const, _FusedConv2D (BiasAdd or BiasAdd+Relu), DepthwiseConv2dNative,
MaxPool, AddV2, Relu, Pad, Mean, Reshape, Softmax and Identity, all NHWC. Any other op, fused op, data format
or attribute value stops the conversion with an error naming the node: a silently wrong model is worse than none.

The ONNX graph keeps TF.js's interface (same input and output names without ':0', NHWC input), transposes to
NCHW once after the input and back only where memory order matters (Reshape, graph outputs), and uses explicit
pads computed from TensorFlow's SAME rule (which puts the odd pixel at the end), so no runtime depends on
auto_pad details.

Usage: /usr/bin/python3 tools/lite/tfjs_to_onnx.py model.json out.onnx
Needs only Debian's python3-onnx and python3-numpy.
"""
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
DTYPES = {"float32": np.float32, "int32": np.int32}


class ConversionError(Exception):
    pass


def fail(node, message):
    raise ConversionError(f"node '{node['name']}' ({node['op']}): {message}")


def attr_s(node, key):
    value = node.get("attr", {}).get(key, {}).get("s")
    return None if value is None else base64.b64decode(value).decode()


def attr_ints(node, key):
    return [int(i) for i in node.get("attr", {}).get(key, {}).get("list", {}).get("i", [])]


def load_weights(model_dir, manifest):
    weights = {}
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if "quantization" in spec or spec["dtype"] not in DTYPES:
                raise ConversionError(f"weight '{spec['name']}': expected unquantised float32/int32, found {spec}")
            dtype = DTYPES[spec["dtype"]]
            count = int(np.prod(spec["shape"], dtype=np.int64))
            weights[spec["name"]] = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(spec["shape"]).copy()
            offset += count * 4
        if offset != len(data):
            raise ConversionError(f"weights {group['paths']}: expected {offset} bytes, found {len(data)}")
    return weights


def same_pads(size, kernel, stride):
    """TensorFlow's SAME padding for one spatial axis: (before, after, output size)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


def valid_out(size, kernel, stride):
    return (size - kernel) // stride + 1


class Converter:
    def __init__(self, model):
        self.model = model
        self.nodes = []
        self.initializers = []
        self.tensors = {}  # TF tensor name -> (onnx name, NHWC shape, is_nchw)
        self.consts = {}
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return f"{base}__{self.counter}"

    def add_init(self, name, array):
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def get(self, node, index):
        ref = node["input"][index]
        if ref.startswith("^"):
            fail(node, "control inputs are not supported")
        name = ref.split(":")[0]
        if ref.count(":") and not ref.endswith(":0"):
            fail(node, f"expected first outputs only, found input '{ref}'")
        if name in self.tensors:
            return self.tensors[name]
        fail(node, f"input '{name}' is not produced by any supported node")

    def const(self, node, index):
        name = node["input"][index].split(":")[0]
        if name not in self.consts:
            fail(node, f"expected a constant for input {index}, found '{name}'")
        return self.consts[name]

    def as_nhwc(self, tensor):
        onnx_name, shape, nchw = tensor
        if not nchw:
            return onnx_name
        out = self.fresh(onnx_name + "_nhwc")
        self.nodes.append(helper.make_node("Transpose", [onnx_name], [out], perm=[0, 2, 3, 1]))
        return out

    def require_nchw(self, node, tensor):
        if len(tensor[1]) != 4 or not tensor[2]:
            fail(node, f"expected a 4-D image tensor, found shape {tensor[1]}")

    def spatial(self, node, x_shape, kernel_hw, strides, padding):
        if padding == "SAME":
            t, b, oh = same_pads(x_shape[1], kernel_hw[0], strides[1])
            l, r, ow = same_pads(x_shape[2], kernel_hw[1], strides[2])
            return [t, l, b, r], oh, ow
        if padding == "VALID":
            return [0, 0, 0, 0], valid_out(x_shape[1], kernel_hw[0], strides[1]), valid_out(x_shape[2], kernel_hw[1], strides[2])
        fail(node, f"expected padding SAME or VALID, found {padding}")

    def check_common(self, node):
        if attr_s(node, "data_format") not in (None, "NHWC"):
            fail(node, f"expected data_format NHWC, found {attr_s(node, 'data_format')}")
        if any(d != 1 for d in attr_ints(node, "dilations")):
            fail(node, f"expected dilations of 1, found {attr_ints(node, 'dilations')}")
        if attr_ints(node, "explicit_paddings"):
            fail(node, "explicit paddings are not supported")
        strides = attr_ints(node, "strides")
        if len(strides) != 4 or strides[0] != 1 or strides[3] != 1 or strides[1] != strides[2]:
            fail(node, f"expected strides [1, s, s, 1], found {strides}")
        return strides

    def convert(self):
        topology = self.model["modelTopology"]
        graph_inputs, graph_outputs = [], []
        signature = self.model.get("userDefinedMetadata", {}).get("signature", {})
        output_names = [k.split(":")[0] for k in signature.get("outputs", {})]
        for node in topology["node"]:
            op, name = node["op"], node["name"]
            if op == "Const":
                if name not in self.weights:
                    fail(node, "expected its value in the weights manifest, found none")
                self.consts[name] = self.weights[name]
            elif op == "Placeholder":
                dims = [int(d.get("size", -1)) for d in node["attr"]["shape"]["shape"]["dim"]]
                if len(dims) != 4 or attr_dtype(node) != "DT_FLOAT":
                    fail(node, f"expected a float32 NHWC image input, found shape {dims}")
                graph_inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [d if d > 0 else "N" for d in dims]))
                out = self.fresh(name + "_nchw")
                self.nodes.append(helper.make_node("Transpose", [name], [out], perm=[0, 3, 1, 2]))
                self.tensors[name] = (out, dims, True)
            elif op == "_FusedConv2D":
                self.fused_conv(node)
            elif op == "DepthwiseConv2dNative":
                self.depthwise(node)
            elif op == "MaxPool":
                self.max_pool(node)
            elif op == "AddV2":
                a, b = self.get(node, 0), self.get(node, 1)
                if a[1] != b[1] or a[2] != b[2]:
                    fail(node, f"expected two tensors of one shape, found {a[1]} and {b[1]}")
                out = self.fresh(name)
                self.nodes.append(helper.make_node("Add", [a[0], b[0]], [out]))
                self.tensors[name] = (out, a[1], a[2])
            elif op == "Relu":
                x = self.get(node, 0)
                out = self.fresh(name)
                self.nodes.append(helper.make_node("Relu", [x[0]], [out]))
                self.tensors[name] = (out, x[1], x[2])
            elif op == "Pad":
                self.pad(node)
            elif op == "Mean":
                self.mean(node)
            elif op == "Reshape":
                self.reshape(node)
            elif op == "Softmax":
                x = self.get(node, 0)
                if x[2]:
                    fail(node, "expected a 2-D input, found an image tensor")
                out = self.fresh(name)
                self.nodes.append(helper.make_node("Softmax", [x[0]], [out], axis=len(x[1]) - 1))
                self.tensors[name] = (out, x[1], False)
            elif op == "Identity":
                x = self.get(node, 0)
                self.tensors[name] = (x[0], x[1], x[2])
            else:
                fail(node, "unsupported op")
        if not output_names:
            raise ConversionError("expected output names in userDefinedMetadata.signature, found none")
        for out_name in output_names:
            if out_name not in self.tensors:
                raise ConversionError(f"output '{out_name}': no node produces it")
            tensor = self.tensors[out_name]
            source = self.as_nhwc(tensor)
            self.nodes.append(helper.make_node("Identity", [source], [out_name]))
            graph_outputs.append(helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [d if d > 0 else "N" for d in tensor[1]]))
        graph = helper.make_graph(self.nodes, "tfjs", graph_inputs, graph_outputs, self.initializers)
        return graph

    def fused_conv(self, node):
        fused = [base64.b64decode(s).decode() for s in node["attr"]["fused_ops"]["list"]["s"]]
        if fused not in (["BiasAdd"], ["BiasAdd", "Relu"]):
            fail(node, f"expected fused ops [BiasAdd] or [BiasAdd, Relu], found {fused}")
        if int(node["attr"].get("num_args", {}).get("i", 1)) != 1 or len(node["input"]) != 3:
            fail(node, f"expected 3 inputs (x, filter, bias), found {node['input']}")
        strides = self.check_common(node)
        x = self.get(node, 0)
        self.require_nchw(node, x)
        w, bias = self.const(node, 1), self.const(node, 2)
        kh, kw, cin, cout = w.shape
        if cin != x[1][3] or bias.shape != (cout,):
            fail(node, f"expected filter [kh, kw, {x[1][3]}, C] and bias [C], found {w.shape} and {bias.shape}")
        pads, oh, ow = self.spatial(node, x[1], (kh, kw), strides, attr_s(node, "padding"))
        wn = self.add_init(node["name"] + "/W", np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
        bn = self.add_init(node["name"] + "/B", bias)
        out = self.fresh(node["name"])
        self.nodes.append(helper.make_node("Conv", [x[0], wn, bn], [out], kernel_shape=[kh, kw], strides=[strides[1], strides[2]], pads=pads))
        if fused[-1] == "Relu":
            relu = self.fresh(node["name"] + "_relu")
            self.nodes.append(helper.make_node("Relu", [out], [relu]))
            out = relu
        self.tensors[node["name"]] = (out, [x[1][0], oh, ow, cout], True)

    def depthwise(self, node):
        strides = self.check_common(node)
        x = self.get(node, 0)
        self.require_nchw(node, x)
        w = self.const(node, 1)
        kh, kw, c, m = w.shape
        if c != x[1][3]:
            fail(node, f"expected filter [kh, kw, {x[1][3]}, M], found {w.shape}")
        pads, oh, ow = self.spatial(node, x[1], (kh, kw), strides, attr_s(node, "padding"))
        # TF orders depthwise outputs channel-major (c * M + m), which is ONNX's grouped-conv order.
        wn = self.add_init(node["name"] + "/W", np.ascontiguousarray(w.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)))
        out = self.fresh(node["name"])
        self.nodes.append(helper.make_node("Conv", [x[0], wn], [out], kernel_shape=[kh, kw], strides=[strides[1], strides[2]], pads=pads, group=c))
        self.tensors[node["name"]] = (out, [x[1][0], oh, ow, c * m], True)

    def max_pool(self, node):
        strides = self.check_common(node)
        ksize = attr_ints(node, "ksize")
        if len(ksize) != 4 or ksize[0] != 1 or ksize[3] != 1:
            fail(node, f"expected ksize [1, kh, kw, 1], found {ksize}")
        x = self.get(node, 0)
        self.require_nchw(node, x)
        pads, oh, ow = self.spatial(node, x[1], (ksize[1], ksize[2]), strides, attr_s(node, "padding"))
        out = self.fresh(node["name"])
        # ONNX MaxPool ignores padded cells, as TensorFlow's SAME max pooling does.
        self.nodes.append(helper.make_node("MaxPool", [x[0]], [out], kernel_shape=ksize[1:3], strides=[strides[1], strides[2]], pads=pads))
        self.tensors[node["name"]] = (out, [x[1][0], oh, ow, x[1][3]], True)

    def pad(self, node):
        x = self.get(node, 0)
        self.require_nchw(node, x)
        paddings = self.const(node, 1)
        if paddings.shape != (4, 2) or (paddings < 0).any() or paddings[0].any():
            fail(node, f"expected non-negative NHWC paddings [4, 2] without batch padding, found {paddings.tolist()}")
        out = self.fresh(node["name"])
        channels = x[1][3]
        if not paddings[1:3].any() and paddings[3, 0] == 0 and channels > 0:
            # Zero channels appended (BlazeFace's residual path): a 1x1 Conv whose weights are the identity on the first
            # channels gives the same values for finite inputs, and ONNX Runtime keeps its blocked NCHWc layout through it
            # and the residual Add after it; a Pad there makes it reorder the tensor twice and leaves the Add and Relu unfused.
            added = int(paddings[3, 1])
            identity = np.zeros((channels + added, channels, 1, 1), dtype=np.float32)
            identity[np.arange(channels), np.arange(channels), 0, 0] = 1
            wn = self.add_init(node["name"] + "/identity", identity)
            self.nodes.append(helper.make_node("Conv", [x[0], wn], [out], kernel_shape=[1, 1], strides=[1, 1], pads=[0, 0, 0, 0]))
        else:
            nchw = paddings[[0, 3, 1, 2]]
            pads = self.add_init(node["name"] + "/pads", np.concatenate([nchw[:, 0], nchw[:, 1]]).astype(np.int64))
            self.nodes.append(helper.make_node("Pad", [x[0], pads], [out], mode="constant"))
        shape = [d + int(p.sum()) if d > 0 else d for d, p in zip(x[1], paddings)]
        self.tensors[node["name"]] = (out, shape, True)

    def mean(self, node):
        x = self.get(node, 0)
        self.require_nchw(node, x)
        axes = sorted(int(a) for a in np.atleast_1d(self.const(node, 1)))
        keep = node["attr"].get("keep_dims", {}).get("b", False)
        if axes != [1, 2] or keep:
            fail(node, f"expected a spatial mean (axes [1, 2], keep_dims false), found axes {axes}, keep_dims {keep}")
        out = self.fresh(node["name"])
        self.nodes.append(helper.make_node("ReduceMean", [x[0]], [out], axes=[2, 3], keepdims=0))
        self.tensors[node["name"]] = (out, [x[1][0], x[1][3]], False)

    def reshape(self, node):
        x = self.get(node, 0)
        shape = [int(d) for d in self.const(node, 1)]
        known = [d for d in x[1] if d > 0]
        if any(d <= 0 for d in x[1]) or (-1 not in shape and int(np.prod(shape)) != int(np.prod(known))):
            fail(node, f"expected a static input shape matching {shape}, found {x[1]}")
        if -1 in shape:
            rest = int(np.prod([d for d in shape if d != -1]))
            shape = [int(np.prod(known)) // rest if d == -1 else d for d in shape]
        source = self.as_nhwc(x)  # reshape works on NHWC memory order
        sn = self.add_init(node["name"] + "/shape", np.array(shape, dtype=np.int64))
        out = self.fresh(node["name"])
        self.nodes.append(helper.make_node("Reshape", [source, sn], [out]))
        self.tensors[node["name"]] = (out, shape, False)


def attr_dtype(node):
    return node.get("attr", {}).get("dtype", {}).get("type")


def convert(model_json, out_path):
    with open(model_json) as f:
        model = json.load(f)
    if model.get("format") != "graph-model":
        raise ConversionError(f"{model_json}: expected format graph-model, found {model.get('format')}")
    converter = Converter(model)
    converter.weights = load_weights(os.path.dirname(os.path.abspath(model_json)), model["weightsManifest"])
    graph = converter.convert()
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="neurosync-tfjs_to_onnx")
    onnx_model.ir_version = 7
    onnx_model.doc_string = f"Converted from TF.js graph model {os.path.basename(model_json)} ({model.get('generatedBy', '?')}, converted by {model.get('convertedBy', '?')})."
    onnx.checker.check_model(onnx_model, full_check=True)
    onnx.save(onnx_model, out_path)
    return onnx_model


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        m = convert(argv[1], argv[2])
    except ConversionError as e:
        print(f"tfjs_to_onnx: error: {e}", file=sys.stderr)
        return 1
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{argv[2]}: {len(m.graph.node)} nodes ({', '.join(ops)}), inputs {[i.name for i in m.graph.input]}, outputs {[o.name for o in m.graph.output]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
