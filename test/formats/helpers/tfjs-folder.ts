// Copies of the tfjs_rnn_dense model folder to break: an edited model.json, shards split, replaced
// by links, devices and FIFOs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR } from '../../support/fixtures';

export const TFJS_FIXTURE = path.join(FIXTURES_DIR, 'models', 'tfjs_rnn_dense');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const tfjsJson = (): any => JSON.parse(readFileSync(path.join(TFJS_FIXTURE, 'model.json'), 'utf8'));
export const tfjsWeights = (): Uint8Array => new Uint8Array(readFileSync(path.join(TFJS_FIXTURE, 'weights.bin')));

/**
 * Writes model.json (edited) into `dir` and the fixture's weights split into `shards` files named
 * shard-0.bin, shard-1.bin, ... (one shard keeps the name weights.bin). Returns the shard names.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function writeTfjsFolder(dir: string, edit: (json: any) => void = () => {}, shards = 1): string[] {
  mkdirSync(dir, { recursive: true });
  const weights = tfjsWeights();
  const names = shards === 1 ? ['weights.bin'] : Array.from({ length: shards }, (_, i) => `shard-${i}.bin`);
  const size = Math.ceil(weights.length / shards);
  names.forEach((name, i) => writeFileSync(path.join(dir, name), weights.subarray(i * size, (i + 1) * size)));
  const json = tfjsJson();
  json.weightsManifest[0].paths = names;
  edit(json);
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return names;
}

/**
 * A model whose only layer is a Dense with a uint8-quantized [1, size] kernel read from `shard`: fed
 * a 1, it outputs that file's bytes, so a shard read from outside the folder would leak the file.
 */
export function writeLeakingFolder(dir: string, shard: string, size: number): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'leak',
        layers: [{ class_name: 'Dense', config: { name: 'dense', units: size, use_bias: false, activation: 'linear', batch_input_shape: [null, 1, 1] } }],
      },
    },
    weightsManifest: [{ paths: [shard], weights: [{ name: 'dense/kernel', shape: [1, size], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }] }],
  };
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
}
