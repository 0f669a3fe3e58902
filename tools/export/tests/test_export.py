"""The exporter on the reduced synthetic checkpoint: key renamings, strict loading, export + verification, int8."""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import unittest
from pathlib import Path

import onnx
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import export_checkpoint  # noqa: E402
from make_synthetic_checkpoint import synthetic_state_dict  # noqa: E402


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state = synthetic_state_dict(seed=5)

    def test_both_weight_norm_key_styles_and_module_prefix_load_the_same_network(self):
        old = quiet(export_checkpoint.networks_from_state, self.state)
        new = quiet(export_checkpoint.networks_from_state,
                    synthetic_state_dict(seed=5, key_style="parametrizations", module_prefix=True))
        wave = torch.randn(1, 16000, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            self.assertTrue(torch.equal(old.audio(wave), new.audio(wave)))

    def test_unexpected_key_is_an_error_naming_it(self):
        state = dict(self.state, **{"audio_backbone.encoder.extra.weight": torch.zeros(3)})
        with self.assertRaisesRegex(ValueError, "unexpected: encoder.extra.weight"):
            quiet(export_checkpoint.networks_from_state, state)

    def test_missing_key_is_an_error_naming_it(self):
        state = {k: v for k, v in self.state.items() if k != "classifier.1.bias"}
        with self.assertRaisesRegex(ValueError, "missing: classifier.1.bias"):
            quiet(export_checkpoint.networks_from_state, state)

    def test_timm_classifier_and_masked_spec_embed_are_ignored_with_a_reason(self):
        state = dict(self.state, **{"video_backbone.classifier.weight": torch.zeros(8, 320),
                                    "video_backbone.classifier.bias": torch.zeros(8)})
        log = []
        export_checkpoint.networks_from_state(state, log=log.append)
        ignored = [line for line in log if "ignored" in line]
        self.assertEqual(3, len(ignored), log)
        self.assertTrue(any("masked_spec_embed" in line and "training" in line for line in ignored))

    def test_shapes_give_the_architecture(self):
        nets = quiet(export_checkpoint.networks_from_state, self.state)
        self.assertEqual((24, 32, 64), (nets.audio.config.num_hidden_layers, nets.audio.config.hidden_size,
                                        nets.audio.config.intermediate_size))
        self.assertEqual(320, nets.visual.num_features)
        self.assertEqual([1, 2, 2, 3, 3, 4, 1], [len(s) for s in nets.visual.blocks])

    def test_export_verifies_and_int8_rewrites_every_weight_matmul(self):
        nets = quiet(export_checkpoint.networks_from_state, self.state)
        with tempfile.TemporaryDirectory() as tmp:
            ok = quiet(export_checkpoint.export, nets, Path(tmp), name="t", description="d", quantize="int8")
            self.assertTrue(ok)
            ops = [n.op_type for n in onnx.load(str(Path(tmp) / "audio_encoder.int8.onnx")).graph.node]
            # 24 layers x (q, k, v, out, 2 FFN) + the feature projection; the two activation x activation
            # products per layer (scores, weighted values) stay float.
            self.assertEqual(24 * 6 + 1, ops.count("MatMulInteger"))
            self.assertEqual(24 * 2, ops.count("MatMul"))
            self.assertTrue((Path(tmp) / "neurosync.int8.json").exists())


if __name__ == "__main__":
    unittest.main()
