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

    def test_tfjs_itself_is_this_far_from_the_exact_result(self):
        model, model_input, expected = blazeface()
        # Why ONNX Runtime and TF.js differ by about 1e-3 on BlazeFace's raw logits: so does TF.js from float64.
        self.assertGreater(worst(model, model_input, expected, ev.Float64), 1e-4)


if __name__ == "__main__":
    unittest.main()
