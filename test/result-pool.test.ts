// Small forward results come from a shared, untransferable slab (as Node's small Buffers do): each
// is still the caller's own, zero-based in its view, never overwritten by a later call, and never
// detached by another result's postMessage.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { MAX_POOLED_FLOATS, newResultArray } from '../lib/result-pool';

function tinyRnn(): RNN {
  return new RNN({ inputSize: 3, hiddenSize: 4, seed: 11 });
}

describe('small results from the slab', () => {
  it('later calls leave earlier results as they were, and each equals a call into buffers of its own', () => {
    const rnn = tinyRnn();
    const inputs = [0.5, -1, 2].map((v) => ({ data: new Float32Array([v, v / 2, -v]), shape: [1, 1, 3] }));
    const results = inputs.map((x) => rnn.forward(x));
    const copies = results.map((r) => [r.output.data.slice(), r.hn.data.slice()]);
    for (let i = 0; i < 100; i++) rnn.forward(inputs[i % 3]);
    results.forEach((r, i) => {
      expect(r.output.data).toEqual(copies[i][0]);
      expect(r.hn.data).toEqual(copies[i][1]);
      const out = { output: new Float32Array(4), hn: new Float32Array(4) };
      rnn.forward(inputs[i], { out });
      expect(r.output.data).toEqual(out.output);
      expect(r.hn.data).toEqual(out.hn);
      expect(r.output.data.some((v) => v !== 0)).toBe(true);
    });
    expect(results[0].output.data.buffer).toBe(results[1].output.data.buffer); // they share the slab
  });

  it('a result\'s buffer in a transfer list is not detached, nor are the other results on its slab', () => {
    const rnn = tinyRnn();
    const x = { data: new Float32Array([1, 2, 3]), shape: [1, 1, 3] };
    const [a, b] = [rnn.forward(x), rnn.forward(x)];
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(a.output.data, [a.output.data.buffer as ArrayBuffer]);
    } catch (error) {
      expect(String(error)).toMatch(/transfer|clone/i); // newer Node refuses an untransferable object
    } finally {
      port1.close();
      port2.close();
    }
    expect(a.output.data.byteLength).toBe(16);
    expect(b.output.data).toEqual(a.output.data);
  });

  it('results past the pooled size have buffers of their own; pooled views start 16-byte aligned', () => {
    const big = newResultArray(MAX_POOLED_FLOATS + 1);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe((MAX_POOLED_FLOATS + 1) * 4);
    const views = [3, 5, 1, MAX_POOLED_FLOATS].map((n) => newResultArray(n));
    for (const view of views) {
      expect(view.byteOffset % 16).toBe(0);
      expect(Array.from(view).every((v) => v === 0)).toBe(true);
    }
    const rnn = new RNN({ inputSize: 4, hiddenSize: 64, seed: 1 });
    const { output } = rnn.forward({ data: new Float32Array(5 * 4), shape: [5, 1, 4] });
    expect(output.data.buffer.byteLength).toBe(5 * 64 * 4);
  });
});
