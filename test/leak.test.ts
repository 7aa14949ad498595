// The leak check (scripts/leak-check.js) at a CI-sized count; CI also runs it at full size.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

it('forward calls, model builds and thrown errors keep RSS within the bound', () => {
  const script = path.resolve(__dirname, '..', 'scripts', 'leak-check.js');
  const printed = execFileSync(process.execPath, ['--expose-gc', script, '20000'], { encoding: 'utf8' });
  const match = printed.match(/growth (-?[\d.]+) MiB, bound (\d+) MiB/);
  expect(match, printed).not.toBeNull();
  expect(Number(match![1])).toBeLessThanOrEqual(Number(match![2]));
}, 60_000);
