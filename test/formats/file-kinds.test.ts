// What the package opens: TF.js weight shards only inside the model folder's real path (links
// resolved), and only regular files, for every file of every format (no FIFO, device or directory),
// read for exactly the bytes their size (or the manifest) says, without blocking the event loop.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readNpy } from '../../lib/formats/npy';
import { readSafetensors } from '../../lib/formats/safetensors';
import { loadModel } from '../../lib/model';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';
import { FifoReleaser, link, makeFifo, UNIX } from '../support/special-files';
import { TFJS_FIXTURE, tfjsWeights, writeLeakingFolder, writeTfjsFolder } from './helpers/tfjs-folder';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-kinds-'));
const releaser = UNIX ? new FifoReleaser(scratch) : null;
afterAll(() => {
  releaser?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
const MODELS = path.join(FIXTURES_DIR, 'models');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let cases = 0;
const caseDir = (): string => path.join(scratch, `case-${cases++}`);

async function expectTfjsOutput(source: string): Promise<void> {
  const expected = loadJson('models/tfjs_rnn_dense/expected.json');
  const model = await loadModel(source);
  expectClose(model.runSync({ simple_rnn_SimpleRNN1_input: tensorOf(expected.input) }).dense_Dense1.data, tensorOf(expected.output).data, 'output');
}

describe.skipIf(!UNIX)('TF.js shards: links resolved, nothing outside the model folder', () => {
  it('a Dense kernel declared over /etc/passwd through a linked folder is refused, not returned', async () => {
    const dir = caseDir();
    writeLeakingFolder(dir, 'etc/passwd', statSync('/etc/passwd').size);
    link('/etc', path.join(dir, 'etc'));
    await expect(loadModel(dir)).rejects.toThrow(new RegExp(`${escape(path.join(dir, 'model.json'))}: weight file 'etc/passwd' resolves to /etc/passwd, outside the model folder`));
  });

  it('a shard that is a link to a file outside is refused; links that stay inside are followed', async () => {
    const outside = path.join(scratch, `outside-${cases}`);
    writeTfjsFolder(outside);
    const dir = caseDir();
    writeTfjsFolder(dir);
    rmSync(path.join(dir, 'weights.bin'));
    link(path.join(outside, 'weights.bin'), path.join(dir, 'weights.bin'));
    await expect(loadModel(dir)).rejects.toThrow(/weight file 'weights.bin' resolves to .*outside-\d+\/weights.bin, outside the model folder/);

    const inside = caseDir();
    writeTfjsFolder(inside, (json) => { json.weightsManifest[0].paths = ['linked/weights.bin']; });
    mkdirSync(path.join(inside, 'real'));
    copyFileSync(path.join(inside, 'weights.bin'), path.join(inside, 'real', 'data.bin'));
    rmSync(path.join(inside, 'weights.bin'));
    link('real', path.join(inside, 'linked'));
    link('data.bin', path.join(inside, 'real', 'weights.bin'));
    await expectTfjsOutput(inside);
    // The model folder itself may be reached through a link: its real path is the bound.
    await expectTfjsOutput(link(inside, path.join(scratch, `alias-${cases}`)));
  });

  it('a relative link that climbs out of the folder, and a link loop, are refused', async () => {
    const dir = caseDir();
    writeTfjsFolder(dir);
    rmSync(path.join(dir, 'weights.bin'));
    copyFileSync(path.join(TFJS_FIXTURE, 'weights.bin'), path.join(scratch, 'beside.bin'));
    link('../beside.bin', path.join(dir, 'weights.bin'));
    await expect(loadModel(dir)).rejects.toThrow(/weight file 'weights.bin' resolves to .*beside.bin, outside the model folder/);
    rmSync(path.join(dir, 'weights.bin'));
    link('weights.bin', path.join(dir, 'weights.bin'));
    await expect(loadModel(dir)).rejects.toThrow(/cannot read weight file 'weights.bin' listed in weightsManifest: ELOOP/);
  });
});

describe.skipIf(!UNIX)('TF.js shards: regular files of the declared size only', () => {
  const replaced = (make: (shard: string) => void): string => {
    const dir = caseDir();
    writeTfjsFolder(dir);
    rmSync(path.join(dir, 'weights.bin'));
    make(path.join(dir, 'weights.bin'));
    return dir;
  };
  const notRegular = (kind: string) => new RegExp(`model.json: weight file 'weights.bin' listed in weightsManifest: expected a regular file, got ${kind}`);

  it('a shard linked to /dev/zero is refused without reading it', async () => {
    await expect(loadModel(replaced((shard) => link('/dev/zero', shard)))).rejects.toThrow(/weight file 'weights.bin' resolves to \/dev\/zero, outside the model folder/);
  });

  it('a shard linked to /dev/null, a FIFO or a directory is refused', async () => {
    await expect(loadModel(replaced((shard) => link('/dev/null', shard)))).rejects.toThrow(/weight file 'weights.bin' resolves to \/dev\/null, outside the model folder/);
    await expect(loadModel(replaced((shard) => makeFifo(shard)))).rejects.toThrow(notRegular('a FIFO'));
    await expect(loadModel(replaced((shard) => mkdirSync(shard)))).rejects.toThrow(notRegular('a directory'));
  });

  it('a shard whose size disagrees with the manifest is refused, naming both sizes', async () => {
    const long = replaced((shard) => { writeFileSync(shard, ''); truncateSync(shard, 2 ** 30); });
    await expect(loadModel(long)).rejects.toThrow(/weightsManifest\[0\]: weight file 'weights.bin' is 1073741824 bytes, the weights listed leave 228 bytes for it \(they take 228 in all\)/);
    const short = replaced((shard) => writeFileSync(shard, tfjsWeights().subarray(0, 200)));
    await expect(loadModel(short)).rejects.toThrow(/weightsManifest\[0\]: the weight files hold 200 bytes \('weights.bin' 200\), the weights listed take 228/);
  });

  it('weights split over shards load; one shard too long is named with its size and what was left for it', async () => {
    const dir = caseDir();
    const names = writeTfjsFolder(dir, undefined, 3);
    await expectTfjsOutput(dir);
    writeFileSync(path.join(dir, names[1]), new Uint8Array(153));
    await expect(loadModel(dir)).rejects.toThrow(/weight file 'shard-1.bin' is 153 bytes, the weights listed leave 152 bytes for it \(they take 228 in all\)/);
    writeFileSync(path.join(dir, names[1]), new Uint8Array(75));
    await expect(loadModel(dir)).rejects.toThrow(/the weight files hold 227 bytes \('shard-0.bin' 76, 'shard-1.bin' 75, 'shard-2.bin' 76\), the weights listed take 228/);
  });
});

describe.skipIf(!UNIX)('main model files: regular files only, for every format', () => {
  type Reader = { name: string; file: string; read: (file: string) => Promise<unknown> };
  const readers: Reader[] = [
    { name: 'loadModel .onnx', file: 'model.onnx', read: (f) => loadModel(f) },
    { name: 'loadModel .safetensors', file: 'model.safetensors', read: (f) => loadModel(f) },
    { name: 'loadModel model.json', file: 'model.json', read: (f) => loadModel(f) },
    { name: 'loadModel (folder) model.json', file: 'model.json', read: (f) => loadModel(path.dirname(f)) },
    { name: 'readSafetensors', file: 'model.safetensors', read: async (f) => readSafetensors(f) },
    { name: 'readNpy', file: 'input.npy', read: async (f) => readNpy(f) },
  ];
  const kinds: Array<{ kind: string; got: string; make: (file: string) => void }> = [
    { kind: 'a FIFO', got: 'a FIFO', make: (f) => makeFifo(f) },
    { kind: 'a link to /dev/zero', got: 'a character device', make: (f) => link('/dev/zero', f) },
    { kind: 'a link to /dev/null', got: 'a character device', make: (f) => link('/dev/null', f) },
    { kind: 'a link to a FIFO', got: 'a FIFO', make: (f) => link(makeFifo(`${f}.fifo`), f) },
    { kind: 'a directory', got: 'a directory', make: (f) => mkdirSync(f) },
    { kind: 'a link to a directory', got: 'a directory', make: (f) => link(scratch, f) },
  ];
  for (const reader of readers) {
    for (const { kind, got, make } of kinds) {
      // A directory given to loadModel is a TF.js model folder: it is looked into for model.json (below).
      if (reader.name.startsWith('loadModel') && got === 'a directory' && !reader.name.includes('(folder)')) continue;
      it(`${reader.name}: ${kind} is refused with an error naming it`, async () => {
        const file = path.join(caseDir(), reader.file);
        mkdirSync(path.dirname(file));
        make(file);
        await expect(reader.read(file)).rejects.toThrow(new RegExp(`^${escape(file)}: expected a regular file, got ${got}$`));
      });
    }
  }

  it('loadModel of a directory (or a link to one) reads the model.json inside it', async () => {
    const dir = caseDir();
    mkdirSync(path.join(dir, 'model.onnx'), { recursive: true });
    await expect(loadModel(path.join(dir, 'model.onnx'))).rejects.toThrow(new RegExp(`^ENOENT: no such file or directory, open '${escape(path.join(dir, 'model.onnx', 'model.json'))}'$`));
    writeTfjsFolder(path.join(dir, 'folder'));
    await expectTfjsOutput(link(path.join(dir, 'folder'), path.join(dir, 'linked.onnx')));
  });

  it('a model file that is a link to a regular file elsewhere is read (the caller named it)', async () => {
    const file = link(path.join(MODELS, 'torch_1layer_tanh.onnx'), path.join(caseDir(), 'linked.onnx'));
    expect((await loadModel(file)).format).toBe('onnx');
    const npy = link(path.join(MODELS, 'torch_1layer_tanh.input.npy'), path.join(caseDir(), 'linked.npy'));
    expect(readNpy(npy).shape).toEqual(readNpy(path.join(MODELS, 'torch_1layer_tanh.input.npy')).shape);
  });
});

describe('loadModel reads asynchronously', () => {
  const fs = createRequire(import.meta.url)('node:fs') as Record<string, unknown>;
  const SYNC = ['readFileSync', 'readSync', 'openSync', 'fstatSync', 'statSync', 'lstatSync', 'realpathSync', 'readdirSync'];
  const spies: Array<ReturnType<typeof vi.spyOn>> = [];
  beforeAll(() => {
    for (const name of SYNC) spies.push(vi.spyOn(fs as never, name as never));
    syncBuiltinESMExports();
  });
  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
    syncBuiltinESMExports();
  });

  it('no synchronous file system call while loading a model of any format', async () => {
    const dir = caseDir();
    writeTfjsFolder(dir, undefined, 3);
    for (const source of [dir, path.join(MODELS, 'torch_1layer_tanh.onnx'), path.join(MODELS, 'torch_1layer_tanh.safetensors')]) {
      spies.forEach((spy) => spy.mockClear());
      await loadModel(source);
      expect(spies.filter((spy) => spy.mock.calls.length > 0).map((spy) => spy.getMockName())).toEqual([]);
    }
    // The spies see synchronous calls: a synchronous read is seen.
    readFileSync(path.join(dir, 'model.json'));
    expect(spies.some((spy) => spy.mock.calls.length > 0)).toBe(true);
  });
});
