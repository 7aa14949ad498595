// A run whose input and output are both past 2 GiB (Node's limit for one buffer, where `run` used to
// fail), in a child process whose peak RSS must stay far below the files' size. The input is a
// sparse file, zero except for the sequences checked; they are compared with running each alone.
import { execFile } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, openNpy, type Tensor } from '../lib/index';
import { npyHeaderBytes } from '../lib/formats/npy';
import { safetensorsBytes } from './formats/helpers/files';
import { expectClose, mulberry32, randomFloat32 } from './support/fixtures';

const INDEX = path.resolve(__dirname, '..', 'dist', 'index.js');
const [B, T, D, H] = [2 ** 18, 33, 64, 64]; // x and y [B, T, 64] float32: 2.2 GB each
const FILE_BYTES = B * T * D * 4;
const NEEDED = FILE_BYTES + 2 ** 30; // the output, and room to spare (the input is sparse)
const RSS_LIMIT = 512 * 2 ** 20;
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-stream-large-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function freeBytes(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

const free = freeBytes(scratch);
// Under the sanitizers (preloaded into the child too) RSS counts ASan's shadow memory and quarantine:
// the bound would measure ASan. The smaller streaming tests run the same code sanitized.
const sanitized = process.env.VANILLA_RNN_SANITIZED === '1';
const runs = free >= NEEDED && !sanitized;
if (free < NEEDED) console.warn(`stream-large: skipped: ${scratch} has ${(free / 2 ** 30).toFixed(1)} GiB free, the test needs ${(NEEDED / 2 ** 30).toFixed(1)}`);
if (sanitized) console.warn('stream-large: skipped under the sanitizers (its RSS bound would count their shadow memory)');

/** A batch-first nn.RNN state_dict (D = H = 64) with small random weights. */
function modelFile(): string {
  const rng = mulberry32(8);
  const tensors: Record<string, [number[], Float32Array]> = {
    weight_ih_l0: [[H, D], randomFloat32(rng, H * D, 0.2)], weight_hh_l0: [[H, H], randomFloat32(rng, H * H, 0.2)],
    bias_ih_l0: [[H], randomFloat32(rng, H, 0.1)], bias_hh_l0: [[H], randomFloat32(rng, H, 0.1)],
  };
  const header: Record<string, unknown> = { __metadata__: { batch_first: 'true' } };
  let offset = 0;
  for (const [name, [shape, data]] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const file = path.join(scratch, 'rnn.safetensors');
  writeFileSync(file, safetensorsBytes(header, Buffer.concat(Object.values(tensors).map(([, d]) => Buffer.from(d.buffer)))));
  return file;
}

/** x [B, T, D]: zeros but for the sampled sequences, which get random values. */
function sparseInput(samples: number[]): { file: string; sequences: Map<number, Float32Array> } {
  const rng = mulberry32(13);
  const file = path.join(scratch, 'x.npy');
  const header = npyHeaderBytes('<f4', [B, T, D]);
  const fd = openSync(file, 'w');
  const sequences = new Map<number, Float32Array>();
  try {
    writeSync(fd, header);
    ftruncateSync(fd, header.length + FILE_BYTES);
    for (const b of samples) {
      const data = randomFloat32(rng, T * D);
      writeSync(fd, new Uint8Array(data.buffer), 0, data.byteLength, header.length + b * T * D * 4);
      sequences.set(b, data);
    }
  } finally {
    closeSync(fd);
  }
  return { file, sequences };
}

const CHILD = `
const { loadModel, runModelOnFiles } = require(process.argv[1]);
(async () => {
  const model = await loadModel(process.argv[2]);
  const result = await runModelOnFiles(model, { inputs: { x: process.argv[3] }, outDir: process.argv[4] });
  console.log(JSON.stringify({ result, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;

describe('runModelOnFiles past 2 GiB', () => {
  it.runIf(runs)(`x and y [${B}, ${T}, 64] (2.2 GB each) run in a child process under ${RSS_LIMIT / 2 ** 20} MiB of RSS; sampled sequences match running them alone`, async () => {
    const model = modelFile();
    const rng = mulberry32(2);
    const samples = [...new Set([0, 1, 2 ** 17 - 1, 2 ** 17, B - 2, B - 1, ...Array.from({ length: 10 }, () => Math.floor(rng() * B))])].sort((a, b) => a - b);
    const input = sparseInput(samples);
    const outDir = path.join(scratch, 'out');
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD, INDEX, model, input.file, outDir], { encoding: 'utf8', maxBuffer: 2 ** 20 });
    const { result, maxRssBytes } = JSON.parse(stdout);
    expect(result.batchSizeChosen).toBe(true);
    expect(result.runs).toBeGreaterThan(100);
    expect(result.written.map((w: { name: string; shape: number[] }) => [w.name, w.shape])).toEqual([['y', [B, T, H]], ['hn', [1, B, H]]]);
    expect(maxRssBytes).toBeLessThan(RSS_LIMIT);
    expect(readdirSync(outDir).sort()).toEqual(['hn.npy', 'y.npy']);

    const rnn = await loadModel(model);
    const y = await openNpy(path.join(outDir, 'y.npy'));
    const hn = await openNpy(path.join(outDir, 'hn.npy'));
    try {
      expect(y.size).toBe(FILE_BYTES + npyHeaderBytes('<f4', [B, T, H]).length);
      expect(y.size).toBeGreaterThan(2 ** 31);
      const zeroRun = await rnn.run({ x: { data: new Float32Array(T * D), shape: [1, T, D] } });
      for (const b of [...samples, 5, B - 3]) {
        const data = input.sequences.get(b);
        const want: Record<string, Tensor> = data ? await rnn.run({ x: { data, shape: [1, T, D] } }) : zeroRun;
        expectClose((await y.readSlab(0, b, 1)).data, want.y.data, `y of sequence ${b}`);
        expectClose((await hn.readSlab(1, b, 1)).data, want.hn.data, `hn of sequence ${b}`);
      }
    } finally {
      await y.close();
      await hn.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
