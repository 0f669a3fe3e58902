#!/usr/bin/env bash
# Side by side: the original pipeline in PyTorch + OpenCV against NeuroSync (BenchmarkDotNet), on this machine, in one run.
#
#   tools/bench/compare.sh [--models DIR] [--runs N] [--out DIR] [--all] [--no-int8] [--stock-env]
#
#   --models DIR   real-size model folder (default /tmp/neurosync-realsize, or $NEUROSYNC_REALSIZE)
#   --runs N       timed runs per stage in the PyTorch reference (default 5, after 2 warm-ups)
#   --out DIR      where the JSON files and the table go (default artifacts/bench/<UTC time>, ignored by git)
#   --all          run the whole BenchmarkDotNet suite (--filter '*'), not only the classes the table needs
#   --no-int8      skip the int8 audio encoder run
#   --stock-env    run the PyTorch reference in the environment as it is. By default it runs with OPENBLAS_CORETYPE
#                  unset (OpenBLAS picks this CPU's kernels itself; a forced older core type halved its speed here) and
#                  OMP_WAIT_POLICY=PASSIVE (PyTorch's idle OpenMP threads otherwise spin and take the cores from
#                  OpenBLAS' own threads: 2.5x slower Wav2Vec2 on 2 cores), so the original is timed at its best
#
# Steps: install libopenblas0-pthread and python3-scipy if missing (PyTorch's BLAS, since Debian's default reference BLAS would make the
# original look far slower than it is), count the models' FLOPs, run tools/bench/pytorch_reference.py, build and run the
# BenchmarkDotNet classes with --job compare and the JSON exporter, then print the Markdown table
# (tools/bench/compare_table.py) and save it as table.md. About 4 to 6 minutes on 2 cores (about 8 with --all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MODELS="${NEUROSYNC_REALSIZE:-/tmp/neurosync-realsize}"
RUNS=5
OUT=""
ALL=0
INT8=1
STOCK_ENV=0
PY=/usr/bin/python3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) MODELS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --all) ALL=1; shift ;;
    --no-int8) INT8=0; shift ;;
    --stock-env) STOCK_ENV=1; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

MODELS="$(cd "$MODELS" 2>/dev/null && pwd || echo "$MODELS")"
if [[ ! -f "$MODELS/neurosync.json" || ! -f "$MODELS/audio_encoder.onnx" ]]; then
  cat >&2 <<MSG
compare.sh: expected the real-size model folder at $MODELS (neurosync.json + three ONNX files), found none.
Create it once (about 5 min on 2 cores, 1.9 GB on disk; needs python3-torch and python3-onnx):

  /usr/bin/python3 tools/export/export_checkpoint.py --random-weights $MODELS --quantize int8

MSG
  exit 2
fi
if [[ $INT8 -eq 1 && ! -f "$MODELS/neurosync.int8.json" ]]; then
  echo "compare.sh: no $MODELS/neurosync.int8.json (export with --quantize int8 to get it); skipping the int8 run" >&2
  INT8=0
fi

# libopenblas0-pthread is the BLAS PyTorch will use; python3-scipy reads the reference's WAV file.
for package in libopenblas0-pthread python3-scipy; do
  if ! dpkg -s "$package" >/dev/null 2>&1; then
    echo "== installing $package"
    if [[ $(id -u) -eq 0 ]]; then
      apt-get install -y "$package" >/dev/null
    else
      sudo apt-get install -y "$package" >/dev/null
    fi
  fi
done

OUT="${OUT:-artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benchmarks tools 2>/dev/null || echo ' (with uncommitted changes)')"

load() { sed 's/.*load average: *//' <<<"$(uptime)"; }
LOAD_START="$(load)"
echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $COMMIT, $(nproc) cores, load: $LOAD_START"
echo "== models: $MODELS; results: $OUT"

echo "== FLOPs of the exported graphs"
"$PY" tools/bench/count_flops.py "$MODELS" --json "$OUT/flops.json"

LOAD_PY="$(load)"
echo "== PyTorch reference ($RUNS runs; load $LOAD_PY)"
if [[ $STOCK_ENV -eq 1 ]]; then
  "$PY" tools/bench/pytorch_reference.py --runs "$RUNS" --models "$MODELS" --json "$OUT/pytorch.json"
else
  env -u OPENBLAS_CORETYPE OMP_WAIT_POLICY=PASSIVE \
    "$PY" tools/bench/pytorch_reference.py --runs "$RUNS" --models "$MODELS" --json "$OUT/pytorch.json"
fi

LOAD_NET="$(load)"
echo "== NeuroSync (BenchmarkDotNet, --job compare; load $LOAD_NET)"
dotnet build -c Release benchmarks/NeuroSync.Benchmarks -v quiet -nologo | tail -3
if [[ $ALL -eq 1 ]]; then
  FILTERS=('*')
else
  FILTERS=('*SpeechClipPreprocessingBenchmarks*' '*FaceClipPreprocessingBenchmarks*' '*HaarDetectionBenchmarks*'
           '*ModelStageBenchmarks*' '*RecognizeBenchmarks*' '*MatMulFloorBenchmarks*' '*StreamingBenchmarks.EndOfRecordingToResult*')
fi
start=$(date +%s)
NEUROSYNC_MODELS="$MODELS" dotnet run -c Release --no-build --project benchmarks/NeuroSync.Benchmarks -- \
  --filter "${FILTERS[@]}" --job compare --exporters json --artifacts "$OUT/bdn-fp32" > "$OUT/bdn-fp32.log" 2>&1 \
  || { tail -40 "$OUT/bdn-fp32.log"; exit 1; }
suite=$(( $(date +%s) - start ))
grep -E '^Global total time|^Run time' "$OUT/bdn-fp32.log" | tail -1 || true
INT8_ARGS=()
if [[ $INT8 -eq 1 ]]; then
  echo "== NeuroSync, int8 audio encoder"
  NEUROSYNC_MODELS="$MODELS/neurosync.int8.json" dotnet run -c Release --no-build --project benchmarks/NeuroSync.Benchmarks -- \
    --filter '*ModelStageBenchmarks.AudioEncoder*' --job compare --exporters json --artifacts "$OUT/bdn-int8" \
    > "$OUT/bdn-int8.log" 2>&1 || { tail -40 "$OUT/bdn-int8.log"; exit 1; }
  INT8_ARGS=(--bdn-int8 "$OUT/bdn-int8/results")
fi

LOAD_END="$(load)"
echo "== load after the run: $LOAD_END"
echo
"$PY" tools/bench/compare_table.py --reference "$OUT/pytorch.json" --bdn "$OUT/bdn-fp32/results" "${INT8_ARGS[@]}" \
  --flops "$OUT/flops.json" --commit "$COMMIT" --suite-seconds "$suite" --models-name "$MODELS" \
  --load "start $LOAD_START; PyTorch $LOAD_PY; NeuroSync $LOAD_NET; end $LOAD_END" | tee "$OUT/table.md"
echo
echo "== table saved as $OUT/table.md"
