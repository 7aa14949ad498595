// The README's table of supported operators and layers is the one generated from the registries
// (scripts/supported-table.js over dist/), so it cannot drift from what the loaders accept.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../lib/formats/onnx/ops/registry';

const root = path.resolve(__dirname, '..');
const generator = createRequire(__filename)(path.join(root, 'scripts', 'supported-table.js')) as {
  table: () => Promise<string>; replaced: (readme: string, table: string) => string; START: string; END: string;
};

describe('README: supported operators and layers', () => {
  it('the table in README.md is the generated one', async () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(generator.replaced(readme, await generator.table())).toBe(readme);
  });

  it('the generated table names every ONNX operator the interpreter runs, and the Keras layers the TF.js reader takes', async () => {
    const table = await generator.table();
    for (const op of OPERATORS.keys()) expect(table).toContain(`\`${op}\``);
    expect(table).toContain(`ONNX operators (${OPERATORS.size})`);
    for (const layer of ['InputLayer', 'SimpleRNN', 'Dense']) expect(table).toContain(`\`${layer}\``);
  });

  it('a table edited by hand is found out', async () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const edited = readme.replace('`Transpose`, ', '');
    expect(edited).not.toBe(readme);
    expect(generator.replaced(edited, await generator.table())).toBe(readme);
  });
});
