// The command line as a user runs it: the compiled CLI in dist/, through node.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { DEMO_MODELS } from '../lib/cli/demo-models';
import { expectClose, expectExact, loadJson, tensorOf } from './support/fixtures';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');

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
