// Runs face-api's own FaceExpressionNet (@vladmandic/face-api 1.7.15, its dist/face-api.node-wasm.js bundle on
// @tensorflow/tfjs 4.22.0's pure-JS CPU backend) on the reference inputs and writes its outputs, the "expected" side of
// the TF.js-vs-ONNX check of face_expression.onnx. The weights load through face-api's loadFromDisk (tf.io's weight
// loader, which decodes the uint8 quantisation); the input goes through its forward(): toBatchTensor(112),
// the mean-RGB normalisation, the network and the softmax.
// Usage (from the repository root, Node 20):
//   NODE_PATH=TFJS_DIR/node_modules node faceapi_reference.mjs FACEAPI_PACKAGE_DIR DATA_DIR
// with @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm 4.22.0 installed next to this script (the bundle requires both;
// NODE_PATH lets its require() find them): tools/lite/verify.sh does all of this.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { readNpy, writeNpy } from './npy.mjs';

const [packageDir, dataDir] = process.argv.slice(2);
if (!packageDir || !dataDir) {
  console.error('usage: node faceapi_reference.mjs FACEAPI_PACKAGE_DIR DATA_DIR');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const faceapi = require(path.resolve(packageDir, 'dist/face-api.node-wasm.js'));
// One TF.js instance, or face-api's tensors would not be this script's (and the backend set below not face-api's).
if (faceapi.tf.Tensor !== tf.Tensor) throw new Error('face-api loaded another @tensorflow/tfjs than this script');
await tf.setBackend('cpu');
await tf.ready();
if (tf.getBackend() !== 'cpu' || tf.version.tfjs !== '4.22.0') throw new Error(`expected tfjs 4.22.0 on cpu, found ${tf.version.tfjs} on ${tf.getBackend()}`);

const net = new faceapi.FaceExpressionNet();
await net.loadFromDisk(path.join(packageDir, 'model'));

const faces = readNpy(path.join(dataDir, 'face_expression_inputs.npy'));
const [n, h, w, c] = faces.shape;
if (h !== 112 || w !== 112 || c !== 3) throw new Error(`expected [N, 112, 112, 3] RGB inputs, found [${faces.shape}]`);
// An array of [112, 112, 3] tensors is a batch to face-api; at 112x112 toBatchTensor neither pads nor resizes.
const images = Array.from({ length: n }, (_, i) => tf.tensor3d(Float32Array.from(faces.data.subarray(i * h * w * c, (i + 1) * h * w * c)), [h, w, c]));
const probabilities = await net.forward(images);
writeNpy(path.join(dataDir, 'face_expression_expected.npy'), await probabilities.data(), probabilities.shape);
const top = (await probabilities.array()).map((p) => faceapi.FACE_EXPRESSION_LABELS[p.indexOf(Math.max(...p))]);
console.log(`face-api ${faceapi.version ?? ''} on tfjs ${tf.version.tfjs} (${tf.getBackend()}): face_expression [${probabilities.shape}], top ${top.join(' ')}`);
