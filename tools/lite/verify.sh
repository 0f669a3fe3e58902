#!/bin/sh
# The TF.js side of the conversion check: installs @tensorflow/tfjs (pure-JS CPU backend; tfjs-node is not needed)
# into WORK_DIR/tfjs and runs the original graph models on the reference inputs, writing the expected outputs to
# tests/NeuroSync.Tests/TestData/Lite. The ONNX side is the C# test LiteModelConversionTests, which runs the committed
# ONNX files with ONNX Runtime and compares (max abs diff < 1e-4).
# Usage, from the repository root, after fetch_models.sh WORK_DIR: sh tools/lite/verify.sh WORK_DIR
set -eu
WORK=${1:?usage: verify.sh WORK_DIR (the one given to fetch_models.sh)}
mkdir -p "$WORK/tfjs"
(cd "$WORK/tfjs" && [ -f package.json ] || npm init -y >/dev/null; cd "$WORK/tfjs" && npm install --silent @tensorflow/tfjs@4.22.0 >/dev/null)
cp tools/lite/tfjs_reference.mjs "$WORK/tfjs/"
node "$WORK/tfjs/tfjs_reference.mjs" "$WORK/human/package/models" tests/NeuroSync.Tests/TestData/Lite
