// The dynamic batcher: merged calls give each caller exactly its unbatched forward.
import { describe, expect, it } from 'vitest';
import { createBatcher, RNN } from '../lib/index';
import { expectExact, mulberry32, randomFloat32 } from './support/fixtures';

function requests(rnn: RNN, seed: number, count: number) {
  const rng = mulberry32(seed);
  const d = rnn.config.inputSize;
  const rows = rnn.config.numLayers * rnn.numDirections;
  return Array.from({ length: count }, (_, i) => {
    const t = 1 + Math.floor(rng() * 40);
    const h0 = i % 3 === 0 ? null : { data: randomFloat32(rng, rows * rnn.config.hiddenSize), shape: [rows, rnn.config.hiddenSize] };
    return { x: { data: randomFloat32(rng, t * d), shape: [t, d] }, h0 };
  });
}

describe('createBatcher', () => {
  for (const options of [{ bidirectional: true, numLayers: 2 }, { batchFirst: true }, { direction: 'reverse' as const, numLayers: 3 }]) {
    it(`gives exactly the unbatched results for mixed lengths and h0 (${JSON.stringify(options)})`, async () => {
      const rnn = new RNN({ inputSize: 12, hiddenSize: 40, seed: 5, ...options });
      const batcher = createBatcher(rnn, { maxBatchSize: 8, maxDelayMs: 5 });
      const reqs = requests(rnn, 11, 30);
      const results = await Promise.all(reqs.map((r) => batcher.run(r.x, { h0: r.h0 })));
      reqs.forEach((r, i) => {
        const direct = rnn.forward(r.x, { h0: r.h0 });
        expect(results[i].output.shape).toEqual(direct.output.shape);
        expectExact(results[i].output.data, direct.output.data, `request ${i} output`);
        expectExact(results[i].hn.data, direct.hn.data, `request ${i} hn`);
      });
      await batcher.close();
    });
  }

  it('close drains what is queued, then refuses new work', async () => {
    const rnn = new RNN({ inputSize: 4, hiddenSize: 8, seed: 1 });
    const batcher = createBatcher(rnn, { maxBatchSize: 64, maxDelayMs: 1000 });
    const pending = requests(rnn, 2, 5).map((r) => batcher.run(r.x));
    expect(batcher.pending).toBe(5);
    await batcher.close();
    expect(batcher.pending).toBe(0);
    expect((await Promise.all(pending)).length).toBe(5);
    await expect(batcher.run([[1, 2, 3, 4]])).rejects.toThrow('batcher.run: the batcher is closed');
  });

  it('rejects just the bad request, and aborted ones with an AbortError', async () => {
    const rnn = new RNN({ inputSize: 4, hiddenSize: 8, seed: 1 });
    const batcher = createBatcher(rnn, { maxDelayMs: 5 });
    const good = batcher.run([[1, 2, 3, 4], [4, 3, 2, 1]]);
    const wrongWidth = batcher.run([[1, 2, 3]]);
    const wrongH0 = batcher.run([[1, 2, 3, 4]], { h0: [[1, 2]] });
    const controller = new AbortController();
    const aborted = batcher.run([[1, 2, 3, 4]], { signal: controller.signal });
    controller.abort();
    await expect(wrongWidth).rejects.toThrow('sequence: expected shape [T >= 1, 4], got [1, 3]');
    await expect(wrongH0).rejects.toThrow('h0: expected shape [1, 8], got [1, 2]');
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expectExact((await good).output.data, rnn.forward([[1, 2, 3, 4], [4, 3, 2, 1]]).output.data, 'good request');
    await batcher.close();
  });

  it('keeps a request\'s input when an option getter of it runs the batcher itself', async () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const batcher = createBatcher(rnn, { maxBatchSize: 2, maxDelayMs: 1 });
    const others: Array<Promise<unknown>> = [];
    // Two requests from inside the getter fill a batch and flush it while the outer one is checked.
    const options = { get h0() { others.push(batcher.run([[9, 9]]), batcher.run([[8, 8], [7, 7]])); return null; } };
    const outer = batcher.run([[1, 2], [3, 4], [5, 6]], options);
    const after = batcher.run([[0.5, 0.5]]);
    expectExact((await outer).output.data, rnn.forward([[1, 2], [3, 4], [5, 6]]).output.data, 'outer request');
    expectExact((await after).output.data, rnn.forward([[0.5, 0.5]]).output.data, 'request after it');
    await Promise.all(others);
    await batcher.close();
  });

  it('copies a request as it checks it: a getter that shrinks the sequence afterwards changes nothing', async () => {
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const rab = new Resizable(16, { maxByteLength: 16 });
    const data = new Float32Array(rab); // length-tracking: it shrinks with the buffer
    data.set([1, 2, 3, 4]);
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const batcher = createBatcher(rnn, { maxDelayMs: 1 });
    // h0 is read after the sequence is checked. The copy used to be taken after h0, from the emptied
    // buffer, and the request ran on zeros.
    const options = { get h0() { rab.resize(0); return null; } };
    const result = await batcher.run({ data, shape: [2, 2] }, options);
    expectExact(result.output.data, rnn.forward([[1, 2], [3, 4]]).output.data, 'output');
    await batcher.close();
  });
});
