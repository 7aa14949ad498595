// Seeded byte mutations of every fixture file (bit flips, truncations, lying lengths and numbers):
// each load or run either works or throws an Error that names the file, never an engine error
// (a property of undefined, a DataView out of bounds, an allocation failure) and never a crash.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../lib/formats/npy';
import { loadModel } from '../../lib/model';
import { FIXTURES_DIR, mulberry32 } from '../support/fixtures';
import { mutateBytes } from '../support/fuzz-mutate';

const MODELS = path.join(FIXTURES_DIR, 'models');
const ENGINE_ERRORS = /Cannot (read|set) propert|is not a function|is not iterable|Invalid typed array length|Array buffer allocation failed|Invalid array length|is out of bounds|Offset is outside the bounds|Maximum call stack/;
const ITERATIONS = 400;

interface Outcome {
  worked: number;
  refused: number;
  problems: string[];
}

async function attempt(outcome: Outcome, label: string, call: () => unknown): Promise<unknown> {
  try {
    const result = await call();
    outcome.worked++;
    return result;
  } catch (error) {
    outcome.refused++;
    if (!(error instanceof Error) || error.message.trim() === '') outcome.problems.push(`${label}: threw ${String(error)}`);
    else if (ENGINE_ERRORS.test(error.message)) outcome.problems.push(`${label}: engine error ${error.message}`);
    return undefined;
  }
}

function feedsFor(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(path.join(MODELS, file.replace(/\.(onnx|safetensors)$/, '.json')), 'utf8'));
  return Object.fromEntries(Object.entries(json.inputs as Record<string, { data: number[]; shape: number[] }>)
    .map(([name, t]) => [name, { data: Float32Array.from(t.data), shape: t.shape }]));
}

describe('mutated fixture files', () => {
  for (const file of readdirSync(MODELS).filter((f) => /\.(onnx|safetensors|npy)$/.test(f))) {
    it(`${file}: ${ITERATIONS} mutations are loaded or refused cleanly`, async () => {
      const rng = mulberry32(file.length * 7919);
      const original = new Uint8Array(readFileSync(path.join(MODELS, file)));
      const outcome: Outcome = { worked: 0, refused: 0, problems: [] };
      for (let i = 0; i < ITERATIONS; i++) {
        const { bytes, applied } = mutateBytes(rng, original);
        const label = `${file} after ${applied.join(', ')}`;
        if (file.endsWith('.npy')) {
          const tensor = await attempt(outcome, label, () => decodeNpy(bytes)) as { data: Float32Array; shape: number[] } | undefined;
          if (tensor && tensor.data.length !== tensor.shape.reduce((a, b) => a * b, 1)) outcome.problems.push(`${label}: data and shape disagree`);
          continue;
        }
        const model = await attempt(outcome, label, () => loadModel(bytes, { format: file.endsWith('.onnx') ? 'onnx' : 'safetensors' })) as
          { run: (f: unknown) => Promise<unknown>; runSync: (f: unknown) => unknown } | undefined;
        if (model) {
          await attempt(outcome, `${label} run`, () => model.run(feedsFor(file)));
          await attempt(outcome, `${label} runSync`, () => model.runSync(feedsFor(file)));
        }
      }
      expect(outcome.problems).toEqual([]);
      expect(outcome.refused).toBeGreaterThan(ITERATIONS / 4);
      expect(outcome.worked + outcome.refused).toBeGreaterThanOrEqual(ITERATIONS);
    });
  }

  it('errors from loading name the file they are about', async () => {
    const bytes = mutateBytes(mulberry32(5), new Uint8Array(readFileSync(path.join(MODELS, 'torch_1layer_tanh.safetensors')))).bytes;
    const error = await loadModel(bytes.slice(0, 40), { format: 'safetensors' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.startsWith('<bytes>: ')).toBe(true);
  });
});
