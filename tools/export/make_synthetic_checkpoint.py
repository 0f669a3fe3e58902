#!/usr/bin/python3
"""Write a synthetic NeuroSync checkpoint: the original's key names, seeded random values.

    /usr/bin/python3 tools/export/make_synthetic_checkpoint.py out.pth [--full] [--seed 1]
                     [--key-style weight_norm|parametrizations] [--module-prefix]

By default the networks are narrow (audio hidden 32, visual width x0.25, fusion d 64) but have every
layer of the original (7 conv + 24 transformer layers, all 16 EfficientNet-B0 blocks), so the key
names are exactly the original's and only the shapes are smaller: a few MB, fast to export. With
--full the shapes are the real ones too (about 1.3 GB). The exporter infers the sizes from the
shapes, so both go through the same code path.

Weights are PyTorch's default initialisation under the seed, made less trivial where defaults are
constants: LayerNorm affine parameters random; BatchNorm running statistics measured on seeded random
images and then perturbed; attention biases random; the fusion head's projections sharpened so that
both modalities move the probabilities (as in tools/models/make_tiny_models.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict

import torch

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE.parent / "models"))
from neurosync_arch import EfficientNetConfig, FusionConfig, Wav2Vec2Config  # noqa: E402
from seeded_networks import build_audio, build_fusion, build_visual  # noqa: E402

REDUCED_AUDIO = Wav2Vec2Config(conv_dim=(32,) * 7, hidden_size=32, intermediate_size=64)   # 24 layers, 16 heads
REDUCED_VISUAL = EfficientNetConfig(width_multiplier=0.25, bn_eps=1e-3, same_padding=True)  # B0 blocks, narrow
FULL_VISUAL = EfficientNetConfig(bn_eps=1e-3, same_padding=True)                            # tf_efficientnet_b0


def calibration_images(n: int, seed: int) -> torch.Tensor:
    """Smooth seeded random 8-bit images, normalised as the real input is: statistics measured on them
    keep every stage at a sensible scale for photos (white noise would not be like a photo)."""
    g = torch.Generator().manual_seed(seed)
    low = 255 * torch.rand((n, 3, 14, 14), generator=g)
    img = torch.nn.functional.interpolate(low, size=(224, 224), mode="bicubic", align_corners=False)
    img = (img + 12 * torch.randn(img.shape, generator=g)).clamp(0, 255) / 255
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return (img - mean) / std


def synthetic_state_dict(full: bool = False, seed: int = 1, key_style: str = "weight_norm",
                         module_prefix: bool = False) -> Dict[str, torch.Tensor]:
    audio_cfg = Wav2Vec2Config.xlsr53() if full else REDUCED_AUDIO
    visual = build_visual(FULL_VISUAL if full else REDUCED_VISUAL, seed + 100, calibration_images)
    fusion_cfg = FusionConfig(audio_dim=audio_cfg.hidden_size, video_dim=visual.num_features,
                              d_model=512 if full else 64, hidden=256 if full else 32)
    parts = {"audio_backbone.": build_audio(audio_cfg, seed).state_dict(),
             "video_backbone.": visual.state_dict(),
             "": build_fusion(fusion_cfg, seed + 200).state_dict()}
    state = {}
    for prefix, sd in parts.items():
        for k, v in sd.items():
            if key_style == "parametrizations":
                k = k.replace("pos_conv_embed.conv.weight_g", "pos_conv_embed.conv.parametrizations.weight.original0")
                k = k.replace("pos_conv_embed.conv.weight_v", "pos_conv_embed.conv.parametrizations.weight.original1")
            state[("module." if module_prefix else "") + prefix + k] = v.clone()
    return state


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--full", action="store_true", help="the real shapes (about 1.3 GB)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--key-style", choices=["weight_norm", "parametrizations"], default="weight_norm",
                    help="names of the positional conv's weight norm: weight_g/weight_v (torch < 2.1) or "
                         "parametrizations.weight.original0/original1 (newer torch + transformers)")
    ap.add_argument("--module-prefix", action="store_true", help="prefix every key with 'module.' (nn.DataParallel)")
    args = ap.parse_args()
    state = synthetic_state_dict(args.full, args.seed, args.key_style, args.module_prefix)
    torch.save(state, str(args.out))
    n = sum(v.numel() for v in state.values())
    print(f"{args.out}: {len(state)} tensors, {n} values, {args.out.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
