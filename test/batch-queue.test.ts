// Batch jobs through BullMQ on a real Redis: three `vanilla-rnn worker` processes share a dataset's
// shards, one is SIGKILLed in the middle of a job; its job's lock expires, another worker takes it up,
// and every shard completes exactly once with the output of one run. Malformed jobs fail at once;
// `vanilla-rnn enqueue --wait` follows its jobs to the end.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatShards, encodeNpy, enqueueShards, loadModel, readNpy, waitForJobs, type BatchJobResult } from '../lib/index';
import { checkJobData } from '../lib/batch-queue/job';
import { PARTIAL_FILE_PATTERN } from '../lib/formats/partial-file';
import { expectExact, FIXTURES_DIR, mulberry32, randomFloat32 } from './support/fixtures';
import { redisMissing, startRedis, type RedisServer } from './support/redis';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
const MODEL = path.join(FIXTURES_DIR, 'models', 'onnx_reverse_leakyrelu_lengths.onnx');
const skip = redisMissing('batch-queue');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-batch-queue-'));
let redis: RedisServer | null = null;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  if (!skip) redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.filter((w) => w.exitCode === null && w.signalCode === null).map((w) => {
    const exited = new Promise((resolve) => w.on('exit', resolve));
    w.kill('SIGTERM');
    return exited;
  }));
  await redis?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, 30_000);

interface Worker {
  child: ChildProcess;
  lines: string[];
  /** Resolves once the worker is connected and taking jobs. */
  ready: Promise<void>;
  /** Resolves with the first stdout line that matches. */
  line(pattern: RegExp): Promise<string>;
}

function startWorker(queue: string, extra: string[] = []): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--redis', redis!.url, '--queue', queue, '--lock-duration', '3000', '--stalled-interval', '1000', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  const lines: string[] = [];
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  child.stdout!.on('data', (chunk) => {
    const text = partial + chunk;
    const complete = text.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      lines.push(line);
      for (const w of waiting.filter((x) => x.pattern.test(line))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const ready = new Promise<void>((resolve) => {
    let said = '';
    child.stderr!.on('data', (chunk) => {
      said += chunk;
      if (said.includes('takes jobs from queue')) resolve();
    });
  });
  return {
    child, lines, ready,
    line: (pattern) => {
      const found = lines.find((l) => pattern.test(l));
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
  };
}

function writeDataset(B: number, seed: number): Record<string, string> {
  const rng = mulberry32(seed);
  const dir = path.join(scratch, `data-${seed}`);
  mkdirSync(dir);
  const tensors = {
    X: { data: randomFloat32(rng, 6 * B * 3), shape: [6, B, 3] },
    sequence_lens: { data: Float32Array.from({ length: B }, (_, b) => 1 + ((b * 5) % 6)), shape: [B] },
    initial_h: { data: randomFloat32(rng, B * 5, 0.5), shape: [1, B, 5] },
  };
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, encodeNpy(t));
    return [name, file];
  }));
}

describe.skipIf(skip)('BullMQ batch worker on a real Redis', () => {
  it('three workers, one SIGKILLed mid-job: every shard completes exactly once, and the shards joined are one run\'s bits', async () => {
    const queue = 'kill-test';
    const inputs = writeDataset(36_000, 1);
    const outDir = path.join(scratch, 'out-kill');
    const pool = [startWorker(queue), startWorker(queue), startWorker(queue)];
    await Promise.all(pool.map((w) => w.ready));
    const enqueued = await enqueueShards({ connection: redis!.url, queue, model: MODEL, inputs, outDir, shards: 9, batchSize: 16 });
    expect(enqueued.sequences).toBe(36_000);
    expect(enqueued.jobs).toHaveLength(9);

    // The first worker to start a job is killed in the middle of it.
    const [victim, started] = await Promise.race(pool.map((w) => w.line(/^started /).then((line) => [w, line] as const)));
    const killedJob = started.split(' ')[1];
    victim.child.kill('SIGKILL');
    const survivorsPool = pool.filter((w) => w !== victim);
    const done = await waitForJobs({ connection: redis!.url, queue, ids: enqueued.jobs.map((j) => j.id), intervalMs: 200 });
    expect(done.failed).toEqual([]);
    expect(victim.lines.filter((l) => l.startsWith('completed '))).toEqual([]);

    const bull = new Queue(queue, { connection: { url: redis!.url } });
    try {
      const completed = await bull.getJobs(['completed'], 0, -1);
      expect(completed.map((j) => j.id).sort()).toEqual(enqueued.jobs.map((j) => j.id).sort());
      expect(await bull.getJobCounts('failed', 'wait', 'active', 'delayed')).toEqual({ failed: 0, wait: 0, active: 0, delayed: 0 });
      const retried = completed.find((j) => j.id === killedJob)!;
      const survivors = survivorsPool.map((w) => String(w.child.pid));
      expect(survivors).toContain((retried.returnvalue as BatchJobResult).worker.split(':').pop());
      expect(retried.stalledCounter).toBe(1);
    } finally {
      await bull.close();
    }
    // Exactly once: no job completed twice, by any surviving worker.
    const completions = survivorsPool.flatMap((w) => w.lines.filter((l) => l.startsWith('completed ')).map((l) => l.split(' ')[1]));
    expect(completions.sort()).toEqual(enqueued.jobs.map((j) => j.id).sort());

    const leftovers = readdirSync(outDir).filter((f) => PARTIAL_FILE_PATTERN.test(f));
    expect(leftovers.every((f) => f.includes(`.partial-${victim.child.pid}-`))).toBe(true);
    await concatShards(outDir);
    const model = await loadModel(MODEL);
    const whole = await model.run(Object.fromEntries(Object.entries(inputs).map(([name, file]) => [name, readNpy(file)])));
    for (const name of ['Y', 'Y_h']) expectExact(readNpy(path.join(outDir, `${name}.npy`)).data, whole[name].data, name);
  }, 120_000);

  it('a malformed job fails at once, without its retries; a job whose input is missing uses them', async () => {
    const queue = 'bad-jobs';
    startWorker(queue);
    const bull = new Queue(queue, { connection: { url: redis!.url } });
    try {
      const inputs = writeDataset(10, 2);
      await bull.add('shard', { model: MODEL, inputs, outDir: scratch, range: [5, 2] }, { jobId: 'backwards', attempts: 3 });
      await bull.add('shard', { model: MODEL, inputs: { ...inputs, X: path.join(scratch, 'missing.npy') }, outDir: scratch, range: [0, 2] }, { jobId: 'missing', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
      const done = await waitForJobs({ connection: redis!.url, queue, ids: ['backwards', 'missing'], intervalMs: 100 });
      expect(done.failed.map((f) => f.id).sort()).toEqual(['backwards', 'missing']);
      const [backwards, missing] = await Promise.all([bull.getJob('backwards'), bull.getJob('missing')]);
      expect([backwards!.attemptsMade, backwards!.failedReason]).toEqual([1, 'job range: expected [start, end] with 0 <= start <= end, got [5, 2]']);
      expect([missing!.attemptsMade, missing!.failedReason]).toEqual([2, `ENOENT: no such file or directory, open '${path.join(scratch, 'missing.npy')}'`]);
    } finally {
      await bull.close();
    }
  }, 60_000);

  it('`vanilla-rnn enqueue --wait` queues the shards, waits for them, and enqueueing again adds nothing', async () => {
    const queue = 'cli-enqueue';
    startWorker(queue);
    const inputs = writeDataset(40, 3);
    const outDir = path.join(scratch, 'out-cli');
    const args = ['enqueue', MODEL, ...Object.entries(inputs).flatMap(([n, f]) => ['--input', `${n}=${f}`]), '--out-dir', outDir, '--shards', '4', '--redis', redis!.url, '--queue', queue, '--wait'];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(stdout.trim().split('\n').map((l) => l.replace(/^queued [0-9a-f]{16}-/, 'queued '))).toEqual(['queued 0-10 sequences [0, 10)', 'queued 10-20 sequences [10, 20)', 'queued 20-30 sequences [20, 30)', 'queued 30-40 sequences [30, 40)']);
    expect(stderr.trim().split('\n').pop()).toBe('vanilla-rnn: 4 of 4 shards done');
    const again = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(again.stdout).toBe(stdout);
    const bull = new Queue(queue, { connection: { url: redis!.url } });
    expect(await bull.getJobCountByTypes('completed')).toBe(4);
    await bull.close();
    expect(readdirSync(outDir).filter((f) => f.endsWith('.npy')).sort()).toEqual(['0-10', '10-20', '20-30', '30-40'].flatMap((r) => [`Y.shard-${r}-axis2.npy`, `Y_h.shard-${r}-axis1.npy`]).sort());
  }, 60_000);
});

describe('batch job data', () => {
  it('is checked field by field', () => {
    const good = { model: 'm.onnx', inputs: { x: 'x.npy' }, range: [0, 4], outDir: 'out' };
    expect(checkJobData(good)).toEqual(good);
    expect(() => checkJobData({ ...good, range: [0] })).toThrow('job range: expected [start, end] with 0 <= start <= end, got [0]');
    expect(() => checkJobData({ ...good, range: [0, 1.5] })).toThrow('got [0, 1.5]');
    expect(() => checkJobData({ ...good, model: 3 })).toThrow('job model: expected a path, got number');
    expect(() => checkJobData({ ...good, inputs: {} })).toThrow('job inputs: expected an object of input name -> .npy path');
    expect(() => checkJobData({ ...good, inputs: { x: '' } })).toThrow('job inputs.x: expected a path, got string');
    expect(() => checkJobData({ ...good, extra: 1 })).toThrow("job data: unknown option 'extra'");
    expect(() => checkJobData({ ...good, batchSize: 0 })).toThrow('job batchSize: expected a positive integer, got 0');
    expect(() => checkJobData(null)).toThrow('job data: expected an options object, got null');
  });
});
