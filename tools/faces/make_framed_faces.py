#!/usr/bin/python3
"""Places labelled face crops inside larger camera-like frames, to measure detection + crop as a camera would see it.

Face-expression test sets are face crops; cameras are not. For each row of a `file,label` CSV this writes one frame
(default 640x480) with the crop scaled to a face width of 120-220 px at a random position on a random background
(smooth gradient, smooth noise, or a flat colour with sensor noise), and a labels.csv beside the frames that
`neurosync evaluate --kind faces` reads. Seeded: the same input gives the same frames.

The frames are derived from the input images: write them outside the repository (never commit them) and delete them
when done, under the input data set's own terms.

Usage: /usr/bin/python3 tools/faces/make_framed_faces.py LABELS.csv OUT_DIR [--size 640x480] [--face 120-220] [--seed 2024]
Needs python3-numpy and python3-opencv.
"""
import argparse
import csv
import os

import cv2
import numpy as np


def background(rng, width, height):
    kind = rng.integers(3)
    if kind == 0:
        a, b = rng.uniform(30, 225, 3), rng.uniform(30, 225, 3)
        t = np.linspace(0, 1, width if rng.random() < 0.5 else height)
        ramp = a[None, :] * (1 - t[:, None]) + b[None, :] * t[:, None]
        image = np.broadcast_to(ramp[None, :, :], (height, width, 3)) if len(t) == width else np.broadcast_to(ramp[:, None, :], (height, width, 3))
    elif kind == 1:
        small = rng.uniform(20, 235, (6, 8, 3)).astype(np.float32)
        image = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    else:
        image = np.full((height, width, 3), rng.uniform(20, 235, 3))
    return np.clip(image + rng.normal(0, 4, (height, width, 3)), 0, 255).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("labels")
    parser.add_argument("out")
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--face", default="120-220")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    low, high = (int(v) for v in args.face.split("-"))
    rng = np.random.default_rng(args.seed)
    base = os.path.dirname(os.path.abspath(args.labels))
    os.makedirs(os.path.join(args.out, "frames"), exist_ok=True)
    rows = []
    with open(args.labels, newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            face = cv2.imread(os.path.join(base, row["file"]), cv2.IMREAD_COLOR)
            if face is None:
                raise SystemExit(f"{row['file']}: expected an image, found none")
            side = int(rng.integers(low, high + 1))
            face = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)
            frame = background(rng, width, height)
            x, y = int(rng.integers(0, width - side + 1)), int(rng.integers(0, height - side + 1))
            frame[y:y + side, x:x + side] = face
            name = f"frames/{i:05d}.png"
            cv2.imwrite(os.path.join(args.out, name), frame)
            rows.append((name, row["label"]))
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "label"])
        writer.writerows(rows)
    print(f"{len(rows)} frames in {args.out}")


if __name__ == "__main__":
    main()
