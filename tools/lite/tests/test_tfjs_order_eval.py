"""The exact conversion check, and that it catches the converter mistakes that float32 noise would hide.

Run from the repository root: /usr/bin/python3 -m unittest discover tools/lite/tests
"""
import os
import sys
import unittest

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import tfjs_order_eval as ev  # noqa: E402


def blazeface():
    model_file, model_input, expected = ev.cases(ev.DATA)[1]
    return onnx.load(os.path.join(ev.MODELS, model_file)), model_input, expected


def face_expression():
    model_file, model_input, expected = ev.cases(ev.DATA)[2]
    return onnx.load(os.path.join(ev.MODELS, model_file)), model_input, expected


def worst(model, model_input, expected, arith=ev.Float32TfjsOrder):
    return max(d for _, _, d in ev.max_abs_diffs(model, model_input, expected, ev.DATA, arith).values())


class TfjsOrderEvalTests(unittest.TestCase):
    def test_committed_onnx_files_equal_tfjs_outputs_bit_for_bit(self):
        for model_file, model_input, expected in ev.cases(ev.DATA):
            with self.subTest(model_file):
                self.assertEqual(worst(onnx.load(os.path.join(ev.MODELS, model_file)), model_input, expected), 0.0)

    def test_one_weight_off_by_one_unit_in_the_last_place_is_caught(self):
        model, model_input, expected = blazeface()
        layers = [i for i in model.graph.initializer if i.name.endswith("/W") and numpy_helper.to_array(i).ndim == 4]
        layer = layers[len(layers) // 2]
        weights = numpy_helper.to_array(layer).copy()
        weights.flat[0] = np.nextafter(weights.flat[0], np.float32(np.inf))
        layer.CopyFrom(numpy_helper.from_array(weights, layer.name))
        # Measured: 3.1e-4 on the raw logits, below ONNX Runtime's own 9.1e-4 from TF.js, so only the exact check sees it.
        self.assertGreater(worst(model, model_input, expected), 0.0)

    def test_same_padding_on_the_wrong_side_is_caught(self):
        model, model_input, expected = blazeface()
        # TensorFlow's SAME puts the odd pixel after; a converter that puts it before shifts every strided conv.
        for node in model.graph.node:
            pads = next((a for a in node.attribute if a.name == "pads"), None)
            if node.op_type == "Conv" and pads is not None and list(pads.ints) == [0, 0, 1, 1]:
                pads.ints[:] = [1, 1, 0, 0]
                break
        else:
            self.fail("expected a strided conv with asymmetric SAME pads in BlazeFace")
        self.assertGreater(worst(model, model_input, expected), 1.0)  # measured: 283 on the raw logits

    def test_face_expression_one_weight_off_by_one_unit_in_the_last_place_is_caught(self):
        model, model_input, expected = face_expression()
        layer = next(i for i in model.graph.initializer if i.name == "dense2/conv0/depthwise_filter")  # a middle layer
        weights = numpy_helper.to_array(layer).copy()
        weights.flat[0] = np.nextafter(weights.flat[0], np.float32(np.inf))
        layer.CopyFrom(numpy_helper.from_array(weights, layer.name))
        # Measured: 5.9e-17, on one of the tiny probabilities of a face (not every one-ulp change moves an output:
        # fc/weights[0, 0] moved so leaves all 42 outputs unchanged). ONNX Runtime differs from TF.js by far more.
        self.assertGreater(worst(model, model_input, expected), 0.0)

    def test_face_expression_normalisation_by_a_reciprocal_is_caught(self):
        model, model_input, expected = face_expression()
        # face-api divides by 255; multiplying by float32(1 / 255) differs in the last place for some pixels.
        div = next(n for n in model.graph.node if n.op_type == "Div")
        div.op_type = "Mul"
        scale = next(i for i in model.graph.initializer if i.name == div.input[1])
        scale.CopyFrom(numpy_helper.from_array(np.array(1 / 255, np.float32), scale.name))
        self.assertGreater(worst(model, model_input, expected), 0.0)  # measured: 6.6e-7

    def test_face_expression_dense_block_sum_bracketed_otherwise_is_caught(self):
        model, model_input, expected = face_expression()
        # face-api adds out1 + (out2 + (out3 + out4)); ((out1 + out2) + out3) + out4 rounds differently.
        nodes = {n.name: n for n in model.graph.node}
        s34, s234, s1234 = (nodes[f"dense1/{k}"] for k in ("out3+out4", "out2+(out3+out4)", "out1+(out2+(out3+out4))"))
        out1, out2, (out3, out4) = s1234.input[0], s234.input[0], s34.input
        s34.input[:] = [out1, out2]
        s234.input[:] = [s34.output[0], out3]
        s1234.input[:] = [s234.output[0], out4]
        self.assertGreater(worst(model, model_input, expected), 0.0)  # measured: 4.8e-7

    def test_tfjs_itself_is_this_far_from_the_exact_result(self):
        model, model_input, expected = blazeface()
        # Why ONNX Runtime and TF.js differ by about 1e-3 on BlazeFace's raw logits: so does TF.js from float64.
        self.assertGreater(worst(model, model_input, expected, ev.Float64), 1e-4)


if __name__ == "__main__":
    unittest.main()
