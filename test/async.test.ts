// forwardAsync: same results as forward, off the event loop, safe against transfers, abortable.
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { expectClose, expectExact, mulberry32, randomFloat32 } from './support/fixtures';
import { loadTorchFixture, rnnFromFixture } from './support/torch-fixture';

function largeCall(seed: number) {
  const rnn = new RNN({ inputSize: 64, hiddenSize: 256, numLayers: 2, seed });
  const x = { data: randomFloat32(mulberry32(seed), 200 * 8 * 64), shape: [200, 8, 64] };
  return { rnn, x };
}

describe('forwardAsync', () => {
  it('gives exactly the sync results on the fixtures', async () => {
    for (const name of ['bidirectional.json', 'variable_lengths_bidir_2layer.json', 'integer_relu_batch.json', 'medium.json']) {
      const f = loadTorchFixture(name);
      const rnn = rnnFromFixture(f);
      const sync = rnn.forward(f.input, { h0: f.h0, lengths: f.lengths });
      const async = await rnn.forwardAsync(f.input, { h0: f.h0, lengths: f.lengths });
      expect(async.output.shape).toEqual(sync.output.shape);
      expectExact(async.output.data, sync.output.data, `${name} output`);
      expectExact(async.hn.data, sync.hn.data, `${name} hn`);
      expectClose(async.output.data, f.output.data, `${name} vs PyTorch`);
    }
  });

  it('N concurrent calls on one model equal N sequential sync calls', async () => {
    const rnn = new RNN({ inputSize: 16, hiddenSize: 48, bidirectional: true, seed: 3 });
    const inputs = Array.from({ length: 12 }, (_, i) => ({ data: randomFloat32(mulberry32(i), 30 * 4 * 16), shape: [30, 4, 16] }));
    const sync = inputs.map((x) => rnn.forward(x));
    const results = await Promise.all(inputs.map((x) => rnn.forwardAsync(x)));
    results.forEach((r, i) => expectExact(r.output.data, sync[i].output.data, `call ${i}`));
  });

  it('is safe when the caller transfers the input buffer while the work runs', async () => {
    const { rnn, x } = largeCall(5);
    const expected = rnn.forward(x).output.data;
    const data = Float32Array.from(x.data);
    const pending = rnn.forwardAsync({ data, shape: x.shape });
    const moved = structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(data.length).toBe(0);
    new Float32Array(moved).fill(123);
    expectExact((await pending).output.data, expected, 'output');
  });

  it('keeps the weights it started with when loadStateDict runs meanwhile', async () => {
    const f = loadTorchFixture('wide_hidden.json');
    const rnn = rnnFromFixture(f);
    const pending = rnn.forwardAsync(f.input);
    rnn.loadStateDict(Object.fromEntries(Object.entries(f.weights).map(([k, t]) => [k, { data: new Float32Array(t.data.length), shape: t.shape }])));
    expectClose((await pending).output.data, f.output.data, 'output');
    expect(Math.max(...rnn.forward(f.input).output.data.map(Math.abs))).toBe(0);
  });

  it('rejects with an AbortError when aborted, before or during the call', async () => {
    const { rnn, x } = largeCall(6);
    const early = new AbortController();
    early.abort();
    await expect(rnn.forwardAsync(x, { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const late = new AbortController();
    const pending = rnn.forwardAsync(x, { signal: late.signal });
    late.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // The model is still usable afterwards.
    expect((await rnn.forwardAsync(x)).output.shape).toEqual([200, 8, 256]);
  });

  it('rejects bad arguments with the same errors as forward', async () => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 2 });
    await expect(rnn.forwardAsync({ data: new Float32Array(4), shape: [1, 4] })).rejects.toThrow('input: expected shape [T, B, 3] or unbatched [T, 3], got [1, 4]');
    await expect(rnn.forwardAsync([[1, 2, 3]], { outs: {} } as never)).rejects.toThrow("forwardAsync options: unknown option 'outs'");
    await expect(rnn.forwardAsync([[1, 2, 3]], { signal: 'stop' as never })).rejects.toThrow(TypeError);
  });

  it('writes into caller-owned outputs over a SharedArrayBuffer, the same bits as forward', async () => {
    const rnn = new RNN({ inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, seed: 3 });
    const x = { data: randomFloat32(mulberry32(4), 6 * 3 * 5), shape: [6, 3, 5] };
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    const out = { output: shared(6 * 3 * 14), hn: shared(4 * 3 * 7) };
    const got = await rnn.forwardAsync(x, { out, lengths: [6, 2, 4] });
    expect(got.output.data).toBe(out.output);
    expect(got.hn.data).toBe(out.hn);
    const want = rnn.forward(x, { lengths: [6, 2, 4] });
    expectExact(out.output, want.output.data, 'output');
    expectExact(out.hn, want.hn.data, 'hn');
  });

  it('rejects an aborted call with out buffers only once the kernel has stopped writing them', async () => {
    const rnn = new RNN({ inputSize: 16, hiddenSize: 256, seed: 2 });
    const steps = 4000;
    const x = { data: randomFloat32(mulberry32(9), steps * 16), shape: [steps, 16] };
    const out = { output: new Float32Array(new SharedArrayBuffer(steps * 256 * 4)), hn: new Float32Array(new SharedArrayBuffer(256 * 4)) };
    const controller = new AbortController();
    const pending = rnn.forwardAsync(x, { out, signal: controller.signal });
    setTimeout(() => controller.abort(), 2);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const atRejection = out.output.slice();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expectExact(out.output, atRejection, 'out.output after the rejection');
  });

  it('refuses outputs it could not safely write while JS runs', async () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const x = [[1, 2], [3, 4]];
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    await expect(rnn.forwardAsync(x, { out: { output: new Float32Array(6), hn: shared(3) } })).rejects.toThrow(
      'out.output: expected a Float32Array over a SharedArrayBuffer, got one over an ArrayBuffer');
    await expect(rnn.forwardAsync(x, { out: { output: shared(6) } as never })).rejects.toThrow(
      'out.hn: expected a Float32Array over a SharedArrayBuffer, got undefined');
    await expect(rnn.forwardAsync(x, { out: { output: shared(5), hn: shared(3) } })).rejects.toThrow(
      'out.output: expected a Float32Array of 6 elements, got 5');
    const both = shared(9);
    await expect(rnn.forwardAsync(x, { out: { output: both.subarray(0, 6), hn: both.subarray(4, 7) } })).rejects.toThrow(
      'out.output: overlaps out.hn');
  });

  it('leaves the event loop free: timers fire while large calls run', async () => {
    const calls = Array.from({ length: 8 }, (_, i) => largeCall(10 + i));
    let ticks = 0;
    let ticksWhenFirstDone = -1;
    const timer = setInterval(() => { ticks++; }, 0);
    const pending = calls.map(({ rnn, x }) => rnn.forwardAsync(x));
    pending[0].then(() => { ticksWhenFirstDone = ticks; });
    await Promise.all(pending);
    clearInterval(timer);
    expect(ticksWhenFirstDone).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(ticksWhenFirstDone);
  });
});
