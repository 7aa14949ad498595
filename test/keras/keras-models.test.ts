// The Keras-style fixture models (test/fixtures/keras-models, made by make-fixtures.mjs with
// TensorFlow.js), each as a TF.js model.json, a Keras 3 .keras and a Keras 2 .h5, through loadModel:
// every output within the fixtures' tolerance of what that Keras computes.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';

const DIR = path.join(FIXTURES_DIR, 'keras-models');
const MODELS = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(DIR, d.name, 'expected.json'))).map((d) => d.name).sort();
const FILES = [
  { file: 'model.json', dialect: 'tfjs', format: 'tfjs' },
  { file: 'model.keras', dialect: 'keras3', format: 'keras' },
  { file: 'model.h5', dialect: 'keras2', format: 'keras-h5' },
] as const;

describe('Keras fixture models', () => {
  it('cover the layers: at least six models', () => {
    expect(MODELS.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of MODELS) {
    for (const { file, dialect, format } of FILES) {
      it(`${name}/${file} matches ${dialect}`, async () => {
        const expected = loadJson(`keras-models/${name}/expected.json`);
        const model = await loadModel(path.join(DIR, name, file));
        expect(model.format).toBe(format);
        expect(model.config).toMatchObject({ keras: dialect });
        expect(model.inputNames).toEqual(Object.keys(expected.inputs));
        const want = expected.outputs[dialect];
        expect(model.outputNames).toEqual(Object.keys(want));
        const feeds = Object.fromEntries(Object.entries(expected.inputs).map(([k, v]) => [k, tensorOf(v as never)]));
        for (const out of [model.runSync(feeds), await model.run(feeds)]) {
          for (const [output, tensor] of Object.entries(want)) {
            expect(out[output].shape, output).toEqual((tensor as { shape: number[] }).shape);
            expectClose(out[output].data, tensorOf(tensor as never).data, `${name}/${file} ${output}`);
          }
        }
      });
    }
  }
});
