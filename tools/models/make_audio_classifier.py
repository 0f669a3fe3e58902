#!/usr/bin/python3
"""Builds a tiny speech-emotion classifier for the `audio.classifier` manifest slot and its reference outputs.

The network stands in for a user's own speech-emotion ONNX (for example one exported from a fine-tuned Wav2Vec2):
the same interface, 16 kHz audio [1, 112000] in, logits [1, 7] out, with seeded random weights (its labels mean
nothing). Graph: Reshape to [1, 1, N] -> Conv1d (8 filters, 400 taps, stride 320) -> Relu -> mean over time -> Gemm
to 7 logits. The reference is computed here in NumPy (float64), independently of ONNX Runtime, on the encoder input
the SDK makes from tests/NeuroSync.Tests/TestData/Audio/Levels/speech/en_0_rms0.002.wav (quiet espeak-ng speech, 16 kHz mono: the first 112000
samples, Wav2Vec2 zero-mean unit-variance normalisation with epsilon 1e-7, zero padding to 112000).

Writes tests/NeuroSync.Tests/TestData/AudioClassifier/speech_emotion_tiny.onnx and expected.json.
Usage, from the repository root: /usr/bin/python3 tools/models/make_audio_classifier.py
Needs python3-numpy and python3-onnx only.
"""
import json
import os
import wave

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = "tests/NeuroSync.Tests/TestData/AudioClassifier"
SAMPLES, FILTERS, TAPS, STRIDE = 112_000, 8, 400, 320
LABELS = ["neutral", "happy", "sad", "angry", "fear", "disgust", "surprise"]


def main():
    rng = np.random.default_rng(20261201)
    conv_w = (rng.standard_normal((FILTERS, 1, TAPS)) / np.sqrt(TAPS)).astype(np.float32)
    conv_b = (rng.standard_normal(FILTERS) * 0.1).astype(np.float32)
    fc_w = (rng.standard_normal((len(LABELS), FILTERS)) * 2.0).astype(np.float32)
    fc_b = (rng.standard_normal(len(LABELS)) * 0.5).astype(np.float32)

    graph = helper.make_graph(
        [
            helper.make_node("Reshape", ["audio", "shape"], ["audio3"]),
            helper.make_node("Conv", ["audio3", "conv_w", "conv_b"], ["conv"], kernel_shape=[TAPS], strides=[STRIDE]),
            helper.make_node("Relu", ["conv"], ["relu"]),
            helper.make_node("ReduceMean", ["relu"], ["pooled"], axes=[2], keepdims=0),
            helper.make_node("Gemm", ["pooled", "fc_w", "fc_b"], ["logits"], transB=1),
        ],
        "speech_emotion_tiny",
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, SAMPLES])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(LABELS)])],
        [
            numpy_helper.from_array(np.array([1, 1, SAMPLES], dtype=np.int64), "shape"),
            numpy_helper.from_array(conv_w, "conv_w"),
            numpy_helper.from_array(conv_b, "conv_b"),
            numpy_helper.from_array(fc_w, "fc_w"),
            numpy_helper.from_array(fc_b, "fc_b"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="neurosync-tools")
    model.ir_version = 7
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    onnx.save(model, os.path.join(OUT, "speech_emotion_tiny.onnx"))

    with wave.open("tests/NeuroSync.Tests/TestData/Audio/Levels/speech/en_0_rms0.002.wav") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16_000, 1, 2)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    x = (pcm[:SAMPLES].astype(np.float32) / 32768.0).astype(np.float64)
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    x = np.concatenate([x, np.zeros(SAMPLES - len(x))])  # the SDK normalises the clip, then pads with zeros

    frames = (SAMPLES - TAPS) // STRIDE + 1
    windows = np.stack([x[i * STRIDE: i * STRIDE + TAPS] for i in range(frames)])  # [frames, taps]
    conv = windows @ conv_w[:, 0, :].astype(np.float64).T + conv_b  # [frames, filters]
    pooled = np.maximum(conv, 0).mean(axis=0)
    logits = fc_w.astype(np.float64) @ pooled + fc_b
    p = np.exp(logits - logits.max())
    p /= p.sum()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"input": "Audio/Levels/speech/en_0_rms0.002.wav", "labels": LABELS, "logits": logits.tolist(), "probabilities": p.tolist()}, f, indent=1)
    print("label", LABELS[int(p.argmax())], "probabilities", np.round(p, 4))


if __name__ == "__main__":
    main()
