// A seeded fuzz suite over what the files the package opens can be: every model file of every
// format (ONNX, safetensors, a TF.js model.json, .npy through readNpy and openNpy (the streaming
// reader) and readSafetensors through its path) and every TF.js weight shard beside a model.json is replaced, one or two at a time, by a
// link (inside or outside the model folder, through a linked folder, dangling, looping), a device, a
// FIFO, a socket, a directory, or a file of the wrong size. Each call must give what a correct
// reader gives: the model as before (its outputs checked), or a refusal with the expected message
// naming the file, within a time limit; never bytes from outside the model folder, never a hang.
//
// Environment:
//   VANILLA_RNN_FUZZ_FILES_ITERATIONS  cases to build (default 300; every mutation is used at least once from 60)
//   VANILLA_RNN_FUZZ_SEED              base seed (default 20261123)
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../lib/formats/npy';
import { openNpy } from '../lib/formats/npy-file';
import { readSafetensors } from '../lib/formats/safetensors';
import { loadModel } from '../lib/model';
import { writeTfjsFolder } from './formats/helpers/tfjs-folder';
import { escape, MUTATIONS, type Mutation, type Place, type Refusals, type ShardEntry } from './support/file-mutations';
import { FIXTURES_DIR, isClose, loadJson, mulberry32, tensorOf } from './support/fixtures';
import { between, chance, pick, type Rng } from './support/fuzz-junk';
import { FifoReleaser, UNIX } from './support/special-files';

const ITERATIONS = Math.max(MUTATIONS.length, Number(process.env.VANILLA_RNN_FUZZ_FILES_ITERATIONS ?? 300));
const SEED = Number(process.env.VANILLA_RNN_FUZZ_SEED ?? 20261123);
const CALL_TIMEOUT_MS = 10_000;
const MODELS = path.join(FIXTURES_DIR, 'models');
const fixtures = (ext: string) => readdirSync(MODELS).filter((f) => f.endsWith(ext)).map((f) => path.join(MODELS, f));

type Outcome = { value: unknown } | { error: unknown } | { timedOut: true };

async function settle(call: () => unknown): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => { timer = setTimeout(() => resolve({ timedOut: true }), CALL_TIMEOUT_MS); });
  try {
    return await Promise.race([Promise.resolve().then(call).then((value) => ({ value }), (error) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A model file the caller names: any link is followed; refusals are worded with its path. */
function fileRefusals(file: string, lookIntoDirectory: boolean): Refusals {
  const notRegular = (kind: string) => new RegExp(`^${escape(file)}: expected a regular file, got ${kind}$`);
  return {
    notRegular,
    cannotOpen: (code) => new RegExp(`^${code}: [^,]*, open '${escape(file)}'$`),
    directory: lookIntoDirectory ? new RegExp(`^ENOENT: no such file or directory, open '${escape(path.join(file, 'model.json'))}'$`) : notRegular('a directory'),
    tooLarge: new RegExp(`^${escape(file)}: the file is \\d+ bytes, more than the 2147483647 a file may hold$`),
    outside: null,
  };
}

/** A shard as model.json names it: it must stay inside the model folder. */
function shardRefusals(name: string): Refusals {
  const notRegular = (kind: string) => new RegExp(`weight file '${escape(name)}' listed in weightsManifest: expected a regular file, got ${kind}$`);
  return {
    notRegular,
    cannotOpen: (code) => new RegExp(`cannot read weight file '${escape(name)}' listed in weightsManifest: ${code}: `),
    directory: notRegular('a directory'),
    tooLarge: new RegExp(`weight file '${escape(name)}' listed in weightsManifest: the file is \\d+ bytes, more than the 2147483647`),
    outside: new RegExp(`weight file '${escape(name)}' resolves to .*, outside the model folder`),
  };
}

interface Case {
  description: string;
  /** null: must work; else the refusal must match one of these. */
  refusals: RegExp[] | null;
  call: () => unknown;
  /** For a call that worked: what is wrong with its result, or null. */
  check: (value: unknown) => string | null;
}

const expectedTfjs = loadJson('models/tfjs_rnn_dense/expected.json');

function checkTfjs(model: unknown): string | null {
  const out = (model as { runSync: (f: unknown) => { dense_Dense1: { data: Float32Array } } }).runSync({ simple_rnn_SimpleRNN1_input: tensorOf(expectedTfjs.input) }).dense_Dense1.data;
  const want = tensorOf(expectedTfjs.output).data;
  const bad = Array.from(want).findIndex((w, i) => !isClose(out[i], w));
  return bad < 0 ? null : `output[${bad}] is ${out[bad]}, expected ${want[bad]}`;
}

/** The second mutation of a case must not change sizes too when the first did (they could cancel out). */
function second(rng: Rng, first: Mutation): Mutation {
  const choices = MUTATIONS.filter((m) => !(first.sized && m.sized));
  return pick(rng, choices);
}

function tfjsShardCase(dir: string, place: Place, primary: Mutation, rng: Rng): Case {
  const names = writeTfjsFolder(dir, undefined, between(rng, 1, 3));
  const paths = names.slice();
  const indexes = [between(rng, 0, names.length - 1)];
  if (names.length > 1 && chance(rng, 0.5)) indexes.push((indexes[0] + between(rng, 1, names.length - 1)) % names.length);
  const mutations = [primary, ...(indexes.length > 1 ? [second(rng, primary)] : [])];
  const refusals = mutations.map((mutation, i) => {
    const shard: ShardEntry = { paths, index: indexes[i] };
    return mutation.apply({ file: path.join(dir, names[indexes[i]]), refusals: shardRefusals(names[indexes[i]]), shard }, place);
  }).filter((r): r is RegExp => r !== null);
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = paths;
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  // The model folder may itself be reached through a link: its real path is the bound.
  const folder = chance(rng, 0.25) ? linkedAlias(dir) : dir;
  const source = chance(rng, 0.5) ? folder : path.join(folder, 'model.json');
  return {
    description: `loadModel(${source}) with ${mutations.map((m, i) => `${names[indexes[i]]}: ${m.name}`).join(' and ')} (paths ${JSON.stringify(paths)})`,
    refusals: refusals.length > 0 ? refusals : null,
    call: () => loadModel(source),
    check: checkTfjs,
  };
}

function linkedAlias(dir: string): string {
  const alias = `${dir}-alias`;
  symlinkSync(dir, alias);
  return alias;
}

type FileReader = {
  name: string; fixtures: string[]; lookIntoDirectory: boolean; read: (file: string) => unknown; check: (value: unknown, fixture: string) => string | null;
  /** A reader of files of any size refuses a large one for what its header says, not for its size. */
  tooLarge?: (file: string) => RegExp;
};

/** The whole file through the streaming reader: header checked at open, the data read as one slab. */
async function readStreamed(file: string): Promise<unknown> {
  const npy = await openNpy(file);
  try {
    return await npy.readSlab(0, 0, npy.shape[0]);
  } finally {
    await npy.close();
  }
}

function checkNpy(value: unknown, fixture: string): string | null {
  const { data, shape } = value as { data: Float32Array; shape: number[] };
  const want = readNpy(fixture);
  return shape.join() === want.shape.join() && data.every((x, i) => Object.is(x, want.data[i])) ? null : `got shape [${shape}], expected [${want.shape}]`;
}

const sameFormat = (format: string) => (value: unknown) => ((value as { format?: string }).format === format ? null : `format ${(value as { format?: string }).format}`);
const READERS: FileReader[] = [
  { name: 'loadModel', fixtures: fixtures('.onnx'), lookIntoDirectory: true, read: (f) => loadModel(f), check: sameFormat('onnx') },
  { name: 'loadModel', fixtures: fixtures('.safetensors'), lookIntoDirectory: true, read: (f) => loadModel(f), check: sameFormat('safetensors') },
  { name: 'loadModel', fixtures: ['bare_relu_batchfirst_bidir.pt', 'text_model.pt'].map((f) => path.join(FIXTURES_DIR, 'torch-models', f)), lookIntoDirectory: true,
    read: (f) => loadModel(f, { nonlinearity: 'relu', batchFirst: true }), check: sameFormat('pytorch') },
  { name: 'readSafetensors', fixtures: fixtures('.safetensors'), lookIntoDirectory: false, read: (f) => readSafetensors(f), check: (v, fixture) => {
    const got = [...(v as { tensors: Map<string, unknown> }).tensors.keys()].join();
    const want = [...readSafetensors(fixture).tensors.keys()].join();
    return got === want ? null : `tensors ${got}, expected ${want}`;
  } },
  { name: 'readNpy', fixtures: fixtures('.npy'), lookIntoDirectory: false, read: (f) => readNpy(f), check: checkNpy },
  { name: 'openNpy', fixtures: fixtures('.npy'), lookIntoDirectory: false, read: readStreamed, check: checkNpy, tooLarge: (f) => new RegExp(`^${escape(f)}: \\.npy data is 2147483\\d+ bytes, shape \\[[\\d, ]+\\] of '<f4' needs \\d+$`) },
  { name: 'loadModel', fixtures: [path.join(MODELS, 'tfjs_rnn_dense', 'model.json')], lookIntoDirectory: true, read: (f) => loadModel(f), check: checkTfjs },
];

function modelFileCase(dir: string, place: Place, mutation: Mutation, rng: Rng): Case {
  const reader = pick(rng, READERS);
  const fixture = pick(rng, reader.fixtures);
  const isTfjs = fixture.endsWith('model.json');
  if (isTfjs) writeTfjsFolder(dir);
  else { mkdirSync(dir, { recursive: true }); copyFileSync(fixture, path.join(dir, path.basename(fixture))); }
  const file = path.join(dir, path.basename(fixture));
  // A TF.js folder is also given as the folder: then model.json is looked for inside, never into.
  const throughFolder = isTfjs && chance(rng, 0.5);
  const refusals = fileRefusals(file, reader.lookIntoDirectory && !throughFolder);
  const refusal = mutation.apply({ file, refusals: { ...refusals, tooLarge: reader.tooLarge?.(file) ?? refusals.tooLarge } }, place);
  const source = throughFolder ? dir : file;
  return {
    description: `${reader.name}(${source}) with ${path.basename(file)}: ${mutation.name}`,
    refusals: refusal ? [refusal] : null,
    call: () => reader.read(source),
    check: (value) => reader.check(value, fixture),
  };
}

describe.skipIf(!UNIX)('file fuzz: links, devices, FIFOs, sockets, directories and wrong sizes', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'vrnn-fuzz-files-'));
  const releaser = new FifoReleaser(scratch);
  const socketPath = path.join(scratch, 'listening.sock');
  let server: Server | null = null;
  beforeAll(async () => {
    server = await new Promise<Server | null>((resolve) => {
      const s = createServer().on('error', () => resolve(null));
      s.listen(socketPath, () => resolve(s));
    });
  });
  afterAll(async () => {
    releaser.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(scratch, { recursive: true, force: true });
  });

  it(`${ITERATIONS} cases: each works as before or is refused as expected, naming the file, within ${CALL_TIMEOUT_MS} ms`, async () => {
    const rng = mulberry32(SEED + 31);
    const problems: string[] = [];
    const used = new Map<string, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const dir = path.join(scratch, `case-${i}`);
      const place: Place = { dir, outside: path.join(scratch, `outside-${i}`), socket: server ? socketPath : null, rng };
      mkdirSync(place.outside);
      const primary = MUTATIONS[i % MUTATIONS.length];
      const c = primary.shardOnly || chance(rng, 0.5) ? tfjsShardCase(dir, place, primary, rng) : modelFileCase(dir, place, primary, rng);
      used.set(primary.name, (used.get(primary.name) ?? 0) + 1);
      const outcome = await settle(c.call);
      if ('timedOut' in outcome) problems.push(`${c.description}: did not settle within ${CALL_TIMEOUT_MS} ms`);
      else if ('value' in outcome && c.refusals) problems.push(`${c.description}: worked, expected a refusal matching ${c.refusals.join(' or ')}`);
      else if ('value' in outcome) {
        const wrong = c.check(outcome.value);
        if (wrong) problems.push(`${c.description}: worked with a wrong result: ${wrong}`);
      } else {
        const error = outcome.error;
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof Error)) problems.push(`${c.description}: threw a non-Error ${message}`);
        else if (!c.refusals) problems.push(`${c.description}: refused (${message}), expected it to work`);
        else if (!c.refusals.some((r) => r.test(message))) problems.push(`${c.description}: refused with "${message}", expected ${c.refusals.join(' or ')}`);
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}-alias`, { force: true });
      rmSync(place.outside, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
    expect(MUTATIONS.filter((m) => !used.has(m.name)).map((m) => m.name)).toEqual([]);
  }, Math.max(120_000, ITERATIONS * 1_000));
});
