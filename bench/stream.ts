// `npm run bench -- --stream`: streaming `run` over a generated input of several GB (time-major and
// batch-first), against model.run over the same parts held in memory, each in a child process of
// its own for its peak RSS, beside the disk's own rates measured in the same run. Opt-in: it writes
// about three times the input's size to disk (input, output), one layout at a time.
import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createNpyWriter } from 'vanilla-rnn';
import { mulberry32, randomFloat32 } from '../test/support/random';
import { measureDiskRate, type DiskRate } from './disk-rate';

export interface StreamBenchOptions {
  /** Where the files go (default the system's temporary folder). */
  dir?: string;
  /** The input's size in GB (default 4). */
  gigabytes?: number;
  /** Sequences per part (default: what `run` chooses for an input this large). */
  batchSize?: number;
  print?: (line: string) => void;
  progress?: (message: string) => void;
}

interface Measurement {
  seconds: number;
  sequences: number;
  runs: number;
  batchSize: number;
  maxRssBytes: number;
}

interface LayoutResult {
  layout: string;
  shape: number[];
  streaming: Measurement;
  inMemory: Measurement;
}

const [T, D, H] = [50, 4, 8]; // the model of the report that asked for streaming: D = 4, H = 8, T = 50
const LAYOUTS = [{ name: 'time-major', batchFirst: false }, { name: 'batch-first', batchFirst: true }];

/** A one-layer tanh nn.RNN state_dict (D = 4, H = 8) as safetensors, batch_first in its metadata. */
async function writeModel(file: string, batchFirst: boolean): Promise<void> {
  const rng = mulberry32(3);
  const tensors: Array<[string, number[]]> = [['weight_ih_l0', [H, D]], ['weight_hh_l0', [H, H]], ['bias_ih_l0', [H]], ['bias_hh_l0', [H]]];
  const header: Record<string, unknown> = { __metadata__: { batch_first: String(batchFirst) } };
  const data: Buffer[] = [];
  let offset = 0;
  for (const [name, shape] of tensors) {
    const values = randomFloat32(rng, shape.reduce((a, b) => a * b, 1), 0.4);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
    data.push(Buffer.from(values.buffer));
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await writeFile(file, Buffer.concat([length, json, ...data]));
}

/** The input, written a slab of 65,536 random sequences at a time (the same slab each time: only its size matters here). */
async function writeInput(file: string, sequences: number, batchFirst: boolean): Promise<number[]> {
  const shape = batchFirst ? [sequences, T, D] : [T, sequences, D];
  const axis = batchFirst ? 0 : 1;
  const writer = await createNpyWriter(file, shape);
  const step = 65_536;
  const slab = randomFloat32(mulberry32(7), step * T * D);
  for (let start = 0; start < sequences; start += step) {
    const count = Math.min(step, sequences - start);
    await writer.writeSlab(axis, start, { data: slab.subarray(0, count * T * D), shape: shape.map((dim, i) => (i === axis ? count : dim)) });
  }
  await writer.commit();
  return shape;
}

async function child(args: string[]): Promise<Measurement> {
  const script = path.join(__dirname, 'stream-child.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement;
}

function checkSpace(dir: string, needed: number): void {
  const { bavail, bsize } = statfsSync(dir);
  const free = bavail * bsize;
  if (free < needed) {
    throw new Error(`stream bench: ${dir} has ${(free / 1e9).toFixed(1)} GB free, the bench needs ${(needed / 1e9).toFixed(1)} GB (--stream-dir picks another folder, --stream-gb a smaller input)`);
  }
}

const rate = (m: Measurement) => m.sequences / m.seconds;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const group = (n: number) => Math.round(n).toLocaleString('en-US');

function report(results: LayoutResult[], disk: DiskRate, dir: string, gigabytes: number, sequences: number): string[] {
  const inBytes = T * D * 4;
  const outBytes = (T + 1) * H * 4; // y and hn
  const lines = [
    `Streaming \`run\` over a generated ${gigabytes} GB input (${group(sequences)} sequences of T = ${T}, D = ${D}; a one-layer tanh RNN, H = ${H}: `
      + `${((sequences * outBytes) / 1e9).toFixed(1)} GB of output), in ${dir}, each measurement a child process of its own:`,
    '',
    `Disk, measured in this run: write ${disk.writeMBps.toFixed(0)} MB/s (${disk.bytes / 2 ** 30} GiB, fsync included), `
      + `read ${disk.readMBps === null ? 'not measured (no O_DIRECT here)' : `${disk.readMBps.toFixed(0)} MB/s (O_DIRECT)`}.`,
    '',
    '| layout | part | streaming run | peak RSS | model.run over the same parts in memory | peak RSS | streaming / in memory | disk traffic of the streaming run |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const traffic = (rate(r.streaming) * (inBytes + outBytes)) / 1e6;
    lines.push(`| ${r.layout} [${r.shape.map((d) => (d === sequences ? 'B' : d)).join(', ')}] | ${group(r.streaming.batchSize)} | `
      + `${group(rate(r.streaming))} seq/s (${r.streaming.seconds.toFixed(1)} s) | ${mib(r.streaming.maxRssBytes)} | `
      + `${group(rate(r.inMemory))} seq/s (${r.inMemory.seconds.toFixed(1)} s) | ${mib(r.inMemory.maxRssBytes)} | `
      + `${((100 * rate(r.streaming)) / rate(r.inMemory)).toFixed(0)} % | ${traffic.toFixed(0)} MB/s |`);
  }
  lines.push('', 'The input is read just after it was written, so the page cache may serve part of it; the output goes to disk (flushed every 64 MiB and before each rename).');
  return lines;
}

export async function runStreamBench(options: StreamBenchOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const progress = options.progress ?? (() => {});
  const gigabytes = options.gigabytes ?? 4;
  const sequences = Math.floor((gigabytes * 1e9) / (T * D * 4));
  const base = path.resolve(options.dir ?? os.tmpdir());
  checkSpace(base, sequences * (T * D * 4 + (T + 1) * H * 4) + 2 * 2 ** 30);
  const dir = await mkdtemp(path.join(base, 'vanilla-rnn-stream-bench-'));
  try {
    progress('stream: the disk\'s own rates');
    const disk = await measureDiskRate(dir);
    const results: LayoutResult[] = [];
    for (const layout of LAYOUTS) {
      const model = path.join(dir, `${layout.name}.safetensors`);
      const input = path.join(dir, `${layout.name}.npy`);
      const outDir = path.join(dir, `${layout.name}-out`);
      await writeModel(model, layout.batchFirst);
      progress(`stream: writing the ${layout.name} input (${gigabytes} GB)`);
      const shape = await writeInput(input, sequences, layout.batchFirst);
      progress(`stream: ${layout.name}: streaming run`);
      const streaming = await child(['stream', model, input, outDir, ...(options.batchSize ? [String(options.batchSize)] : [])]);
      await rm(outDir, { recursive: true, force: true });
      progress(`stream: ${layout.name}: model.run over the same parts in memory`);
      const inMemory = await child(['memory', model, input, String(streaming.batchSize)]);
      await rm(input, { force: true });
      results.push({ layout: layout.name, shape, streaming, inMemory });
      progress(`stream: ${layout.name}: ${group(rate(streaming))} against ${group(rate(inMemory))} sequences/s`);
    }
    for (const line of report(results, disk, base, gigabytes, sequences)) print(line);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
