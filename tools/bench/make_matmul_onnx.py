#!/usr/bin/python3
"""Write tools/bench/matmul.onnx: one float32 MatMul, C[M, N] = A[M, K] x B[K, N], with symbolic dimensions.

    /usr/bin/python3 tools/bench/make_matmul_onnx.py [out.onnx]

Both operands are graph inputs (no weights), so the file is a few hundred bytes and any size can be fed at run time.
`benchmarks/NeuroSync.Benchmarks/Onnx/MatMulFloorBenchmarks.cs` runs it at 2048 x 2048 x 2048 through ONNX Runtime to
measure the GFLOP/s this machine reaches on dense float32 matrix products: the hardware floor of docs/performance.md.
"""

import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

OUT = Path(__file__).resolve().parent / "matmul.onnx"


def build() -> onnx.ModelProto:
    a = helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", "K"])
    b = helper.make_tensor_value_info("B", TensorProto.FLOAT, ["K", "N"])
    c = helper.make_tensor_value_info("C", TensorProto.FLOAT, ["M", "N"])
    graph = helper.make_graph([helper.make_node("MatMul", ["A", "B"], ["C"])], "matmul_floor", [a, b], [c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="tools/bench/make_matmul_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    onnx.save(build(), str(out))
    print(f"{out}: {out.stat().st_size} bytes")
