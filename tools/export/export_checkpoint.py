#!/usr/bin/python3
"""Export the original NeuroSync checkpoint to a model folder the .NET SDK loads.

    /usr/bin/python3 tools/export/export_checkpoint.py last_checkpoint.pth out/ [--opset 17] [--fp16]
                     [--quantize int8] [--efficientnet tf|timm] [--audio-heads 16] [--fusion-heads 8]
    /usr/bin/python3 tools/export/export_checkpoint.py --random-weights /tmp/neurosync-realsize [--seed 7]

Writes audio_encoder.onnx, visual_encoder.onnx, fusion.onnx and neurosync.json (with --quantize int8
also audio_encoder.int8.onnx and neurosync.int8.json). Needs PyTorch and onnx only; see README.md.

Every exported file is evaluated on seeded random inputs by tools/models/onnx_numpy_eval.py (an
ONNX interpreter in float64 NumPy, independent of PyTorch) and compared with the PyTorch module; the
script exits non-zero when the largest difference exceeds 1e-4 of the output's largest magnitude.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
import torch

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the tools folders free of __pycache__
sys.path.insert(0, str(HERE.parent / "models"))
sys.path.insert(0, str(HERE))
from neurosync_arch import (B0_STAGES, LABELS, EfficientNetConfig, EfficientNetFeatures,  # noqa: E402
                            FusionConfig, FusionHead, StageSpec, Wav2Vec2Config, Wav2Vec2Encoder,
                            load_strict, split_original_checkpoint)
from onnx_numpy_eval import NumpyOnnxModel  # noqa: E402

import int8_quantization  # noqa: E402
from make_synthetic_checkpoint import calibration_images, synthetic_state_dict  # noqa: E402

MAX_SAMPLES = 112000
CROP = 224
RELATIVE_TOLERANCE = 1e-4
FP16_RELATIVE_TOLERANCE = 1e-2   # fp16 storage rounds every weight: a looser, stated bound

# Neither the strides nor the head counts are in the tensor shapes: they are the original's.
XLSR_CONV_STRIDES = Wav2Vec2Config.xlsr53().conv_stride
XLSR_HEADS = Wav2Vec2Config.xlsr53().num_attention_heads
FUSION_HEADS = FusionConfig().num_heads


@dataclass
class Networks:
    audio: Wav2Vec2Encoder
    visual: EfficientNetFeatures
    fusion: FusionHead


# ---------------------------------------------------------------------------------------------
# Reading the checkpoint
# ---------------------------------------------------------------------------------------------

def read_state_dict(path: Path) -> Dict[str, torch.Tensor]:
    """The state dict, also when a training script wrapped it (`{"state_dict": ...}` and friends)."""
    obj = torch.load(str(path), map_location="cpu")
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ValueError(f"{path}: expected a state dict of tensors, found {type(obj).__name__}")
    return obj


def _count(state: Dict[str, torch.Tensor], pattern: str) -> int:
    rx = re.compile(pattern)
    return len({m.group(1) for k in state for m in [rx.match(k)] if m})


def audio_config(sd: Dict[str, torch.Tensor], heads: int) -> Wav2Vec2Config:
    n_conv = _count(sd, r"feature_extractor\.conv_layers\.(\d+)\.conv\.weight$")
    if n_conv != len(XLSR_CONV_STRIDES):
        raise ValueError(f"audio_backbone: expected {len(XLSR_CONV_STRIDES)} conv layers (XLS-R), found {n_conv}")
    convs = [sd[f"feature_extractor.conv_layers.{i}.conv.weight"] for i in range(n_conv)]
    hidden = sd["feature_projection.projection.weight"].shape[0]
    pos = sd["encoder.pos_conv_embed.conv.weight_v"]
    return Wav2Vec2Config(
        conv_dim=tuple(w.shape[0] for w in convs),
        conv_kernel=tuple(w.shape[2] for w in convs),
        conv_stride=XLSR_CONV_STRIDES,
        conv_bias="feature_extractor.conv_layers.0.conv.bias" in sd,
        hidden_size=hidden,
        num_hidden_layers=_count(sd, r"encoder\.layers\.(\d+)\.attention\.q_proj\.weight$"),
        num_attention_heads=heads,
        intermediate_size=sd["encoder.layers.0.feed_forward.intermediate_dense.weight"].shape[0],
        num_conv_pos_embeddings=pos.shape[2],
        num_conv_pos_embedding_groups=hidden // pos.shape[1],
    )


def visual_config(sd: Dict[str, torch.Tensor], same_padding: bool) -> EfficientNetConfig:
    """Widths, depths, kernels and expansion from the shapes; strides from B0's stage table."""
    n_stages = _count(sd, r"blocks\.(\d+)\.")
    if n_stages != len(B0_STAGES):
        raise ValueError(f"video_backbone: expected the {len(B0_STAGES)} stages of EfficientNet-B0, found {n_stages}")
    stages = []
    in_chs = sd["conv_stem.weight"].shape[0]
    for s, ref in enumerate(B0_STAGES):
        first = f"blocks.{s}.0."
        inverted = first + "conv_pwl.weight" in sd
        out_chs = sd[first + ("conv_pwl.weight" if inverted else "conv_pw.weight")].shape[0]
        mid = sd[first + "conv_pw.weight"].shape[0] if inverted else in_chs
        reduce_key = first + "se.conv_reduce.weight"
        se_ratio = sd[reduce_key].shape[0] / in_chs if reduce_key in sd else 0.0
        stages.append(StageSpec("ir" if inverted else "ds", _count(sd, rf"blocks\.{s}\.(\d+)\."),
                                sd[first + "conv_dw.weight"].shape[-1], ref.stride, mid / in_chs, out_chs, se_ratio))
        in_chs = out_chs
    return EfficientNetConfig(stages=stages, stem_size=sd["conv_stem.weight"].shape[0],
                              num_features=sd["conv_head.weight"].shape[0],
                              bn_eps=1e-3 if same_padding else 1e-5, same_padding=same_padding)


def fusion_config(sd: Dict[str, torch.Tensor], heads: int) -> FusionConfig:
    return FusionConfig(audio_dim=sd["audio_proj.weight"].shape[1], video_dim=sd["video_proj.weight"].shape[1],
                        d_model=sd["audio_proj.weight"].shape[0], num_heads=heads,
                        hidden=sd["classifier.1.weight"].shape[0], num_classes=sd["classifier.3.weight"].shape[0])


def networks_from_state(state: Dict[str, torch.Tensor], audio_heads: int = XLSR_HEADS,
                        fusion_heads: int = FUSION_HEADS, tf_efficientnet: bool = True,
                        log=print) -> Networks:
    audio_sd, video_sd, fusion_sd, ignored = split_original_checkpoint(state)
    for key, reason in ignored:
        log(f"  ignored {key}: {reason}")
    try:
        a_cfg = audio_config(audio_sd, audio_heads)
        v_cfg = visual_config(video_sd, tf_efficientnet)
        f_cfg = fusion_config(fusion_sd, fusion_heads)
    except KeyError as e:
        raise ValueError(f"the checkpoint lacks {e.args[0]!r}: not the original NeuroSync layout") from e
    if (f_cfg.audio_dim, f_cfg.video_dim) != (a_cfg.hidden_size, v_cfg.num_features):
        raise ValueError(f"fusion head expects {f_cfg.audio_dim}-d audio and {f_cfg.video_dim}-d video features, "
                         f"the encoders give {a_cfg.hidden_size} and {v_cfg.num_features}")
    if f_cfg.num_classes != len(LABELS):
        raise ValueError(f"fusion head has {f_cfg.num_classes} classes, expected {len(LABELS)} ({', '.join(LABELS)})")
    nets = Networks(Wav2Vec2Encoder(a_cfg), EfficientNetFeatures(v_cfg), FusionHead(f_cfg))
    load_strict(nets.audio, audio_sd, "audio_backbone")
    load_strict(nets.visual, video_sd, "video_backbone")
    load_strict(nets.fusion, fusion_sd, "fusion head")
    for m in (nets.audio, nets.visual, nets.fusion):
        m.eval()
    log(f"  audio: {a_cfg.num_hidden_layers} layers x {a_cfg.hidden_size} ({a_cfg.num_attention_heads} heads, "
        f"FFN {a_cfg.intermediate_size}, conv {a_cfg.conv_dim[0]}); visual: stem {v_cfg.stem_size}, "
        f"{v_cfg.num_features} features, {'TF SAME padding, BN eps 1e-3' if tf_efficientnet else 'symmetric padding, BN eps 1e-5'}; "
        f"fusion: d {f_cfg.d_model}, {f_cfg.num_heads} heads, hidden {f_cfg.hidden}")
    return nets


# ---------------------------------------------------------------------------------------------
# ONNX export
# ---------------------------------------------------------------------------------------------

def export_onnx(nets: Networks, out: Path, opset: int) -> Dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"{k}.onnx" for k in ("audio_encoder", "visual_encoder", "fusion")}
    t_audio = nets.audio.config.output_length(MAX_SAMPLES)
    with torch.no_grad(), warnings.catch_warnings():
        # Conv2dSame's padding is computed from the frame size, fixed at 224: the tracer's warning
        # that it becomes a constant is the intended behaviour.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(nets.audio, (torch.zeros(1, MAX_SAMPLES),), str(paths["audio_encoder"]),
                          opset_version=opset, input_names=["input_values"],
                          output_names=["last_hidden_state"], do_constant_folding=True)
        torch.onnx.export(nets.visual, (torch.zeros(2, 3, CROP, CROP),), str(paths["visual_encoder"]),
                          opset_version=opset, input_names=["pixel_values"], output_names=["features"],
                          dynamic_axes={"pixel_values": {0: "frames"}, "features": {0: "frames"}},
                          do_constant_folding=True)
        torch.onnx.export(nets.fusion, (torch.zeros(1, t_audio, nets.fusion.config.audio_dim),
                                        torch.zeros(1, 3, nets.fusion.config.video_dim)),
                          str(paths["fusion"]), opset_version=opset,
                          input_names=["audio_features", "video_features"], output_names=["logits"],
                          dynamic_axes={"audio_features": {1: "audio_frames"}, "video_features": {1: "video_frames"}},
                          do_constant_folding=True)
    for p in paths.values():
        # The path form also checks models whose protobuf is over 2 GB (external data).
        onnx.checker.check_model(str(p), full_check=True)
    return paths


def store_weights_fp16(path: Path) -> None:
    """Store float weights as float16 and Cast them back to float32 in the graph: half the file size,
    float32 arithmetic and float32 inputs/outputs (ONNX Runtime folds the casts when it loads)."""
    model = onnx.load(str(path))
    g = model.graph
    casts, inits = [], []
    for t in g.initializer:
        if t.data_type == onnx.TensorProto.FLOAT and np.prod(t.dims) >= 16:
            arr = onnx.numpy_helper.to_array(t)
            inits.append(onnx.numpy_helper.from_array(arr.astype(np.float16), t.name + "_fp16"))
            casts.append(onnx.helper.make_node("Cast", [t.name + "_fp16"], [t.name], to=onnx.TensorProto.FLOAT))
        else:
            inits.append(t)
    del g.initializer[:]
    g.initializer.extend(inits)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


# ---------------------------------------------------------------------------------------------
# Verification: the ONNX files against the PyTorch modules, without onnxruntime
# ---------------------------------------------------------------------------------------------

def verification_inputs(nets: Networks, seed: int) -> Dict[str, List[Tuple[Dict[str, np.ndarray], torch.Tensor]]]:
    """Seeded random inputs shaped like real ones (smooth, photo-like frames), and the PyTorch outputs."""
    rng = np.random.default_rng(seed)
    t_audio = nets.audio.config.output_length(MAX_SAMPLES)
    wave = rng.standard_normal((1, MAX_SAMPLES)).astype(np.float32)
    wave[:, 80000:] = 0  # a padded tail, as short clips have
    frames = [calibration_images(n, seed + n).numpy() for n in (1, 3)]
    fusion_in = [(rng.standard_normal((1, t, nets.fusion.config.audio_dim)).astype(np.float32),
                  rng.standard_normal((1, f, nets.fusion.config.video_dim)).astype(np.float32))
                 for t, f in ((t_audio, 1), (t_audio, 10), (120, 2))]
    with torch.no_grad():
        return {
            "audio_encoder": [({"input_values": wave}, nets.audio(torch.from_numpy(wave)))],
            "visual_encoder": [({"pixel_values": x}, nets.visual(torch.from_numpy(x))) for x in frames],
            "fusion": [({"audio_features": a, "video_features": v},
                        nets.fusion(torch.from_numpy(a), torch.from_numpy(v))) for a, v in fusion_in],
        }


def compare(path: Path, cases, tolerance: float, log=print) -> float:
    """Largest |onnx - torch| relative to the largest |torch| over the cases; logs each case."""
    model = NumpyOnnxModel(str(path))
    worst = 0.0
    for feeds, expected in cases:
        t0 = time.time()
        got = model.run(feeds)[0]
        exp = expected.numpy().astype(np.float64)
        diff = float(np.max(np.abs(got - exp)))
        rel = diff / max(float(np.max(np.abs(exp))), 1e-12)
        worst = max(worst, rel)
        shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in feeds.items())
        log(f"  {path.name} [{shapes}]: max abs diff {diff:.3e}, relative {rel:.3e} "
            f"({'ok' if rel <= tolerance else 'FAIL'}, tolerance {tolerance:.0e}; {time.time() - t0:.1f} s)")
    return worst


# ---------------------------------------------------------------------------------------------
# Manifest
# ---------------------------------------------------------------------------------------------

def manifest(nets: Networks, name: str, description: str, audio_file: str = "audio_encoder.onnx") -> dict:
    t_audio = nets.audio.config.output_length(MAX_SAMPLES)
    return {
        "name": name,
        "description": description,
        "labels": list(LABELS),
        "audio": {
            "model": {"file": audio_file, "input": "input_values", "output": "last_hidden_state",
                      "inputShape": [1, MAX_SAMPLES], "outputShape": [1, t_audio, nets.audio.config.hidden_size]},
            "sampleRate": 16000, "maxSamples": MAX_SAMPLES, "normalize": True,
            "normalizationEpsilon": 1e-7, "silenceRmsThreshold": 0.015,
        },
        "video": {
            "model": {"file": "visual_encoder.onnx", "input": "pixel_values", "output": "features",
                      "inputShape": [-1, 3, CROP, CROP], "outputShape": [-1, nets.visual.num_features]},
            "cropSize": CROP, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
            "channelOrder": "bgr", "frameStride": 10, "emptyVideoFrameCount": 10,
            "faceDetector": {"type": "haar", "scaleFactor": 1.1, "minNeighbors": 5},
        },
        "fusion": {"type": "cross-attention", "file": "fusion.onnx", "audioInput": "audio_features",
                   "videoInput": "video_features", "output": "logits"},
        "postprocessing": {"silenceOverrideLabels": ["angry", "fear"], "silenceOverrideLabel": "neutral (silence)"},
    }


def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------
# The whole export
# ---------------------------------------------------------------------------------------------

def export(nets: Networks, out: Path, *, name: str, description: str, opset: int = 17, fp16: bool = False,
           quantize: Optional[str] = None, verify_seed: int = 0, log=print) -> bool:
    """Export, verify and write the manifest(s). Returns False when a verification failed."""
    t0 = time.time()
    paths = export_onnx(nets, out, opset)
    log(f"exported in {time.time() - t0:.1f} s")
    cases = verification_inputs(nets, verify_seed)
    ok = True
    for key, p in paths.items():
        ok &= compare(p, cases[key], RELATIVE_TOLERANCE, log) <= RELATIVE_TOLERANCE
    write_json(out / "neurosync.json", manifest(nets, name, description))
    if quantize == "int8":
        int8_path = out / "audio_encoder.int8.onnx"
        stats = int8_quantization.quantize_matmul_weights(paths["audio_encoder"], int8_path)
        log(f"  int8: {stats['quantized']} MatMul/Gemm weights quantized ({stats['skipped']} left in float), "
            f"{paths['audio_encoder'].stat().st_size / 2**20:.1f} MiB -> {int8_path.stat().st_size / 2**20:.1f} MiB")
        # int8 is expected to move the output: report the drift, do not gate on the float tolerance.
        compare(int8_path, cases["audio_encoder"], float("inf"), log)
        write_json(out / "neurosync.int8.json",
                   manifest(nets, name + "-int8", description + " Audio encoder weights quantized to int8 "
                            "(dynamic quantization, per output column).", "audio_encoder.int8.onnx"))
    if fp16:
        for key, p in paths.items():
            store_weights_fp16(p)
            ok &= compare(p, cases[key], FP16_RELATIVE_TOLERANCE, log) <= FP16_RELATIVE_TOLERANCE
    for f in sorted(out.iterdir()):
        log(f"  {f.name}: {f.stat().st_size / 2**20:.2f} MiB")
    return ok


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", nargs="?", type=Path, help="the original last_checkpoint.pth")
    ap.add_argument("out_dir", nargs="?", type=Path)
    ap.add_argument("--random-weights", metavar="OUT_DIR", type=Path,
                    help="no checkpoint: full-size networks with seeded random weights (for benchmarks)")
    ap.add_argument("--seed", type=int, default=7, help="seed of --random-weights")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--fp16", action="store_true", help="store weights as float16 (computed in float32)")
    ap.add_argument("--quantize", choices=["int8"], help="also write an int8 audio encoder and neurosync.int8.json")
    ap.add_argument("--efficientnet", choices=["tf", "timm"], default="tf",
                    help="tf: timm tf_efficientnet_b0 (SAME padding, BN eps 1e-3; HSEmotion's base, the default); "
                         "timm: efficientnet_b0 (symmetric padding, BN eps 1e-5)")
    ap.add_argument("--audio-heads", type=int, default=XLSR_HEADS, help="attention heads of the audio encoder")
    ap.add_argument("--fusion-heads", type=int, default=FUSION_HEADS, help="attention heads of the fusion head")
    ap.add_argument("--name", default=None, help="model set name in neurosync.json")
    args = ap.parse_args(argv)

    if args.random_weights is not None:
        if args.checkpoint is not None:
            ap.error("--random-weights takes no checkpoint")
        print(f"building full-size networks with random weights (seed {args.seed})")
        state = synthetic_state_dict(full=True, seed=args.seed)
        out = args.random_weights
        name = args.name or "realsize-random"
        description = (f"The original NeuroSync architecture at full size (Wav2Vec2 XLS-R-53 large, EfficientNet-B0, "
                       f"fusion head) with seeded random weights (seed {args.seed}), for benchmarks: predictions "
                       f"mean nothing. Made by tools/export/export_checkpoint.py --random-weights.")
    else:
        if args.checkpoint is None or args.out_dir is None:
            ap.error("give a checkpoint and an output folder, or --random-weights OUT_DIR")
        print(f"reading {args.checkpoint}")
        state = read_state_dict(args.checkpoint)
        out = args.out_dir
        name = args.name or "neurosync"
        description = f"Exported from {args.checkpoint.name} by tools/export/export_checkpoint.py."
    try:
        nets = networks_from_state(state, args.audio_heads, args.fusion_heads, args.efficientnet == "tf")
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    del state
    ok = export(nets, out, name=name, description=description, opset=args.opset, fp16=args.fp16,
                quantize=args.quantize)
    print("verification passed" if ok else "verification FAILED", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
