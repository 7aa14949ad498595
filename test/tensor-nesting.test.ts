// Nested arrays as tensors: their depth is bounded, so a deep or self-containing array gets a
// RangeError naming the argument and the limit instead of a stack overflow or a fatal V8 abort.
import { describe, expect, it } from 'vitest';
import { RNN, createBatcher, decodeNpy, encodeNpy } from '../lib/index';

const LIMIT = 64;

function nest(depth: number): unknown {
  let value: unknown = 0.5;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function selfContaining(): unknown[] {
  const array: unknown[] = [];
  array.push(array);
  return array;
}

const tooDeep = (name: string) => `${name}: nested arrays more than ${LIMIT} levels deep (a tensor given as nested arrays has at most ${LIMIT} dimensions; an array that contains itself never ends)`;

describe('nested-array depth', () => {
  it(`converts nested arrays ${LIMIT} levels deep`, () => {
    const decoded = decodeNpy(encodeNpy(nest(LIMIT) as never));
    expect(decoded.shape).toEqual(new Array(LIMIT).fill(1));
    expect(Array.from(decoded.data)).toEqual([0.5]);
  });

  it.each([
    [`${LIMIT + 1} levels`, () => nest(LIMIT + 1)],
    ['200,000 levels', () => nest(200_000)],
    ['an array that contains itself', selfContaining],
  ])('refuses %s with a RangeError naming the argument and the limit', (_what, make) => {
    const value = make();
    expect(() => encodeNpy(value as never)).toThrow(RangeError);
    expect(() => encodeNpy(value as never)).toThrow(tooDeep('encodeNpy tensor'));
  });

  it('refuses them in every call that takes a tensor: forward, forwardAsync, h0, the batcher', async () => {
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, seed: 1 });
    for (const value of [nest(200_000), selfContaining()]) {
      expect(() => rnn.forward(value as never)).toThrow(tooDeep('input'));
      await expect(rnn.forwardAsync(value as never)).rejects.toThrow(tooDeep('input'));
      expect(() => rnn.forward([[1]], { h0: value as never })).toThrow(tooDeep('h0'));
      const batcher = createBatcher(rnn);
      await expect(batcher.run(value as never)).rejects.toThrow(tooDeep('sequence'));
      await batcher.close();
    }
  });
});
