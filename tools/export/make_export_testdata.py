#!/usr/bin/python3
"""Build the exporter's round-trip test data: tests/NeuroSync.Tests/TestData/Export/.

    /usr/bin/python3 tools/export/make_export_testdata.py

1. Makes the reduced synthetic checkpoint (make_synthetic_checkpoint.py, seed 1, the newer
   `parametrizations` key style and a `module.` prefix, so both renamings are exercised).
2. Exports it with export_checkpoint.py (which verifies each file against PyTorch) into the test
   data folder, with the int8 audio encoder.
3. Runs the original inference semantics (pre-processing of tools/models/make_tiny_models.py) with
   the PyTorch modules loaded from the checkpoint on a few clips of committed test assets and writes
   their probabilities to golden.json, which ExportedModelSetTests compares with the .NET SDK.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "models"))
import export_checkpoint  # noqa: E402
from make_synthetic_checkpoint import synthetic_state_dict  # noqa: E402
from make_tiny_models import CASES, case_audio, labels_of, preprocess_audio, preprocess_video  # noqa: E402

REPO = HERE.parents[1]
OUT = REPO / "tests" / "NeuroSync.Tests" / "TestData" / "Export"
SEED = 1
GOLDEN_CASES = ("speech_and_face", "silent_and_face", "speech_no_frames", "speech_frames_without_face", "two_faces")


def main() -> int:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = Path(tmp) / "synthetic.pth"
        torch.save(synthetic_state_dict(seed=SEED, key_style="parametrizations", module_prefix=True), str(checkpoint))
        nets = export_checkpoint.networks_from_state(export_checkpoint.read_state_dict(checkpoint))
    OUT.mkdir(parents=True, exist_ok=True)
    ok = export_checkpoint.export(
        nets, OUT, name="synthetic-export-test", quantize="int8",
        description="The reduced synthetic checkpoint (tools/export/make_synthetic_checkpoint.py, seed 1) exported by "
                    "tools/export/export_checkpoint.py, for the exporter's round-trip test. Predictions mean nothing.")
    if not ok:
        print("verification FAILED", file=sys.stderr)
        return 1

    cases = []
    for c in (c for c in CASES if c["case"] in GOLDEN_CASES):
        x_audio, rms, silent = preprocess_audio(case_audio(c))
        x_video, _ = preprocess_video(c["frames"])
        with torch.no_grad():
            logits = nets.fusion(nets.audio(torch.from_numpy(x_audio)), nets.visual(torch.from_numpy(x_video))[None])
            probs = torch.softmax(logits, dim=-1)[0].numpy()
        raw, label = labels_of(probs, silent)
        top2 = np.sort(probs)[-2:]
        print(f"  {c['case']}: {raw} -> {label}, margin {top2[1] - top2[0]:.4f}, {np.round(probs, 4).tolist()}")
        cases.append({"case": c["case"], "audio": c["audio"], "frames": c["frames"],
                      "probabilities": [float(v) for v in probs.astype(np.float32)],
                      "rawLabel": raw, "label": label, "silent": bool(silent)})
    golden = {"generator": "tools/export/make_export_testdata.py", "modelSet": "neurosync.json",
              "pathsRelativeTo": "tests/NeuroSync.Tests/TestData", "checkpointSeed": SEED, "cases": cases}
    (OUT / "golden.json").write_text(json.dumps(golden, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
