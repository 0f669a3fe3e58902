"""Our Wav2Vec2 (tools/models/neurosync_arch.py, Hugging Face names) against torchaudio's independent
implementation in the XLS-R-53 large configuration, weights mapped across by name.

torchaudio's `wav2vec2_model` with `extractor_mode="layer_norm"`, `extractor_conv_bias=True` and
`encoder_layer_norm_first=True` is the stable-layer-norm architecture of facebook/wav2vec2-large-xlsr-53.
Full layer shapes (512-channel conv stack, 1024-d, 16 heads, FFN 4096, positional conv 128/16), but
3 transformer layers instead of 24 to keep the test fast; the layers are identical, so more of them
add nothing to the comparison.
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seeded_networks import build_audio  # noqa: E402
from neurosync_arch import Wav2Vec2Config  # noqa: E402

LAYERS = 3
TOLERANCE = 1e-4  # max abs difference of last_hidden_state (values of order 1 after the final LayerNorm)


def to_torchaudio_names(key: str) -> str:
    for ours, theirs in (("feature_projection.", "encoder.feature_projection."),
                         ("encoder.pos_conv_embed.", "encoder.transformer.pos_conv_embed."),
                         ("encoder.layer_norm.", "encoder.transformer.layer_norm."),
                         ("encoder.layers.", "encoder.transformer.layers.")):
        if key.startswith(ours):
            return theirs + key[len(ours):]
    return key


class TorchaudioParityTest(unittest.TestCase):
    def test_last_hidden_state_matches_torchaudio_xlsr_configuration(self):
        from torchaudio.models import wav2vec2_model

        cfg = Wav2Vec2Config(num_hidden_layers=LAYERS)
        ours = build_audio(cfg, seed=11)
        theirs = wav2vec2_model(
            extractor_mode="layer_norm", extractor_conv_layer_config=list(zip(cfg.conv_dim, cfg.conv_kernel, cfg.conv_stride)),
            extractor_conv_bias=True, encoder_embed_dim=cfg.hidden_size, encoder_projection_dropout=0.0,
            encoder_pos_conv_kernel=cfg.num_conv_pos_embeddings, encoder_pos_conv_groups=cfg.num_conv_pos_embedding_groups,
            encoder_num_layers=LAYERS, encoder_num_heads=cfg.num_attention_heads, encoder_attention_dropout=0.0,
            encoder_ff_interm_features=cfg.intermediate_size, encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
            encoder_layer_norm_first=True, encoder_layer_drop=0.0, aux_num_out=None).eval()

        mapped = {to_torchaudio_names(k): v for k, v in ours.state_dict().items() if k != "masked_spec_embed"}
        result = theirs.load_state_dict(mapped, strict=True)
        self.assertEqual((result.missing_keys, result.unexpected_keys), ([], []))

        wave = torch.randn(2, 48000, generator=torch.Generator().manual_seed(3))
        with torch.no_grad():
            expected, _ = theirs(wave)
            actual = ours(wave)
        diff = float((actual - expected).abs().max())
        print(f"\nWav2Vec2 vs torchaudio ({LAYERS} layers, 1024-d, output {list(actual.shape)}): max abs diff {diff:.3e}")
        self.assertEqual(actual.shape, expected.shape)
        self.assertLessEqual(diff, TOLERANCE)


if __name__ == "__main__":
    unittest.main()
