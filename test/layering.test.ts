// lib/ reads top-down: the command line over the public API, the API over batch jobs, models, formats
// and layers, those over the RNN, the RNN over the addon's one module, and every layer over the small
// shared modules at the bottom. An import that points up a layer is a defect this test names.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '..', 'lib');

// Highest first; a file belongs to the first layer one of whose prefixes its path (relative to lib/) starts with.
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['cli/'],
  ['index.ts'],
  ['batch-queue/', 'batch-run/'],
  ['model.ts', 'formats/', 'batching/', 'keras/'],
  ['rnn/'],
  ['activations.ts'],
  ['native/'],
  [''], // the shared modules: errors, limits, options, tensor, typed arrays, ...
];

function layerOf(file: string): number {
  return LAYERS.findIndex((prefixes) => prefixes.some((prefix) => file.startsWith(prefix)));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((specifier) => {
    const target = path.resolve(path.dirname(file), specifier);
    const candidates = [`${target}.ts`, path.join(target, 'index.ts'), target];
    const found = candidates.find((candidate) => { try { readFileSync(candidate); return true; } catch { return false; } });
    return path.relative(LIB, found ?? `${target}.ts`).split(path.sep).join('/');
  });
}

describe('lib/ layering', () => {
  it('no import points up a layer', () => {
    const upward: string[] = [];
    for (const file of sources(LIB)) {
      const from = path.relative(LIB, file).split(path.sep).join('/');
      for (const to of relativeImports(file)) {
        if (layerOf(to) < layerOf(from)) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('an upward import is found out', () => {
    expect(layerOf('native/binding.ts')).toBeGreaterThan(layerOf('rnn/rnn.ts'));
    expect(layerOf('tensor.ts')).toBeGreaterThan(layerOf('native/ops.ts'));
    expect(relativeImports(path.join(LIB, 'rnn', 'stream.ts'))).toContain('rnn/config.ts');
  });
});
