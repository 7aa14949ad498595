// The command line as a user runs it: the compiled CLI in dist/, through node.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { DEMO_MODELS } from '../lib/cli/demo-models';
import { expectClose, expectExact, loadJson, tensorOf } from './support/fixtures';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');

describe('vanilla-rnn demo', () => {
  it('prints the inputs, the exact integer outputs and the time taken', () => {
    const printed = execFileSync(process.execPath, [CLI, 'demo'], { encoding: 'utf8' });
    expect(printed).toContain('sequence 0: input "hel"');
    expect(printed).toContain('output [3, 3] [12, 12] [33, 33]');
    expect(printed).toContain('output [9, 9] [24, 24] [51, 51]');
    expect(printed).toMatch(/median of 1000 calls [\d.]+ µs/);
  });

  it('its hello model is the hello_onehot_timemajor fixture, giving PyTorch\'s output', () => {
    const fixture = loadJson('torch/hello_onehot_timemajor.json');
    const hello = DEMO_MODELS[0];
    expectExact(hello.input.data, tensorOf(fixture.input).data, 'input');
    const rnn = new RNN(hello.options);
    rnn.loadStateDict(Object.fromEntries(Object.entries(hello.weights).map(([k, v]) => [k, Float32Array.from(v)])));
    expectClose(rnn.forward(hello.input).output.data, tensorOf(fixture.output).data, 'output');
  });

  it('its integer model is the integer_relu_batch fixture', () => {
    const fixture = loadJson('torch/integer_relu_batch.json');
    const relu = DEMO_MODELS[1];
    expectExact(relu.input.data, tensorOf(fixture.input).data, 'input');
    expectExact(relu.weights.weight_ih_l0, tensorOf(fixture.weights.weight_ih_l0).data, 'weight_ih_l0');
  });
});

describe('package entry points', () => {
  it('loads with require and with import by package name', () => {
    const cwd = path.resolve(__dirname, '..');
    const viaRequire = execFileSync(process.execPath, ['-e', "console.log(typeof require('vanilla-rnn').RNN)"], { cwd, encoding: 'utf8' });
    const viaImport = execFileSync(process.execPath, ['--input-type=module', '-e', "import { RNN } from 'vanilla-rnn'; console.log(typeof RNN)"], { cwd, encoding: 'utf8' });
    expect(viaRequire.trim()).toBe('function');
    expect(viaImport.trim()).toBe('function');
  });
});

describe('vanilla-rnn run and info', () => {
  it('run of torch_1layer_tanh.onnx on its input .npy writes a y.npy equal to its output .npy', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { readNpy } = await import('../lib/index');
    const { FIXTURES_DIR } = await import('./support/fixtures');
    const models = path.join(FIXTURES_DIR, 'models');
    const outDir = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-run-'));
    const printed = execFileSync(process.execPath, [CLI, 'run', path.join(models, 'torch_1layer_tanh.onnx'),
      '--input', path.join(models, 'torch_1layer_tanh.input.npy'), '--out-dir', outDir], { encoding: 'utf8' });
    expect(printed).toContain('y.npy [6, 3, 8]');
    const got = readNpy(readFileSync(path.join(outDir, 'y.npy')));
    const want = readNpy(path.join(models, 'torch_1layer_tanh.output.npy'));
    expect(got.shape).toEqual(want.shape);
    expectClose(got.data, want.data, 'y.npy');
    const info = execFileSync(process.execPath, [CLI, 'info', path.join(models, 'torch_1layer_tanh.onnx')], { encoding: 'utf8' });
    expect(info).toContain('format: onnx');
    expect(info).toContain('input x: [seq, batch, 4] (batch axis 1)');
    expect(info).toContain('output hn: [1, batch, 8] (batch axis 1)');
  });

  it('exits 1 with a one-line error for a missing file, 2 for a usage error', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { status: e.status, stderr: e.stderr };
      }
    };
    const missing = run(['run', '/nonexistent/model.onnx', '--input', 'x.npy']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(run(['run']).status).toBe(2);
  });
});
