#!/bin/sh
# Builds models/lite/ from pinned npm packages (never at run or test time; the results are committed):
#   @vladmandic/human 3.3.6 (MIT)  models/emotion.json|.bin   -> emotion_fer.onnx  (via tfjs_to_onnx.py)
#                                  models/blazeface.json|.bin -> blazeface.onnx  (its input size then freed by
#                                  free_input_size.py, so it runs at 256 and at 128)
#   @ricky0123/vad-web 0.0.31      dist/silero_vad_v5.onnx    -> tests/NeuroSync.Tests/TestData/Lite/silero_vad_v5.onnx
#                                  (copied as is, the reference; the model is MIT) -> silero_vad_v5_sequence.onnx
#                                  (via silero_sequence.py: the same network, every window of a signal in one run)
#   @vladmandic/face-api 1.7.15 (MIT) model/face_expression_model-weights_manifest.json|.bin
#                                  -> face_expression.onnx (a weights manifest: the network is built from face-api's
#                                     code by faceapi_expression_to_onnx.py)
# and the reference inputs of the TF.js-vs-ONNX check (tests/NeuroSync.Tests/TestData/Lite). Then run verify.sh.
# Needs npm (with a configured registry), /usr/bin/python3 with python3-onnx, python3-numpy, python3-opencv and
# python3-torch.
# Usage, from the repository root: sh tools/lite/fetch_models.sh [WORK_DIR]
set -eu

HUMAN=@vladmandic/human@3.3.6
VAD=@ricky0123/vad-web@0.0.31
FACEAPI=@vladmandic/face-api@1.7.15
HUMAN_SHA256=425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7
VAD_SHA256=d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940
FACEAPI_SHA256=0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031

ROOT=$(pwd)
[ -f "$ROOT/NeuroSync.sln" ] || { echo "fetch_models.sh: run from the repository root" >&2; exit 2; }
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK/human" "$WORK/vad" "$WORK/faceapi"
cd "$WORK"
npm pack --silent "$HUMAN" "$VAD" "$FACEAPI" >/dev/null
echo "$HUMAN_SHA256  vladmandic-human-3.3.6.tgz" | sha256sum -c -
echo "$VAD_SHA256  ricky0123-vad-web-0.0.31.tgz" | sha256sum -c -
echo "$FACEAPI_SHA256  vladmandic-face-api-1.7.15.tgz" | sha256sum -c -
tar xzf vladmandic-human-3.3.6.tgz -C human
tar xzf ricky0123-vad-web-0.0.31.tgz -C vad
tar xzf vladmandic-face-api-1.7.15.tgz -C faceapi
cd "$ROOT"

OUT=models/lite
/usr/bin/python3 tools/lite/tfjs_to_onnx.py "$WORK/human/package/models/emotion.json" "$OUT/emotion_fer.onnx"
/usr/bin/python3 tools/lite/tfjs_to_onnx.py "$WORK/human/package/models/blazeface.json" "$WORK/blazeface_256.onnx"
/usr/bin/python3 tools/lite/free_input_size.py "$WORK/blazeface_256.onnx" "$OUT/blazeface.onnx"
cp "$WORK/vad/package/dist/silero_vad_v5.onnx" tests/NeuroSync.Tests/TestData/Lite/silero_vad_v5.onnx
/usr/bin/python3 tools/lite/silero_sequence.py tests/NeuroSync.Tests/TestData/Lite/silero_vad_v5.onnx "$OUT/silero_vad_v5_sequence.onnx"
/usr/bin/python3 tools/lite/faceapi_expression_to_onnx.py "$WORK/faceapi/package/model/face_expression_model-weights_manifest.json" "$OUT/face_expression.onnx"
/usr/bin/python3 tools/lite/make_reference_inputs.py tests/NeuroSync.Tests/TestData/Lite
echo "models in $OUT; packages unpacked in $WORK (verify.sh $WORK runs the TF.js side)"
sha256sum "$OUT"/*.onnx
