// Runs the original TF.js graph models (pure-JS CPU backend) on the reference inputs and writes their outputs, the
// "expected" side of the TF.js-vs-ONNX check. Usage (from the repository root, Node 20):
//   node tools/lite/tfjs_reference.mjs HUMAN_MODELS_DIR DATA_DIR
// with @tensorflow/tfjs installed next to this script or on NODE_PATH (tools/lite/verify.sh does both).
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readNpy, writeNpy } from './npy.mjs';

const [modelsDir, dataDir] = process.argv.slice(2);
if (!modelsDir || !dataDir) {
  console.error('usage: node tfjs_reference.mjs HUMAN_MODELS_DIR DATA_DIR');
  process.exit(2);
}

// Graph models load through an IO handler, so no fetch and no file:// URL support is needed.
function fileHandler(jsonPath) {
  return {
    load: async () => {
      const model = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      const specs = model.weightsManifest.flatMap((g) => g.weights);
      const shards = model.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p))));
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      return { modelTopology: model.modelTopology, weightSpecs: specs, weightData, format: model.format, generatedBy: model.generatedBy, convertedBy: model.convertedBy, userDefinedMetadata: model.userDefinedMetadata };
    },
  };
}

await tf.setBackend('cpu');
const emotion = await tf.loadGraphModel(fileHandler(path.join(modelsDir, 'emotion.json')));
const faces = readNpy(path.join(dataDir, 'emotion_inputs.npy'));
// Same formula as @vladmandic/human's emotion.ts, in float32: gray in [0, 1], then (x - 0.5) * 2.
const emotionInput = tf.tidy(() => tf.mul(tf.sub(tf.div(tf.tensor4d(Float32Array.from(faces.data), [...faces.shape, 1]), 255), 0.5), 2));
const probabilities = emotion.execute(emotionInput);
writeNpy(path.join(dataDir, 'emotion_expected.npy'), await probabilities.data(), probabilities.shape);

const blazeface = await tf.loadGraphModel(fileHandler(path.join(modelsDir, 'blazeface.json')));
const image = readNpy(path.join(dataDir, 'blazeface_input.npy'));
// Same formula as human's blazeface.ts: x / 127.5 - 1.
const blazeInput = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(image.data), [1, ...image.shape]), 127.5), 1));
const names = ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0'];
const outputs = blazeface.execute(blazeInput, names);
for (let i = 0; i < names.length; i++) {
  writeNpy(path.join(dataDir, `blazeface_expected_${names[i].replace(':0', '')}.npy`), await outputs[i].data(), outputs[i].shape);
}
console.log(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): emotion ${probabilities.shape}, blazeface ${outputs.map((o) => `[${o.shape}]`).join(' ')}`);
