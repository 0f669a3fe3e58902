#!/usr/bin/python3
"""Time the ORIGINAL NeuroSync pipeline in PyTorch + OpenCV on this CPU, stage by stage and end to end.

    /usr/bin/python3 tools/bench/pytorch_reference.py [--runs 5] [--warmup 2] [--threads N]
                     [--models /tmp/neurosync-realsize] [--json out.json]

The networks are the real-size ones of `tools/export/export_checkpoint.py --random-weights` (Wav2Vec2 XLS-R-53
large, tf_efficientnet_b0, the fusion head), built by the same code with the same seed, so they hold the very weights
of the exported ONNX files (checked on the fusion head when --models names the folder). The pipeline is the
original's (docs: /work/shared/SEED-SEMANTICS.md, tools/models/make_tiny_models.py):

* audio: the first 7 s of a 16 kHz mono clip (tests/.../Audio/speechlike_9s.wav, decoded once, not timed), RMS
  silence gate, Wav2Vec2 feature-extractor normalisation of the valid part, zero padding to 112 000 samples, as a
  torch tensor [1, 112000];
* video: 150 frames of 640x480 (the astronaut photo, decoded once, not timed), every 10th kept (15); per frame
  cv2 grayscale, CascadeClassifier(haarcascade_frontalface_default).detectMultiScale(1.1, 5), the largest box,
  cv2.resize to 224x224 (INTER_LINEAR), /255, ImageNet mean/std on the BGR channels, CHW; stacked [15, 3, 224, 224];
* audio encoder, then visual encoder (one after the other, as the original), fusion head, softmax; under
  torch.no_grad().

Run it with OMP_WAIT_POLICY=PASSIVE (compare.sh does): with Debian's pthread OpenBLAS, PyTorch's OpenMP threads
otherwise spin between parallel regions and take the cores from OpenBLAS' threads.

Each stage is timed alone (after warm-up) and then the whole clip end to end; min/median/max over --runs. Haar
detection is also timed per 640x480 frame at OpenCV's default thread count and at 1 thread. --json writes the
numbers for tools/bench/compare_table.py.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import cv2
import numpy as np
import scipy.io.wavfile
import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "tools" / "models"))
sys.path.insert(0, str(REPO / "tools" / "export"))
from export_checkpoint import networks_from_state  # noqa: E402
from make_synthetic_checkpoint import synthetic_state_dict  # noqa: E402

WAV = REPO / "tests/NeuroSync.Tests/TestData/Audio/speechlike_9s.wav"
FRAME = REPO / "tests/NeuroSync.Tests/TestData/Images/astronaut_640x480.png"
HAAR_CANDIDATES = [Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
                   if hasattr(cv2, "data") else None,
                   Path("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"),
                   REPO / "src/NeuroSync/Vision/Haar/Cascades/haarcascade_frontalface_default.xml"]

SAMPLE_RATE = 16000
MAX_SAMPLES = 112000       # 7.0 s
SILENCE_RMS = 0.015
W2V_EPS = 1e-7
FRAME_COUNT = 150          # 5 s at 30 fps
FRAME_STRIDE = 10          # the 10th, 20th, ... frame (1-based)
CROP = 224
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
LABELS = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
SEED = 7                   # export_checkpoint.py --random-weights default


# ---------------------------------------------------------------------------------------------
# The original pipeline
# ---------------------------------------------------------------------------------------------

def preprocess_audio(samples: np.ndarray) -> tuple:
    """First 7 s, RMS gate on the raw samples, Wav2Vec2FeatureExtractor(do_normalize=True, attention mask) on the
    valid part, zero padding; silent clips become zeros. Returns (tensor [1, 112000], silent)."""
    x = samples[:MAX_SAMPLES].astype(np.float32)
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0
    if rms < SILENCE_RMS:
        return torch.zeros(1, MAX_SAMPLES), True
    n = len(x)
    padded = np.zeros(MAX_SAMPLES, np.float32)
    padded[:n] = x
    valid = padded[:n]
    normed = ((padded - valid.mean()) / np.sqrt(valid.var() + W2V_EPS)).astype(np.float32)
    normed[n:] = 0.0
    return torch.from_numpy(normed[None, :]), False


class FaceFrontEnd:
    def __init__(self, cascade_path: Path):
        self.cascade = cv2.CascadeClassifier(str(cascade_path))
        if self.cascade.empty():
            raise RuntimeError(f"{cascade_path}: expected a Haar cascade, found none")

    def detect(self, bgr: np.ndarray):
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        return self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5)

    @staticmethod
    def largest(faces):
        best = None
        for (x, y, w, h) in faces:  # first of equal areas wins
            if best is None or w * h > best[2] * best[3]:
                best = (int(x), int(y), int(w), int(h))
        return best

    @staticmethod
    def crop_normalise(bgr: np.ndarray, box) -> np.ndarray:
        crop = bgr if box is None else bgr[box[1]:box[1] + box[3], box[0]:box[0] + box[2]]
        resized = cv2.resize(crop, (CROP, CROP))                  # INTER_LINEAR, uint8, BGR kept
        x = resized.astype(np.float32) / np.float32(255.0)
        x = (x - MEAN) / STD                                      # first pair on the blue channel, as the original
        return x.transpose(2, 0, 1)

    def preprocess(self, frames: List[np.ndarray]) -> torch.Tensor:
        tensors = [self.crop_normalise(f, self.largest(self.detect(f))) for f in frames]
        if not tensors:
            return torch.zeros(10, 3, CROP, CROP)
        return torch.from_numpy(np.ascontiguousarray(np.stack(tensors), dtype=np.float32))


def sampled(frames: List[np.ndarray]) -> List[np.ndarray]:
    return [f for i, f in enumerate(frames, start=1) if i % FRAME_STRIDE == 0]


# ---------------------------------------------------------------------------------------------
# Machine facts
# ---------------------------------------------------------------------------------------------

def loaded_libraries(pattern: str) -> List[str]:
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and re.search(pattern, os.path.basename(parts[5]), re.I):
                libs.add(os.path.realpath(parts[5]))
    return sorted(libs)


def blas_info() -> Dict[str, object]:
    """Which BLAS this process really loaded (after a matmul), and OpenBLAS' own view of itself."""
    a = torch.randn(256, 256)
    (a @ a).sum().item()
    libs = loaded_libraries(r"blas|lapack|mkl|gomp|iomp|dnnl")
    info: Dict[str, object] = {"torch_blas_info": re.search(r"BLAS_INFO=(\w+)", torch.__config__.show()).group(1)
                               if "BLAS_INFO=" in torch.__config__.show() else "unknown",
                               "loaded": libs,
                               "libblas_so_3": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
                               "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                               "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                               "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY")}
    for lib in libs:
        if "openblas" in lib:
            try:
                dll = ctypes.CDLL(lib)
                for fn in ("openblas_get_config", "openblas_get_corename"):
                    f = getattr(dll, fn)
                    f.restype = ctypes.c_char_p
                    info[fn] = f().decode()
                info["openblas_get_num_threads"] = dll.openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
            break
    if any("openblas" in lib for lib in libs):
        info["name"] = f"OpenBLAS ({info.get('openblas_get_corename', '?')} kernels, " \
                       f"{info.get('openblas_get_num_threads', '?')} threads)"
    elif any("mkl" in lib for lib in libs):
        info["name"] = "MKL"
    elif any("libblas" in lib for lib in libs):
        info["name"] = f"reference BLAS ({info['libblas_so_3']})"
    else:
        info["name"] = "unknown"
    return info


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------

def measure(fn: Callable[[], object], runs: int, warmup: int) -> Dict[str, object]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"runs_ms": [round(t, 4) for t in times], "min": min(times), "median": statistics.median(times),
            "max": max(times), "mean": statistics.fmean(times)}


def fmt(s: Dict[str, object]) -> str:
    return f"{s['min']:10.2f} {s['median']:10.2f} {s['max']:10.2f}"


def fusion_weights_match(models: Path, fusion: torch.nn.Module) -> Optional[bool]:
    """True when every fusion-head parameter (or its transpose: exported MatMul weights) is an initializer of
    <models>/fusion.onnx with the same values: the PyTorch networks are the exported ones."""
    path = models / "fusion.onnx"
    if not path.exists():
        return None
    import onnx
    from onnx import numpy_helper
    inits = [numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer]
    by_shape: Dict[tuple, List[np.ndarray]] = {}
    for a in inits:
        by_shape.setdefault(a.shape, []).append(a)
    for name, p in fusion.state_dict().items():
        v = p.numpy()
        candidates = by_shape.get(v.shape, []) + (by_shape.get(v.T.shape, []) if v.ndim == 2 else [])
        if not any((c.shape == v.shape and np.array_equal(c, v)) or (v.ndim == 2 and c.shape == v.T.shape
                                                                      and np.array_equal(c, v.T))
                   for c in candidates):
            print(f"  fusion.onnx has no initializer equal to {name} {tuple(v.shape)}")
            return False
    return True


# ---------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per stage and end to end (default 5)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs before each measurement (default 2)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: the machine's cores)")
    ap.add_argument("--models", type=Path, default=Path("/tmp/neurosync-realsize"),
                    help="the exported real-size folder, to check that the weights are the same (optional)")
    ap.add_argument("--seed", type=int, default=SEED, help="seed of --random-weights (default 7)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    cv_default_threads = cv2.getNumThreads()
    cascade = next(p for p in HAAR_CANDIDATES if p is not None and p.exists())

    print(f"building the real-size networks with seeded random weights (seed {args.seed}) ...", flush=True)
    t0 = time.time()
    nets = networks_from_state(synthetic_state_dict(full=True, seed=args.seed), log=lambda *_: None)
    build_s = time.time() - t0
    same = fusion_weights_match(args.models, nets.fusion)
    print(f"  built in {build_s:.1f} s; fusion head equal to {args.models / 'fusion.onnx'}: "
          f"{'yes' if same else 'NO' if same is False else 'not checked (no such file)'}")

    rate, wav = scipy.io.wavfile.read(str(WAV))
    if rate != SAMPLE_RATE or wav.ndim != 1:
        raise SystemExit(f"{WAV}: expected 16 kHz mono, found {rate} Hz, shape {wav.shape}")
    wav = wav.astype(np.float32)
    photo = cv2.imread(str(FRAME), cv2.IMREAD_COLOR)
    frames = [photo] * FRAME_COUNT           # 150 decoded frames (the same picture), as the .NET benchmark
    picked = sampled(frames)
    front = FaceFrontEnd(cascade)
    boxes = [front.largest(front.detect(f)) for f in picked]
    if any(b is None for b in boxes):
        raise SystemExit(f"{FRAME}: expected a face in every frame, found none in some")

    audio_in, silent = preprocess_audio(wav)
    video_in = front.preprocess(picked)
    with torch.no_grad():
        a_feat = nets.audio(audio_in)
        v_feat = nets.visual(video_in)

    def audio_encoder():
        with torch.no_grad():
            return nets.audio(audio_in)

    def visual_encoder():
        with torch.no_grad():
            return nets.visual(video_in)

    def fusion():
        with torch.no_grad():
            return torch.softmax(nets.fusion(a_feat, v_feat[None]), dim=-1)

    def haar_frame():
        return front.detect(photo)

    def haar_15():
        return [front.largest(front.detect(f)) for f in picked]

    def crop_normalise_15():
        return torch.from_numpy(np.ascontiguousarray(
            np.stack([front.crop_normalise(f, b) for f, b in zip(picked, boxes)]), dtype=np.float32))

    def end_to_end():
        x, quiet = preprocess_audio(wav)
        v = front.preprocess(sampled(frames))
        with torch.no_grad():
            a = nets.audio(x)
            f = nets.visual(v)
            probs = torch.softmax(nets.fusion(a, f[None]), dim=-1)[0]
        label = LABELS[int(probs.argmax())]
        if quiet and label in ("angry", "fear"):
            label = "neutral (silence)"
        return label, probs

    r, w = args.runs, args.warmup
    stages: Dict[str, Dict[str, object]] = {}
    plan = [
        ("audio_preprocess", "Audio preprocessing (7 s of 16 kHz, gate, normalise, pad)", lambda: preprocess_audio(wav)),
        ("audio_encoder", "Audio encoder, [1, 112000] -> [1, 349, 1024]", audio_encoder),
        ("haar_frame", "Haar detection, one 640x480 frame (gray + detectMultiScale)", haar_frame),
        ("haar_15", "Haar detection, 15 frames (+ largest box)", haar_15),
        ("crop_normalise_15", "Crop + resize + normalise, 15 frames -> [15, 3, 224, 224]", crop_normalise_15),
        ("video_preprocess_15", "Video front-end, 15 frames (Haar + crop + normalise)", lambda: front.preprocess(picked)),
        ("visual_encoder", "Visual encoder, [15, 3, 224, 224] -> [15, 1280]", visual_encoder),
        ("fusion", "Fusion head + softmax", fusion),
    ]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (interop {torch.get_num_interop_threads()}); "
          f"OpenCV {cv2.__version__}, default threads {cv_default_threads}; {r} runs after {w} warm-ups\n")
    print(f"{'stage':64s} {'min ms':>10s} {'median ms':>10s} {'max ms':>10s}")
    for key, title, fn in plan:
        stages[key] = measure(fn, r, w) | {"title": title}
        print(f"{title:64s} {fmt(stages[key])}", flush=True)
    cv2.setNumThreads(1)
    stages["haar_frame_1thread"] = measure(haar_frame, r, w) | {
        "title": "Haar detection, one 640x480 frame, OpenCV 1 thread"}
    cv2.setNumThreads(cv_default_threads)
    print(f"{stages['haar_frame_1thread']['title']:64s} {fmt(stages['haar_frame_1thread'])}")
    ma, mb = torch.randn(2048, 2048), torch.randn(2048, 2048)
    stages["torch_matmul_2048"] = measure(lambda: torch.mm(ma, mb), r, w) | {
        "title": "torch.mm 2048x2048x2048 float32 (17.2 GFLOP, the BLAS floor)", "flops": 2 * 2048 ** 3}
    print(f"{stages['torch_matmul_2048']['title']:64s} {fmt(stages['torch_matmul_2048'])}"
          f"  -> {2 * 2048 ** 3 / stages['torch_matmul_2048']['median'] / 1e6:.0f} GFLOP/s (median)")
    stages["end_to_end"] = measure(end_to_end, r, w) | {
        "title": "End to end: 7 s speech + 150 frames 640x480 with a face (15 sampled)"}
    print(f"{stages['end_to_end']['title']:64s} {fmt(stages['end_to_end'])}")
    label, probs = end_to_end()
    print(f"\nprediction: {label} ({float(probs.max()):.4f}); probabilities {[round(float(p), 4) for p in probs]}")

    blas = blas_info()
    print(f"BLAS: {blas['name']}; libblas.so.3 -> {blas['libblas_so_3']}; OPENBLAS_CORETYPE={blas['OPENBLAS_CORETYPE']}; "
          f"OMP_WAIT_POLICY={blas['OMP_WAIT_POLICY']}")
    if "OpenBLAS" in blas["name"] and (blas["OMP_WAIT_POLICY"] or "").upper() != "PASSIVE":
        print("warning: OMP_WAIT_POLICY is not PASSIVE: PyTorch's idle OpenMP threads spin and compete with OpenBLAS' "
              "threads (Wav2Vec2 measured 2.5x slower on 2 cores); compare.sh sets it")
    result = {
        "tool": "tools/bench/pytorch_reference.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(), "cores": os.cpu_count(),
        "python": platform.python_version(), "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(), "opencv": cv2.__version__,
        "opencv_default_threads": cv_default_threads, "numpy": np.__version__, "blas": blas,
        "runs": r, "warmup": w, "seed": args.seed, "weights_equal_to_export": same, "network_build_s": build_s,
        "cascade": str(cascade), "prediction": {"label": label, "probabilities": [float(p) for p in probs]},
        "silent": silent, "stages": stages,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
