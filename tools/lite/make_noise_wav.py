#!/usr/bin/python3
"""Writes a steady background-noise clip with no speech: 3 s at 16 kHz, 16-bit PCM, RMS 0.05 (over three times the
original's 0.015 silence gate, so an RMS gate alone takes it for a voice). Brown-ish rumble plus a little hiss, like a
fan or traffic; seeded, so every run writes the same bytes.

Usage: /usr/bin/python3 tools/lite/make_noise_wav.py OUT.wav [OUT2.wav ...]   (python3-numpy)
"""
import sys
import wave

import numpy as np

RATE, SECONDS, RMS = 16_000, 3.0, 0.05


def main(paths):
    rng = np.random.default_rng(2026)
    n = int(RATE * SECONDS)
    rumble = np.cumsum(rng.standard_normal(n))
    rumble -= np.convolve(rumble, np.ones(801) / 801, mode="same")  # remove the random walk's drift
    x = rumble / rumble.std() + 0.3 * rng.standard_normal(n)
    x *= RMS / np.sqrt(np.mean(x ** 2))
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    for path in paths:
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(pcm.tobytes())
        print(f"{path}: {n} samples, RMS {np.sqrt(np.mean((pcm / 32768.0) ** 2)):.4f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
