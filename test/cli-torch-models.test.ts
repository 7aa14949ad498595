// `vanilla-rnn run` on the PyTorch model files of test/fixtures/torch-models, through the compiled
// CLI: each within the fixture tolerance of what PyTorch computed, the one stderr line owed when
// the file does not say how its nn.RNN was built, the refusals, and --version.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readNpy } from '../lib/index';
import { expectClose, FIXTURES_DIR } from './support/fixtures';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
vi.setConfig({ testTimeout: 60_000 });
const DIR = path.join(FIXTURES_DIR, 'torch-models');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-cli-torch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let directories = 0;

interface Case { name: string; files: string[]; prefix: string; config: { nonlinearity: string; batchFirst: boolean } }
const manifest = JSON.parse(readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as { cases: Case[]; refusals: Array<{ file: string; mustName: string[] }> };

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function run(model: string, caseName: string, flags: string[]) {
  const outDir = path.join(scratch, `d${directories++}`);
  const result = await cli(['run', path.join(DIR, model), '--input', path.join(DIR, `${caseName}.x.npy`), '--out-dir', outDir, ...flags]);
  const read = (name: string) => readNpy(path.join(outDir, `${name}.npy`));
  return { ...result, read };
}

const warningLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('vanilla-rnn: warning: '));

describe('vanilla-rnn run on PyTorch files', () => {
  for (const c of manifest.cases) {
    for (const model of c.files) {
      const flags = [
        ...(model.endsWith('.meta.safetensors') ? [] : ['--nonlinearity', c.config.nonlinearity, c.config.batchFirst ? '--batch-first' : '--no-batch-first']),
        ...(c.prefix !== '' ? ['--prefix', c.prefix] : []),
      ];
      it(`${model} ${flags.join(' ')}: y and hn within the fixture tolerance, no warning`, async () => {
        const { status, stderr, read } = await run(model, c.name, flags);
        expect(stderr).not.toContain('vanilla-rnn:');
        expect(status).toBe(0);
        for (const output of ['y', 'hn']) {
          const want = readNpy(path.join(DIR, `${c.name}.${output}.npy`));
          const got = read(output);
          expect(got.shape).toEqual(want.shape);
          expectClose(got.data, want.data, `${model} ${output}`);
        }
      });
    }
  }

  it('a file that does not say how its nn.RNN was built: one stderr line naming the assumption and the flags', async () => {
    const { status, stderr } = await run('bare_relu_batchfirst_bidir.safetensors', 'bare_relu_batchfirst_bidir', []);
    expect(status).toBe(0);
    const lines = warningLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vanilla-rnn: warning: .*bare_relu_batchfirst_bidir.safetensors: the file does not say how its nn.RNN was built, so it runs with nonlinearity 'tanh' and batch_first False/);
    expect(lines[0]).toContain('--nonlinearity tanh|relu, --batch-first or --no-batch-first');
    expect(stderr).not.toContain('(node:');
  });

  it('a whole model without --prefix: the line names the RNN found and the modules left out', async () => {
    const { status, stderr } = await run('text_model.pt', 'text_model', ['--nonlinearity', 'tanh', '--batch-first']);
    expect(status).toBe(0);
    expect(warningLines(stderr)).toEqual([expect.stringMatching(/text_model.pt: runs only the nn.RNN under 'rnn.'; the 3 other tensors \(embed.weight, fc.\{weight, bias\}\).* --prefix rnn\./)]);
  });

  for (const { file, mustName } of manifest.refusals) {
    it(`${file} is refused with exit code 1, naming what to do`, async () => {
      const { status, stderr } = await cli(['run', path.join(DIR, file), '--input', path.join(DIR, 'bare_tanh.x.npy'), '--out-dir', path.join(scratch, 'never')]);
      expect(status).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      for (const text of mustName) expect(stderr).toContain(text);
    });
  }

  it('two RNNs without --prefix: exit code 1 naming both and the flag', async () => {
    const { status, stderr } = await run('two_rnns.pt', 'two_rnns', ['--nonlinearity', 'tanh', '--no-batch-first']);
    expect(status).toBe(1);
    expect(stderr).toContain("holds 2 nn.RNN parameter sets, under 'encoder.rnn.', 'decoder.rnn.'; choose one with the prefix option (prefix: 'encoder.rnn.'; on the command line --prefix encoder.rnn.)");
  });
});

describe('vanilla-rnn --version', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { status, stdout, stderr } = await cli([flag]);
      expect([status, stdout, stderr]).toEqual([0, `${version}\n`, '']);
    }
  });
});
