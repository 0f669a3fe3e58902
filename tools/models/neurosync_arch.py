"""Plain-PyTorch definitions of the three NeuroSync networks.

Nothing here needs `transformers` or `timm`: the modules are written out by hand, with the same
parameter names (state-dict keys) as the libraries the original system used, so that

* a checkpoint of the original (`audio_backbone.*` = Hugging Face `Wav2Vec2Model`,
  `video_backbone.*` = timm `efficientnet_b0`, plus the fusion head keys) loads into them with
  `split_original_checkpoint()` + `load_state_dict()`, and
* small, architecture-faithful versions with random weights can be built for tests
  (`tools/models/make_tiny_models.py`).

Modules (all for inference; dropout and stochastic depth are omitted because they are the identity
in eval mode):

* `Wav2Vec2Encoder`: Wav2Vec2 with `do_stable_layer_norm=True`, `feat_extract_norm="layer"`,
  `conv_bias=True` (the facebook/wav2vec2-large-xlsr-53 configuration). Input `[B, samples]`,
  output `last_hidden_state` `[B, T, hidden]`; T = 349 for 112 000 samples. No attention mask is
  used (the original calls the backbone on the zero-padded 112 000-sample input without one).
* `EfficientNetFeatures`: timm-style EfficientNet (B0 by default) without classifier: conv_stem,
  bn1, SiLU, blocks (depthwise-separable + inverted-residual MBConv with squeeze-excitation),
  conv_head, bn2, SiLU, global average pool -> `[N, num_features]`.
* `FusionHead`: audio_proj / video_proj, cross-attention (query = video, key = value = audio),
  mean over frames, classifier `LayerNorm -> Linear -> ReLU -> Linear` -> logits `[B, classes]`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]


# --------------------------------------------------------------------------------------------
# Wav2Vec2 (Hugging Face "stable layer norm" variant, as in wav2vec2-large-xlsr-53)
# --------------------------------------------------------------------------------------------

@dataclass
class Wav2Vec2Config:
    conv_dim: Tuple[int, ...] = (512, 512, 512, 512, 512, 512, 512)
    conv_kernel: Tuple[int, ...] = (10, 3, 3, 3, 3, 2, 2)
    conv_stride: Tuple[int, ...] = (5, 2, 2, 2, 2, 2, 2)
    conv_bias: bool = True
    hidden_size: int = 1024
    num_hidden_layers: int = 24
    num_attention_heads: int = 16
    intermediate_size: int = 4096
    num_conv_pos_embeddings: int = 128
    num_conv_pos_embedding_groups: int = 16
    layer_norm_eps: float = 1e-5

    @staticmethod
    def xlsr53() -> "Wav2Vec2Config":
        """facebook/wav2vec2-large-xlsr-53."""
        return Wav2Vec2Config()

    def output_length(self, samples: int) -> int:
        t = samples
        for k, s in zip(self.conv_kernel, self.conv_stride):
            t = (t - k) // s + 1
        return t


class Wav2Vec2LayerNormConvLayer(nn.Module):
    """Conv1d -> LayerNorm over channels -> GELU (HF `Wav2Vec2LayerNormConvLayer`)."""

    def __init__(self, cfg: Wav2Vec2Config, layer_id: int):
        super().__init__()
        in_dim = cfg.conv_dim[layer_id - 1] if layer_id > 0 else 1
        out_dim = cfg.conv_dim[layer_id]
        self.conv = nn.Conv1d(in_dim, out_dim, kernel_size=cfg.conv_kernel[layer_id],
                              stride=cfg.conv_stride[layer_id], bias=cfg.conv_bias)
        self.layer_norm = nn.LayerNorm(out_dim, elementwise_affine=True)  # eps 1e-5 (HF default)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        x = self.layer_norm(x.transpose(-2, -1)).transpose(-2, -1)
        return F.gelu(x)


class Wav2Vec2FeatureEncoder(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        self.conv_layers = nn.ModuleList(
            [Wav2Vec2LayerNormConvLayer(cfg, i) for i in range(len(cfg.conv_dim))])

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        x = input_values[:, None]
        for layer in self.conv_layers:
            x = layer(x)
        return x  # [B, C, T]


class Wav2Vec2FeatureProjection(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        self.layer_norm = nn.LayerNorm(cfg.conv_dim[-1], eps=cfg.layer_norm_eps)
        self.projection = nn.Linear(cfg.conv_dim[-1], cfg.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(self.layer_norm(x))


class Wav2Vec2PositionalConvEmbedding(nn.Module):
    """Grouped conv (kernel 128, groups 16, padding 64), weight-normalised over dim 2,
    drop the last time step when the kernel is even ("SamePad"), GELU.

    Uses `torch.nn.utils.weight_norm` (parameters `conv.weight_g` / `conv.weight_v`). Newer
    transformers + torch >= 2.1 store them as `conv.parametrizations.weight.original0` /
    `original1`; `remap_wav2vec2_keys()` converts those names.
    """

    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        k = cfg.num_conv_pos_embeddings
        conv = nn.Conv1d(cfg.hidden_size, cfg.hidden_size, kernel_size=k, padding=k // 2,
                         groups=cfg.num_conv_pos_embedding_groups)
        self.conv = nn.utils.weight_norm(conv, name="weight", dim=2)
        self.num_pad_remove = 1 if k % 2 == 0 else 0

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        x = self.conv(hidden_states.transpose(1, 2))
        if self.num_pad_remove > 0:
            x = x[:, :, : -self.num_pad_remove]
        return F.gelu(x).transpose(1, 2)


class Wav2Vec2Attention(nn.Module):
    def __init__(self, embed_dim: int, num_heads: int):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"hidden size {embed_dim} is not divisible by {num_heads} heads")
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.scaling = self.head_dim ** -0.5
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def _shape(self, x: torch.Tensor, b: int) -> torch.Tensor:
        return x.view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)  # [B, H, T, Dh]

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        b, t, _ = hidden_states.shape
        q = self._shape(self.q_proj(hidden_states) * self.scaling, b)
        k = self._shape(self.k_proj(hidden_states), b)
        v = self._shape(self.v_proj(hidden_states), b)
        w = torch.softmax(torch.matmul(q, k.transpose(2, 3)), dim=-1)
        o = torch.matmul(w, v).transpose(1, 2).reshape(b, t, self.embed_dim)
        return self.out_proj(o)


class Wav2Vec2FeedForward(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        self.intermediate_dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)
        self.output_dense = nn.Linear(cfg.intermediate_size, cfg.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class Wav2Vec2EncoderLayerStableLayerNorm(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        self.attention = Wav2Vec2Attention(cfg.hidden_size, cfg.num_attention_heads)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.feed_forward = Wav2Vec2FeedForward(cfg)
        self.final_layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.layer_norm(x))
        return x + self.feed_forward(self.final_layer_norm(x))


class Wav2Vec2EncoderStableLayerNorm(nn.Module):
    def __init__(self, cfg: Wav2Vec2Config):
        super().__init__()
        self.pos_conv_embed = Wav2Vec2PositionalConvEmbedding(cfg)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.layers = nn.ModuleList(
            [Wav2Vec2EncoderLayerStableLayerNorm(cfg) for _ in range(cfg.num_hidden_layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.pos_conv_embed(x)
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class Wav2Vec2Encoder(nn.Module):
    """HF `Wav2Vec2Model` (stable-layer-norm variant) at inference: returns `last_hidden_state`."""

    def __init__(self, cfg: Optional[Wav2Vec2Config] = None):
        super().__init__()
        cfg = cfg or Wav2Vec2Config.xlsr53()
        self.config = cfg
        self.feature_extractor = Wav2Vec2FeatureEncoder(cfg)
        self.feature_projection = Wav2Vec2FeatureProjection(cfg)
        # Used only for SpecAugment-style masking during training; kept for the key layout.
        self.masked_spec_embed = nn.Parameter(torch.zeros(cfg.hidden_size))
        self.encoder = Wav2Vec2EncoderStableLayerNorm(cfg)

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        x = self.feature_extractor(input_values).transpose(1, 2)  # [B, T, C]
        x = self.feature_projection(x)
        return self.encoder(x)


def remap_wav2vec2_keys(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Map `pos_conv_embed.conv.parametrizations.weight.original0/1` to `weight_g/weight_v`."""
    out = {}
    for k, v in state.items():
        k = k.replace("pos_conv_embed.conv.parametrizations.weight.original0", "pos_conv_embed.conv.weight_g")
        k = k.replace("pos_conv_embed.conv.parametrizations.weight.original1", "pos_conv_embed.conv.weight_v")
        out[k] = v
    return out


# --------------------------------------------------------------------------------------------
# EfficientNet (timm layout; B0 by default)
# --------------------------------------------------------------------------------------------

def make_divisible(v: float, divisor: int = 8, min_value: Optional[int] = None,
                   round_limit: float = 0.9) -> int:
    """timm `make_divisible`."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


@dataclass
class StageSpec:
    block: str          # "ds" (depthwise separable) or "ir" (inverted residual)
    repeats: int
    kernel: int
    stride: int
    exp_ratio: float
    out_chs: int
    se_ratio: float = 0.25


# timm efficientnet_b0 arch_def:
#   ds_r1_k3_s1_e1_c16_se0.25, ir_r2_k3_s2_e6_c24_se0.25, ir_r2_k5_s2_e6_c40_se0.25,
#   ir_r3_k3_s2_e6_c80_se0.25, ir_r3_k5_s1_e6_c112_se0.25, ir_r4_k5_s2_e6_c192_se0.25,
#   ir_r1_k3_s1_e6_c320_se0.25
B0_STAGES: List[StageSpec] = [
    StageSpec("ds", 1, 3, 1, 1, 16),
    StageSpec("ir", 2, 3, 2, 6, 24),
    StageSpec("ir", 2, 5, 2, 6, 40),
    StageSpec("ir", 3, 3, 2, 6, 80),
    StageSpec("ir", 3, 5, 1, 6, 112),
    StageSpec("ir", 4, 5, 2, 6, 192),
    StageSpec("ir", 1, 3, 1, 6, 320),
]


@dataclass
class EfficientNetConfig:
    stages: List[StageSpec] = field(default_factory=lambda: list(B0_STAGES))
    stem_size: int = 32
    num_features: int = 1280
    width_multiplier: float = 1.0
    depth_multiplier: float = 1.0
    channel_divisor: int = 8
    bn_eps: float = 1e-5          # timm efficientnet_b0 (the tf_ variants use 1e-3)
    in_chans: int = 3
    same_padding: bool = False    # True for the tf_ variants (Conv2dSame)

    @staticmethod
    def b0() -> "EfficientNetConfig":
        return EfficientNetConfig()

    def round_chs(self, c: int) -> int:
        if self.width_multiplier == 1.0 and self.channel_divisor == 8:
            return c
        return make_divisible(c * self.width_multiplier, self.channel_divisor)

    def repeats(self, r: int) -> int:
        return int(math.ceil(r * self.depth_multiplier))


class SqueezeExcite(nn.Module):
    """timm `efficientnet_blocks.SqueezeExcite`: mean -> conv_reduce -> SiLU -> conv_expand -> sigmoid gate."""

    def __init__(self, in_chs: int, rd_channels: int):
        super().__init__()
        self.conv_reduce = nn.Conv2d(in_chs, rd_channels, 1, bias=True)
        self.conv_expand = nn.Conv2d(rd_channels, in_chs, 1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean((2, 3), keepdim=True)
        s = self.conv_expand(F.silu(self.conv_reduce(s)))
        return x * torch.sigmoid(s)


def _pad(k: int, stride: int) -> int:
    # timm symmetric padding: ((stride - 1) + dilation * (k - 1)) // 2
    return ((stride - 1) + (k - 1)) // 2


class Conv2dSame(nn.Conv2d):
    """timm `Conv2dSame` (the `tf_` variants): TensorFlow "SAME" padding, computed from the input size.
    For a stride-2 conv on an even size it pads one more pixel at the bottom/right than at the top/left,
    which symmetric padding cannot express. Parameter names are those of `nn.Conv2d`."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, k, s in zip(reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride)):
            total = max((math.ceil(int(size) / s) - 1) * s + k - int(size), 0)
            pads += [total // 2, total - total // 2]
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _conv2d(in_chs: int, out_chs: int, k: int, stride: int = 1, groups: int = 1, bias: bool = False,
            same: bool = False) -> nn.Conv2d:
    if same:
        return Conv2dSame(in_chs, out_chs, k, stride, 0, groups=groups, bias=bias)
    return nn.Conv2d(in_chs, out_chs, k, stride, _pad(k, stride), groups=groups, bias=bias)


class DepthwiseSeparableConv(nn.Module):
    """timm `DepthwiseSeparableConv`: conv_dw -> bn1 -> SiLU -> se -> conv_pw -> bn2 (no act) [+ skip]."""

    def __init__(self, in_chs: int, out_chs: int, k: int, stride: int, se_ratio: float, eps: float,
                 same: bool = False):
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs
        self.conv_dw = _conv2d(in_chs, in_chs, k, stride, groups=in_chs, same=same)
        self.bn1 = nn.BatchNorm2d(in_chs, eps=eps)
        self.se = SqueezeExcite(in_chs, round(in_chs * se_ratio)) if se_ratio else nn.Identity()
        self.conv_pw = nn.Conv2d(in_chs, out_chs, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_chs, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = F.silu(self.bn1(self.conv_dw(x)))
        x = self.se(x)
        x = self.bn2(self.conv_pw(x))
        return x + shortcut if self.has_skip else x


class InvertedResidual(nn.Module):
    """timm `InvertedResidual` (MBConv): conv_pw -> bn1 -> SiLU -> conv_dw -> bn2 -> SiLU -> se
    -> conv_pwl -> bn3 [+ skip]. SE width = round(block input channels * se_ratio)."""

    def __init__(self, in_chs: int, out_chs: int, k: int, stride: int, exp_ratio: float,
                 se_ratio: float, eps: float, same: bool = False):
        super().__init__()
        mid = make_divisible(in_chs * exp_ratio)  # timm: divisor 8 regardless of the width divisor
        self.has_skip = stride == 1 and in_chs == out_chs
        self.conv_pw = nn.Conv2d(in_chs, mid, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid, eps=eps)
        self.conv_dw = _conv2d(mid, mid, k, stride, groups=mid, same=same)
        self.bn2 = nn.BatchNorm2d(mid, eps=eps)
        # timm: se_from_exp -> SqueezeExcite(mid, rd_ratio=se_ratio / exp_ratio) -> round(mid * ratio)
        self.se = SqueezeExcite(mid, round(mid * se_ratio / exp_ratio)) if se_ratio else nn.Identity()
        self.conv_pwl = nn.Conv2d(mid, out_chs, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_chs, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = F.silu(self.bn1(self.conv_pw(x)))
        x = F.silu(self.bn2(self.conv_dw(x)))
        x = self.se(x)
        x = self.bn3(self.conv_pwl(x))
        return x + shortcut if self.has_skip else x


class EfficientNetFeatures(nn.Module):
    """timm EfficientNet with the classifier removed: pooled features `[N, num_features]`."""

    def __init__(self, cfg: Optional[EfficientNetConfig] = None):
        super().__init__()
        cfg = cfg or EfficientNetConfig.b0()
        self.config = cfg
        eps = cfg.bn_eps
        stem = cfg.round_chs(cfg.stem_size)
        self.conv_stem = _conv2d(cfg.in_chans, stem, 3, 2, same=cfg.same_padding)
        self.bn1 = nn.BatchNorm2d(stem, eps=eps)
        stages = []
        in_chs = stem
        for st in cfg.stages:
            out_chs = cfg.round_chs(st.out_chs)
            blocks = []
            for i in range(cfg.repeats(st.repeats)):
                stride = st.stride if i == 0 else 1
                if st.block == "ds":
                    blocks.append(DepthwiseSeparableConv(in_chs, out_chs, st.kernel, stride, st.se_ratio, eps,
                                                         cfg.same_padding))
                elif st.block == "ir":
                    blocks.append(InvertedResidual(in_chs, out_chs, st.kernel, stride, st.exp_ratio,
                                                   st.se_ratio, eps, cfg.same_padding))
                else:
                    raise ValueError(f"unknown block type {st.block!r}")
                in_chs = out_chs
            stages.append(nn.Sequential(*blocks))
        self.blocks = nn.Sequential(*stages)
        # timm: num_features = round_chs_fn(1280) (only rounded when a width multiplier is used)
        self.num_features = cfg.round_chs(cfg.num_features) if cfg.width_multiplier != 1.0 else cfg.num_features
        self.conv_head = nn.Conv2d(in_chs, self.num_features, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(self.num_features, eps=eps)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = F.silu(self.bn1(self.conv_stem(pixel_values)))
        x = self.blocks(x)
        x = F.silu(self.bn2(self.conv_head(x)))
        return x.mean((2, 3))  # SelectAdaptivePool2d('avg') + flatten


# Backwards-compatible name used in the task brief.
EfficientNetB0Features = EfficientNetFeatures


# --------------------------------------------------------------------------------------------
# Fusion head (the trained part of the original checkpoint)
# --------------------------------------------------------------------------------------------

@dataclass
class FusionConfig:
    audio_dim: int = 1024
    video_dim: int = 1280
    d_model: int = 512
    num_heads: int = 8
    hidden: int = 256
    num_classes: int = 7


class FusionHead(nn.Module):
    """Keys: audio_proj.*, video_proj.*, cross_attn.in_proj_weight/in_proj_bias/out_proj.*,
    classifier.0 (LayerNorm), classifier.1 (Linear), classifier.3 (Linear)."""

    def __init__(self, cfg: Optional[FusionConfig] = None):
        super().__init__()
        cfg = cfg or FusionConfig()
        self.config = cfg
        self.audio_proj = nn.Linear(cfg.audio_dim, cfg.d_model)
        self.video_proj = nn.Linear(cfg.video_dim, cfg.d_model)
        self.cross_attn = nn.MultiheadAttention(cfg.d_model, cfg.num_heads, batch_first=True)
        self.classifier = nn.Sequential(
            nn.LayerNorm(cfg.d_model),
            nn.Linear(cfg.d_model, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.num_classes),
        )

    def forward(self, audio_features: torch.Tensor, video_features: torch.Tensor) -> torch.Tensor:
        a = self.audio_proj(audio_features)   # [B, T, d]
        v = self.video_proj(video_features)   # [B, F, d]
        fused, _ = self.cross_attn(query=v, key=a, value=a, need_weights=False)
        return self.classifier(fused.mean(dim=1))


# Checkpoint keys that no inference network reads, each with the reason. Any other key that matches
# no parameter is an error, so that a checkpoint of another architecture cannot load half-way.
IGNORED_CHECKPOINT_KEYS: Tuple[Tuple[str, str], ...] = (
    ("audio_backbone.masked_spec_embed",
     "SpecAugment's learned mask vector: replaces masked time steps in training only"),
    ("video_backbone.classifier.",
     "HSEmotion's emotion classifier: the original replaces it by the identity and fuses the pooled features"),
)
# Parameters a checkpoint may lack without changing the output.
OPTIONAL_KEY_SUFFIXES: Tuple[Tuple[str, str], ...] = (
    (".num_batches_tracked", "BatchNorm's update counter: unused in eval mode"),
    ("masked_spec_embed", "dropped from every checkpoint by IGNORED_CHECKPOINT_KEYS"),
)


def ignored_reason(key: str) -> Optional[str]:
    for prefix, reason in IGNORED_CHECKPOINT_KEYS:
        if key == prefix or (prefix.endswith(".") and key.startswith(prefix)):
            return reason
    return None


def split_original_checkpoint(state: Dict[str, torch.Tensor]) -> Tuple[Dict, Dict, Dict, List[Tuple[str, str]]]:
    """Split the original `last_checkpoint.pth` state dict (optionally `module.`-prefixed, as
    `nn.DataParallel` saves it) into (audio backbone, video backbone, fusion head) state dicts for the
    modules above, plus the (key, reason) pairs left out by `IGNORED_CHECKPOINT_KEYS`."""
    audio, video, fusion, ignored = {}, {}, {}, []
    for k, v in state.items():
        if k.startswith("module."):
            k = k[len("module."):]
        reason = ignored_reason(k)
        if reason is not None:
            ignored.append((k, reason))
        elif k.startswith("audio_backbone."):
            audio[k[len("audio_backbone."):]] = v
        elif k.startswith("video_backbone."):
            video[k[len("video_backbone."):]] = v
        else:
            fusion[k] = v
    return remap_wav2vec2_keys(audio), video, fusion, ignored


def load_strict(module: nn.Module, state: Dict[str, torch.Tensor], what: str) -> None:
    """`load_state_dict(strict=True)`, except for `OPTIONAL_KEY_SUFFIXES`; the error lists every
    missing and unexpected key and every shape mismatch, not only the first."""
    own = module.state_dict()
    missing = [k for k in own if k not in state and not any(k.endswith(s) for s, _ in OPTIONAL_KEY_SUFFIXES)]
    unexpected = [k for k in state if k not in own]
    shapes = [f"{k}: checkpoint {tuple(state[k].shape)}, network {tuple(own[k].shape)}"
              for k in state if k in own and tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or shapes:
        lines = [f"{what}: the checkpoint does not match the network"]
        lines += [f"  missing: {k}" for k in missing] + [f"  unexpected: {k}" for k in unexpected]
        lines += [f"  shape: {s}" for s in shapes]
        raise ValueError("\n".join(lines))
    module.load_state_dict(state, strict=False)
