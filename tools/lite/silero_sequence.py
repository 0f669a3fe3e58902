#!/usr/bin/python3
"""Rebuilds Silero VAD v5 (16 kHz branch) as a graph that scores a whole signal in one ONNX Runtime call.

Silero's own graph scores one 32 ms window per call (input [1, 64 + 512], the recurrent state in and out), so a 7 s clip
takes 219 calls, about 70 ms on the 2-core VM, nearly all of it per-call overhead and control flow (the graph branches
on the sample rate and on the state's shape). Only the LSTM carries anything from one window to the next; the STFT and
the four convolutions see one window each. This graph takes every window at once, `windows` [N, 64 + 512] (each row: the
previous 64 samples, then the window), runs the front end on the batch and the LSTM over the N windows as one sequence,
and returns `probabilities` [N] and the final `stateN` [2, 1, 128]: the same arithmetic as N calls of the original.

The weights are the original file's, read with python3-onnx; the network is rebuilt in PyTorch and exported. The check
that the two agree is in ONNX Runtime itself, on both files: SileroVoiceActivityTests compares per-window
probabilities (within 1e-5). Here a PyTorch loop over the original's cell (LSTMCell, one window at a time, as the
original graph does) checks the export before it is written.

Usage, from the repository root: /usr/bin/python3 tools/lite/silero_sequence.py IN_silero_vad_v5.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn
from torch.nn import functional as F

CONTEXT, WINDOW = 64, 512


def weights_of_16k_branch(path):
    model = onnx.load(path)
    # The outer If branches on sr == 16000 (then) or 8000 (else).
    branch = next(a.g for a in model.graph.node[2].attribute if a.name == "then_branch")
    found = {}
    for node in branch.node:
        if node.op_type == "Constant" and "__" in node.output[0]:
            name = node.output[0].split("__Inline_0__")[-1]
            if not name.startswith("/"):
                found[name] = torch.from_numpy(numpy_helper.to_array(node.attribute[0].t).copy())
    return found


class SileroSequence(nn.Module):
    def __init__(self, w):
        super().__init__()
        for k, v in w.items():
            self.register_buffer(k.replace(".", "_"), v)
        self.lstm = nn.LSTM(128, 128)
        with torch.no_grad():
            self.lstm.weight_ih_l0.copy_(w["decoder.rnn.weight_ih"])
            self.lstm.weight_hh_l0.copy_(w["decoder.rnn.weight_hh"])
            self.lstm.bias_ih_l0.copy_(w["decoder.rnn.bias_ih"])
            self.lstm.bias_hh_l0.copy_(w["decoder.rnn.bias_hh"])

    def b(self, name):
        return getattr(self, name.replace(".", "_"))

    def features(self, windows):
        """The front end as matrix products over the whole batch, time-major ([N, frames, channels]): ONNX Runtime runs a
        Conv one batch item at a time, 219 tiny products for a 7 s clip, where one MatMul does them all."""
        x = F.pad(windows.unsqueeze(1), (0, CONTEXT), mode="reflect")[:, 0]  # [N, 640]
        basis = self.b("stft.forward_basis_buffer")  # [258, 1, 256], hop 128
        frames = torch.stack([x[:, i * 128:i * 128 + 256] for i in range((x.shape[1] - 256) // 128 + 1)], dim=1)  # [N, 4, 256]
        spectrum = frames @ basis[:, 0, :].t()  # [N, 4, 258]
        half = spectrum.shape[2] // 2
        x = torch.sqrt(spectrum[..., :half] ** 2 + spectrum[..., half:] ** 2)
        for i, stride in enumerate((1, 2, 2, 1)):
            x = F.relu(self.conv_as_matmul(x, self.b(f"encoder.{i}.reparam_conv.weight"), self.b(f"encoder.{i}.reparam_conv.bias"), stride))
        return x.flatten(1)  # [N, 128]: one frame is left

    @staticmethod
    def conv_as_matmul(x, weight, bias, stride):
        """Conv1d with kernel 3 and padding 1 on [N, L, Cin]: the three taps side by side, times the kernel as a matrix."""
        length = (x.shape[1] - 1) // stride + 1
        padded = F.pad(x, (0, 0, 1, 1))
        taps = torch.cat([padded[:, k:k + stride * (length - 1) + 1:stride] for k in range(3)], dim=2)  # [N, Lout, 3 Cin]
        return taps @ weight.permute(2, 1, 0).reshape(-1, weight.shape[0]) + bias

    def reference_features(self, windows):
        """The front end as Silero's graph computes it (Conv layers, channel-major), for the check."""
        x = F.pad(windows.unsqueeze(1), (0, CONTEXT), mode="reflect")
        spectrum = F.conv1d(x, self.b("stft.forward_basis_buffer"), stride=128)
        half = spectrum.shape[1] // 2
        x = torch.sqrt(spectrum[:, :half] ** 2 + spectrum[:, half:] ** 2)
        for i, stride in enumerate((1, 2, 2, 1)):
            x = F.relu(F.conv1d(x, self.b(f"encoder.{i}.reparam_conv.weight"), self.b(f"encoder.{i}.reparam_conv.bias"), stride=stride, padding=1))
        return x.flatten(1)

    def head(self, h):  # h [N, 128]
        logits = F.conv1d(F.relu(h).t().unsqueeze(0), self.b("decoder.decoder.2.weight"), self.b("decoder.decoder.2.bias"))
        return torch.sigmoid(logits).reshape(-1)

    def forward(self, windows, state):
        out, (h, c) = self.lstm(self.features(windows).unsqueeze(1), (state[0:1], state[1:2]))
        return self.head(out[:, 0]), torch.cat([h, c], dim=0)


def window_by_window(model, w, windows, state):
    cell = nn.LSTMCell(128, 128)
    with torch.no_grad():
        cell.weight_ih.copy_(w["decoder.rnn.weight_ih"])
        cell.weight_hh.copy_(w["decoder.rnn.weight_hh"])
        cell.bias_ih.copy_(w["decoder.rnn.bias_ih"])
        cell.bias_hh.copy_(w["decoder.rnn.bias_hh"])
    h, c = state[0], state[1]
    probabilities = []
    for row in windows:
        h, c = cell(model.reference_features(row.unsqueeze(0)), (h, c))
        probabilities.append(model.head(h))
    return torch.cat(probabilities), torch.stack([h, c])


def main(source, target):
    w = weights_of_16k_branch(source)
    model = SileroSequence(w).eval()
    rng = np.random.default_rng(5)
    t = np.arange(40 * WINDOW) / 16000
    signal = (0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 2 * t) > 0) + 0.01 * rng.standard_normal(t.size)).astype(np.float32)
    padded = np.concatenate([np.zeros(CONTEXT, np.float32), signal])
    windows = torch.from_numpy(np.stack([padded[i * WINDOW:i * WINDOW + CONTEXT + WINDOW] for i in range(40)]))
    state = torch.zeros(2, 1, 128)
    with torch.no_grad():
        p_seq, s_seq = model(windows, state)
        p_ref, s_ref = window_by_window(model, w, windows, state)
    diff = max((p_seq - p_ref).abs().max().item(), (s_seq - s_ref).abs().max().item())
    print(f"sequence vs window by window: max abs diff {diff:.2e}")
    # PyTorch's LSTM and LSTMCell kernels sum in different orders (and its threads vary that order from run to run).
    assert diff < 1e-4, diff
    torch.onnx.export(
        model, (windows, state), target, input_names=["windows", "state"], output_names=["probabilities", "stateN"],
        dynamic_axes={"windows": {0: "windows"}, "probabilities": {0: "windows"}}, opset_version=14, do_constant_folding=True)
    exported = onnx.load(target)
    onnx.checker.check_model(exported)
    print(f"wrote {target}: {[n.op_type for n in exported.graph.node]}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
