#!/usr/bin/python3
"""Print the side-by-side table (Markdown) of the PyTorch reference and the NeuroSync BenchmarkDotNet results.

    /usr/bin/python3 tools/bench/compare_table.py --reference pytorch.json --bdn bdn-fp32/results
                     [--bdn-int8 bdn-int8/results] [--flops flops.json] [--commit abc1234] [--suite-seconds 420]

--reference is the JSON of tools/bench/pytorch_reference.py; --bdn a folder of BenchmarkDotNet JSON reports
(`--exporters json`, files *-report-full-compressed.json); --bdn-int8 the same for the run with neurosync.int8.json;
--flops the JSON of tools/bench/count_flops.py. The output is meant to be pasted into docs/performance.md.
Ratios are PyTorch / NeuroSync on the medians: above 1 means NeuroSync is faster.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

MATMUL_FLOPS = 2 * 2048 ** 3
NS = 1e6  # BenchmarkDotNet reports nanoseconds


def load_bdn(folder: Optional[Path]) -> Tuple[Dict[str, dict], dict]:
    """Benchmarks by 'Type.Method' (statistics in ms) and the host information of the first report."""
    rows: Dict[str, dict] = {}
    host: dict = {}
    if folder is None:
        return rows, host
    for f in sorted(folder.glob("*.json")):
        d = json.loads(f.read_text())
        host = host or d.get("HostEnvironmentInfo", {})
        for b in d.get("Benchmarks", []):
            s = b.get("Statistics")
            if not s:
                continue
            row = {
                "min": s["Min"] / NS, "median": s["Median"] / NS, "max": s["Max"] / NS, "mean": s["Mean"] / NS,
                "n": s["N"], "allocated": (b.get("Memory") or {}).get("BytesAllocatedPerOperation"),
                "title": b.get("MethodTitle", b["Method"]).strip("'")}
            key = f"{b['Type']}.{b['Method']}"
            # A row per model set (StreamingBenchmarks): 'Type.Method@<ModelSet as BenchmarkDotNet writes it>'; the plain key keeps
            # the first, as for the classes without parameters.
            params = b.get("Parameters") or ""
            if params.startswith("ModelSet="):
                rows[f"{key}@{params[len('ModelSet='):]}"] = row
            rows.setdefault(key, row)
    return rows, host


def ms(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def triple(s: Optional[dict]) -> str:
    return "n/a" if not s else f"{ms(s['min'])} / **{ms(s['median'])}** / {ms(s['max'])}"


def ratio(py: Optional[dict], net: Optional[dict], stat: str = "median") -> str:
    if not py or not net or net[stat] <= 0:
        return "n/a"
    return f"{py[stat] / net[stat]:.2f}x"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, required=True)
    ap.add_argument("--bdn", type=Path, required=True)
    ap.add_argument("--bdn-int8", type=Path)
    ap.add_argument("--flops", type=Path)
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--suite-seconds", type=float, help="wall time of the BenchmarkDotNet run, to print")
    ap.add_argument("--load", help="load averages seen during the run (from uptime), to print")
    ap.add_argument("--models-name", default="/tmp/neurosync-realsize",
                    help="the model folder (its path, as given to the benchmarks), which picks the StreamingBenchmarks row of that set")
    args = ap.parse_args()

    ref = json.loads(args.reference.read_text())
    py = ref["stages"]
    net, host = load_bdn(args.bdn)
    net8, _ = load_bdn(args.bdn_int8)
    flops = json.loads(args.flops.read_text())["models_flops"] if args.flops else {}

    def n(key: str) -> Optional[dict]:
        return net.get(key)

    def for_model_set(key: str) -> Optional[dict]:
        # BenchmarkDotNet writes a parameter longer than 20 characters as its first and last few around '(...)', with its
        # length: '/tmp/(...)lsize [23]' for /tmp/neurosync-realsize.
        want = args.models_name
        for k, row in net.items():
            if not k.startswith(key + "@"):
                continue
            shown = k[len(key) + 1:]
            short = re.fullmatch(r"(.{1,5})\(\.\.\.\)(.{1,5}) \[(\d+)\]", shown)
            if shown == want or Path(shown).name == Path(want).name or (
                    short and want.startswith(short[1]) and want.endswith(short[2]) and len(want) == int(short[3])):
                return row
        return None

    haar15 = None
    with_haar, crop_only = n("FaceClipPreprocessingBenchmarks.WithHaar"), n("FaceClipPreprocessingBenchmarks.CropAndNormalize")
    if with_haar and crop_only:
        haar15 = {k: with_haar[k] - crop_only["median"] for k in ("min", "median", "max")}

    rows: List[Tuple[str, Optional[dict], Optional[dict], str]] = [
        ("Audio preprocessing (7 s of 16 kHz: gate, normalise, pad)", py.get("audio_preprocess"),
         n("SpeechClipPreprocessingBenchmarks.Preprocess"), "`SpeechClipPreprocessingBenchmarks.Preprocess`"),
        ("Audio encoder, fp32 (`[1, 112000]`)", py.get("audio_encoder"), n("ModelStageBenchmarks.AudioEncoder"),
         "`ModelStageBenchmarks.AudioEncoder`"),
        ("Audio encoder, NeuroSync int8 vs PyTorch fp32", py.get("audio_encoder"),
         net8.get("ModelStageBenchmarks.AudioEncoder"), "the same, `neurosync.int8.json`"),
        ("Haar detection, one 640x480 frame (OpenCV default threads vs NeuroSync)", py.get("haar_frame"),
         n("HaarDetectionBenchmarks.NeuroSync"), "`HaarDetectionBenchmarks.NeuroSync`"),
        ("Haar detection, 15 frames", py.get("haar_15"), haar15,
         "derived: `FaceClip...WithHaar` - median of `CropAndNormalize`"),
        ("Crop + resize + normalise, 15 frames", py.get("crop_normalise_15"), crop_only,
         "`FaceClipPreprocessingBenchmarks.CropAndNormalize`"),
        ("Video front-end, 15 frames (Haar + crop + normalise)", py.get("video_preprocess_15"), with_haar,
         "`FaceClipPreprocessingBenchmarks.WithHaar`"),
        ("Visual encoder (`[15, 3, 224, 224]`)", py.get("visual_encoder"), n("ModelStageBenchmarks.VisualEncoder"),
         "`ModelStageBenchmarks.VisualEncoder`"),
        ("Fusion head (+ softmax in PyTorch)", py.get("fusion"), n("ModelStageBenchmarks.Fusion"),
         "`ModelStageBenchmarks.Fusion`"),
        ("**End to end**: 7 s speech + 150 frames 640x480 with a face (15 sampled)", py.get("end_to_end"),
         n("RecognizeBenchmarks.SpeechAndFace"), "`RecognizeBenchmarks.SpeechAndFace`"),
        ("**End of a 7 s recording to its result**: the original computes everything after the recording (its end to end);"
         " NeuroSync streams the recording and has only the last window's audio path and fusion left",
         py.get("end_to_end"), for_model_set("StreamingBenchmarks.EndOfRecordingToResult"),
         "`StreamingBenchmarks.EndOfRecordingToResult`"),
    ]

    blas = ref["blas"]
    bdn_job = "BenchmarkDotNet `--job compare` (1 launch, 2 warm-ups, 7 iterations)"
    print(f"* **Commit**: {args.commit}; **date**: {ref['date']}")
    print(f"* **Machine**: {ref['cpu']}, {ref['cores']} cores (BenchmarkDotNet: {host.get('ProcessorName', '?')}, "
          f"{host.get('PhysicalCoreCount', '?')} physical / {host.get('LogicalCoreCount', '?')} logical cores), "
          f"{host.get('OsVersion', platform.platform())}")
    print(f"* **PyTorch side**: torch {ref['torch']} with {ref['torch_threads']} threads (= the cores), OpenCV "
          f"{ref['opencv']} (default {ref['opencv_default_threads']} threads), NumPy {ref['numpy']}, Python "
          f"{ref['python']}; BLAS: {blas['name']} (`libblas.so.3` -> `{blas['libblas_so_3']}`, "
          f"OPENBLAS_CORETYPE={blas.get('OPENBLAS_CORETYPE') or 'unset (auto-detected)'}, "
          f"OMP_WAIT_POLICY={blas.get('OMP_WAIT_POLICY') or 'unset'}); {ref['runs']} runs after "
          f"{ref['warmup']} warm-ups; same seeded weights as the ONNX files: "
          f"{'yes (fusion head compared)' if ref.get('weights_equal_to_export') else 'not checked'}")
    print(f"* **NeuroSync side**: {host.get('RuntimeVersion', '?')}, {bdn_job}"
          + (f"; the BenchmarkDotNet run took {args.suite_seconds / 60:.1f} min" if args.suite_seconds else ""))
    if args.load:
        print(f"* **Load** (1/5/15-min load averages, {ref['cores']} cores; other users' work shares the CPU): {args.load}")
    print()
    print("Times in ms as min / **median** / max. Ratio = PyTorch / NeuroSync (above 1: NeuroSync faster), on the medians "
          "and on the minima (on a shared machine other work only adds time, so the minima are the least disturbed).")
    print()
    print("| Stage | PyTorch + OpenCV (ms) | NeuroSync (ms) | Ratio (median) | Ratio (min) | NeuroSync benchmark |")
    print("|---|---:|---:|---:|---:|---|")
    for title, p, q, source in rows:
        print(f"| {title} | {triple(p)} | {triple(q)} | {ratio(p, q)} | {ratio(p, q, 'min')} | {source} |")

    # Haar against OpenCV itself
    print()
    print("Haar detection on one 640x480 frame against OpenCV (NeuroSync / OpenCV, medians; below 1: NeuroSync faster):")
    print()
    print("| OpenCV | OpenCV (ms) | NeuroSync (ms) | NeuroSync / OpenCV |")
    print("|---|---:|---:|---:|")
    ns_haar = n("HaarDetectionBenchmarks.NeuroSync")
    for title, o in [(f"Python cv2 {ref['opencv']}, default threads ({ref['opencv_default_threads']})", py.get("haar_frame")),
                     (f"Python cv2 {ref['opencv']}, 1 thread", py.get("haar_frame_1thread")),
                     ("OpenCvSharp (OpenCV 4.13), default threads", n("HaarDetectionBenchmarks.OpenCvDefaultThreads")),
                     ("OpenCvSharp (OpenCV 4.13), 1 thread", n("HaarDetectionBenchmarks.OpenCvSingleThread"))]:
        if o and ns_haar:
            print(f"| {title} | {triple(o)} | {triple(ns_haar)} | {ns_haar['median'] / o['median']:.2f} |")

    # Modality paths
    silent, face_only = n("RecognizeBenchmarks.SilenceAndFace"), n("RecognizeBenchmarks.FaceOnly")
    speech_only = n("RecognizeBenchmarks.SpeechOnly")
    print()
    print("NeuroSync end-to-end paths (ms, min / **median** / max):")
    print()
    print("| Path | NeuroSync (ms) | vs visual-only |")
    print("|---|---:|---:|")
    for title, o in [("Speech + 150 frames with a face (the row above)", n("RecognizeBenchmarks.SpeechAndFace")),
                     ("The same, audio and video paths overlapped", n("RecognizeBenchmarks.SpeechAndFaceOverlapped")),
                     ("Silent audio + the same frames", silent), ("The same frames, no audio (visual-only path)", face_only),
                     ("Speech 7 s, no video", speech_only)]:
        if o:
            rel = f"{o['median'] / face_only['median']:.2f}x" if face_only else "n/a"
            print(f"| {title} | {triple(o)} | {rel} |")

    # Floor
    mm = n("MatMulFloorBenchmarks.MatMul")
    floor = 0.0
    if mm and flops:
        tmm = py.get("torch_matmul_2048")
        rates = {"ONNX Runtime": MATMUL_FLOPS / (mm["min"] * 1e6)}
        if tmm:
            rates["PyTorch's BLAS"] = MATMUL_FLOPS / (tmm["min"] * 1e6)
        enc = n("ModelStageBenchmarks.AudioEncoder")
        if enc and "audio_encoder" in flops:
            rates["the audio encoder itself"] = flops["audio_encoder"]["gflops"] * 1e3 / enc["min"]
        source, gflops = max(rates.items(), key=lambda kv: kv[1])
        print()
        print(f"Hardware floor: a 2048x2048x2048 float32 MatMul. ONNX Runtime (`MatMulFloorBenchmarks`): "
              f"{ms(mm['min'])} / **{ms(mm['median'])}** / {ms(mm['max'])} ms = "
              f"{MATMUL_FLOPS / (mm['min'] * 1e6):.0f} GFLOP/s at the min, {MATMUL_FLOPS / (mm['median'] * 1e6):.0f} at the median"
              + (f"; PyTorch's BLAS (`torch.mm`): {ms(tmm['min'])} / **{ms(tmm['median'])}** / {ms(tmm['max'])} ms = "
                 f"{MATMUL_FLOPS / (tmm['min'] * 1e6):.0f} GFLOP/s at the min, "
                 f"{MATMUL_FLOPS / (tmm['median'] * 1e6):.0f} at the median" if tmm else "") + ".")
        print(f"The floor uses the best float32 rate seen in this run, **{gflops:.0f} GFLOP/s** ({source}, at its min): "
              f"what this machine can do, not what a busy moment gave. Floor = FLOPs (Conv/MatMul/Gemm of the ONNX "
              f"graphs, `tools/bench/count_flops.py`) / that rate.")
        if source == "the audio encoder itself":
            print(f"**Warning**: both MatMul measurements were slower than the audio encoder's own rate, so they ran while "
                  f"the machine was busy; the floor of this run is only a bound (re-run when `uptime` is quiet).")
        print()
        print("| Stage | GFLOP | Floor (ms) | NeuroSync min / median (ms) | x floor (min / median) "
              "| PyTorch min / median (ms) | x floor (min / median) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        parts = [("Audio encoder fp32", "audio_encoder", n("ModelStageBenchmarks.AudioEncoder"), py.get("audio_encoder")),
                 ("Visual encoder, 15 crops", "visual_encoder", n("ModelStageBenchmarks.VisualEncoder"), py.get("visual_encoder")),
                 ("Fusion head", "fusion", n("ModelStageBenchmarks.Fusion"), py.get("fusion"))]
        total = 0.0

        def cell(stat: Optional[dict], floor_ms: float) -> str:
            return "n/a | n/a" if not stat else (f"{ms(stat['min'])} / {ms(stat['median'])} | "
                                                 f"{stat['min'] / floor_ms:.2f} / {stat['median'] / floor_ms:.2f}")

        for title, key, q, p in parts:
            g = flops[key]["gflops"]
            total += g
            stage_floor = g / gflops * 1e3
            print(f"| {title} | {g:.2f} | {ms(stage_floor)} | {cell(q, stage_floor)} | {cell(p, stage_floor)} |")
        floor = total / gflops * 1e3
        print(f"| **End to end** (encoders + fusion; detection and preprocessing are not in the FLOPs) | {total:.2f} | "
              f"{ms(floor)} | {cell(n('RecognizeBenchmarks.SpeechAndFace'), floor)} | {cell(py.get('end_to_end'), floor)} |")
        if "audio_encoder_int8" in flops:
            print()
            print(f"The int8 audio encoder does the same {flops['audio_encoder_int8']['gflops']:.0f} G operations, "
                  f"{flops['audio_encoder_int8']['by_op_gflops'].get('MatMulInteger', 0):.0f} G of them as integer "
                  f"products (MatMulInteger), so the float floor does not bound it.")

    # Targets of issue 8, each with what this run measured
    print()
    print("Targets on the medians (the minima in brackets):")
    print()
    print("| Target (issue 8) | Measured | Met? |")
    print("|---|---|---|")

    def target(title: str, value: Optional[float], text: str, ok: Optional[bool]) -> None:
        print(f"| {title} | {text if value is not None else 'not measured'} | "
              f"{'n/a' if value is None or ok is None else ('yes' if ok else '**no**')} |")

    e2e_n, e2e_p = n("RecognizeBenchmarks.SpeechAndFace"), py.get("end_to_end")
    v = e2e_p["median"] / e2e_n["median"] if e2e_n and e2e_p else None
    target("End to end >= 2.5x faster than PyTorch", v,
           f"{v:.2f}x ({e2e_p['min'] / e2e_n['min']:.2f}x)" if v else "", v is not None and v >= 2.5)
    v = e2e_n["median"] / floor if floor and e2e_n else None
    target("End to end within 1.15x of the floor", v,
           f"{v:.2f}x the floor of {ms(floor)} ms ({e2e_n['min'] / floor:.2f}x)" if v else "",
           v is not None and v <= 1.15)
    v = silent["median"] / face_only["median"] if silent and face_only else None
    target("Silent-audio clip <= 1.1x the visual-only path", v,
           f"{v:.2f}x ({silent['min'] / face_only['min']:.2f}x)" if v else "", v is not None and v <= 1.1)
    o = py.get("haar_frame")
    v = ns_haar["median"] / o["median"] if ns_haar and o else None
    target(f"Haar within 1.5x of OpenCV detectMultiScale (cv2 {ref['opencv']}, default threads, same frame)", v,
           f"{v:.2f}x ({ns_haar['min'] / o['min']:.2f}x)" if v else "", v is not None and v <= 1.5)
    o = n("HaarDetectionBenchmarks.OpenCvDefaultThreads")
    v = ns_haar["median"] / o["median"] if ns_haar and o else None
    target("Haar within 1.5x of OpenCV detectMultiScale (OpenCvSharp 4.13, default threads)", v,
           f"{v:.2f}x ({ns_haar['min'] / o['min']:.2f}x)" if v else "", v is not None and v <= 1.5)
    f32, i8 = n("ModelStageBenchmarks.AudioEncoder"), net8.get("ModelStageBenchmarks.AudioEncoder")
    v = f32["median"] / i8["median"] if f32 and i8 else None
    target("int8 audio encoder >= 1.6x faster than fp32 (drift: docs/models.md)", v,
           f"{v:.2f}x ({f32['min'] / i8['min']:.2f}x; median {ms(f32['median'])} -> {ms(i8['median'])} ms)" if v else "",
           v is not None and v >= 1.6)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
