#!/usr/bin/python3
"""Frees the input size of a converted BlazeFace graph, so one file runs at 256 pixels and at a cheaper 128.

tfjs_to_onnx.py writes the TF.js graph's fixed [1, 256, 256, 3] input and its Reshapes to [1, 512, 1] and the like. The
network itself is fully convolutional: at any side that is a multiple of 32 its 'same' paddings are those of 256 (every
feature map keeps an even side), so only the input's two spatial dimensions, the Reshapes' anchor counts and the outputs'
shapes depend on the size. This names the spatial dimensions 'size', makes each Reshape's anchor count -1 and the
outputs' anchor dimension 'anchors'; the arithmetic is unchanged, which LiteModelConversionTests checks at 256 against
TF.js, and BlazeFaceDetectorTests at 128 against the same graph on a frame whose face it must find again.

Usage: /usr/bin/python3 tools/lite/free_input_size.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    source, target = sys.argv[1], sys.argv[2]
    model = onnx.load(source)
    graph = model.graph
    if len(graph.input) != 1:
        sys.exit(f"{source}: expected one input, found {len(graph.input)}")
    dims = graph.input[0].type.tensor_type.shape.dim
    if [d.dim_value for d in dims][3] != 3 or dims[1].dim_value % 32 or dims[1].dim_value != dims[2].dim_value:
        sys.exit(f"{source}: expected a [1, S, S, 3] input with S a multiple of 32")
    dims[1].dim_param = "size"
    dims[2].dim_param = "size"
    initializers = {i.name: i for i in graph.initializer}
    reshapes = 0
    for node in graph.node:
        if node.op_type == "Reshape":
            shape = numpy_helper.to_array(initializers[node.input[1]]).copy()
            if len(shape) != 3:
                sys.exit(f"{source}: Reshape {node.name}: expected a [1, anchors, values] target, found {shape}")
            shape[1] = -1
            initializers[node.input[1]].CopyFrom(numpy_helper.from_array(shape.astype(np.int64), node.input[1]))
            reshapes += 1
    if reshapes != len(graph.output):
        sys.exit(f"{source}: expected one Reshape per output, found {reshapes} for {len(graph.output)} outputs")
    for output in graph.output:
        output.type.tensor_type.shape.dim[1].dim_param = "anchors"
    del graph.value_info[:]  # inferred at the old size
    onnx.checker.check_model(model)
    onnx.save(model, target)


if __name__ == "__main__":
    main()
