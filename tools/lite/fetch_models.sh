#!/bin/sh
# Builds models/lite/ from pinned npm packages (never at run or test time; the results are committed):
#   @vladmandic/human 3.3.6 (MIT)  models/emotion.json|.bin   -> emotion_fer.onnx  (via tfjs_to_onnx.py)
#                                  models/blazeface.json|.bin -> blazeface.onnx
#   @ricky0123/vad-web 0.0.31      dist/silero_vad_v5.onnx    -> silero_vad_v5.onnx (copied as is; the model is MIT)
# and the reference inputs of the TF.js-vs-ONNX check (tests/NeuroSync.Tests/TestData/Lite). Then run verify.sh.
# Needs npm (with a configured registry), /usr/bin/python3 with python3-onnx, python3-numpy and python3-opencv.
# Usage, from the repository root: sh tools/lite/fetch_models.sh [WORK_DIR]
set -eu

HUMAN=@vladmandic/human@3.3.6
VAD=@ricky0123/vad-web@0.0.31
HUMAN_SHA256=425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7
VAD_SHA256=d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940

ROOT=$(pwd)
[ -f "$ROOT/NeuroSync.sln" ] || { echo "fetch_models.sh: run from the repository root" >&2; exit 2; }
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK/human" "$WORK/vad"
cd "$WORK"
npm pack --silent "$HUMAN" "$VAD" >/dev/null
echo "$HUMAN_SHA256  vladmandic-human-3.3.6.tgz" | sha256sum -c -
echo "$VAD_SHA256  ricky0123-vad-web-0.0.31.tgz" | sha256sum -c -
tar xzf vladmandic-human-3.3.6.tgz -C human
tar xzf ricky0123-vad-web-0.0.31.tgz -C vad
cd "$ROOT"

OUT=models/lite
/usr/bin/python3 tools/lite/tfjs_to_onnx.py "$WORK/human/package/models/emotion.json" "$OUT/emotion_fer.onnx"
/usr/bin/python3 tools/lite/tfjs_to_onnx.py "$WORK/human/package/models/blazeface.json" "$OUT/blazeface.onnx"
cp "$WORK/vad/package/dist/silero_vad_v5.onnx" "$OUT/silero_vad_v5.onnx"
/usr/bin/python3 tools/lite/make_reference_inputs.py tests/NeuroSync.Tests/TestData/Lite
echo "models in $OUT; packages unpacked in $WORK (verify.sh $WORK runs the TF.js side)"
sha256sum "$OUT"/*.onnx
