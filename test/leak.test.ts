// The leak check (scripts/leak-check.js, over dist/) at a CI-sized count: every kind of
// forward call, model build and error, a warm-up round, then a measured round whose RSS growth
// must stay within the documented bound. The full-size run (200,000 forward calls) is
// `npm run test:leak` (CI runs it).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const SCRIPT = path.resolve(__dirname, '..', 'scripts', 'leak-check.js');

// Under AddressSanitizer (npm run test:asan) freed memory waits in its quarantine, so RSS says
// nothing about leaks there; LeakSanitizer checks the kernel's own tests instead.
it.skipIf(process.env.VANILLA_RNN_SANITIZED === '1')('8,000 forward calls, 400 model builds and 400 errors keep RSS within the bound', () => {
  const printed = execFileSync(process.execPath, [SCRIPT, '--forwards', '8000'], { encoding: 'utf8', timeout: 120_000 });
  const line = printed.split('\n').find((l) => l.startsWith('leak-check-json: '));
  expect(line, printed).toBeDefined();
  const figures = JSON.parse(line!.slice('leak-check-json: '.length));
  expect(figures.forwards).toBe(8000);
  expect(figures.builds).toBe(400);
  expect(figures.errors).toBe(400);
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  expect(sum(figures.forwardKinds)).toBe(8000);
  expect(sum(figures.buildKinds)).toBe(400);
  expect(sum(figures.errorKinds)).toBe(400);
  expect(figures.forwardKinds.sync).toBeGreaterThan(0);
  expect(figures.forwardKinds.async).toBeGreaterThan(0);
  expect(figures.buildKinds.loadModel).toBeGreaterThan(0);
  expect(figures.errorKinds.native).toBeGreaterThan(0);
  expect(figures.errorKinds.abortedQueued).toBeGreaterThan(0);
  for (const key of ['rssStartMiB', 'rssAfterWarmupMiB', 'rssEndMiB', 'growthMiB']) expect(Number.isFinite(figures[key]), key).toBe(true);
  expect(figures.rssEndMiB).toBeGreaterThan(0);
  expect(figures.boundMiB).toBe(64);
  expect(figures.growthMiB).toBeLessThanOrEqual(figures.boundMiB);
  expect(figures.ok).toBe(true);
  expect(printed).toMatch(/growth -?[\d.]+ MiB, bound 64 MiB -> ok/);
}, 120_000);
