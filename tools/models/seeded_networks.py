"""Seeded random weights for the three networks of tools/models/neurosync_arch.py, shared by the tiny test set
(make_tiny_models.py) and the synthetic checkpoint (tools/export/make_synthetic_checkpoint.py).

Random LayerNorm affine parameters, BatchNorm running statistics calibrated on seeded images and then perturbed, and
fusion-head gains that make both modalities move the probabilities. Needs PyTorch only.
"""

from __future__ import annotations

from typing import Callable

import torch

from neurosync_arch import (EfficientNetConfig, EfficientNetFeatures, FusionConfig, FusionHead, Wav2Vec2Config,
                            Wav2Vec2Encoder)

# Fusion init gains: (audio_proj and video_proj weights, query/key rows of in_proj_weight, classifier.3 weight),
# multiplying PyTorch's default initialisation.
FUSION_GAINS = (3.0, 3.0, 4.0)


def randomise_layer_norms(m: torch.nn.Module, g: torch.Generator) -> None:
    for mod in m.modules():
        if isinstance(mod, torch.nn.LayerNorm) and mod.elementwise_affine:
            mod.weight.copy_(0.5 + torch.rand(mod.weight.shape, generator=g))
            mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))


@torch.no_grad()
def build_audio(cfg: Wav2Vec2Config, seed: int) -> Wav2Vec2Encoder:
    torch.manual_seed(seed)
    m = Wav2Vec2Encoder(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    randomise_layer_norms(m, g)
    pc = m.encoder.pos_conv_embed.conv
    pc.weight_g.mul_(0.5 + torch.rand(pc.weight_g.shape, generator=g))
    m.masked_spec_embed.copy_(torch.rand(m.masked_spec_embed.shape, generator=g))
    return m.eval()


@torch.no_grad()
def build_visual(cfg: EfficientNetConfig, seed: int,
                 calibration_images: Callable[[int, int], torch.Tensor]) -> EfficientNetFeatures:
    """`calibration_images(n, seed)` gives n normalised photo-like images: the BatchNorm statistics are calibrated on 8
    of them, so that activations keep a sensible scale through all stages, then perturbed, so that eval-mode
    normalisation is not the batch statistics."""
    torch.manual_seed(seed)
    m = EfficientNetFeatures(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    bns = [mod for mod in m.modules() if isinstance(mod, torch.nn.BatchNorm2d)]
    for bn in bns:
        bn.weight.copy_(0.5 + torch.rand(bn.weight.shape, generator=g))
        bn.bias.copy_(0.2 * torch.randn(bn.bias.shape, generator=g))
        bn.momentum = None  # cumulative average over the calibration batch
    m.train()
    m(calibration_images(8, seed + 2))
    m.eval()
    for bn in bns:
        std = bn.running_var.sqrt()
        bn.running_mean.add_(0.1 * std * torch.randn(bn.running_mean.shape, generator=g))
        bn.running_var.mul_(0.7 + 0.7 * torch.rand(bn.running_var.shape, generator=g))
        bn.momentum = 0.1
        bn.num_batches_tracked.zero_()
    return m


@torch.no_grad()
def build_fusion(cfg: FusionConfig, seed: int) -> FusionHead:
    torch.manual_seed(seed)
    m = FusionHead(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    randomise_layer_norms(m, g)
    # nn.MultiheadAttention initialises in_proj_bias / out_proj.bias to 0: make them non-zero.
    m.cross_attn.in_proj_bias.copy_(0.1 * torch.randn(m.cross_attn.in_proj_bias.shape, generator=g))
    m.cross_attn.out_proj.bias.copy_(0.1 * torch.randn(m.cross_attn.out_proj.bias.shape, generator=g))
    # With PyTorch's default initialisation the video features move the probabilities by only ~1e-4 (the parity
    # tolerance), because the video enters only through the attention weights. Sharper attention and larger logits
    # make every input matter.
    gp, gqk, gc = FUSION_GAINS
    m.audio_proj.weight.mul_(gp)
    m.video_proj.weight.mul_(gp)
    m.cross_attn.in_proj_weight[: 2 * cfg.d_model].mul_(gqk)  # query and key rows
    m.classifier[3].weight.mul_(gc)
    return m.eval()
