"""faceapi_expression_to_onnx.py: rebuilds the committed file from its own weights, and refuses weights that do not fit.

The npm package is not committed, so the tests write a weights manifest from the committed ONNX file's weights (put back
into face-api's layout, unquantised float32) and convert that.
Run from the repository root: /usr/bin/python3 -m unittest discover tools/lite/tests
"""
import json
import os
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import faceapi_expression_to_onnx as conv  # noqa: E402

COMMITTED = "models/lite/face_expression.onnx"
MANIFEST = "face_expression_model-weights_manifest.json"


def faceapi_weights():
    """The committed file's weights in face-api's layout and manifest order."""
    init = {i.name: numpy_helper.to_array(i) for i in onnx.load(COMMITTED).graph.initializer}
    weights = {}
    for name in conv.expected_weights():
        a = init[name]
        if name.endswith("depthwise_filter"):
            a = a.transpose(2, 3, 0, 1)  # [c, 1, kh, kw] -> [kh, kw, c, 1]
        elif a.ndim == 4:
            a = a.transpose(2, 3, 1, 0)  # [cout, cin, kh, kw] -> [kh, kw, cin, cout]
        weights[name] = np.ascontiguousarray(a)
    return weights


def write_manifest(folder, weights, extra_bytes=b""):
    specs = [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in weights.items()]
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.write(b"".join(a.astype("<f4").tobytes() for a in weights.values()) + extra_bytes)
    path = os.path.join(folder, MANIFEST)
    with open(path, "w") as f:
        json.dump([{"paths": ["weights.bin"], "weights": specs}], f)
    return path


class FaceApiExpressionToOnnxTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def convert(self, weights, extra_bytes=b""):
        out = os.path.join(self.dir.name, "out.onnx")
        conv.convert(write_manifest(self.dir.name, weights, extra_bytes), out)
        return out

    def test_the_committed_weights_rebuild_the_committed_file_byte_for_byte(self):
        with open(self.convert(faceapi_weights()), "rb") as a, open(COMMITTED, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_a_missing_weight_is_an_error(self):
        weights = faceapi_weights()
        del weights["dense2/conv3/bias"]
        with self.assertRaisesRegex(conv.ConversionError, r"missing \['dense2/conv3/bias'\]"):
            self.convert(weights)

    def test_an_extra_weight_is_an_error(self):
        weights = faceapi_weights()
        weights["dense4/conv0/bias"] = np.zeros(8, np.float32)
        with self.assertRaisesRegex(conv.ConversionError, r"unexpected \['dense4/conv0/bias'\]"):
            self.convert(weights)

    def test_a_misshapen_weight_is_an_error(self):
        weights = faceapi_weights()
        weights["fc/weights"] = weights["fc/weights"].T.copy()
        with self.assertRaisesRegex(conv.ConversionError, r"'fc/weights': expected shape \[256, 7\], found \[7, 256\]"):
            self.convert(weights)

    def test_a_weight_file_longer_than_the_manifest_is_an_error(self):
        with self.assertRaisesRegex(conv.ConversionError, "the manifest describes 1294748 bytes, the files hold 1294752"):
            self.convert(faceapi_weights(), extra_bytes=b"\0" * 4)


if __name__ == "__main__":
    unittest.main()
