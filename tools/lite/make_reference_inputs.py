#!/usr/bin/python3
"""Writes the inputs of the TF.js-vs-ONNX check (uint8 pixels; both sides apply the same float formula).

  emotion_inputs.npy    [4, 64, 64] uint8 grayscale: three face crops from committed photos, one seeded noise image
  blazeface_input.npy   [256, 256, 3] uint8 RGB: the astronaut photo resized to the detector's input
  face_expression_inputs.npy  [6, 112, 112, 3] uint8 RGB: the same three face regions, the darkened face and the
                        cat at face-api's input size, one seeded noise image

Usage: /usr/bin/python3 tools/lite/make_reference_inputs.py OUT_DIR   (python3-numpy, python3-opencv)
"""
import os
import sys

import cv2
import numpy as np

IMAGES = "tests/NeuroSync.Tests/TestData/Images"
# (file, x, y, size): square face regions, around the Haar boxes of the faces in the committed photos.
CROPS = [("astronaut_640x480.png", 215, 75, 130), ("astronaut_flipped_640x480.png", 295, 75, 130), ("two_faces_640x480.png", 148, 86, 86)]
# face-api's expression net also gets the darkened face and the cat (no face), whose outputs are further from 0 and 1.
EXPRESSION_CROPS = CROPS + [("astronaut_dark_640x480.png", 215, 75, 130), ("no_face_cat_640x480.png", 200, 120, 240)]


def read_bgr(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        sys.exit(f"make_reference_inputs: cannot read {path}")
    return bgr


def main(out):
    os.makedirs(out, exist_ok=True)
    faces = []
    for name, x, y, s in CROPS:
        img = cv2.cvtColor(read_bgr(os.path.join(IMAGES, name)), cv2.COLOR_BGR2GRAY)
        faces.append(cv2.resize(img[y:y + s, x:x + s], (64, 64), interpolation=cv2.INTER_AREA))
    faces.append(np.random.default_rng(9).integers(0, 256, (64, 64), dtype=np.uint8))
    np.save(os.path.join(out, "emotion_inputs.npy"), np.stack(faces))
    rgb = cv2.cvtColor(read_bgr(os.path.join(IMAGES, "astronaut_640x480.png")), cv2.COLOR_BGR2RGB)
    np.save(os.path.join(out, "blazeface_input.npy"), np.ascontiguousarray(cv2.resize(rgb, (256, 256), interpolation=cv2.INTER_AREA)))
    crops = []
    for name, x, y, s in EXPRESSION_CROPS:
        img = cv2.cvtColor(read_bgr(os.path.join(IMAGES, name)), cv2.COLOR_BGR2RGB)
        crops.append(cv2.resize(img[y:y + s, x:x + s], (112, 112), interpolation=cv2.INTER_AREA))
    crops.append(np.random.default_rng(11).integers(0, 256, (112, 112, 3), dtype=np.uint8))
    np.save(os.path.join(out, "face_expression_inputs.npy"), np.stack(crops))
    print(f"wrote {out}/emotion_inputs.npy, {out}/blazeface_input.npy, {out}/face_expression_inputs.npy")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/NeuroSync.Tests/TestData/Lite")
