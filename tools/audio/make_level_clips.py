#!/usr/bin/python3
"""Writes speech and non-speech clips at real recording levels, to measure the voice gate.

Real recordings are quiet: acted speech recorded at a normal distance sits near RMS 0.002 to 0.012, far below the
original's RMS gate (0.015). This makes such clips from espeak-ng (several languages, sentences of 1-4 s, a little
silence before and after, a faint room-noise floor) and the clips that must not count as voice: digital silence,
near-silence, steady noise of several colours and levels, and mains hum.

Output: OUT/speech/*.wav, OUT/nonspeech/*.wav (16-bit PCM, 16 kHz mono) and OUT/clips.csv (file,kind,rms).
Usage: /usr/bin/python3 tools/audio/make_level_clips.py OUT [--levels 0.002,0.004,0.008] [--seed 1] [--only REGEX]
The committed test clips (tests/NeuroSync.Tests/TestData/Audio/Levels) are:
  make_level_clips.py tests/NeuroSync.Tests/TestData/Audio/Levels --levels 0.002 \
      --only '^(speech/(en_0|de_0|cmn_0)_|nonspeech/(white_rms0.0003|hum50_rms0.01|pink_rms0.05)\.)' 
Needs espeak-ng (apt-get install espeak-ng) and python3-numpy; nothing here comes from an emotion data set.
"""
import argparse
import csv
import os
import re
import subprocess
import tempfile
import wave

import numpy as np

RATE = 16_000
SENTENCES = {
    "en": ["I can't believe you did that again.", "Please put the box on the table.", "We will be home before dark."],
    "de": ["Ich habe das wirklich nicht erwartet.", "Das Wetter ist heute sehr schön."],
    "fr": ["Je ne sais pas ce que tu veux dire.", "Nous partirons demain matin."],
    "es": ["No puedo creer lo que has hecho.", "La casa está al final de la calle."],
    "it": ["Non ho mai visto niente del genere.", "Domani andiamo al mare."],
    "pt": ["Eu não acredito que isso aconteceu.", "O livro está em cima da mesa."],
    "ru": ["Я не знаю, что ты имеешь в виду.", "Мы придём домой вечером."],
    "hi": ["मुझे विश्वास नहीं हो रहा है।", "कल हम बाज़ार जाएंगे।"],
    "cmn": ["我不相信你又这样做了。", "请把书放在桌子上。"],
    "ja": ["本当に信じられません。", "明日は雨が降るでしょう。"],
    "ar": ["لا أصدق أنك فعلت ذلك مرة أخرى.", "الكتاب على الطاولة."],
    "sw": ["Sijui unamaanisha nini.", "Tutaenda sokoni kesho."],
}


def espeak(lang, text, speed, pitch):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.wav")
        subprocess.run(["espeak-ng", "-v", lang, "-s", str(speed), "-p", str(pitch), "-w", path, text], check=True, capture_output=True)
        with wave.open(path) as w:
            rate, data = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    x = data.astype(np.float64) / 32768.0
    # espeak-ng writes 22050 Hz; band-limited resampling through the FFT is plenty for a level test.
    n = int(round(len(x) * RATE / rate))
    spectrum = np.fft.rfft(x)
    return np.fft.irfft(spectrum[: n // 2 + 1], n) * (n / len(x))


def pink(rng, n):
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum))
    spectrum[1:] /= np.sqrt(f[1:])
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n)


def brown(rng, n):
    x = np.cumsum(rng.standard_normal(n))
    x -= np.convolve(x, np.ones(801) / 801, mode="same")  # no drift
    return x


def rms(x):
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def at_rms(x, target):
    return x * (target / rms(x))


def write(path, x):
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return rms(pcm / 32768.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--levels", default="0.002,0.004,0.008")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="keep only the clips whose path matches this regular expression")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    levels = [float(v) for v in args.levels.split(",")]

    def keep(path):
        return args.only is None or re.search(args.only, path) is not None

    os.makedirs(os.path.join(args.out, "speech"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "nonspeech"), exist_ok=True)
    rows = []
    for lang, sentences in SENTENCES.items():
        for i, text in enumerate(sentences):
            speech = espeak(lang, text, speed=int(rng.integers(130, 190)), pitch=int(rng.integers(25, 75)))
            for level in levels:
                lead, tail = int(rng.uniform(0.2, 0.8) * RATE), int(rng.uniform(0.2, 0.8) * RATE)
                clip = np.concatenate([np.zeros(lead), at_rms(speech, level), np.zeros(tail)])
                clip += at_rms(pink(rng, len(clip)), level / 30)  # room noise about 30 dB under the voice
                name = f"speech/{lang}_{i}_rms{level:g}.wav"
                if keep(name):
                    rows.append((name, "speech", write(os.path.join(args.out, name), clip)))
    n = 3 * RATE
    non_speech = {"digital_silence": np.zeros(n), "dither_1lsb": rng.integers(-1, 2, n) / 32768.0}
    for level in [1e-4, 3e-4, 0.002, 0.01, 0.05]:
        non_speech[f"white_rms{level:g}"] = at_rms(rng.standard_normal(n), level)
        non_speech[f"pink_rms{level:g}"] = at_rms(pink(rng, n), level)
        non_speech[f"brown_rms{level:g}"] = at_rms(brown(rng, n), level)
        t = np.arange(n) / RATE
        hum = sum(np.sin(2 * np.pi * 50 * k * t + rng.uniform(0, 6.3)) / k for k in (1, 2, 3, 5))
        non_speech[f"hum50_rms{level:g}"] = at_rms(hum, level)
    for name, x in non_speech.items():
        path = f"nonspeech/{name}.wav"
        if keep(path):
            rows.append((path, "nonspeech", write(os.path.join(args.out, path), x)))
    with open(os.path.join(args.out, "clips.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "kind", "rms"])
        writer.writerows(rows)
    print(f"{len(rows)} clips in {args.out}")


if __name__ == "__main__":
    main()
