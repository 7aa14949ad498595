// The HDF5 reader's worker thread: loads in parallel each get their own model, a file HDF5 loops on
// is refused at the time limit, and the files after it are read by a new worker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';

const DIR = path.join(FIXTURES_DIR, 'keras-models');

async function check(name: string, file: 'model.keras' | 'model.h5'): Promise<void> {
  const expected = loadJson(`keras-models/${name}/expected.json`);
  const model = await loadModel(path.join(DIR, name, file));
  const feeds = Object.fromEntries(Object.entries(expected.inputs).map(([k, v]) => [k, tensorOf(v as never)]));
  const out = model.runSync(feeds);
  const want = expected.outputs[file === 'model.h5' ? 'keras2' : 'keras3'];
  for (const [output, tensor] of Object.entries(want)) expectClose(out[output].data, tensorOf(tensor as never).data, `${name}/${file} ${output}`);
}

describe('the HDF5 reader', () => {
  it('serves loads made at once, each with its own weights', async () => {
    const names = ['embedding_mask_rnn', 'two_inputs_merged', 'normalization_reshape', 'masked_bidirectional_sequence'];
    await Promise.all(names.flatMap((name) => [check(name, 'model.h5'), check(name, 'model.keras')]));
  });

  it('refuses a file HDF5 loops on at its time limit, and reads the next file', async () => {
    const looping = new Uint8Array(readFileSync(path.join(DIR, 'hostile', 'hdf5-loops.h5')));
    const [refused] = await Promise.allSettled([loadModel(looping, { format: 'keras-h5' }), check('embedding_mask_rnn', 'model.h5')]);
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason.message).toMatch(/^<bytes>: HDF5 did not finish reading the file within 5000 ms \(it loops on some damaged files\); the file is refused$/);
    await check('hard_sigmoid_activation', 'model.h5');
  }, 60_000);
});
