// Lifecycles that end a thread while calls are in flight: a worker terminated at a random moment,
// a worker calling process.exit() itself, the main thread calling process.exit(). Each runs in a
// child process (test/support/worker-lifecycle-child.js, over dist/), so that a native abort or
// crash fails the test with its signal and stderr instead of killing the test runner.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = path.resolve(__dirname, 'support', 'worker-lifecycle-child.js');
const CYCLES = 50;

// RSS growth allowed between the end of the child's 9 warm-up cycles and the end of the rest.
// Measured growth stays within a few tens of MiB (allocator pools and V8 heap sizing settle), while
// a teardown that lost what its calls hold loses it every cycle: one [200, 4, 64] call's input copy
// and outputs are 1 MiB, an ONNX model.run's 6 MiB, three calls are in flight per worker, so 41
// cycles of it cross 64 MiB for the smallest kind, and a leaked worker environment is larger still.
const RSS_BOUND_MIB = 64;

// Under AddressSanitizer freed memory waits in its quarantine: RSS says nothing about leaks there.
const SANITIZED = process.env.VANILLA_RNN_SANITIZED === '1';
const CHILD_TIMEOUT_MS = SANITIZED ? 600_000 : 120_000;

const CALL_KINDS = ['forwardAsync', 'forwardAsync out', 'forwardAsync signal', 'model.run onnx',
  'model.run safetensors', 'model.run tfjs', 'batcher.run', 'stream.push', 'forward'];

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

function figuresOf(result: ChildResult, prefix: string): Record<string, number> {
  const line = result.stdout.split('\n').find((l) => l.startsWith(prefix));
  expect(line, result.stdout).toBeDefined();
  return JSON.parse(line!.slice(prefix.length));
}

function expectRssBounded(figures: Record<string, number>): void {
  if (SANITIZED) return;
  for (const key of ['rssAfterWarmupMiB', 'rssEndMiB', 'growthMiB']) expect(Number.isFinite(figures[key]), key).toBe(true);
  expect(figures.growthMiB, JSON.stringify(figures)).toBeLessThanOrEqual(RSS_BOUND_MIB);
}

describe.concurrent('a worker terminated at a random moment in the middle of a call', () => {
  for (const kind of CALL_KINDS) {
    it(`${kind}: ${CYCLES} workers terminated mid-call, the process lives on and RSS stays bounded`, async () => {
      const result = await runChild(['terminate', kind, String(CYCLES)]);
      expectCleanExit(result, `terminate ${kind}`);
      const figures = figuresOf(result, 'lifecycle-json: ');
      expect(figures.cycles).toBe(CYCLES);
      expectRssBounded(figures);
    }, CHILD_TIMEOUT_MS);
  }
});

describe.concurrent('process.exit() with calls in flight', () => {
  it(`${CYCLES} workers each call process.exit() mid-call with every async call kind running`, async () => {
    const result = await runChild(['worker-exit', String(CYCLES)]);
    expectCleanExit(result, 'worker-exit');
    const figures = figuresOf(result, 'lifecycle-json: ');
    expect(figures.cycles).toBe(CYCLES);
    expectRssBounded(figures);
  }, CHILD_TIMEOUT_MS);

  it('the main thread calls process.exit() with its own and two workers\' async calls in flight, 16 times', async () => {
    const runs = 16;
    const inFlight: number[] = [];
    for (let batch = 0; batch < runs / 4; batch++) {
      const results = await Promise.all(Array.from({ length: 4 }, () => runChild(['main-exit'])));
      for (const result of results) {
        expectCleanExit(result, 'main-exit');
        inFlight.push(figuresOf(result, 'main-exit-json: ').inFlight);
      }
    }
    expect(inFlight).toHaveLength(runs);
    // Every exit happened with the main thread's calls unfinished.
    for (const count of inFlight) expect(count).toBeGreaterThan(0);
  }, CHILD_TIMEOUT_MS);
});
