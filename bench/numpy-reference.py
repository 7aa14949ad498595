#!/usr/bin/env python3
# A float64 NumPy reference for sampled sequences of a streamed run's output, for files too large to
# load: a one-layer, one-direction tanh nn.RNN from its state_dict (safetensors), the input and the
# output memory-mapped, about 200 sequences checked against |got - want| <= 1e-5 + 1e-4 |want|.
#   python3 bench/numpy-reference.py rnn.safetensors x.npy out/y.npy AXIS
# AXIS is the batch axis of x and y: 1 for time-major [T, B, D], 0 for batch-first [B, T, D].
import json
import struct
import sys

import numpy as np


def state_dict(path):
    raw = open(path, 'rb').read()
    length = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    return {name: np.frombuffer(data[t['data_offsets'][0]:t['data_offsets'][1]], dtype='<f4').reshape(t['shape'])
            for name, t in header.items() if name != '__metadata__'}


def reference(w, sequence):
    h = np.zeros(w['weight_hh_l0'].shape[0])
    steps = []
    for x_t in sequence:
        h = np.tanh(w['weight_ih_l0'] @ x_t + w['bias_ih_l0'] + w['weight_hh_l0'] @ h + w['bias_hh_l0'])
        steps.append(h)
    return np.array(steps)


def main(model, x_path, y_path, axis):
    w = state_dict(model)
    x = np.load(x_path, mmap_mode='r')
    y = np.load(y_path, mmap_mode='r')
    take = (lambda a, b: a[:, b, :]) if axis == 1 else (lambda a, b: a[b])
    count = x.shape[axis]
    picked = [0, 1, count // 2, count - 1, 65535, 65536] + list(np.random.default_rng(0).integers(0, count, 200))
    samples = sorted({int(b) for b in picked if 0 <= b < count})
    worst_error, worst_excess = 0.0, -np.inf
    for b in samples:
        want = reference(w, np.asarray(take(x, b), dtype=np.float64))
        got = np.asarray(take(y, b), dtype=np.float64)
        worst_error = max(worst_error, float(np.max(np.abs(got - want))))
        worst_excess = max(worst_excess, float(np.max(np.abs(got - want) - (1e-5 + 1e-4 * np.abs(want)))))
    verdict = 'OK' if worst_excess <= 0 else 'MISMATCH'
    print(f'{len(samples)} sampled sequences of {count}: max |got - want| = {worst_error:.3g}, '
          f'worst excess over 1e-5 + 1e-4 |want| = {worst_excess:.3g}: {verdict}')
    return 0 if verdict == 'OK' else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
