// `vanilla-rnn run` and `info` on the Keras fixture models: every .keras file and two .h5 files (each
// CLI process loads the addon and compiles h5wasm), the outputs written as <output name>.npy within
// the fixtures' tolerance.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeNpy, readNpy } from '../../lib/formats/npy';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';

vi.setConfig({ testTimeout: 60_000 });
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const DIR = path.join(FIXTURES_DIR, 'keras-models');
const MODELS = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(DIR, d.name, 'expected.json'))).map((d) => d.name).sort();
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-keras-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const run = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('vanilla-rnn on Keras files', () => {
  const H5_CASES = ['masked_bidirectional_sequence', 'two_inputs_merged'];
  for (const name of MODELS) {
    const files = [['model.keras', 'keras3'], ...(H5_CASES.includes(name) ? [['model.h5', 'keras2']] : [])] as Array<[string, 'keras3' | 'keras2']>;
    for (const [file, dialect] of files) {
      it(`run ${name}/${file}`, async () => {
        const expected = loadJson(`keras-models/${name}/expected.json`);
        const work = path.join(scratch, `${name}-${file}`);
        mkdirSync(work);
        const inputs = Object.entries(expected.inputs).flatMap(([input, tensor]) => {
          const npy = path.join(work, `${input}.npy`);
          writeFileSync(npy, encodeNpy(tensorOf(tensor as never)));
          return ['--input', `${input}=${npy}`];
        });
        const outDir = path.join(work, 'out');
        await run(['run', path.join(DIR, name, file), ...inputs, '--out-dir', outDir, '--batch-size', '2']);
        for (const [output, tensor] of Object.entries(expected.outputs[dialect])) {
          const got = readNpy(path.join(outDir, `${output}.npy`));
          expect(got.shape).toEqual((tensor as { shape: number[] }).shape);
          expectClose(got.data, tensorOf(tensor as never).data, `${name}/${file} ${output}`);
        }
      });
    }
  }

  it('info describes a .keras and an .h5 file', async () => {
    const keras = (await run(['info', path.join(DIR, 'embedding_mask_rnn', 'model.keras')])).stdout;
    expect(keras).toMatch(/^format: keras$/m);
    expect(keras).toMatch(/^input tokens: \[batch, 8\] \(batch axis 0\)$/m);
    expect(keras).toMatch(/^output probabilities: \[batch, 3\] \(batch axis 0\)$/m);
    const h5 = (await run(['info', path.join(DIR, 'two_inputs_merged', 'model.h5')])).stdout;
    expect(h5).toMatch(/^format: keras-h5$/m);
    expect(h5).toMatch(/^output rnn:1: \[batch, 4\] \(batch axis 0\)$/m);
  });
});
