// Lifecycles that end a thread while calls are in flight: a worker terminated at a random moment,
// a worker calling process.exit() itself, the main thread calling process.exit(). Each runs in a
// child process (test/support/worker-lifecycle-child.js, over dist/), so that a native abort or
// crash fails the test with its signal and stderr instead of killing the test runner. After nine
// warm-up workers with one call kind each, run one at a time, every worker runs every call kind at
// once, so each cycle ends calls of each kind at some stage: queued, running on the libuv pool or on
// the worker's thread, or done and not yet delivered.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = path.resolve(__dirname, 'support', 'worker-lifecycle-child.js');
const CYCLES = 50;
const CALL_KINDS = ['forwardAsync', 'forwardAsync out', 'forwardAsync signal', 'model.run onnx',
  'model.run safetensors', 'model.run tfjs', 'batcher.run', 'stream.push', 'forward'];

// glibc's malloc keeps freed memory of large blocks resident (its mmap threshold grows with the
// blocks freed, and each thread has its own arena), which made RSS wander by up to 130 MiB between
// runs. With a fixed threshold and two arenas, large blocks go back to the system when freed and the
// child's growth measures within a few MiB. A teardown that loses what its calls hold (input copies,
// outputs, the worker objects) loses MiBs every cycle: leaking them once made the growth 234 MiB.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_ARENA_MAX: '2' };
const RSS_BOUND_MIB = 32;

// Under AddressSanitizer freed memory waits in its quarantine: RSS says nothing about leaks there.
const SANITIZED = process.env.VANILLA_RNN_SANITIZED === '1';
const CHILD_TIMEOUT_MS = SANITIZED ? 600_000 : 120_000;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...MALLOC_ENV } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function expectCleanExit(result: ChildResult, what: string): void {
  const report = `${what}\n--- stderr ---\n${result.stderr}\n--- stdout ---\n${result.stdout}`;
  expect(result.signal, report).toBeNull();
  expect(result.code, report).toBe(0);
}

function figuresOf(result: ChildResult, prefix: string) {
  const line = result.stdout.split('\n').find((l) => l.startsWith(prefix));
  expect(line, result.stdout).toBeDefined();
  return JSON.parse(line!.slice(prefix.length));
}

async function runCycles(mode: 'terminate' | 'worker-exit') {
  const result = await runChild([mode, 'all', String(CYCLES)]);
  expectCleanExit(result, mode);
  const figures = figuresOf(result, 'lifecycle-json: ');
  expect(figures.kinds).toEqual(CALL_KINDS);
  expect(figures.cycles).toBe(CYCLES);
  // Each kind's calls really ran in the workers (every fifth cycle fails unless a call of each of
  // its kinds succeeds before the worker ends).
  expect(figures.lateCycles).toBe(CYCLES / 5);
  for (const kind of CALL_KINDS) expect(figures.succeededIn[kind], kind).toBeGreaterThanOrEqual(CYCLES / 5 - 1);
  if (!SANITIZED) {
    for (const key of ['rssAfterWarmupMiB', 'rssEndMiB', 'growthMiB']) expect(Number.isFinite(figures[key]), key).toBe(true);
    expect(figures.growthMiB, JSON.stringify(figures)).toBeLessThanOrEqual(RSS_BOUND_MIB);
  }
}

describe.concurrent('ending threads with calls of every kind in flight', () => {
  it(`${CYCLES} workers terminated at a random moment: the process lives on and RSS stays bounded`, async () => {
    await runCycles('terminate');
  }, CHILD_TIMEOUT_MS);

  it(`${CYCLES} workers calling process.exit() at a random moment: the process lives on and RSS stays bounded`, async () => {
    await runCycles('worker-exit');
  }, CHILD_TIMEOUT_MS);

  it('the main thread calling process.exit() with its own and two workers\' calls in flight exits cleanly, 8 times', async () => {
    const results = [];
    for (let round = 0; round < 4; round++) {
      results.push(...await Promise.all([runChild(['main-exit', 'all']), runChild(['main-exit', 'all'])]));
    }
    for (const result of results) {
      expectCleanExit(result, 'main-exit');
      const figures = figuresOf(result, 'main-exit-json: ');
      // It exited with the main thread's calls unfinished, after some had finished.
      expect(figures.inFlight).toBeGreaterThan(0);
      expect(figures.started).toBeGreaterThan(figures.inFlight);
    }
  }, CHILD_TIMEOUT_MS);
});
