// Headers nested deeper than the limit (a .npy header dict, a safetensors header, a TF.js
// model.json) are refused with an error naming the file and the limit, not a stack overflow; a
// header nested exactly to the limit is parsed, and brackets inside strings do not count.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../lib/formats/nesting';
import { readNpy } from '../../lib/formats/npy';
import { readSafetensors } from '../../lib/formats/safetensors';
import { loadModel } from '../../lib/model';
import { expectClose, loadJson, tensorOf } from '../support/fixtures';
import { fixtureBytes, npyBytes, safetensorsBytes, splitSafetensors } from './helpers/files';
import { writeTfjsFolder } from './helpers/tfjs-folder';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-nesting-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nestedTooDeep = (file: string, what: string) =>
  new RegExp(`^${escape(file)}: ${what} nests brackets deeper than the limit of ${MAX_NESTING} levels \\(at offset \\d+\\)$`);
const write = (name: string, bytes: Uint8Array | string): string => {
  const file = path.join(scratch, name);
  writeFileSync(file, bytes);
  return file;
};
/** JSON arrays nested `depth` deep around 0. */
const arrays = (depth: number): string => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

describe('.npy headers', () => {
  it('a shape of 200,000 nested tuples is refused naming the file and the limit', () => {
    const file = write('deep.npy', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(200_000)}, }`, new Uint8Array(0), 2));
    expect(() => readNpy(file)).toThrow(nestedTooDeep(file, 'the .npy header'));
  });

  it('the dict and its tuples nested exactly to the limit are parsed (the shape is then refused as such)', () => {
    const tuples = (depth: number) => `${'('.repeat(depth)}1${',)'.repeat(depth)}`;
    const at = write('at-limit.npy', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': ${tuples(MAX_NESTING - 1)}, }`, new Uint8Array(4), 2));
    expect(() => readNpy(at)).toThrow(/at-limit.npy: .npy header shape\[0\]: expected a non-negative integer dimension/);
    const over = write('over-limit.npy', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': ${tuples(MAX_NESTING)}, }`, new Uint8Array(4), 2));
    expect(() => readNpy(over)).toThrow(nestedTooDeep(over, 'the .npy header'));
  });
});

describe('safetensors headers', () => {
  const { header, data } = splitSafetensors(fixtureBytes('torch_1layer_tanh.safetensors'));
  const withExtra = (json: string) => {
    const text = JSON.stringify(header);
    const bytes = Buffer.from(`${text.slice(0, -1)},${json}}`, 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(bytes.length));
    return Buffer.concat([length, bytes, data]);
  };

  it('a __metadata__ nested 500,000 deep is refused by readSafetensors and loadModel, naming the file and the limit', async () => {
    const file = write('deep.safetensors', withExtra(`"__metadata__": ${'{"a":'.repeat(500_000)}"x"${'}'.repeat(500_000)}`));
    expect(() => readSafetensors(file)).toThrow(nestedTooDeep(file, 'the safetensors header'));
    await expect(loadModel(file)).rejects.toThrow(nestedTooDeep(file, 'the safetensors header'));
  });

  it('nesting exactly to the limit is parsed; brackets and escaped quotes inside strings do not count', async () => {
    const at = write('at-limit.safetensors', withExtra(`"extra": ${arrays(MAX_NESTING - 1)}`));
    expect(() => readSafetensors(at)).toThrow(/at-limit.safetensors: tensor 'extra': expected \{ dtype, shape, data_offsets \}, got array/);
    const over = write('over-limit.safetensors', withExtra(`"extra": ${arrays(MAX_NESTING)}`));
    expect(() => readSafetensors(over)).toThrow(nestedTooDeep(over, 'the safetensors header'));
    const brackets = `${'['.repeat(1000)}\\"${'{'.repeat(1000)}`;
    const file = write('strings.safetensors', withExtra(`"__metadata__": {"note": "${brackets}"}`));
    expect(readSafetensors(file).metadata.note).toBe(`${'['.repeat(1000)}"${'{'.repeat(1000)}`);
    expect((await loadModel(file)).format).toBe('safetensors');
  });

  it('a header given as bytes is named <bytes>', () => {
    const bytes = safetensorsBytes(JSON.parse(`{"x": ${arrays(MAX_NESTING)}}`), new Uint8Array(0));
    expect(() => readSafetensors(bytes)).toThrow(nestedTooDeep('<bytes>', 'the safetensors header'));
  });
});

describe('TF.js model.json', () => {
  const expected = () => loadJson('models/tfjs_rnn_dense/expected.json');
  const folder = (name: string, extra: string): string => {
    const dir = path.join(scratch, name);
    writeTfjsFolder(dir);
    const file = path.join(dir, 'model.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text.slice(0, -1)},"extra": ${extra}}`);
    return dir;
  };

  it('a model.json with a value nested 200,000 deep is refused naming the file and the limit', async () => {
    const dir = folder('deep', arrays(200_000));
    await expect(loadModel(dir)).rejects.toThrow(nestedTooDeep(path.join(dir, 'model.json'), 'the JSON'));
  });

  it('a model.json nested exactly to the limit loads, one level more is refused', async () => {
    const model = await loadModel(folder('at-limit', arrays(MAX_NESTING - 1)));
    expectClose(model.runSync({ simple_rnn_SimpleRNN1_input: tensorOf(expected().input) }).dense_Dense1.data, tensorOf(expected().output).data, 'output');
    const over = folder('over-limit', arrays(MAX_NESTING));
    await expect(loadModel(over)).rejects.toThrow(nestedTooDeep(path.join(over, 'model.json'), 'the JSON'));
  });
});
