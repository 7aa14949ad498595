// `vanilla-rnn run` on the models PyTorch users export around nn.RNN (test/fixtures/torch-onnx):
// every file of opsets 11, 14 and 17 in parts of 3 sequences (4 in the batch: a part of 3 and one of 1),
// two of them also whole, each giving PyTorch's outputs from the very .npy files torch wrote (int64
// token ids too). The opset 9 files run through loadModel only (onnx-torch-models.test.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readNpy } from '../lib/index';
import { expectClose } from './support/fixtures';
import { expectedOf, inputFile, TORCH_ONNX_CASES, type TorchOnnxCase } from './support/torch-onnx';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
vi.setConfig({ testTimeout: 60_000 }); // a CLI process loads the addon and the library: seconds on a busy machine
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-cli-torch-onnx-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let directories = 0;

async function run(c: TorchOnnxCase, extra: string[]): Promise<{ stderr: string; outputs: Record<string, ReturnType<typeof readNpy>> }> {
  const outDir = path.join(scratch, `d${directories++}`);
  const inputs = Object.keys(c.model.inputs).flatMap((name) => ['--input', `${name}=${inputFile(c.model, name)}`]);
  const { stderr } = await promisify(execFile)(process.execPath, [CLI, 'run', c.path, ...inputs, '--out-dir', outDir, ...extra], { encoding: 'utf8' });
  return { stderr, outputs: Object.fromEntries(readdirSync(outDir).map((f) => [f.replace(/\.npy$/, ''), readNpy(path.join(outDir, f))])) };
}

function expectPyTorchOutputs(c: TorchOnnxCase, got: Record<string, ReturnType<typeof readNpy>>, what: string): void {
  const want = expectedOf(c.model);
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, tensor] of Object.entries(want)) {
    expect(got[name].shape, `${what} ${name}`).toEqual(tensor.shape);
    expectClose(got[name].data, tensor.data, `${what} ${name}`);
  }
}

describe('vanilla-rnn run on torch.onnx.export models', () => {
  const cases = TORCH_ONNX_CASES.filter((c) => c.opset >= 11);
  it.concurrent.each(cases.map((c) => [c.file, c] as const))('%s --batch-size 3', async (_, c) => {
    const { stderr, outputs } = await run(c, ['--batch-size', '3']);
    expectPyTorchOutputs(c, outputs, `${c.file} --batch-size 3`);
    expect(stderr).toMatch(/^throughput: 4 sequences in 2 runs of up to 3, /);
  });

  const whole = cases.filter((c) => c.file === 'char_rnn.opset14.onnx' || c.file === 'stateful_tagger.opset17.onnx');
  it.concurrent.each(whole.map((c) => [c.file, c] as const))('%s whole', async (_, c) => {
    const { stderr, outputs } = await run(c, []);
    expectPyTorchOutputs(c, outputs, c.file);
    expect(stderr).toMatch(/^throughput: 4 sequences in 1 run, /);
  });
});
