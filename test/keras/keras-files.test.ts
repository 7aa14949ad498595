// The trained third-party Keras files (../shared/fixtures/keras-files: a Keras 2.6 .h5 and a Keras 3.7
// .keras from public repositories) through loadModel and through `vanilla-rnn run`, each output
// within the fixtures' tolerance of its case.json's expected .npy. They are read where they are,
// never copied into the repository; without the folder these tests are skipped with a message.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readNpy } from '../../lib/formats/npy';
import { loadModel } from '../../lib/model';
import { expectClose, KERAS_FILES_DIR } from '../support/fixtures';

vi.setConfig({ testTimeout: 60_000 });
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-keras-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Case {
  name: string;
  model: string;
  inputs: Array<{ name: string; file: string; shape: number[] }>;
  outputs: Array<{ name: string; file: string; shape: number[] }>;
  source: { keras_version: string; container: string };
}

const cases: Array<{ dir: string; spec: Case }> = KERAS_FILES_DIR === null ? [] : readdirSync(KERAS_FILES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ dir: path.join(KERAS_FILES_DIR!, d.name), spec: JSON.parse(readFileSync(path.join(KERAS_FILES_DIR!, d.name, 'case.json'), 'utf8')) as Case }));

if (KERAS_FILES_DIR === null) {
  console.warn('keras-files: ../shared/fixtures/keras-files is absent (or VANILLA_RNN_KERAS_FILES unset); the third-party Keras file tests are skipped');
}

describe.skipIf(KERAS_FILES_DIR === null)('third-party Keras files', () => {
  it('are the two cases: a Keras 2 .h5 and a Keras 3 .keras', () => {
    expect(cases.map((c) => c.spec.source.container).sort()).toEqual(['h5', 'keras-zip']);
  });

  for (const { dir, spec } of cases) {
    it(`${spec.name} (${spec.model}, Keras ${spec.source.keras_version}) through loadModel`, async () => {
      const model = await loadModel(path.join(dir, spec.model));
      expect(model.inputNames).toEqual(spec.inputs.map((i) => i.name));
      expect(model.outputNames).toEqual(spec.outputs.map((o) => o.name));
      expect(model.config).toMatchObject({ kerasVersion: spec.source.keras_version });
      const feeds = Object.fromEntries(spec.inputs.map((i) => [i.name, readNpy(path.join(dir, i.file))]));
      const out = await model.run(feeds);
      for (const o of spec.outputs) {
        expect(out[o.name].shape).toEqual(o.shape);
        expectClose(out[o.name].data, readNpy(path.join(dir, o.file)).data, `${spec.name} ${o.name}`);
      }
    });

    it(`${spec.name} through vanilla-rnn run`, async () => {
      const outDir = path.join(scratch, spec.name);
      const inputs = spec.inputs.flatMap((i) => ['--input', `${i.name}=${path.join(dir, i.file)}`]);
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'run', path.join(dir, spec.model), ...inputs, '--out-dir', outDir], { encoding: 'utf8' });
      expect(stdout).toContain(`wrote ${path.join(outDir, `${spec.outputs[0].name}.npy`)}`);
      for (const o of spec.outputs) expectClose(readNpy(path.join(outDir, `${o.name}.npy`)).data, readNpy(path.join(dir, o.file)).data, `${spec.name} ${o.name} (CLI)`);
    });
  }
});
