// The published types show the public API alone: internals are stripped from the .d.ts files, and what
// a user holds is typed by its meaning (SimpleRNN's state when returnState is set, activations by name).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { RNN, SimpleRNN, type ResolvedActivation, type Tensor } from '../lib/index';

const DIST = path.resolve(__dirname, '..', 'dist');

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return declarations(file);
    return entry.name.endsWith('.d.ts') ? [readFileSync(file, 'utf8')] : [];
  });
}

describe('published types', () => {
  it('hold no internal members: the kernel entry, back doors and numeric kernel codes are stripped', () => {
    const all = declarations(DIST).join('\n');
    expect(all).not.toMatch(/\bkernelOf\b/);
    expect(all).not.toMatch(/\bKernelOverrides\b/);
    expect(all).not.toMatch(/\brunAsync\(/);
    expect(all).not.toMatch(/\bkind: number\b/);
  });

  it('give config.activations by name', () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, activations: [{ name: 'LeakyRelu', alpha: 0.2 }] });
    expectTypeOf(rnn.config.activations).toEqualTypeOf<ResolvedActivation[]>();
    expect(rnn.config.activations).toEqual([{ name: 'LeakyRelu', alpha: 0.2, beta: 0 }]);
  });

  it('type SimpleRNN.call()\'s state as present with returnState: true and absent with false', () => {
    const x = { data: new Float32Array(2 * 3 * 4), shape: [2, 3, 4] };
    const withState = new SimpleRNN({ units: 5, returnState: true, inputDim: 4, seed: 1 });
    const result = withState.call(x);
    expectTypeOf(result.state).toEqualTypeOf<Tensor>();
    expect(result.state.shape).toEqual([2, 5]);
    const without = new SimpleRNN({ units: 5, returnState: false, inputDim: 4, seed: 1 });
    expectTypeOf(without.call(x).state).toEqualTypeOf<undefined>();
    expect(without.call(x).state).toBeUndefined();
  });
});
