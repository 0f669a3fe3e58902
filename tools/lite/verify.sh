#!/bin/sh
# The TF.js side of the conversion check: installs @tensorflow/tfjs (pure-JS CPU backend; tfjs-node is not needed)
# into WORK_DIR/tfjs and runs the original graph models, and face-api's own FaceExpressionNet (its node-wasm bundle,
# which also needs @tensorflow/tfjs-backend-wasm installed; it runs on the CPU backend), on the reference inputs, writing
# the expected outputs to tests/NeuroSync.Tests/TestData/Lite, then checks the committed ONNX graphs against them in TF.js's own arithmetic
# (tfjs_order_eval.py: max abs diff 0). The ONNX Runtime side is the C# test LiteModelConversionTests, which runs the committed
# ONNX files with ONNX Runtime and compares (probabilities and scores within 1e-4, raw outputs within 1e-5 of their range).
# Usage, from the repository root, after fetch_models.sh WORK_DIR: sh tools/lite/verify.sh WORK_DIR
set -eu
WORK=${1:?usage: verify.sh WORK_DIR (the one given to fetch_models.sh)}
mkdir -p "$WORK/tfjs"
(cd "$WORK/tfjs" && [ -f package.json ] || npm init -y >/dev/null; cd "$WORK/tfjs" && npm install --silent @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 >/dev/null)
cp tools/lite/npy.mjs tools/lite/tfjs_reference.mjs tools/lite/faceapi_reference.mjs "$WORK/tfjs/"
node "$WORK/tfjs/tfjs_reference.mjs" "$WORK/human/package/models" tests/NeuroSync.Tests/TestData/Lite
# face-api's bundle require()s @tensorflow/tfjs from the unpacked package; NODE_PATH points it at the one installed here.
NODE_PATH="$WORK/tfjs/node_modules" node "$WORK/tfjs/faceapi_reference.mjs" "$WORK/faceapi/package" tests/NeuroSync.Tests/TestData/Lite
# The exact check: the committed ONNX graphs evaluated with TF.js's own float32 order must equal those outputs.
/usr/bin/python3 tools/lite/tfjs_order_eval.py
